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

/** The columns' first size when no estimate was given (expectLines); they grow by half again when full. */
const FIRST_CAPACITY = 1 << 16;
const COLUMNS = ['lineId', 'quantity', 'lower', 'upper', 'itemKey', 'locationKey', 'period', 'lag'] as const;
const WHOLE: ReadonlySet<string> = new Set(['itemKey', 'locationKey', 'period', 'lag']);
type Columns = Omit<WrittenRunLines, 'runId' | 'count'>;
const column = (c: string, n: number) => (WHOLE.has(c) ? new Int32Array(n) : new Float64Array(n));
const columnsOf = (n: number) => Object.fromEntries(COLUMNS.map((c) => [c, column(c, n)])) as unknown as Columns;

/**
 * Collects the lines of the newest run of a file (latest origin, then highest run id: newestRunExceptions' order)
 * as they are written. A line is added when it goes into the writer's buffer, with its place in the next
 * statement; its id once that statement has run (placed).
 *
 * Each column is one array, sized from the file's expected number of lines (expectLines) and handed over as a
 * view of it, never copied: on this kind of machine the first touch of fresh memory costs ~2.5 ms a megabyte
 * (page faults), so copying the eight columns of a million lines into new arrays took ~0.12 s, and a line not
 * written leaves its pages of the array untouched, so an estimate on the high side costs nothing.
 */
export class WrittenLinesCollector {
  private origin = -Infinity;
  private runId = -1;
  private columns: Columns | null = null;
  private capacity = FIRST_CAPACITY;
  private count = 0;
  /** Lines before this one have their ids; those after hold their place in a statement not yet run. */
  private placed = 0;
  /** Set when the lines kept can no longer be trusted to be the table's (keys moved after they were written). */
  private spoiled = false;

  /** The file is expected to hold about this many lines: the columns of a run are made that long at once. */
  expectLines(lines: number): void {
    if (this.columns === null && Number.isSafeInteger(lines) && lines > this.capacity) this.capacity = lines;
  }

  /** True when the lines of run `runId` (at `originKey`) are kept: it is the newest the file has shown so far (an earlier one is dropped then). */
  wants(runId: number, originKey: number): boolean {
    if (runId === this.runId) return true;
    if (originKey < this.origin || (originKey === this.origin && runId < this.runId)) return false;
    this.origin = originKey;
    this.runId = runId;
    // An earlier run's columns are taken over: their pages have been touched already.
    this.count = 0;
    this.placed = 0;
    return true;
  }

  /** Appends a line of the run `wants` last accepted, at `place` in the writer's next statement; NaN bounds: none. */
  add(place: number, quantity: number, lower: number, upper: number, itemKey: number, locationKey: number, period: number, lag: number): void {
    const k = this.count++;
    if (this.columns === null || k === this.capacity) this.grow(k);
    const b = this.columns!;
    b.lineId[k] = place;
    b.quantity[k] = quantity;
    b.lower[k] = lower;
    b.upper[k] = upper;
    b.itemKey[k] = itemKey;
    b.locationKey[k] = locationKey;
    b.period[k] = period;
    b.lag[k] = lag;
  }

  /** The columns made (first line) or made longer (the estimate was short), the `kept` lines first copied over. */
  private grow(kept: number): void {
    if (this.columns !== null) this.capacity = Math.ceil(this.capacity * 1.5);
    const next = columnsOf(this.capacity);
    if (this.columns !== null) for (const c of COLUMNS) next[c].set(this.columns[c].subarray(0, kept));
    this.columns = next;
  }

  /**
   * The statement holding places `from` … `from + rows - 1` has run and its last row got rowid `lastRowid`: a
   * statement's rows get consecutive rowids above the table's highest, so the line at place p got
   * lastRowid - rows + 1 + (p - from).
   */
  placedRows(from: number, rows: number, lastRowid: number): void {
    const ids = this.columns?.lineId;
    if (!ids) return;
    const base = lastRowid - rows + 1 - from;
    for (; this.placed < this.count; this.placed++) {
      if (ids[this.placed]! >= from + rows) break;
      ids[this.placed] = ids[this.placed]! + base;
    }
  }

  /** The lines' keys were changed in the table after they were written (committer.ts, moveKeys). */
  spoil(): void {
    this.spoiled = true;
    this.columns = null;
    this.count = 0;
  }

  /**
   * Once the import has committed: the lines kept, handed to the connection's next scoring of their run, when
   * they are all the lines the writer wrote for it (`linesOf`).
   */
  publish(db: ReadableDb, linesOf: (runId: number) => number): void {
    const columns = this.columns;
    this.columns = null;
    if (this.spoiled || columns === null || this.count === 0 || this.placed !== this.count || linesOf(this.runId) !== this.count) return;
    const lines = { runId: this.runId, count: this.count } as WrittenRunLines;
    for (const c of COLUMNS) (lines as unknown as Record<string, Float64Array | Int32Array>)[c] = columns[c].subarray(0, this.count);
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

/** The lines an import of this connection has just written for `runId`, when they still stand for the table's (writtenLinesOf, then keptLinesServe). */
export function servingWrittenLines(db: ReadableDb, runId: number): WrittenRunLines | null {
  const w = writtenLinesOf(db, runId);
  return w !== null && keptLinesServe(db, runId, w) ? w : null;
}
