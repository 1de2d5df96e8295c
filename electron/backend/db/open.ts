// Opens a workbook: refuses files it must not touch, takes a backup before
// migrating an existing file, applies numbered migrations, sets the pragmas.
import type { ReadableDb } from './handles';
import Database from 'better-sqlite3';
import { existsSync, rmSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { isAddonLoadError, WorkbenchError } from '../errors';
import { createPrivateFile } from './private-files';
import { clearAbandonedImports } from '../imports/commit/in-progress';
import { busyError, isBusyError } from './busy';
import { assertNotDamaged, damagedWorkbookError, isDamageError } from './damage';
import { CheckedSession } from './check-memory';
import { BUSY_TIMEOUT_MS, immediateTransactions } from './write-lock';
import { MIGRATIONS } from './migrations/index';
import { sqliteAddon } from './sqlite-addon';
import { awaitCheckpointThread } from './checkpoint-thread';
import { readMeta } from './meta';
import type { Grain } from '../../../shared/period';

export type Db = Database.Database;

export interface OpenOptions {
  /** Grain of a new workbook; an existing one keeps its own. */
  grain?: Grain;
  /** Clock for created_at and backup names, so tests and the demo are deterministic. */
  now?: () => Date;
  readonly?: boolean;
  /** Only for tests of the migration path: a different migration list. */
  migrations?: readonly string[];
}

export interface OpenedWorkbook {
  db: Db;
  path: string;
  /** Backup taken before migrating, if one was needed. */
  backupPath: string | null;
  migratedFrom: number;
  /** Closes the connection; a write session closed this way is remembered as sound (db/check-memory.ts), so the next open need not check it. */
  close(): void;
}

/** A read-only connection to an existing file, refused in a sentence when SQLite cannot open it. */
function openReadOnlyConnection(path: string): Db {
  try {
    return new Database(path, { readonly: true, fileMustExist: true, nativeBinding: sqliteAddon() });
  } catch (err) {
    // The SQLite engine itself would not load: no fault of the file's, and errors.ts words it.
    if (isAddonLoadError(err)) throw err;
    throw new WorkbenchError('NOT_A_WORKBOOK', `${basename(path)} cannot be opened: ${(err as Error).message}`, { file: path });
  }
}

/** The schema version of the workbook `db` is open on, refusing a file that is no workbook of ours; reads only. */
function schemaVersionOf(db: Db, path: string): number {
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version < 0) {
      // No version of the app writes one; a migration from it would start at index -1.
      throw new WorkbenchError('NOT_A_WORKBOOK', `${basename(path)} has schema version ${version}, which no Forecast Workbench writes; it was not opened or changed.`, { file: path });
    }
    if (version === 0) {
      const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
      if (tables.n > 0) {
        throw new WorkbenchError('NOT_A_WORKBOOK', `${basename(path)} is an SQLite file but not a Forecast Workbench workbook.`, { file: path });
      }
    }
    return version;
  } catch (err) {
    if (err instanceof WorkbenchError) throw err;
    if (isDamageError(err)) throw damagedWorkbookError(path, (err as Error).message);
    // SQLITE_NOTADB surfaces on the first read, not on open.
    throw new WorkbenchError('NOT_A_WORKBOOK', `${basename(path)} is not a Forecast Workbench workbook (${(err as Error).message}).`, { file: path });
  }
}

/** Reads the schema version without writing a byte (no WAL switch, no journal). */
function inspectExisting(path: string): number {
  const probe = openReadOnlyConnection(path);
  try {
    return schemaVersionOf(probe, path);
  } finally {
    probe.close();
  }
}

function tooNewError(path: string, version: number, latest: number): WorkbenchError {
  return new WorkbenchError(
    'WORKBOOK_TOO_NEW',
    `${basename(path)} was written by a newer Forecast Workbench (schema ${version}; this version knows up to ${latest}). It was not opened or changed: update the app to open it.`,
    { file: path },
  );
}

/**
 * A read-only look: one connection, which checks the version itself (a separate
 * probe would open the file twice, on every fwb accuracy call among others).
 */
