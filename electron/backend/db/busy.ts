// A workbook another program holds for longer than the busy timeout (open.ts):
// one typed error, WORKBOOK_BUSY, whose sentence names what holds it where the
// workbook can tell (an import under way records itself: imports/commit/in-progress.ts)
// and says to try again. Every way in turns SQLite's "database is locked" into it.
import Database from 'better-sqlite3';
import { sqliteAddon } from './sqlite-addon';
import { BUSY_SENTENCE, isSqliteBusy, WorkbenchError } from '../errors';
import { othersImporting, startedBy, type ImportRecord } from '../imports/commit/in-progress';
import type { Db } from './open';

export function isBusyError(err: unknown): boolean {
  return err instanceof WorkbenchError ? err.code === 'WORKBOOK_BUSY' : isSqliteBusy(err);
}

export function busyMessage(importing: ImportRecord[], now = new Date()): string {
  const first = importing[0];
  if (!first) return BUSY_SENTENCE;
  const more = importing.length > 1 ? ` (and ${importing.length - 1} more import${importing.length > 2 ? 's' : ''})` : '';
  return `The workbook is busy with the import of ${first.fileName} (batch ${first.batchId}), ${startedBy(first, now)}${more}; try again in a moment.`;
}

/** The busy error for a workbook open on `db`: readers are never blocked (WAL), so the records can be read while another program writes. */
export function busyError(db: Db): WorkbenchError {
  let importing: ImportRecord[] = [];
  try {
    importing = othersImporting(db);
  } catch {
    // Not even readable just now: the plain sentence.
  }
  return new WorkbenchError('WORKBOOK_BUSY', busyMessage(importing));
}

/** The same for a workbook not open here (the command line, after a command failed). */
export function busyErrorAt(path: string): WorkbenchError {
  let db: Db | null = null;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, nativeBinding: sqliteAddon() });
    db.pragma('busy_timeout = 1000');
    return busyError(db);
  } catch {
    return new WorkbenchError('WORKBOOK_BUSY', busyMessage([]));
  } finally {
    db?.close();
  }
}

/** `err` as a WorkbenchError a person can read when it is SQLite's busy error; otherwise `err` itself. */
export function asBusyError(err: unknown, db: Db): unknown {
  return isBusyError(err) && !(err instanceof WorkbenchError) ? busyError(db) : err;
}
