// Restoring a workbook from a backup (SPEC §8): the backup must open as a
// workbook this version can read and pass the same check as `fwb check`
// (integrity, foreign keys, the audit chain, the journal against its audit
// entries); only then is the current file put aside, never deleted, and the
// backup's copy renamed into its place.
import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { sqliteAddon } from './sqlite-addon';
import { checkWorkbook, type CheckReport } from '../audit/check';
import { compareChainHeads } from '../audit/against';
import { chainHead, type ChainHead } from '../audit/chain';
import { BACKUP_CHAIN_HEAD_KEY, parseChainHeadToken } from '../audit/chain-head';
import { isDamageError } from './damage';
import { openWorkbook, type Db } from './open';
import { openReadOnly } from './read-only';
import { WorkbenchError } from '../errors';
import { discardRestoreCopy, restoreStamp, stageRestoreCopy, swapInRestoredCopy, workbookStillOpen } from './restore-files';

export interface BackupVerdict {
  schemaVersion: number;
  auditEntries: number;
  journalRowsChecked: number;
}

export interface RestoreOutcome extends BackupVerdict {
  path: string;
  restoredFrom: string;
  /** Where the workbook as it was before the restore now is (null: there was none). */
  keptAside: string | null;
  /** The backup's audit chain head (what it recorded, or its newest entry). */
  chainHead: ChainHead | null;
  /**
   * Whether the workbook it replaced still held that head: 'continues' (it only
   * went on after the backup), 'rewritten' or 'truncated' (its chain was changed
   * after the backup was taken), 'unknown' (it could not be read), null (there was none).
   */
  replacedChain: 'continues' | 'rewritten' | 'truncated' | 'unknown' | null;
}

/**
 * Checks a restore copy (a copy of the backup that this process made, beside
 * the workbook) as `fwb check` would; throws, naming the backup as
 * `displayName`, when it is not a sound workbook this version can open.
 * The copy is first switched to a rollback journal: a read-only look at a
 * WAL-mode file would leave -wal and -shm files behind.
 */
export async function verifyRestoreCopy(copyPath: string, displayName = basename(copyPath)): Promise<BackupVerdict & { chainHead: ChainHead | null }> {
  if (!existsSync(copyPath) || !statSync(copyPath).isFile()) throw new WorkbenchError('INPUT_REJECTED', `There is no backup file at ${copyPath}.`);
  try {
    const copy = new Database(copyPath, { fileMustExist: true, nativeBinding: sqliteAddon() });
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
  } catch (err) {
    if (isDamageError(err)) throw damagedBackup(displayName, (err as Error).message);
    throw new WorkbenchError('NOT_A_WORKBOOK', `${displayName} is not a Forecast Workbench workbook (${(err as Error).message}).`);
  }
  let opened;
  try {
    opened = await openWorkbook(copyPath, { readonly: true });
  } catch (err) {
    if (err instanceof WorkbenchError) throw new WorkbenchError(err.code === 'NOT_FOUND' ? 'NOT_A_WORKBOOK' : err.code, err.message.replaceAll(basename(copyPath), displayName));
    throw err;
  }
  const { db } = opened;
  let report: CheckReport;
  let schemaVersion: number;
  let head: ChainHead | null = null;
  try {
    schemaVersion = db.pragma('user_version', { simple: true }) as number;
    if (schemaVersion === 0) throw new WorkbenchError('NOT_A_WORKBOOK', `${displayName} is an empty SQLite file, not a Forecast Workbench workbook.`);
    report = checkWorkbook(db);
    if (!report.damaged) head = recordedChainHead(db);
  } finally {
    db.close();
  }
  if (report.damaged) throw damagedBackup(displayName, report.integrity.slice(0, 3).join('; '));
  if (!report.ok) {
    throw new WorkbenchError('INPUT_REJECTED', `${displayName} fails the workbook check, so it was not restored: ${report.firstProblem!.message}`);
  }
  return { schemaVersion, auditEntries: report.auditEntries, journalRowsChecked: report.journalRowsChecked, chainHead: head };
}

/** The head a backup recorded when it was taken (backup.ts), or its newest entry for a copy made otherwise. */
function recordedChainHead(db: Db): ChainHead | null {
  const recorded = db.prepare('SELECT value FROM workbook_meta WHERE key = ?').pluck().get(BACKUP_CHAIN_HEAD_KEY) as string | undefined;
  return (recorded && parseChainHeadToken(recorded)) || chainHead(db);
}

/** Did the workbook about to be put aside still hold the backup's head? Read-only; a workbook that cannot be read is 'unknown'. */
async function replacedChain(workbookPath: string, head: ChainHead | null): Promise<RestoreOutcome['replacedChain']> {
  if (!existsSync(workbookPath)) return null;
  if (head === null) return 'continues';
  try {
    const { db, close } = await openReadOnly(workbookPath);
    try {
      return compareChainHeads(db, { file: workbookPath, ...head }).verdict;
    } finally {
      close();
    }
  } catch {
    return 'unknown';
  }
}

/** A damaged backup is a failure to report (exit 1), not bad input: the file was meant to be the way back. */
const damagedBackup = (displayName: string, detail: string) =>
  new WorkbenchError('WORKBOOK_DAMAGED', `${displayName} is damaged (SQLite's integrity check: ${detail}), so it was not restored and the workbook was left as it was. Choose another backup.`);

/** Checkpoints and closes the workbook from this process; afterwards a -wal or -shm means someone else has it open. */
function assertNotInUse(workbookPath: string): void {
  if (existsSync(workbookPath)) {
    try {
      const db = new Database(workbookPath, { fileMustExist: true, nativeBinding: sqliteAddon() });
      try {
        db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        db.close();
      }
    } catch (err) {
      // A damaged workbook (the usual reason to restore) may not even open: that must not stop the restore.
      if ((err as { code?: string }).code === 'SQLITE_BUSY') throw inUse(workbookPath);
    }
  }
  if (workbookStillOpen(workbookPath)) throw inUse(workbookPath);
}

const inUse = (path: string) =>
  new WorkbenchError('INPUT_REJECTED', `${path} is open in another program (Forecast Workbench or fwb): close it there first, or restore from the app's File menu.`);

/** `fwb restore`: check the backup, keep the current workbook aside, put the backup in its place. */
export async function restoreWorkbook(currentPath: string, backupPath: string, options: { now?: () => Date } = {}): Promise<RestoreOutcome> {
  const path = resolve(currentPath);
  const from = resolve(backupPath);
  if (path === from) throw new WorkbenchError('INPUT_REJECTED', `${from} is the workbook itself; restore from a backup file.`);
  if (!existsSync(from) || !statSync(from).isFile()) throw new WorkbenchError('INPUT_REJECTED', `There is no backup file at ${from}.`);
  const stamp = restoreStamp((options.now ?? (() => new Date()))());
  // Check the very bytes that will be put in place: the copy beside the workbook.
  const staged = stageRestoreCopy(path, from, stamp);
  try {
    const verdict = await verifyRestoreCopy(staged, basename(from));
    const replaced = await replacedChain(path, verdict.chainHead);
    assertNotInUse(path);
    const keptAside = swapInRestoredCopy(path, staged, stamp);
    return { ...verdict, path, restoredFrom: from, keptAside, replacedChain: replaced };
  } catch (err) {
    discardRestoreCopy(staged);
    throw err;
  }
}