function openReadOnlyWorkbook(path: string, latest: number): OpenedWorkbook {
  if (!(existsSync(path) && statSync(path).size > 0)) throw new WorkbenchError('NOT_FOUND', `No workbook at ${path}.`, { file: path });
  const db = openReadOnlyConnection(path);
  try {
    const version = schemaVersionOf(db, path);
    if (version > latest) throw tooNewError(path, version, latest);
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    return { db, path, backupPath: null, migratedFrom: version, close: () => db.close() };
  } catch (err) {
    db.close();
    throw err;
  }
}

export function backupPathFor(path: string, fromVersion: number, at: Date): string {
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  return `${path}.v${fromVersion}-${stamp}.bak`;
}

export async function openWorkbook(path: string, options: OpenOptions = {}): Promise<OpenedWorkbook> {
  const now = options.now ?? (() => new Date());
  const migrations = options.migrations ?? MIGRATIONS;
  const latest = migrations.length;
  if (options.readonly) return openReadOnlyWorkbook(path, latest);
  const exists = existsSync(path) && statSync(path).size > 0;
  // Before anything of ours touches the file (the probe below, any pragma): the file as it was.
  const session = new CheckedSession(path);
  const version = exists ? inspectExisting(path) : 0;
  if (version > latest) throw tooNewError(path, version, latest);

  // A new workbook is private from its first byte; SQLite gives its -wal and -shm the same mode.
  const creating = !existsSync(path);
  if (creating) {
    try {
      createPrivateFile(path);
    } catch (err) {
      throw new WorkbenchError('INPUT_REJECTED', `Cannot create the workbook ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'its folder does not exist' : (err as Error).message}.`, { file: path });
    }
  }
  if (!exists) session.created();
  let db: Database.Database;
  try {
    db = new Database(path, { nativeBinding: sqliteAddon() });
  } catch (err) {
    // Not even opened (the SQLite engine would not load): the empty file made above goes, so a second try finds no
    // stray file; an empty file that was there before is left.
    if (creating) rmSync(path, { force: true });
    throw err;
  }
  try {
    // Before the first write (even the switch to WAL): a damaged file is left exactly as it is.
    // Skipped only for a file whose identity is still that of the file we last left sound (db/check-memory.ts).
    if (exists && !session.maySkipCheck()) {
      assertNotDamaged(db, path);
      session.checkPassed();
    }
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    immediateTransactions(db);

    let backupPath: string | null = null;
    if (exists && version > 0 && version < latest) {
      backupPath = backupPathFor(path, version, now());
      createPrivateFile(backupPath);
      await db.backup(backupPath);
    }
    applyMigrations(db, migrations, version);
    if (version === 0) initialiseMeta(db, path, options.grain ?? 'month', now());
    // An import that crashed halfway left rows nobody sees: they go now (imports/commit/in-progress.ts), or next time when the workbook is busy.
    try {
      clearAbandonedImports(db);
    } catch (err) {
      if (!isBusyError(err)) throw err;
    }
    const close = () => {
      if (!db.open) return;
      awaitCheckpointThread(db);
      db.close(); // as the last connection, SQLite checkpoints and removes the -wal: the file is whole
      session.closedCleanly();
    };
    return { db, path, backupPath, migratedFrom: version, close };
  } catch (err) {
    const out = isBusyError(err) ? busyError(db) : err;
    db.close();
    throw out;
  }
}

export { BUSY_TIMEOUT_MS } from './write-lock';

function applyMigrations(db: Db, migrations: readonly string[], from: number): void {
  for (let v = from; v < migrations.length; v++) {
    // Each migration and its version bump commit together or not at all.
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

function initialiseMeta(db: Db, path: string, grain: Grain, at: Date): void {
  const put = db.prepare('INSERT OR REPLACE INTO workbook_meta (key, value) VALUES (?, ?)');
  db.transaction(() => {
    put.run('name', basename(path).replace(/\.sqlite$/i, ''));
    put.run('grain', grain);
    put.run('created_at', at.toISOString());
  })();
}

export { readMeta };

export function workbookGrain(db: ReadableDb): Grain {
  return (readMeta(db, 'grain') as Grain | null) ?? 'month';
}
