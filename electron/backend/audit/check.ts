// `fwb check`: is the workbook file sound, is the audit chain unbroken, and does
// every journal row still say what its audit entry recorded when it was written?
import { basename } from 'node:path';
import { isDamageError, quickCheck, readableFinding, restoreAdvice } from '../db/damage';
import type { Db } from '../db/open';
import { canonicalJson, verifyAuditChain, type ChainVerdict } from './chain';
import { DECISION_KEYS_ADDED_LATER, approvalAuditPayload, decisionAuditPayload, type ApprovalRow, type DecisionRow } from './payloads';
import { lineStateMismatches } from '../decisions/projection';

export interface CheckProblem {
  check: 'integrity' | 'foreign_keys' | 'audit_chain' | 'journal' | 'line_state';
  message: string;
  auditId?: number;
  entity?: string;
  entityId?: string;
}

export interface CheckReport {
  ok: boolean;
  /** The file itself is damaged (SQLite's integrity check fails): restore a backup; nothing else was checked. */
  damaged: boolean;
  integrity: string[];
  foreignKeyViolations: number;
  auditEntries: number;
  journalRowsChecked: number;
  /** The first thing found wrong, in the order the checks run. */
  firstProblem: CheckProblem | null;
  problems: CheckProblem[];
}

const MAX_PROBLEMS = 100;

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
  const detail = integrity.slice(0, 3).join('; ') + (integrity.length > 3 ? ` (and ${integrity.length - 3} more)` : '');
  // One finding: the file's lines of SQLite's report are in `integrity`.
  const problems: CheckProblem[] = [{ check: 'integrity', message: `${basename(db.name)} is damaged: SQLite's integrity check found ${detail}. ${restoreAdvice(db.name)}` }];
  return { ok: false, damaged: true, integrity, foreignKeyViolations: 0, auditEntries: 0, journalRowsChecked: 0, firstProblem: problems[0]!, problems };
}

export function checkWorkbook(db: Db): CheckReport {
  const integrity = integrityCheck(db);
  if (!(integrity.length === 1 && integrity[0] === 'ok')) return damagedReport(db, integrity);
  try {
    return checkSoundWorkbook(db, integrity);
  } catch (err) {
    // Damage the integrity check did not see (a page changed while checking) is still damage, not a crash.
    if (isDamageError(err)) return damagedReport(db, [(err as Error).message]);
    throw err;
  }
}

function checkSoundWorkbook(db: Db, integrity: string[]): CheckReport {
  const problems: CheckProblem[] = [];
  const fk = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
  for (const v of fk.slice(0, MAX_PROBLEMS)) problems.push({ check: 'foreign_keys', message: `${v.table} row ${v.rowid} points at a missing ${v.parent} row` });

  const chain: ChainVerdict = verifyAuditChain(db);
  if (chain.firstBroken) {
    const b = chain.firstBroken;
    problems.push({ check: 'audit_chain', message: `audit entry ${b.auditId} (${b.action} ${b.entity} ${b.entityId ?? ''}): ${b.problem}`.replace(' )', ')'), auditId: b.auditId, entity: b.entity, entityId: b.entityId ?? undefined });
  }

  const journalRowsChecked = checkJournal(db, problems);
  checkLineState(db, problems);
  return {
    ok: problems.length === 0,
    damaged: false,
    integrity,
    foreignKeyViolations: fk.length,
    auditEntries: chain.entries,
    journalRowsChecked,
    firstProblem: problems[0] ?? null,
    problems: problems.slice(0, MAX_PROBLEMS),
  };
}

/** What the audit entry should hold for a row; an older decision entry is compared without the keys added since. */
function expectedPayload(entity: string, payload: object, recordedJson: string): object {
  if (entity !== 'decision') return payload;
  const recorded = JSON.parse(recordedJson) as Record<string, unknown>;
  const expected: Record<string, unknown> = { ...payload };
  for (const key of DECISION_KEYS_ADDED_LATER) if (!(key in recorded)) delete expected[key];
  return expected;
}

/** Each decision and approval row must equal the payload its audit entry recorded. */
function checkJournal(db: Db, problems: CheckProblem[]): number {
  let checked = 0;
  const tables = [
    { table: 'decisions', key: 'decision_id', entity: 'decision', payload: (r: unknown) => decisionAuditPayload(r as DecisionRow) },
    { table: 'approvals', key: 'approval_id', entity: 'approval', payload: (r: unknown) => approvalAuditPayload(r as ApprovalRow) },
  ] as const;
  for (const t of tables) {
    // The latest audit entry for the row: a row is written once, so there is one.
    const rows = db
      .prepare(
        `SELECT j.*, a.audit_id AS _audit_id, a.payload AS _payload
           FROM ${t.table} j
           LEFT JOIN audit_log a ON a.entity = '${t.entity}' AND a.entity_id = CAST(j.${t.key} AS TEXT)
          ORDER BY j.${t.key}`,
      )
      .iterate() as IterableIterator<Record<string, unknown> & { _audit_id: number | null; _payload: string | null }>;
    for (const row of rows) {
      checked++;
      if (problems.length >= MAX_PROBLEMS) continue;
      const id = String(row[t.key]);
      if (row._audit_id === null) {
        problems.push({ check: 'journal', message: `${t.entity} ${id} has no audit entry (written outside the app?)`, entity: t.entity, entityId: id });
      } else if (canonicalJson(expectedPayload(t.entity, t.payload(row), row._payload!)) !== row._payload) {
        problems.push({
          check: 'journal',
          message: `${t.entity} ${id} differs from what audit entry ${row._audit_id} recorded (the row was altered)`,
          auditId: row._audit_id,
          entity: t.entity,
          entityId: id,
        });
      }
    }
  }
  return checked;
}

/** line_state is a cache of the journal: rebuilt from the journal alone, it must come out the same. */
function checkLineState(db: Db, problems: CheckProblem[]): void {
  const room = MAX_PROBLEMS - problems.length;
  if (room <= 0) return;
  const { lines, total } = lineStateMismatches(db, room);
  for (const lineId of lines) {
    problems.push({
      check: 'line_state',
      message: `line_state of line ${lineId} differs from the journal${total > 1 ? ` (${total} lines differ)` : ''}`,
      entity: 'forecast_line',
      entityId: String(lineId),
    });
  }
}
