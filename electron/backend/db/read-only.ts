// A read-only look at a workbook (fwb check, backup, export) that leaves the
// folder as it found it. A read-only SQLite connection to a WAL-mode file makes
// the -wal and -shm files it needs and cannot remove them when it closes, so
// every `fwb check` used to leave two stray files beside the workbook.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { openWorkbook, type Db } from './open';
import { sqliteAddon } from './sqlite-addon';

const SIDE_FILES = ['-wal', '-shm'] as const;

export interface ReadOnlyWorkbook {
  db: Db;
  /** Closes the workbook and removes the -wal and -shm this look made (never ones that were there before). */
  close(): void;
}

const hasSideFiles = (path: string) => SIDE_FILES.some((s) => existsSync(`${path}${s}`));

/**
 * Removes the -wal and -shm a read-only connection left: a read-write connection
 * that only reads lets SQLite remove them itself on close when it is the last
 * one (the WAL is empty, so checkpointing it changes no byte of the workbook),
 * and leaves them alone when another program has the workbook open.
 */
function removeSideFilesLeftBy(path: string): void {
  if (!hasSideFiles(path)) return;
  try {
    const db = new Database(path, { fileMustExist: true, nativeBinding: sqliteAddon() });
    try {
      // A read of the header is enough to take part in the WAL; a statement on sqlite_master would parse the whole schema first.
      db.pragma('user_version');
    } finally {
      db.close();
    }
  } catch {
    // Not openable for writing (a read-only folder, a file that is no database): nothing of ours to tidy.
  }
}

export async function openReadOnly(path: string): Promise<ReadOnlyWorkbook> {
  const hadSideFiles = hasSideFiles(path);
  const tidy = () => {
    if (!hadSideFiles) removeSideFilesLeftBy(path);
  };
  let db: Db;
  try {
    ({ db } = await openWorkbook(path, { readonly: true }));
  } catch (err) {
    tidy();
    throw err;
  }
  return {
    db,
    close: () => {
      if (db.open) db.close();
      tidy();
    },
  };
}
