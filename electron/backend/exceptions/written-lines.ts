// The lines of the run an import has just written, kept in memory as they went in, so
// the scoring right after (exceptions/score.ts) need not read a million lines back from
// the table (~0.5 s of a 1M-line import, issue 14). Only the run the file makes newest is
// kept (the only one the import's warm-ups score), and only until the scoring takes it;
// it is used only while nothing can have changed those lines since they were written.
import type { ReadableDb } from '../db/handles';
import { readSourceStamp } from '../derived/sources';

/** One run's lines in line id order, as columns; NaN where the line has no interval bound. */
export interface WrittenRunLines {
  runId: number;
  count: number;
  lineId: Float64Array;
  quantity: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  /** Keys, periods and lags are integers that fit 32 bits (the import's own key arrays are Int32Array). */
  itemKey: Int32Array;
  locationKey: Int32Array;
  /** The period's key (yyyymmdd) and the line's lag. */
  period: Int32Array;
  lag: Int32Array;
}

/** Entries per block: the columns grow a block at a time, never copied until handed over. */
const BLOCK = 1 << 16;
const COLUMNS = ['lineId', 'quantity', 'lower', 'upper', 'itemKey', 'locationKey', 'period', 'lag'] as const;
const WHOLE: ReadonlySet<string> = new Set(['itemKey', 'locationKey', 'period', 'lag']);
type Columns = Omit<WrittenRunLines, 'runId' | 'count'>;
const column = (c: string, n: number) => (WHOLE.has(c) ? new Int32Array(n) : new Float64Array(n));

/**
 * Collects the lines of the newest run of a file (latest origin, then highest run id: newestRunExceptions' order)
 * as they are written. A line is added when it goes into the writer's buffer, with its place in the next
 * statement; its id once that statement has run (placed).
 */
export class WrittenLinesCollector {
  private origin = -Infinity;
  private runId = -1;
  private blocks: Columns[] = [];
  private count = 0;
  /** Lines before this one have their ids; those after hold their place in a statement not yet run. */
  private placed = 0;
  /** Set when the lines kept can no longer be trusted to be the table's (keys moved after they were written). */
  private spoiled = false;

  /** True when the lines of run `runId` (at `originKey`) are kept: it is the newest the file has shown so far (an earlier one is dropped then). */
  wants(runId: number, originKey: number): boolean {
    if (runId === this.runId) return true;
    if (originKey < this.origin || (originKey === this.origin && runId < this.runId)) return false;
    this.origin = originKey;
    this.runId = runId;
    this.blocks = [];
    this.count = 0;
    this.placed = 0;
    return true;
  }

  /** Appends a line of the run `wants` last accepted, at `place` in the writer's next statement; NaN bounds: none. */
  add(place: number, quantity: number, lower: number, upper: number, itemKey: number, locationKey: number, period: number, lag: number): void {
    const k = this.count++;
    const i = k & (BLOCK - 1);
    if (i === 0) this.blocks.push(Object.fromEntries(COLUMNS.map((c) => [c, column(c, BLOCK)])) as unknown as Columns);
    const b = this.blocks[k >>> 16]!;
    b.lineId[i] = place;
    b.quantity[i] = quantity;
    b.lower[i] = lower;
    b.upper[i] = upper;
    b.itemKey[i] = itemKey;
    b.locationKey[i] = locationKey;
    b.period[i] = period;
    b.lag[i] = lag;
  }

  /**
   * The statement holding places `from` … `from + rows - 1` has run and its last row got rowid `lastRowid`: a
   * statement's rows get consecutive rowids above the table's highest, so the line at place p got
   * lastRowid - rows + 1 + (p - from).
   */
  placedRows(from: number, rows: number, lastRowid: number): void {
    const base = lastRowid - rows + 1 - from;
    for (; this.placed < this.count; this.placed++) {
      const b = this.blocks[this.placed >>> 16]!;
      const i = this.placed & (BLOCK - 1);
      if (b.lineId[i]! >= from + rows) break;
      b.lineId[i] = b.lineId[i]! + base;
    }
  }

  /** The lines' keys were changed in the table after they were written (committer.ts, moveKeys). */
  spoil(): void {
    this.spoiled = true;
    this.blocks = [];
    this.count = 0;
  }

  /**
   * Once the import has committed: the lines kept, handed to the connection's next scoring of their run, when
   * they are all the lines the writer wrote for it (`linesOf`).
   */
  publish(db: ReadableDb, linesOf: (runId: number) => number): void {
    if (this.spoiled || this.count === 0 || this.placed !== this.count || linesOf(this.runId) !== this.count) return;
    const lines = { runId: this.runId, count: this.count } as WrittenRunLines;
    for (const c of COLUMNS) {
      const whole = column(c, this.count);
      this.blocks.forEach((b, n) => whole.set(n === this.blocks.length - 1 ? b[c].subarray(0, this.count - n * BLOCK) : b[c], n * BLOCK));
      (lines as unknown as Record<string, Float64Array | Int32Array>)[c] = whole;
    }
    this.blocks = [];
    this.count = 0;
    published.set(db, { lines, stamp: stampOf(db) });
  }
}

const published = new WeakMap<ReadableDb, { lines: WrittenRunLines; stamp: string }>();

/**
 * What must be unchanged for the kept lines to still be the table's: no other program has committed
 * (data_version), and no line has been added, edited or deleted on this connection (the lines' source stamp:
 * the highest line id and the count of edits, which triggers keep).
 */
function stampOf(db: ReadableDb): string {
  return `${db.prepare('PRAGMA data_version').pluck().get() as number}|${JSON.stringify(readSourceStamp(db, ['lines']))}`;
}

/**
 * The lines an import of this connection kept for `runId`, if they are still the table's (nothing has been
 * committed by another program, no line added, edited or deleted since), or null. Left for the run's next
 * derived data until dropWrittenLines; the caller checks them against the table as well (score.ts).
 */
export function writtenLinesOf(db: ReadableDb, runId: number): WrittenRunLines | null {
  const kept = published.get(db);
  if (!kept) return null;
  if (kept.lines.runId !== runId || kept.stamp !== stampOf(db)) {
    published.delete(db);
    return null;
  }
  return kept.lines;
}

/** The kept lines are no longer wanted: the last of the run's derived data that reads them has been built. */
export function dropWrittenLines(db: ReadableDb): void {
  published.delete(db);
}

/** Kept lines compared with the table's before they stand for them: the first, the last and this many between. */
const LINES_COMPARED = 64;

/**
 * Whether the lines an import kept can stand for the run's lines in the table (writtenLinesOf has found them
 * unchanged since): a sample of them, first and last included, looked up by id, is the table's to the value,
 * so their ids are the rows' own.
 */
export function keptLinesServe(db: ReadableDb, runId: number, written: WrittenRunLines): boolean {
  const n = written.count;
  if (n === 0) return false;
  const row = db.prepare('SELECT run_id, item_key, location_key, quantity, lower, upper, period, lag FROM forecast_lines WHERE line_id = ?').raw();
  const same = (a: number | null, b: number) => (a === null ? Number.isNaN(b) : a === b);
  for (let s = 0; s <= LINES_COMPARED; s++) {
    const k = Math.round(((n - 1) * s) / LINES_COMPARED);
    const found = row.get(written.lineId[k]) as [number, number, number, number, number | null, number | null, number, number] | undefined;
    if (!found || found[0] !== runId) return false;
    const columns = [written.itemKey, written.locationKey, written.quantity, written.lower, written.upper, written.period, written.lag];
    if (columns.some((c, i) => !same(found[i + 1]!, c[k]!))) return false;
  }
  return true;
}
