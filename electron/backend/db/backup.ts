// A copy of the open workbook through SQLite's online backup API (db.backup()),
// safe while the app, or anyone else, keeps the workbook open and writing: the
// copy is one consistent state of the file, never a byte copy of a file in
// flux. Written under a temporary name, checked, then renamed into place.
import { renameSync, rmSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import Database from 'better-sqlite3';
import { sqliteAddon } from './sqlite-addon';
import { chainHead, type ChainHead } from '../audit/chain';
import { BACKUP_CHAIN_HEAD_KEY, chainHeadToken } from '../audit/chain-head';
import type { Db } from './open';
import { WorkbenchError } from '../errors';
import { clearStagedImport, readImportRecords } from '../imports/commit/in-progress';
import { createPrivateFile } from './private-files';
import { assertExportTarget, isUnwritable, partialPathFor } from '../exports/target';

export interface BackupOutcome {
  path: string;
  bytes: number;
  schemaVersion: number;
  /** The newest audit entry in the copy, also recorded in the copy itself: `fwb check --against` the backup shows a chain rewritten since. */
  chainHead: ChainHead | null;
  /** Times the copy started over because another connection wrote to the workbook meanwhile. */
  restarts: number;
}

export interface BackupOptions {
  /** Replace an existing file at the target (the save dialog asked already). Default: refuse. */
  overwrite?: boolean;
  onProgress?: (p: { pagesDone: number; pagesTotal: number }) => void;
  /** Pages per step of the copy while nobody else writes (tests use few, to write between steps). */
  pagesPerStep?: number;
}

/** Pages copied per step while nobody else writes (4 MB with 4 KB pages). */
const PAGES_PER_STEP = 1024;

export async function backupWorkbook(db: Db, outPath: string, options: BackupOptions = {}): Promise<BackupOutcome> {
  // Never the workbook, its -wal/-shm or the backups beside it; another file only when asked.
  const path = assertExportTarget(outPath, { workbookPath: db.name, overwrite: options.overwrite });
  const partial = partialPathFor(path);
  let restarts = 0;
  let lastRemaining = Infinity;
  try {
    // The copy is private from its first page: SQLite fills the file made here.
    createPrivateFile(partial);
    await db.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        options.onProgress?.({ pagesDone: totalPages - remainingPages, pagesTotal: totalPages });
        // A write by another connection between steps makes SQLite start the copy
        // again (the pages left stop going down). After one restart, copy the rest in
        // a single step: one read transaction, a consistent snapshot that writers in
        // WAL mode cannot disturb, so a busy workbook cannot keep the backup going forever.
        if (remainingPages >= lastRemaining) restarts++;
        lastRemaining = remainingPages;
        return restarts > 0 ? Math.max(totalPages, 1) : (options.pagesPerStep ?? PAGES_PER_STEP);
      },
    });
    const { schemaVersion, chainHead } = assertSoundCopy(partial, path);
    renameSync(partial, path);
    return { path, bytes: statSync(path).size, schemaVersion, chainHead, restarts };
  } catch (err) {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${partial}${suffix}`, { force: true });
    if (err instanceof WorkbenchError) throw err;
    if (isUnwritable(err)) throw new WorkbenchError('INPUT_REJECTED', `Cannot write ${path}: ${(err as Error).message}`);
    throw err;
  }
}

/**
 * A backup that does not open, or fails SQLite's quick check, is no backup:
 * refuse to hand it over. The copy is also switched to a rollback journal, so
 * it is one self-contained file that opening it read-only leaves no -wal or
 * -shm beside (the app switches a restored workbook back to WAL when it opens it).
 */
function assertSoundCopy(partial: string, path: string): { schemaVersion: number; chainHead: ChainHead | null } {
  const copy = new Database(partial, { fileMustExist: true, nativeBinding: sqliteAddon() });
  try {
    copy.pragma('journal_mode = DELETE');
    const check = copy.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok') throw new WorkbenchError('INTERNAL', `The backup copy of ${basename(path)} failed SQLite's quick check (${check}); nothing was written.`);
    const schemaVersion = copy.pragma('user_version', { simple: true }) as number;
    // An import under way while the copy was taken had staged rows nobody sees: the copy is better without them.
    for (const r of readImportRecords(copy)) clearStagedImport(copy, r);
    const head = schemaVersion > 0 ? recordChainHead(copy) : null;
    return { schemaVersion, chainHead: head };
  } finally {
    copy.close();
  }
}

/** The copy's chain head, written into the copy too: what it was taken at stays with it, wherever it is kept. */
function recordChainHead(copy: Db): ChainHead | null {
  const head = chainHead(copy);
  copy.prepare('INSERT OR REPLACE INTO workbook_meta (key, value) VALUES (?, ?)').run(BACKUP_CHAIN_HEAD_KEY, chainHeadToken(head));
  return head;
}
