// `fwb check`: is the workbook file sound, is the audit chain unbroken, and does
// every row the rules depend on still say what the audit log recorded when it
// was written?
//
// Design. The audit log is a hash chain (chain.ts); each check below compares a
// table with what the chain recorded, in both directions (every row matches its
// record, every recorded row is still there):
//   - journal (check-journal.ts): each decision and approval against its entry's
//     payload, and each entry against its row.
//   - releases (check-releases.ts): the release row, and its snapshot against the
//     sha256 over its lines that the release entry recorded.
//   - governed tables (check-governed.ts): users, policies and reason codes
//     against their latest entry (user.create / policy.* / reason_code.change)
//     — one small row's canonical JSON per change, so recording costs nothing;
//     import batches against their 'import' entry, which also carries the users
//     the batch created and a fingerprint of every row it wrote (its runs,
//     forecast lines, actuals, sales inputs: content-digest.ts). The fingerprint
//     is sha256 over the rows in insertion order, fed by the importer from the
//     values it binds, so a million-line import pays ~0.1 s and reads nothing
//     back; the check re-reads each big table once. superseded_at, the one column
//     later imports change, is checked against the rows that superseded it.
//   - line_state, a cache of the journal, rebuilt and compared.
// Older workbooks: entries written before a key existed are compared without it
// (payloads.ts, *_KEYS_ADDED_LATER), and rows no entry recorded are "unverified",
// not tampered, until the workbook's first change by this version writes the
// seal (seal.ts), which records them; from then on a row with no record was
// written outside the app.
// What no check inside one file can catch: whoever holds a single-seat workbook
// can rewrite the whole chain consistently. Backups and exports record the chain
// head, so `fwb check --against COPY` shows a rewrite (against.ts); team
// workbooks anchor the chain in the database.
import { basename } from 'node:path';
import { isDamageError, quickCheck, readableFinding, RESTORE_ADVICE } from '../db/damage';
import { noteDamage } from '../errors';
import type { Db } from '../db/open';
import { lineStateMismatches } from '../decisions/projection';
import { compareChainHeads, type CopyChainHead } from './against';
import { chainHead, verifyAuditChain, type ChainHead, type ChainVerdict } from './chain';
import { Findings, MAX_PROBLEMS, type CheckProblem, type GovernedKind } from './check-findings';
import { checkGovernedTables } from './check-governed';
import { checkJournal } from './check-journal';
import { checkReleases } from './check-releases';
import { readGovernedRecords } from './records';
import { stagedRowOwners } from '../imports/commit/in-progress';

export type { CheckProblem } from './check-findings';

export interface CheckReport {
  ok: boolean;
  /** The file itself is damaged (SQLite's integrity check fails): restore a backup; nothing else was checked. */
  damaged: boolean;
  integrity: string[];
  foreignKeyViolations: number;
  auditEntries: number;
  /** The newest audit entry: compare it with a backup's or an export's (`--against`). */
  chainHead: ChainHead | null;
  journalRowsChecked: number;
  releasesChecked: number;
  /** Users, policies, reason codes and import batches compared with their audit records. */
  governedRowsChecked: number;
  /** Whether the workbook has its seal: without one, rows an older version wrote without a record are counted in `unverified`. */
  sealed: boolean;
  unverified: Partial<Record<GovernedKind, number>>;
  /** The copy given with --against, and what its chain head says about this workbook's chain. */
  against?: CopyChainHead & { verdict: 'continues' | 'rewritten' | 'truncated' };
  /** The first thing found wrong, in the order the checks run. */
  firstProblem: CheckProblem | null;
  problems: CheckProblem[];
}

export interface CheckOptions {
  /** The chain head a backup or export recorded: this workbook's chain must still contain it. */
  against?: CopyChainHead;
}

/** SQLite's integrity check, each line it reports; a page too broken to read makes SQLite throw instead. */
function integrityCheck(db: Db): string[] {
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => readableFinding(r.integrity_check));
  } catch (err) {
    // The quick check often still says where (which table's page) when the full check cannot go on.
    if (isDamageError(err)) return [quickCheck(db)];
    throw err;
  }
}

/**
 * A damaged file is one finding: the pages that do not hold together, and the way
 * back. Nothing else is read from it — what the broken pages hold cannot be trusted,
 * and reading them only makes SQLite throw.
 */
