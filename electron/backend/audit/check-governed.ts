// The governed tables outside the journal — users and their roles, policies,
// reason codes, import batches and the rows each batch wrote — against the
// records the audit log holds of them (records.ts), in both directions: every
// row matches its latest record, and every recorded row is still there.
import type { ReadableDb } from '../db/handles';
import { allBatchContents, contentDifferences, type ContentTable } from './content-digest';
import { describeDifferences, differences, type Findings, type GovernedKind } from './check-findings';
import {
  IMPORT_BATCH_KEYS_ADDED_LATER,
  importBatchAuditPayload,
  policyAuditPayload,
  reasonCodeRecord,
  userAuditPayload,
  type ImportBatchRow,
  type PolicyRow,
  type ReasonCodeRow,
  type UserRow,
} from './payloads';
import type { AuditRecord, GovernedRecords } from './records';

interface GovernedTable<Row> {
  kind: GovernedKind;
  entity: string;
  rows: Row[];
  id: (row: Row) => string;
  /** "policy 3 (category Snacks)" */
  label: (row: Row) => string;
  now: (row: Row) => Record<string, unknown>;
  records: Map<string, AuditRecord>;
  keysAddedLater?: readonly string[];
}

const TABLE_NOUN: Record<GovernedKind, string> = { user: 'user', policy: 'policy', reason_code: 'reason code', import_batch: 'import batch', batch_rows: 'rows of import batch' };

function compareTable<Row>(t: GovernedTable<Row>, f: Findings): number {
  const seen = new Set<string>();
  for (const row of t.rows) {
    const id = t.id(row);
    seen.add(id);
    const record = t.records.get(id);
    if (!record) {
      f.notRecorded(t.kind, { check: 'governed', message: `${t.label(row)} has no audit record (written outside the app?)`, entity: t.entity, entityId: id });
      continue;
    }
    const diffs = differences(t.now(row), record, t.keysAddedLater);
    if (diffs.length > 0) {
      f.add({ check: 'governed', message: `${t.label(row)} differs from what audit entry ${record.auditId} recorded: ${describeDifferences(diffs)}`, auditId: record.auditId, entity: t.entity, entityId: id });
    }
  }
  for (const [id, record] of t.records) {
    if (!seen.has(id)) f.add({ check: 'governed', message: `${TABLE_NOUN[t.kind]} ${id}, recorded in audit entry ${record.auditId}, is gone (deleted outside the app)`, auditId: record.auditId, entity: t.entity, entityId: id });
  }
  return t.rows.length;
}

const segment = (p: PolicyRow) => (p.segment_type === 'all' ? 'all items' : `${p.segment_type === 'abc_class' ? 'ABC class' : p.segment_type} ${p.segment_value}`);

const TABLE_WORDS: Record<ContentTable, string> = { runs: 'forecast runs', lines: 'forecast lines', actuals: 'actuals', salesInputs: 'sales inputs' };

/** Each batch's rows against the fingerprints recorded when it was written; rows of no batch against the seal's. */
function compareBatchContents(db: ReadableDb, batches: ImportBatchRow[], records: GovernedRecords, f: Findings): void {
  const contents = allBatchContents(db);
  /** `whose`: "of import batch 5 (file.csv)", or "outside any import batch". */
  const report = (whose: string, auditId: number, entityId: string | undefined, recorded: Parameters<typeof contentDifferences>[0], now: Parameters<typeof contentDifferences>[1]) => {
    for (const d of contentDifferences(recorded, now)) {
      const counts = d.recorded.rows === d.now.rows ? `${d.now.rows} rows, their values changed` : `${d.recorded.rows} recorded, ${d.now.rows} there now`;
      f.add({ check: 'governed', message: `${TABLE_WORDS[d.table]} ${whose} differ from what audit entry ${auditId} recorded (${counts})`, auditId, entity: 'import_batch', entityId });
    }
  };
  for (const b of batches) {
    const record = records.batches.get(String(b.batch_id));
    if (!record) continue; // reported with the batch row itself
    const now = contents.get(b.batch_id)!;
    // An undone batch left nothing behind; who undid it and when must be what its undo entry says.
    const undoneAt = (b as ImportBatchRow & { undone_at?: string | null }).undone_at ?? null;
    const undoneBy = (b as ImportBatchRow & { undone_by?: string | null }).undone_by ?? null;
    if (record.undone && (undoneAt !== record.undone.at || undoneBy !== record.undone.by)) {
      f.add({ check: 'governed', message: `import batch ${b.batch_id} (${b.file_name}) says it was undone ${undoneAt ? `on ${undoneAt} by ${undoneBy ?? 'nobody named'}` : 'never'}, but audit entry ${record.undone.auditId} recorded its undo on ${record.undone.at} by ${record.undone.by ?? 'nobody named'}`, auditId: record.undone.auditId, entity: 'import_batch', entityId: String(b.batch_id) });
    } else if (!record.undone && undoneAt !== null) {
      f.add({ check: 'governed', message: `import batch ${b.batch_id} (${b.file_name}) is marked undone, but no audit entry records its undo (changed outside the app?)`, auditId: record.auditId, entity: 'import_batch', entityId: String(b.batch_id) });
    }
    if (record.undone) {
      report(`of import batch ${b.batch_id} (${b.file_name}), undone in audit entry ${record.undone.auditId},`, record.undone.auditId, String(b.batch_id), {}, now);
      continue;
    }
    if (!record.content) {
      const rows = now.runs.rows + now.lines.rows + now.actuals.rows + now.salesInputs.rows;
      if (rows > 0) f.notRecorded('batch_rows', { check: 'governed', message: `the rows of import batch ${b.batch_id} (${b.file_name}) have no recorded fingerprint`, entity: 'import_batch', entityId: String(b.batch_id) });
      continue;
    }
    report(`of import batch ${b.batch_id} (${b.file_name})`, record.auditId, String(b.batch_id), record.content, now);
  }
  const loose = contents.get(null)!;
  if (records.unbatched) report('outside any import batch', records.unbatched.auditId, undefined, records.unbatched.content, loose);
  else if (loose.runs.rows + loose.actuals.rows + loose.salesInputs.rows > 0) {
    f.notRecorded('batch_rows', { check: 'governed', message: `${loose.runs.rows} forecast runs, ${loose.actuals.rows} actuals and ${loose.salesInputs.rows} sales inputs belong to no import batch (written outside the app?)` });
  }
}

