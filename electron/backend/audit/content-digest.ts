// Fingerprints of the rows an import batch wrote (its runs, forecast lines,
// actuals, sales inputs), recorded in the batch's audit entry so `fwb check`
// can tell whether a row was changed, added or removed since.
//
// A fingerprint is sha256 over the rows in the order they were inserted (rowid
// order), each value as 8 bytes: numbers as IEEE doubles, NULL and "text
// follows" as two NaN bit patterns no stored value can have (SQLite keeps no
// NaN), text as its JSON after the marker. Binary, not text: an import of a
// million lines hashes 72 MB of doubles (~0.1 s) instead of formatting eight
// million numbers as text (~1 s), and the importer feeds the digest from the
// very arguments it binds, so nothing is read back.
import type { Hash } from 'node:crypto';
import type { ReadableDb } from '../db/handles';

export interface RowsDigest {
  rows: number;
  sha256: string;
}

/** What one batch wrote, one digest per table (rows: 0 for a table it did not write). */
export interface BatchContent {
  runs: RowsDigest;
  lines: RowsDigest;
  actuals: RowsDigest;
  salesInputs: RowsDigest;
}

export type ContentTable = keyof BatchContent;

/**
 * The columns each digest covers, in this order. superseded_at is left out on
 * purpose: a later import sets it on rows of earlier batches; check.ts verifies
 * it against the rows that superseded them instead.
 */
export const CONTENT_COLUMNS: Record<ContentTable, readonly string[]> = {
  runs: ['run_id', 'model_name', 'model_version', 'origin', 'grain', 'interval_level', 'created_at'],
  lines: ['run_id', 'item_key', 'location_key', 'period', 'lag', 'quantity', 'lower', 'upper'],
  actuals: ['item_key', 'location_key', 'period', 'quantity', 'recorded_at'],
  salesInputs: ['item_key', 'location_key', 'period', 'quantity', 'source', 'note', 'recorded_at'],
};

const CONTENT_TABLES = Object.keys(CONTENT_COLUMNS) as ContentTable[];

// Little-endian halves of two quiet NaNs (every platform Node runs on is little-endian).
const NULL_HI = 0x7ff80000;
const NULL_LO = 0x0000004e; // 'N'
const TEXT_LO = 0x00000054; // 'T'
const BUFFER_VALUES = 8192;

/** A running digest of rows, fed one row (or one slice of a bound-arguments array) at a time. */
export class RowDigest {
  // node:crypto taken when a digest is made, not when this module loads (the accuracy engine's audit reaches it; fwb accuracy hashes nothing).
  private readonly hash: Hash = process.getBuiltinModule('node:crypto').createHash('sha256');
  private readonly values = new Float64Array(BUFFER_VALUES);
  private readonly halves = new Uint32Array(this.values.buffer);
  private pos = 0;
  rows = 0;

  /** Adds one row: `count` values of `source` from `from`. */
  add(source: ArrayLike<unknown>, from = 0, count = source.length - from): void {
    const values = this.values;
    const halves = this.halves;
    let pos = this.pos;
    for (let i = from, end = from + count; i < end; i++) {
      const v = source[i];
      if (typeof v === 'number') {
        values[pos++] = v === 0 ? 0 : v; // -0 is stored as 0
      } else if (v === null || v === undefined) {
        halves[2 * pos] = NULL_LO;
        halves[2 * pos + 1] = NULL_HI;
        pos++;
      } else {
        halves[2 * pos] = TEXT_LO;
        halves[2 * pos + 1] = NULL_HI;
        this.pos = pos + 1;
        this.flush();
        this.hash.update(JSON.stringify(String(v)));
        pos = 0;
      }
      if (pos === BUFFER_VALUES) {
        this.pos = pos;
        this.flush();
        pos = 0;
      }
    }
    this.pos = pos;
    this.rows++;
  }

  private flush(): void {
    if (this.pos === 0) return;
    this.hash.update(new Uint8Array(this.values.buffer, 0, this.pos * 8));
    this.pos = 0;
  }

  result(): RowsDigest {
    this.flush();
    return { rows: this.rows, sha256: this.hash.digest('hex') };
  }
}

const emptyContent = (): Record<ContentTable, RowDigest> => ({ runs: new RowDigest(), lines: new RowDigest(), actuals: new RowDigest(), salesInputs: new RowDigest() });

function finish(d: Record<ContentTable, RowDigest>): BatchContent {
  return { runs: d.runs.result(), lines: d.lines.result(), actuals: d.actuals.result(), salesInputs: d.salesInputs.result() };
}

/** Each table's own rowid column: rows of a batch are in rowid order, and come after every row that was there before it. */
const ROWID: Record<ContentTable, string> = { runs: 'run_id', lines: 'line_id', actuals: 'actual_id', salesInputs: 'sales_input_id' };

/**
 * Per table: SQL yielding [batch_id, ...CONTENT_COLUMNS] in insertion order: of
 * one batch (`batch_id IS ?` and rowid above `?`), or of all.
 */