function damagedReport(db: Db, integrity: string[]): CheckReport {
  noteDamage();
  const detail = integrity.slice(0, 3).join('; ') + (integrity.length > 3 ? ` (and ${integrity.length - 3} more)` : '');
  // One finding: the file's lines of SQLite's report are in `integrity`.
  const problems: CheckProblem[] = [{ check: 'integrity', message: `${basename(db.name)} is damaged: SQLite's integrity check found ${detail}. ${RESTORE_ADVICE}.` }];
  return {
    ok: false,
    damaged: true,
    integrity,
    foreignKeyViolations: 0,
    auditEntries: 0,
    chainHead: null,
    journalRowsChecked: 0,
    releasesChecked: 0,
    governedRowsChecked: 0,
    sealed: false,
    unverified: {},
    firstProblem: problems[0]!,
    problems,
  };
}

export function checkWorkbook(db: Db, options: CheckOptions = {}): CheckReport {
  const integrity = integrityCheck(db);
  if (!(integrity.length === 1 && integrity[0] === 'ok')) return damagedReport(db, integrity);
  try {
    return checkSoundWorkbook(db, integrity, options);
  } catch (err) {
    // Damage the integrity check did not see (a page changed while checking) is still damage, not a crash.
    if (isDamageError(err)) return damagedReport(db, [(err as Error).message]);
    throw err;
  }
}

function checkSoundWorkbook(db: Db, integrity: string[], options: CheckOptions): CheckReport {
  const records = readGovernedRecords(db);
  const f = new Findings(records.seal !== null);
  const fk = withoutStagedRows(db, db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[]);
  for (const v of fk) f.add({ check: 'foreign_keys', message: `${v.table} row ${v.rowid} points at a missing ${v.parent} row` });

  const chain: ChainVerdict = verifyAuditChain(db);
  if (chain.firstBroken) {
    const b = chain.firstBroken;
    f.add({ check: 'audit_chain', message: `audit entry ${b.auditId} (${b.action} ${b.entity} ${b.entityId ?? ''}): ${b.problem}`.replace(' )', ')'), auditId: b.auditId, entity: b.entity, entityId: b.entityId ?? undefined });
  }
  const head = chainHead(db);
  let against: CheckReport['against'];
  if (options.against) {
    const compared = compareChainHeads(db, options.against);
    against = { ...options.against, verdict: compared.verdict };
    if (compared.problem) f.add(compared.problem);
  }

  const journalRowsChecked = checkJournal(db, f);
  const releasesChecked = checkReleases(db, f);
  const governedRowsChecked = checkGovernedTables(db, records, f);
  checkLineState(db, f);
  return {
    ok: f.problems.length === 0,
    damaged: false,
    integrity,
    foreignKeyViolations: fk.length,
    auditEntries: chain.entries,
    chainHead: head,
    journalRowsChecked,
    releasesChecked,
    governedRowsChecked,
    sealed: f.sealed,
    unverified: f.unverified,
    ...(against ? { against } : {}),
    firstProblem: f.problems[0] ?? null,
    problems: f.problems,
  };
}

/**
 * An import under way (or one that crashed, until the workbook is next opened for
 * writing) has rows nobody sees yet: lines of runs it has not created, quarantine
 * rows of its batch to be (imports/commit/in-progress.ts). They are not the workbook's.
 */
function withoutStagedRows<V extends { table: string; rowid: number }>(db: Db, violations: V[]): V[] {
  if (violations.length === 0) return violations;
  const staged = stagedRowOwners(db);
  if (staged.runIds.size === 0 && staged.batchIds.size === 0) return violations;
  const lineRun = db.prepare('SELECT run_id FROM forecast_lines WHERE line_id = ?').pluck();
  const quarantineBatch = db.prepare('SELECT batch_id FROM quarantine_rows WHERE quarantine_id = ?').pluck();
  return violations.filter((v) => {
    if (v.table === 'forecast_lines') return !staged.runIds.has(lineRun.get(v.rowid) as number);
    if (v.table === 'quarantine_rows') return !staged.batchIds.has(quarantineBatch.get(v.rowid) as number);
    return true;
  });
}

/** line_state is a cache of the journal: rebuilt from the journal alone, it must come out the same. */
function checkLineState(db: Db, f: Findings): void {
  const room = MAX_PROBLEMS - f.problems.length;
  if (room <= 0) return;
  const { lines, total } = lineStateMismatches(db, room);
  for (const lineId of lines) {
    f.add({
      check: 'line_state',
      message: `line_state of line ${lineId} differs from the journal${total > 1 ? ` (${total} lines differ)` : ''}`,
      entity: 'forecast_line',
      entityId: String(lineId),
    });
  }
}
