// Exception score of each line of a run: how much a planner should look at it
// first. Six signals, each capped and weighted, summed to 0–100; the reasons
// behind a score travel with it as values (the renderer words them).
// Ratios alone put a 3-unit line jumping +140 % above a 3 000-unit line off by
// 40 %, so every signal is weighted by the line's volume against the run's
// typical line (the median): big-unit disagreements come first.
// A run is scored column by column (run-signals.ts): its items' signals in typed
// arrays, one line's signals and reasons in reused typed arrays, never as objects.
import type { ExceptionReason } from '../../../shared/domain';
import type { WritableDb } from '../db/handles';
import { phaseMark } from '../phase-marks';
import { medianVolumeOf } from './median';
import { forEachRunLine, itemIndexOf, runItemSignals, type RunItemSignals, type RunItems, type RunLineVisitor } from './run-signals';
import { servingWrittenLines, type WrittenRunLines } from './written-lines';

/** Weight of each signal (full weight when the signal reaches `full`) and when it is worth naming. */
export const SIGNALS = {
  sales_input: { weight: 30, full: 0.5, notable: 0.2 }, // |sales input − model| / model
  run_rate_jump: { weight: 25, full: 0.6, notable: 0.3 }, // |model − mean of last 3 actuals| / run-rate
  interval_width: { weight: 15, full: 1.5, notable: 0.8 }, // (upper − lower) / model
  recent_error: { weight: 20, full: 0.6, notable: 0.3 }, // the model's WAPE on the item over the last 6 origins
  new_item: { weight: 10, full: 1, notable: 1 }, // fewer than 6 buckets of history
  drift: { weight: 10, full: 1, notable: 1 }, // an open drift alert on the item's segment
} as const;
const TOTAL_WEIGHT = Object.values(SIGNALS).reduce((s, x) => s + x.weight, 0);

/** Bump when the scoring changes, so scores kept in a workbook are recomputed (exceptions/cache.ts). */
export const SCORING_VERSION = 2;
/** Below this volume factor the line says it was damped (reason 'low_volume'). */
const DAMPING_WORTH_NAMING = 0.9;

export interface SignalRow {
  line_id: number;
  f: number;
  lower: number | null;
  upper: number | null;
  si: number | null;
  run_rate: number | null;
  history: number;
  err_abs: number | null;
  err_act: number | null;
  drift: number;
}

export interface LineException {
  lineId: number;
  score: number;
  reasons: ExceptionReason[];
}

const round2 = (x: number) => Math.round(x * 100) / 100;
/** Raw points (out of the signals' total weight) as points of the 0–100 score, to 0.1. */
const toScore = (points: number) => Math.round((1000 * points) / TOTAL_WEIGHT) / 10;

/** The units a line is about: the larger of the model, the recent run-rate and the sales input. */
export function lineVolume(row: Pick<SignalRow, 'f' | 'run_rate' | 'si'>): number {
  return Math.max(row.f, row.run_rate ?? 0, row.si ?? 0);
}

/** The median of volumes already sorted ascending, at least 1 unit (1 when there are none). */
export function medianVolume(sorted: ArrayLike<number>): number {
  if (!sorted.length) return 1;
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.max(median, 1);
}

/** The run's typical line volume, against which each line's volume is weighed: the median, at least 1 unit. */
export function volumeReference(volumes: readonly number[]): number {
  return medianVolume(Float64Array.from(volumes).sort());
}

type ReasonKind = ExceptionReason['kind'];
/** The signals in the order they are weighed and named (ties in contribution keep it); 'low_volume' last. */
const KINDS: ReasonKind[] = [...(Object.keys(SIGNALS) as (keyof typeof SIGNALS)[]), 'low_volume'];
const LOW_VOLUME = KINDS.length - 1;
const WEIGHTS = KINDS.slice(0, LOW_VOLUME).map((k) => SIGNALS[k as keyof typeof SIGNALS]);
/** new_item and drift count in full whenever they fire. */
const FIRST_FLAG = KINDS.indexOf('new_item');

/**
 * One line's score and reasons, as columns reused line after line: scoring a run's
 * million lines allocates nothing per line. Reasons 0..count-1, strongest first.
 */
