// The fingerprints of a pull's rows (audit/content-digest.ts), computed from the values each
// page writes as it writes them, as an import computes its own: the seal of a replica that
// pulled a million lines, or its pulled batches' entries, then need not read every row again.
// Only a pull into tables that were empty when it began can vouch for a batch's whole
// content: a pull resumed after a stop, a sync into a replica holding rows, anything written
// between two pages by this connection or another, a row out of rowid order, or counts that
// disagree at the end leave the fingerprints to be read from the tables as before.
import { PULLED_TABLES, type PulledTable } from '../../../shared/team-sync';
import { CONTENT_COLUMNS, RowDigest, type BatchContent, type ContentTable } from '../audit/content-digest';
import { offerWrittenContents, withdrawWrittenContents } from '../audit/written-contents';
import { cachedStatement } from '../db/statement-cache';
import type { Db } from '../db/open';

const CONTENT_OF: Partial<Record<PulledTable, ContentTable>> = { forecast_runs: 'runs', forecast_lines: 'lines', actuals: 'actuals', sales_inputs: 'salesInputs' };
const TABLE_OF: Record<ContentTable, string> = { runs: 'forecast_runs', lines: 'forecast_lines', actuals: 'actuals', salesInputs: 'sales_inputs' };

/** Per content table: where its digested columns sit in a pulled row, and whether they are one run of cells (no copy needed). */
const LAYOUT = Object.fromEntries(
  Object.entries(CONTENT_OF).map(([table, content]) => {
    const pulled: readonly string[] = PULLED_TABLES[table as PulledTable];
    const at = CONTENT_COLUMNS[content].map((c) => pulled.indexOf(c));
    if (at.some((i) => i < 0)) throw new Error(`pulled ${table} lacks a fingerprinted column`);
    return [content, { at, from: at[0]!, contiguous: at.every((i, k) => i === at[0]! + k), batch: pulled.indexOf('batch_id'), run: pulled.indexOf('run_id') }];
  }),
) as Record<ContentTable, { at: number[]; from: number; contiguous: boolean; batch: number; run: number }>;

interface Tracker {
  valid: boolean;
  digests: Map<number | null, Record<ContentTable, RowDigest>>;
  runBatch: Map<number, number | null>;
  lastRowid: Record<ContentTable, number>;
  rows: Record<ContentTable, number>;
  /** The connection's changes and the file's version after the last page: anything else written meanwhile voids the fingerprints. */
  changes: number;
  dataVersion: number;
}

const trackers = new WeakMap<Db, Tracker>();

const writtenSince = (db: Db): { changes: number; dataVersion: number } => ({
  changes: cachedStatement(db, 'SELECT total_changes()').pluck().get() as number,
  dataVersion: db.pragma('data_version', { simple: true }) as number,
});

/** A pull's first page: fingerprints are kept only when every table they cover is empty now. */
export function beginPulledContent(db: Db): void {
  const empty = (Object.values(TABLE_OF) as string[]).every((t) => db.prepare(`SELECT NOT EXISTS (SELECT 1 FROM ${t})`).pluck().get() === 1);
  if (!empty) {
    trackers.delete(db);
    withdrawWrittenContents(db);
    return;
  }
  const zero = { runs: 0, lines: 0, actuals: 0, salesInputs: 0 };
  trackers.set(db, { valid: true, digests: new Map(), runBatch: new Map(), lastRowid: { ...zero }, rows: { ...zero }, ...writtenSince(db) });
  offerWrittenContents(db, () => finishedContents(db));
}

/** Before a page is written: was anything else written since the last one? */
export function checkPulledContent(db: Db): void {
  const t = trackers.get(db);
  if (!t?.valid) return;
  const now = writtenSince(db);
  if (now.changes !== t.changes || now.dataVersion !== t.dataVersion) t.valid = false;
}

/** After a page of `table` was written (inside its transaction): its rows, as bound, into their batches' digests. */
export function addPulledContent(db: Db, table: PulledTable, values: readonly (string | number | null)[], width: number, rows: number): void {
  const t = trackers.get(db);
  const content = CONTENT_OF[table];
  if (!t?.valid || !content) return;
  const { at, from, contiguous, batch, run } = LAYOUT[content];
  const picked: (string | number | null)[] = new Array(at.length);
  let last = t.lastRowid[content];
  for (let r = 0, base = 0; r < rows; r++, base += width) {
    const rowid = values[base] as number;
    // Digests follow rowid order (what allBatchContents reads); a row out of that order voids them.
    if (!(rowid > last)) {
      t.valid = false;
      return;
    }
    last = rowid;
    let batchId: number | null;
    if (content === 'lines') {
      const b = t.runBatch.get(values[base + run] as number);
      if (b === undefined) {
        t.valid = false;
        return;
      }
      batchId = b;
    } else batchId = values[base + batch] as number | null;
    if (content === 'runs') t.runBatch.set(rowid, batchId);
    const digest = digestsOf(t, batchId)[content];
    if (contiguous) digest.add(values, base + from, at.length);
    else {
      for (let k = 0; k < at.length; k++) picked[k] = values[base + at[k]!]!;
      digest.add(picked);
    }
  }
  t.lastRowid[content] = last;
  t.rows[content] += rows;
}

/** After a page's transaction committed: the state the next page must find. */
export function pagePulledContent(db: Db): void {
  const t = trackers.get(db);
  if (t?.valid) Object.assign(t, writtenSince(db));
}

/** A page that did not commit: its rows were digested, so nothing the digests say can be trusted. */
export function voidPulledContent(db: Db): void {
  const t = trackers.get(db);
  if (t) t.valid = false;
}

export function endPulledContent(db: Db): void {
  trackers.delete(db);
  withdrawWrittenContents(db);
}

function digestsOf(t: Tracker, batchId: number | null): Record<ContentTable, RowDigest> {
  let d = t.digests.get(batchId);
  if (!d) t.digests.set(batchId, (d = { runs: new RowDigest(), lines: new RowDigest(), actuals: new RowDigest(), salesInputs: new RowDigest() }));
  return d;
}

/** Every batch's content (and that of no batch) when the digests saw every row of each table; else null. Once: a digest ends when read. */
function finishedContents(db: Db): Map<number | null, BatchContent> | null {
  const t = trackers.get(db);
  trackers.delete(db);
  if (!t?.valid) return null;
  for (const [content, table] of Object.entries(TABLE_OF) as [ContentTable, string][]) {
    if ((db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number) !== t.rows[content]) return null;
  }
  const out = new Map<number | null, BatchContent>();
  const ids = [...(db.prepare('SELECT batch_id FROM import_batches').pluck().all() as number[]), null];
  for (const [batchId] of t.digests) if (!ids.includes(batchId)) return null;
  for (const id of ids) {
    const d = digestsOf(t, id);
    out.set(id, { runs: d.runs.result(), lines: d.lines.result(), actuals: d.actuals.result(), salesInputs: d.salesInputs.result() });
  }
  return out;
}
