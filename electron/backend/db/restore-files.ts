// The file moves of a restore, with no SQLite in them, so the desktop shell can
// do them itself while the workbook is closed: copy the backup next to the
// workbook (where a rename is atomic), and once that copy has been checked,
// put the current file aside (with its -wal and -shm, so the set stays whole)
// and rename the copy into its place. Nothing is deleted.
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { makePrivate } from './private-files';

const SIDE_FILES = ['-wal', '-shm'] as const;

/** "2026-10-31T18-00-00-000Z": the workbook's backup-name style (db/open.ts backupPathFor). */
export function restoreStamp(at: Date): string {
  return at.toISOString().replace(/[:.]/g, '-');
}

export function asidePathFor(workbookPath: string, stamp: string): string {
  return `${workbookPath}.before-restore-${stamp}`;
}

/** Copies the backup beside the workbook; returns the copy's path. The caller checks it, then swaps or discards it. */
export function stageRestoreCopy(workbookPath: string, backupPath: string, stamp: string): string {
  const staged = `${workbookPath}.restoring-${stamp}`;
  copyFileSync(backupPath, staged);
  // The copy becomes the workbook: private, whatever mode the backup had.
  makePrivate(staged);
  return staged;
}

export function discardRestoreCopy(staged: string): void {
  for (const suffix of ['', ...SIDE_FILES]) rmSync(`${staged}${suffix}`, { force: true });
}

/**
 * True when the workbook still has a -wal or -shm file although this process
 * has closed it: SQLite removes them when the last connection closes, so
 * another program (another window, a running `fwb`) has the workbook open.
 */
export function workbookStillOpen(workbookPath: string): boolean {
  return SIDE_FILES.some((suffix) => existsSync(`${workbookPath}${suffix}`));
}

/** Moves a workbook to another name with its -wal and -shm, so the set stays whole. */
export function moveWorkbookFiles(from: string, to: string): void {
  renameSync(from, to);
  for (const suffix of SIDE_FILES) if (existsSync(`${from}${suffix}`)) renameSync(`${from}${suffix}`, `${to}${suffix}`);
}

/** Puts the current workbook aside and the checked copy in its place; returns where the old file went (null if there was none). */
export function swapInRestoredCopy(workbookPath: string, staged: string, stamp: string): string | null {
  let aside: string | null = null;
  if (existsSync(workbookPath)) {
    aside = asidePathFor(workbookPath, stamp);
    moveWorkbookFiles(workbookPath, aside);
  }
  renameSync(staged, workbookPath);
  return aside;
}