const scored = {
  score: 0,
  count: 0,
  kind: new Uint8Array(KINDS.length),
  value: new Float64Array(KINDS.length),
  contribution: new Float64Array(KINDS.length),
  /** NaN: the reason has no units. */
  units: new Float64Array(KINDS.length),
};
// The signals that fire on the line, in KINDS order, before weighing.
const firing = { count: 0, kind: new Uint8Array(LOW_VOLUME), value: new Float64Array(LOW_VOLUME), units: new Float64Array(LOW_VOLUME) };

function fire(kind: number, value: number, units: number): void {
  const i = firing.count++;
  firing.kind[i] = kind;
  firing.value[i] = value;
  firing.units[i] = units;
}

/** Places a reason among those kept, strongest first; an equal one stays after those named before it. */
function keepReason(kind: number, value: number, contribution: number, units: number): void {
  let j = scored.count++;
  while (j > 0 && scored.contribution[j - 1]! < contribution) {
    scored.kind[j] = scored.kind[j - 1]!;
    scored.value[j] = scored.value[j - 1]!;
    scored.contribution[j] = scored.contribution[j - 1]!;
    scored.units[j] = scored.units[j - 1]!;
    j--;
  }
  scored.kind[j] = kind;
  scored.value[j] = value;
  scored.contribution[j] = contribution;
  scored.units[j] = units;
}

/**
 * Scores one line into `scored`. `reference` is the run's typical line volume (volumeReference);
 * a line below it has every signal weighted by volume / reference, so a tiny line's
 * big percentages cannot outrank a large line's moderate ones. 0: nothing is damped.
 */
function scoreLine(
  f: number,
  lower: number | null,
  upper: number | null,
  si: number | null,
  runRate: number | null,
  history: number,
  errAbs: number | null,
  errAct: number | null,
  drift: number,
  reference: number,
): void {
  firing.count = 0;
  const base = Math.max(f, 1);
  if (si !== null) fire(0, (si - f) / base, si - f);
  if (runRate !== null && history >= 3) fire(1, (f - runRate) / Math.max(runRate, 1), f - runRate);
  if (lower !== null && upper !== null) fire(2, (upper - lower) / base, upper - lower);
  if (errAct !== null && errAct > 0 && errAbs !== null) fire(3, errAbs / errAct, NaN);
  if (history < 6) fire(4, history, NaN);
  if (drift > 0) fire(5, 1, NaN);

  const volume = Math.max(f, runRate ?? 0, si ?? 0);
  const factor = reference > 0 ? Math.min(1, volume / reference) : 1;
  let score = 0;
  let undamped = 0;
  scored.count = 0;
  for (let i = 0; i < firing.count; i++) {
    const kind = firing.kind[i]!;
    const value = firing.value[i]!;
    const s = WEIGHTS[kind]!;
    const flag = kind >= FIRST_FLAG;
    const strength = flag ? 1 : Math.min(Math.abs(value) / s.full, 1);
    const contribution = strength * s.weight * factor;
    undamped += strength * s.weight;
    score += contribution;
    // Contributions in points of the 0–100 score, as the score itself.
    if (flag || Math.abs(value) >= s.notable) keepReason(kind, value, toScore(contribution), Number.isNaN(firing.units[i]!) ? NaN : round2(firing.units[i]!));
  }
  // Said first: it is why a line with loud percentages sits low in the list.
  if (factor < DAMPING_WORTH_NAMING && scored.count) {
    for (let j = scored.count; j > 0; j--) {
      scored.kind[j] = scored.kind[j - 1]!;
      scored.value[j] = scored.value[j - 1]!;
      scored.contribution[j] = scored.contribution[j - 1]!;
      scored.units[j] = scored.units[j - 1]!;
    }
    scored.count++;
    scored.kind[0] = LOW_VOLUME;
    scored.value[0] = Math.round(factor * 1000) / 1000;
    scored.contribution[0] = toScore(score - undamped);
    scored.units[0] = round2(volume);
  }
  scored.score = toScore(score);
}

/** Scores one line (see scoreLine): its score and reasons as values. */
export function scoreSignals(row: SignalRow, reference = 0): LineException {
  scoreLine(row.f, row.lower, row.upper, row.si, row.run_rate, row.history, row.err_abs, row.err_act, row.drift, reference);
  const reasons: ExceptionReason[] = [];
  for (let i = 0; i < scored.count; i++) {
    const [kind, value, contribution, units] = [KINDS[scored.kind[i]!]!, scored.value[i]!, scored.contribution[i]!, scored.units[i]!];
    reasons.push(Number.isNaN(units) ? { kind, value, contribution } : { kind, value, contribution, units });
  }
  return { lineId: row.line_id, score: scored.score, reasons };
}