/**
 * superseded_at is the one column a later import changes on an earlier batch's
 * rows, so it is outside the fingerprints: a row is superseded exactly when the
 * next row of its key arrived, at that row's time. Making an old value current
 * again (or hiding the current one) breaks that.
 */
function compareSupersededChains(db: ReadableDb, f: Findings): void {
  for (const [table, id, noun] of [
    ['actuals', 'actual_id', 'actual'],
    ['sales_inputs', 'sales_input_id', 'sales input'],
  ] as const) {
    const broken = db
      .prepare(
        `SELECT ${id} AS id, superseded_at AS supersededAt, next_at AS nextAt FROM (
           SELECT ${id}, superseded_at, lead(recorded_at) OVER (PARTITION BY item_key, location_key, period ORDER BY ${id}) AS next_at FROM ${table})
          WHERE superseded_at IS NOT next_at LIMIT 10`,
      )
      .all() as { id: number; supersededAt: string | null; nextAt: string | null }[];
    for (const b of broken) {
      const what = b.nextAt === null ? `is marked superseded (at ${b.supersededAt}) though no later value replaced it` : b.supersededAt === null ? `is current though a later value (of ${b.nextAt}) replaced it` : `says it was superseded at ${b.supersededAt}, but the value replacing it came at ${b.nextAt}`;
      f.add({ check: 'governed', message: `${noun} ${b.id} ${what} (the row was altered)`, entity: table, entityId: String(b.id) });
    }
  }
}

/** Returns the number of governed rows compared with a record. */
export function checkGovernedTables(db: ReadableDb, records: GovernedRecords, f: Findings): number {
  const users = db.prepare('SELECT user_id, display_name, role, created_at FROM users ORDER BY user_id').all() as UserRow[];
  const policies = db.prepare('SELECT * FROM policies ORDER BY policy_id').all() as PolicyRow[];
  const codes = db.prepare('SELECT * FROM reason_codes ORDER BY code').all() as ReasonCodeRow[];
  const batches = db.prepare('SELECT * FROM import_batches ORDER BY batch_id').all() as ImportBatchRow[];
  let checked = 0;
  checked += compareTable({ kind: 'user', entity: 'user', rows: users, id: (u) => u.user_id, label: (u) => `user ${u.user_id}`, now: userAuditPayload, records: records.users }, f);
  checked += compareTable({ kind: 'policy', entity: 'policy', rows: policies, id: (p) => String(p.policy_id), label: (p) => `policy ${p.policy_id} (${segment(p)})`, now: policyAuditPayload, records: records.policies }, f);
  checked += compareTable({ kind: 'reason_code', entity: 'reason_code', rows: codes, id: (c) => c.code, label: (c) => `reason code ${c.code}`, now: reasonCodeRecord, records: records.reasonCodes }, f);
  checked += compareTable(
    {
      kind: 'import_batch',
      entity: 'import_batch',
      rows: batches,
      id: (b) => String(b.batch_id),
      label: (b) => `import batch ${b.batch_id} (${b.file_name})`,
      now: importBatchAuditPayload,
      records: records.batches,
      keysAddedLater: IMPORT_BATCH_KEYS_ADDED_LATER,
    },
    f,
  );
  compareBatchContents(db, batches, records, f);
  compareSupersededChains(db, f);
  return checked;
}
