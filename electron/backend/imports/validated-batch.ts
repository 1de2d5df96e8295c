// What the validator hands to the committer: one batch of checked rows as flat
// columns (typed arrays for the numbers, so a batch crosses from the parse worker
// to the writing thread by transfer, not by copying a million small objects).
// Items, locations and runs are numbered in order of first appearance in the
// file; each batch names the ones it introduces.
import type { QuarantineEntry } from './types';

export interface RunSpec {
  model: string;
  modelVersion: string;
  /** yyyymmdd of the origin, or 0 when neither a column nor the options gave one (each series' own is found at commit). */
  originKey: number;
  intervalLevel: number | null;
}

export interface LineColumns {
  count: number;
  /** Forecasts: index of the line's run among the file's runs. */
  run: Int32Array;
  item: Int32Array;
  location: Int32Array;
  /** yyyymmdd of the bucket's first day. */
  period: Int32Array;
  /** Bucket index (shared/period bucketIndex), for lags. */
  bucket: Int32Array;
  quantity: Float64Array;
  /** NaN where the file gave no bound. */
  lower: Float64Array | null;
  upper: Float64Array | null;
  /** Sales inputs. */
  source: (string | null)[] | null;
  note: (string | null)[] | null;
}

/** A row of an items file; null = the file does not say (an existing value stays). */
export interface ItemRecord {
  rowNumber: number;
  itemId: string;
  name: string | null;
  category: string | null;
  brand: string | null;
  family: string | null;
  abcClass: string | null;
  owner: string | null;
  unit: string | null;
  attributes: Record<string, string>;
}

/** A row of a decision-history file; resolved against the workbook's runs when committed. */
export interface DecisionRecord {
  rowNumber: number;
  raw: string;
  itemId: string;
  itemColumn: string;
  locationId: string;
  periodKey: number;
  final: number;
  finalColumn: string;
  reason: string | null;
  reasonColumn: string;
  comment: string | null;
  /** The decider as the file names them: kept as text, never made a person of the workbook. */
  user: string | null;
  /** ISO timestamp, or null for "when imported". */
  decidedAt: string | null;
  decidedAtColumn: string;
  model: string | null;
  modelVersion: string | null;
  originKey: number;
}

export interface ValidatedBatch {
  rowsRead: number;
  /** Rows that passed the validator (the committer may still quarantine decisions). */
  rowsAccepted: number;
  quarantine: QuarantineEntry[];
  /** Wide files: entries of single models' bad cells in rows whose other models were accepted (counted in rowsAccepted too). */
  cellsQuarantined: number;
  newItems: string[];
  newLocations: string[];
  newRuns: RunSpec[];
  lines: LineColumns | null;
  items: ItemRecord[] | null;
  decisions: DecisionRecord[] | null;
  bytesRead: number;
  bytesTotal: number;
}

/** The buffers a batch can hand over to another thread without copying (its columns share them). */
export function transferables(batch: ValidatedBatch): ArrayBuffer[] {
  const l = batch.lines;
  if (!l) return [];
  const arrays = [l.run, l.item, l.location, l.period, l.bucket, l.quantity, l.lower, l.upper];
  return [...new Set(arrays.filter((a): a is Int32Array | Float64Array => a !== null).map((a) => a.buffer as ArrayBuffer))];
}