/**
 * A run's lines scored in one read of them (exceptions/cache.ts writes the scores): its items' signals and
 * typical volume read first, each line's score then computed from inputs held in typed arrays, so no line's
 * score costs a call from SQL into JavaScript with its six inputs (about a second of a 1M-line import's warm-ups).
 */
export interface RunScorer {
  /** Where the lines were read from: the import that has just written them (kept in memory), or the table. */
  linesFrom: 'import' | 'workbook';
  /** The run's first and last line id (0, -1: no lines) and its number of lines. */
  firstLine: number;
  lastLine: number;
  lines: number;
  /** The run's typical line volume (volumeReference), which the reasons are worked out against when read (exceptions/reasons.ts). */
  reference: number;
  /** The items' signals the lines are scored with, kept for the reasons read later. */
  items: RunItemSignals;
  /** The run's line ids, ascending, and each one's score at the same place; its reasons are worked out when read, from the same inputs (exceptions/reasons.ts). */
  lineIds: Float64Array;
  scores: Float64Array;
  /** Per item of the run (all its locations together): its lines and highest score, in item key order. */
  itemScores(): ScoredItems;
}

/** The run's items as scored: what the default grouped layout orders them by (review/group-layout.ts). */
export interface ScoredItems {
  itemKey: Float64Array;
  lines: Float64Array;
  maxScore: Float64Array;
}

/**
 * The scorer of a run, or null when the run does not exist. Reads the lines once: their volumes give the run's
 * typical volume (the median needs them all) and their inputs are kept to score every line once it is known.
 */
