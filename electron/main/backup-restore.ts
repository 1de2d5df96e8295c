// File › Back Up Workbook… and File › Restore from Backup…: the dialogs and the
// order of steps. The work is the backend's (an online backup, the check of a
// restore copy) through host-only calls; the shell only moves files while the
// workbook is closed (backend/db/restore-files.ts, no SQLite).
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { BaseWindow, Dialog, OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { Result } from '../../shared/domain';
import { discardRestoreCopy, restoreStamp, stageRestoreCopy, swapInRestoredCopy, workbookStillOpen } from '../backend/host-entry';
import { WORKBOOK_FILTERS } from './menu';
import { workbookName, type OpenOptions } from './workbook';

interface HostCalls {
  hostCall?(method: string, payload: unknown): Promise<Result<unknown>>;
}

export interface BackupRestoreDeps {
  dialog: Pick<Dialog, 'showSaveDialog' | 'showOpenDialog' | 'showMessageBox' | 'showErrorBox'>;
  window(): BaseWindow | null;
  workbook: {
    readonly path: string | null;
    backend(): Promise<HostCalls | null>;
    close(): Promise<void>;
    open(path: string, options: OpenOptions): Promise<void>;
  };
  /** Shows the (re)opened workbook: a fresh page. */
  showWorkbook(): void;
  now?: () => Date;
}

const BACKUP_FILTERS = [...WORKBOOK_FILTERS, { name: 'All files', extensions: ['*'] }];

async function saveDialog(deps: BackupRestoreDeps, options: SaveDialogOptions) {
  const parent = deps.window();
  return parent ? deps.dialog.showSaveDialog(parent, options) : deps.dialog.showSaveDialog(options);
}
async function openDialog(deps: BackupRestoreDeps, options: OpenDialogOptions) {
  const parent = deps.window();
  return parent ? deps.dialog.showOpenDialog(parent, options) : deps.dialog.showOpenDialog(options);
}
async function tell(deps: BackupRestoreDeps, message: string, detail: string): Promise<void> {
  await deps.dialog.showMessageBox({ type: 'info', title: 'Forecast Workbench', message, detail, buttons: ['OK'] });
}

async function hostCall(deps: BackupRestoreDeps, method: string, payload: unknown): Promise<Result<unknown>> {
  const backend = await deps.workbook.backend();
  if (!backend?.hostCall) return { ok: false, error: { code: 'BACKEND_UNAVAILABLE', message: 'No workbook is open.' } };
  return backend.hostCall(method, payload);
}

/** Asks where, then backs the open workbook up there; returns the backup's path, or null. */
export async function backupFromMenu(deps: BackupRestoreDeps): Promise<string | null> {
  const current = deps.workbook.path;
  if (!current) {
    deps.dialog.showErrorBox('Nothing to back up', 'No workbook is open.');
    return null;
  }
  const day = (deps.now ?? (() => new Date()))().toISOString().slice(0, 10);
  const chosen = await saveDialog(deps, {
    title: 'Back Up Workbook',
    buttonLabel: 'Back Up',
    defaultPath: join(dirname(current), `${workbookName(current)} backup ${day}.sqlite`),
    filters: WORKBOOK_FILTERS,
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  });
  if (chosen.canceled || !chosen.filePath) return null;
  const outPath = extname(chosen.filePath) ? chosen.filePath : `${chosen.filePath}.sqlite`;
  // The save dialog has asked before replacing a file.
  const result = await hostCall(deps, 'backupWorkbook', { outPath, overwrite: true });
  if (!result.ok) {
    deps.dialog.showErrorBox('The backup was not made', result.error.message);
    return null;
  }
  await tell(deps, 'Workbook backed up', `${basename(current)} was copied to\n${outPath}\nwhile it stayed open. Restore it with File › Restore from Backup…`);
  return outPath;
}

/**
 * Asks for a backup and confirmation; copies it beside the workbook, has the
 * backend check that copy, closes the workbook, puts the current file aside,
 * swaps the copy in and reopens. Returns where the old file went, or null.
 */
export async function restoreFromMenu(deps: BackupRestoreDeps): Promise<string | null> {
  const current = deps.workbook.path;
  if (!current) {
    deps.dialog.showErrorBox('Nothing to restore into', 'No workbook is open.');
    return null;
  }
  const picked = await openDialog(deps, { title: 'Restore from Backup', defaultPath: dirname(current), filters: BACKUP_FILTERS, properties: ['openFile'] });
  const backupPath = picked.canceled ? null : (picked.filePaths[0] ?? null);
  if (!backupPath) return null;
  const failed = (message: string) => {
    deps.dialog.showErrorBox(`Cannot restore from ${basename(backupPath)}`, message);
    return null;
  };
  if (resolve(backupPath) === resolve(current)) return failed('That is the open workbook itself; choose a backup file.');
  const { response } = await deps.dialog.showMessageBox({
    type: 'warning',
    title: 'Restore from Backup',
    message: `Replace ${workbookName(current)} with the backup ${basename(backupPath)}?`,
    detail: 'Everything done since the backup was taken is not in it. The workbook as it is now is kept beside it as a file ending in ".before-restore-<time>", so nothing is lost.',
    buttons: ['Restore', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
  });
  if (response !== 0) return null;

  const stamp = restoreStamp((deps.now ?? (() => new Date()))());
  let staged: string;
  try {
    staged = stageRestoreCopy(current, backupPath, stamp);
  } catch (err) {
    return failed(`It could not be copied next to the workbook: ${(err as Error).message}`);
  }
  const verdict = await hostCall(deps, 'verifyRestoreCopy', { path: staged, displayName: basename(backupPath) });
  if (!verdict.ok) {
    discardRestoreCopy(staged);
    return failed(`${verdict.error.message}\n\nThe open workbook was not changed.`);
  }

  await deps.workbook.close();
  let aside: string | null = null;
  let problem: string | null = null;
  if (workbookStillOpen(current)) problem = `${basename(current)} is open in another program (another window or fwb). Close it there and try again; the workbook was not changed.`;
  else {
    try {
      aside = swapInRestoredCopy(current, staged, stamp);
    } catch (err) {
      problem = `The files could not be swapped (${(err as Error).message}); the workbook was not changed.`;
    }
  }
  if (problem) discardRestoreCopy(staged);
  try {
    await deps.workbook.open(current, { seedDemoIfEmpty: false });
  } catch (err) {
    deps.dialog.showErrorBox(`Cannot open ${basename(current)}`, `${(err as Error).message}${aside ? `\n\nThe workbook as it was is kept as ${aside}.` : ''}`);
    return aside;
  }
  deps.showWorkbook();
  if (problem) return failed(problem);
  await tell(deps, 'Workbook restored', `${basename(current)} now holds the backup ${basename(backupPath)}.${aside ? `\nThe workbook as it was is kept as\n${aside}` : ''}`);
  return aside;
}
