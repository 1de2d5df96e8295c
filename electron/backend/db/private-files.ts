// Files and folders that hold the plan are private to the person who runs the
// app (issue 12.10): files 0600, folders 0700 on POSIX, set when they are made,
// whatever the umask. (Windows keeps the user's profile ACLs; modes are no-ops.)
import { chmodSync, closeSync, lstatSync, mkdirSync, openSync } from 'node:fs';
import { WorkbenchError } from '../errors';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Creates `path` empty and private, failing if anything is there already: for
 * writers that fill an existing file (SQLite creates its -wal and -shm with the
 * mode of the database file, so they follow).
 */
export function createPrivateFile(path: string): void {
  closeSync(openSync(path, 'wx', PRIVATE_FILE_MODE));
}

/** Makes a finished file private (a writer that creates its own file, or a copy that kept its source's mode). */
export function makePrivate(path: string): void {
  if (process.platform !== 'win32') chmodSync(path, PRIVATE_FILE_MODE);
}

/**
 * A folder of ours that nobody else can read or write: made 0700 if missing; an
 * existing one must be a real folder (not a link) owned by this user, and is
 * narrowed to 0700. Anything else is refused: another user may have made it
 * first, to read or swap what is put in it.
 */
export function ensurePrivateDir(dir: string, what = 'folder'): string {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (process.platform === 'win32') return dir;
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) {
    throw new WorkbenchError(
      'FORBIDDEN',
      `The ${what} ${dir} is ${st.isSymbolicLink() ? 'a link' : st.isDirectory() ? 'owned by another user' : 'not a folder'}; it was not used. Remove it, or ask whoever made it, and try again.`,
    );
  }
  if ((st.mode & 0o077) !== 0) chmodSync(dir, PRIVATE_DIR_MODE);
  return dir;
}
