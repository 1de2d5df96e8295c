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
  itemKey: Float64Array;
  locationKey: Float64Array;
}

/** Collects the lines of the newest run of a file (latest origin, then highest run id: newestRunExceptions' order) as they are written. */
export class WrittenLinesCollector {
  private origin = -Infinity;
  private runId = -1;
  private lines: WrittenRunLines | null = null;
  /** Set when the lines kept can no longer be trusted to be the table's (keys moved after they were written). */
  private spoiled = false;

  /** True when the lines of run `runId` (at `originKey`) are kept: it is the newest the file has shown so far (an earlier one is dropped then). */
  wants(runId: number, originKey: number): boolean {
    if (runId === this.runId) return true;
    if (originKey < this.origin || (originKey === this.origin && runId < this.runId)) return false;
    this.origin = originKey;
    this.runId = runId;
    this.lines = null;
    return true;
  }

  /** Appends one line of the run `wants` last accepted; line ids ascend (each statement's rows are above the table's highest). */
  add(runId: number, lineId: number, quantity: number, lower: number, upper: number, itemKey: number, locationKey: number): void {
    let l = this.lines;
    if (l === null || l.runId !== runId) l = this.lines = emptyLines(runId, 1024);
    if (l.count === l.lineId.length) l = this.lines = grown(l);
    const k = l.count++;
    l.lineId[k] = lineId;
    l.quantity[k] = quantity;
    l.lower[k] = lower;
    l.upper[k] = upper;
    l.itemKey[k] = itemKey;
    l.locationKey[k] = locationKey;
  }

  /** The lines' keys were changed in the table after they were written (committer.ts, moveKeys). */
  spoil(): void {
    this.spoiled = true;
    this.lines = null;
  }

  /** Once the import has committed: the lines kept, handed to the connection's next scoring of their run. */
  publish(db: ReadableDb): void {
    if (this.spoiled || this.lines === null || this.lines.count === 0) return;
    published.set(db, { lines: this.lines, stamp: stampOf(db) });
    this.lines = null;
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
 * The lines an import of this connection kept for `runId`, if they are still the table's, or null; taken once.
 * The caller checks them against the run's count and first and last line id as well.
 */
export function takeWrittenLines(db: ReadableDb, runId: number): WrittenRunLines | null {
  const kept = published.get(db);
  if (!kept) return null;
  published.delete(db);
  if (kept.lines.runId !== runId || kept.stamp !== stampOf(db)) return null;
  return kept.lines;
}

function emptyLines(runId: number, capacity: number): WrittenRunLines {
  return {
    runId,
    count: 0,
    lineId: new Float64Array(capacity),
    quantity: new Float64Array(capacity),
    lower: new Float64Array(capacity),
    upper: new Float64Array(capacity),
    itemKey: new Float64Array(capacity),
    locationKey: new Float64Array(capacity),
  };
}

function grown(l: WrittenRunLines): WrittenRunLines {
  const out = emptyLines(l.runId, l.lineId.length * 2);
  out.count = l.count;
  for (const c of ['lineId', 'quantity', 'lower', 'upper', 'itemKey', 'locationKey'] as const) out[c].set(l[c]);
  return out;
}