export function runScorer(db: WritableDb, runId: number): RunScorer | null {
  const kept = servingWrittenLines(db, runId);
  const written = kept !== null && noSalesInputs(db) ? kept : null;
  // The run's items counted from the kept lines when there are some, rather than by a pass over the run's index.
  const items = runItemSignals(db, runId, written ? itemsOfLines(written) : undefined);
  phaseMark('item signals read');
  if (!items) return null;
  let lines = 0;
  for (let i = 0; i < items.count; i++) lines += items.lines[i]!;
  // Per line, in line id order; NaN where SQL has NULL (SQLite keeps no NaN, so NaN means NULL only). The import's
  // kept lines are taken as they are, not copied: fresh memory costs ~2.5 ms a megabyte here (written-lines.ts).
  let lineIds: Float64Array;
  let model: Float64Array;
  let lower: Float64Array;
  let upper: Float64Array;
  /** null: no line has a sales input. */
  let salesInput: Float64Array | null;
  const itemOf = new Int32Array(lines);
  const volumes = new Float64Array(lines);
  const linesFrom = written !== null ? 'import' : 'workbook';
  if (written !== null) {
    // The import's own lines, as it wrote them a moment ago: no sales input can meet them (keptLinesServe).
    if (written.count !== lines) throw new Error(`Scoring found ${written.count} kept lines of run ${runId} where its items count ${lines}.`);
    ({ lineId: lineIds, quantity: model, lower, upper } = written);
    salesInput = null;
    const { itemKey, locationKey } = written;
    let i = -1;
    for (let k = 0; k < lines; k++) {
      // An item's lines come together (written together): the item is looked up when it changes.
      if (i < 0 || itemKey[k] !== items.itemKey[i] || locationKey[k] !== items.locationKey[i]) i = itemIndexOf(items, itemKey[k]!, locationKey[k]!);
      if (k > 0 && lineIds[k]! <= lineIds[k - 1]!) throw new Error(`Scoring found run ${runId}'s kept lines out of id order, at line ${lineIds[k]}.`);
      itemOf[k] = i;
      volumes[k] = volumeOf(model[k]!, NaN, items.runRate[i]!);
    }
  } else {
    lineIds = new Float64Array(lines);
    model = new Float64Array(lines);
    lower = new Float64Array(lines);
    upper = new Float64Array(lines);
    const si = (salesInput = new Float64Array(lines));
    let at = 0;
    let i = -1;
    const visit: RunLineVisitor = (lineId, f, lo, up, input, itemKey, locationKey) => {
      // An item's lines come together (written together): the item is looked up when it changes.
      if (i < 0 || itemKey !== items.itemKey[i] || locationKey !== items.locationKey[i]) i = itemIndexOf(items, itemKey, locationKey);
      if (at > 0 && lineId <= lineIds[at - 1]!) throw new Error(`Scoring read run ${runId}'s lines out of id order, at line ${lineId}.`);
      lineIds[at] = lineId;
      model[at] = f;
      lower[at] = lo ?? NaN;
      upper[at] = up ?? NaN;
      si[at] = input ?? NaN;
      itemOf[at] = i;
      volumes[at++] = volumeOf(f, input ?? NaN, items.runRate[i]!);
    };
    forEachRunLine(db, runId, items, visit);
  }
  phaseMark('lines read');
  const reference = medianVolumeOf(volumes);
  // The volumes are no longer needed once their median is known: their array takes the scores.
  const scores = volumes;
  // Per item and location: the highest score of its lines (scores are at least 0).
  const maxScore = new Float64Array(items.count);
  const orNull = (x: number) => (Number.isNaN(x) ? null : x);
  for (let k = 0; k < lines; k++) {
    const it = itemOf[k]!;
    scoreLine(
      model[k]!,
      orNull(lower[k]!),
      orNull(upper[k]!),
      salesInput === null ? null : orNull(salesInput[k]!),
      orNull(items.runRate[it]!),
      items.history[it]!,
      orNull(items.errAbs[it]!),
      orNull(items.errAct[it]!),
      items.drift[it]!,
      reference,
    );
    scores[k] = scored.score;
    if (scored.score > maxScore[it]!) maxScore[it] = scored.score;
  }
  return {
    linesFrom,
    firstLine: items.firstLine,
    lastLine: items.lastLine,
    lines,
    reference,
    items,
    lineIds,
    scores,
    itemScores() {
      // Locations of an item are adjacent in (item_key, location_key) order.
      let n = 0;
      for (let k = 0; k < items.count; k++) if (k === 0 || items.itemKey[k] !== items.itemKey[k - 1]) n++;
      const out: ScoredItems = { itemKey: new Float64Array(n), lines: new Float64Array(n), maxScore: new Float64Array(n) };
      let g = -1;
      for (let k = 0; k < items.count; k++) {
        if (k === 0 || items.itemKey[k] !== items.itemKey[k - 1]) out.itemKey[++g] = items.itemKey[k]!;
        out.lines[g] = out.lines[g]! + items.lines[k]!;
        if (maxScore[k]! > out.maxScore[g]!) out.maxScore[g] = maxScore[k]!;
      }
      return out;
    },
  };
}

/** A line's volume as lineVolume takes it, from columns (NaN: no sales input, no run-rate): the larger of the model and the sales input, then of that and the run-rate. */
function volumeOf(f: number, salesInput: number, runRate: number): number {
  const modelOrInput = Math.max(f, Number.isNaN(salesInput) ? 0 : salesInput);
  return Number.isNaN(runRate) ? Math.max(modelOrInput, 0) : Math.max(modelOrInput, runRate);
}

/** Whether no current sales input exists, which a line would have to be joined with to be scored. */
const noSalesInputs = (db: WritableDb) => db.prepare('SELECT EXISTS (SELECT 1 FROM sales_inputs WHERE superseded_at IS NULL)').pluck().get() === 0;

/** The run's items as run-signals.ts counts them (RunItems), from the kept lines. */
function itemsOfLines(written: WrittenRunLines): RunItems {
  const index = new Map<string, number>();
  const out: RunItems = [];
  let last = -1;
  for (let k = 0; k < written.count; k++) {
    const itemKey = written.itemKey[k]!;
    const locationKey = written.locationKey[k]!;
    const lineId = written.lineId[k]!;
    // An item's lines come together (written together): the map is asked when the item changes.
    if (last < 0 || out[last]![0] !== itemKey || out[last]![1] !== locationKey) {
      const key = `${itemKey}|${locationKey}`;
      let at = index.get(key);
      if (at === undefined) {
        at = out.length;
        index.set(key, at);
        out.push([itemKey, locationKey, 0, lineId, lineId]);
      }
      last = at;
    }
    const item = out[last]!;
    item[2]++;
    // Line ids ascend: the first seen is the lowest, the last the highest.
    item[4] = lineId;
  }
  return out;
}