function contentSql(table: ContentTable, oneBatch: boolean): string {
  const cols = CONTENT_COLUMNS[table];
  const rowid = ROWID[table];
  const where = oneBatch ? `WHERE ${rowid} > ? AND batch_id IS ?` : '';
  switch (table) {
    case 'runs':
      return `SELECT batch_id, ${cols.join(', ')} FROM forecast_runs ${where} ORDER BY run_id`;
    case 'lines':
      return `SELECT r.batch_id, ${cols.map((c) => `l.${c}`).join(', ')} FROM forecast_lines l JOIN forecast_runs r ON r.run_id = l.run_id ${oneBatch ? 'WHERE l.line_id > ? AND r.batch_id IS ?' : ''} ORDER BY l.line_id`;
    case 'actuals':
      return `SELECT batch_id, ${cols.join(', ')} FROM actuals ${where} ORDER BY actual_id`;
    case 'salesInputs':
      return `SELECT batch_id, ${cols.join(', ')} FROM sales_inputs ${where} ORDER BY sales_input_id`;
  }
}

/**
 * Lines of runs of no batch, found from those runs (usually none): the seal of a
 * new workbook is taken while its first import's lines are staged under runs not
 * yet created, and reading the lines first would walk all of them (~0.1 s a million).
 */
const UNBATCHED_LINES_SQL = `SELECT r.batch_id, ${CONTENT_COLUMNS.lines.map((c) => `l.${c}`).join(', ')} FROM forecast_runs r CROSS JOIN forecast_lines l ON l.run_id = r.run_id WHERE l.line_id > ? AND r.batch_id IS ? ORDER BY l.line_id`;

/** The largest rowid of each table: a batch about to be written knows its rows will all come after these. */
export type RowidFloor = Record<ContentTable, number>;

export function rowidFloor(db: ReadableDb): RowidFloor {
  const max = (table: string, rowid: string) => db.prepare(`SELECT coalesce(max(${rowid}), 0) FROM ${table}`).pluck().get() as number;
  return { runs: max('forecast_runs', 'run_id'), lines: max('forecast_lines', 'line_id'), actuals: max('actuals', 'actual_id'), salesInputs: max('sales_inputs', 'sales_input_id') };
}

const NO_FLOOR: RowidFloor = { runs: 0, lines: 0, actuals: 0, salesInputs: 0 };

/**
 * One table's rows of one batch as the workbook holds them now (batch null: the
 * rows that belong to no batch). `floor`: where the batch's rows start, when the
 * writer knows it, so the tables without a batch_id index are not read whole.
 */
export function tableContent(db: ReadableDb, table: ContentTable, batchId: number | null, floor: RowidFloor = NO_FLOOR): RowsDigest {
  const d = new RowDigest();
  const sql = table === 'lines' && batchId === null ? UNBATCHED_LINES_SQL : contentSql(table, true);
  for (const row of db.prepare(sql).raw().iterate(floor[table], batchId) as IterableIterator<unknown[]>) d.add(row, 1);
  return d.result();
}

/** The content of one batch as the workbook holds it now (null: the rows that belong to no batch). */
export function batchContent(db: ReadableDb, batchId: number | null, floor: RowidFloor = NO_FLOOR): BatchContent {
  return {
    runs: tableContent(db, 'runs', batchId, floor),
    lines: tableContent(db, 'lines', batchId, floor),
    actuals: tableContent(db, 'actuals', batchId, floor),
    salesInputs: tableContent(db, 'salesInputs', batchId, floor),
  };
}

/** The digest of no rows: what a batch records for a table it did not write. */
export const noRows = (): RowsDigest => new RowDigest().result();

/**
 * The content of every batch (key null: rows of no batch), each table read once
 * in insertion order: a full check of a million-line workbook reads each big
 * table once instead of once per batch.
 */
export function allBatchContents(db: ReadableDb): Map<number | null, BatchContent> {
  const digests = new Map<number | null, Record<ContentTable, RowDigest>>();
  const of = (batchId: number | null) => {
    let d = digests.get(batchId);
    if (!d) digests.set(batchId, (d = emptyContent()));
    return d;
  };
  for (const id of db.prepare('SELECT batch_id FROM import_batches').pluck().all() as number[]) of(id);
  of(null);
  for (const table of CONTENT_TABLES) {
    for (const row of db.prepare(contentSql(table, false)).raw().iterate() as IterableIterator<unknown[]>) of(row[0] as number | null)[table].add(row, 1);
  }
  return new Map([...digests].map(([id, d]) => [id, finish(d)]));
}

/** The tables whose digest differs between what was recorded and what is there now. */
export function contentDifferences(recorded: Partial<BatchContent>, now: BatchContent): { table: ContentTable; recorded: RowsDigest; now: RowsDigest }[] {
  const none = noRows();
  return CONTENT_TABLES.map((table) => ({ table, recorded: recorded[table] ?? none, now: now[table] }))
    .filter((d) => d.recorded.sha256 !== d.now.sha256 || d.recorded.rows !== d.now.rows);
}
