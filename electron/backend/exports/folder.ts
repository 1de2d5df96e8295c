// The workbook's exports folder: where the app writes exports it was asked for
// without a path (the page can never name a path on disk), and the only folder
// the browser host serves finished exports from. No SQLite here, so the web
// host can use it.
import { constants, lstatSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** `<folder of the workbook>/exports`. */
export function exportsDirFor(workbookPath: string): string {
  return join(dirname(workbookPath), 'exports');
}

/** The exports folder, made if missing: private to its owner (0700 on POSIX), as the plan it holds is. */
export function ensureExportsDir(workbookPath: string): string {
  const dir = exportsDirFor(workbookPath);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Anything at `path`, a dangling symbolic link included (existsSync follows links). */
export function entryExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** An export's file name as the app makes them: no folders, no dot files, csv, xlsx or html. */
export const EXPORT_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._()-]{0,199}\.(csv|xlsx|html)$/;

/**
 * The path of a finished export in `dir`, or null for any name the app would not
 * have made. A symbolic link is never followed: the app writes regular files, so a
 * link there was put by someone else, to hand out what it points at.
 */
export function exportFileIn(dir: string, fileName: string): string | null {
  if (!EXPORT_FILE_NAME.test(fileName) || fileName.includes('..') || basename(fileName) !== fileName) return null;
  const path = join(dir, fileName);
  try {
    return lstatSync(path).isFile() ? path : null;
  } catch {
    return null;
  }
}

/** Open flags for reading a finished export: a link swapped in after the check is not followed either (POSIX). */
export const READ_NO_FOLLOW: number = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/** "Demand Plan.sqlite" → "Demand Plan": the workbook's name as a file-name prefix. */
export function workbookStem(workbookPath: string): string {
  const stem = basename(workbookPath).replace(/\.sqlite$/i, '').replace(/[^A-Za-z0-9 ._()-]/g, '_').replace(/^[^A-Za-z0-9]+/, '');
  return stem.slice(0, 80) || 'workbook';
}
