// The scoring of a run as it was before it became columnar (exceptions/score.ts
// up to scoring version 2, verbatim but for the names), kept as the oracle the
// columnar scoring must match line for line: score, reasons and their order.
import type { ExceptionReason } from '../../shared/domain';
import { addBuckets, periodFromKey, periodKey, type Grain } from '../../shared/period';
import type { ReadableDb } from '../../electron/backend/db/handles';
import { SIGNALS } from '../../electron/backend/exceptions/score';

const TOTAL_WEIGHT = Object.values(SIGNALS).reduce((s, x) => s + x.weight, 0);
const DAMPING_WORTH_NAMING = 0.9;

interface SignalRow {
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

interface LineException {
  lineId: number;
  score: number;
  reasons: ExceptionReason[];
}

const round2 = (x: number) => Math.round(x * 100) / 100;
/** Raw points (out of the signals' total weight) as points of the 0–100 score, to 0.1. */
const toScore = (points: number) => Math.round((1000 * points) / TOTAL_WEIGHT) / 10;

/** The units a line is about: the larger of the model, the recent run-rate and the sales input. */
function lineVolume(row: Pick<SignalRow, 'f' | 'run_rate' | 'si'>): number {
  return Math.max(row.f, row.run_rate ?? 0, row.si ?? 0);
}

/** The run's typical line volume, against which each line's volume is weighed: the median, at least 1 unit. */
function volumeReference(volumes: readonly number[]): number {
  if (!volumes.length) return 1;
  const sorted = [...volumes].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.max(median, 1);
}

/**
 * Scores one line. `reference` is the run's typical line volume (volumeReference);
 * a line below it has every signal weighted by volume / reference, so a tiny line's
 * big percentages cannot outrank a large line's moderate ones. Left out (or 0),
 * nothing is damped.
 */
function scoreSignals(row: SignalRow, reference = 0): LineException {
  const values: Partial<Record<keyof typeof SIGNALS, number>> = {};
  const units: Partial<Record<keyof typeof SIGNALS, number>> = {};
  const base = Math.max(row.f, 1);
  if (row.si !== null) {
    values.sales_input = (row.si - row.f) / base;
    units.sales_input = row.si - row.f;
  }
  if (row.run_rate !== null && row.history >= 3) {
    values.run_rate_jump = (row.f - row.run_rate) / Math.max(row.run_rate, 1);
    units.run_rate_jump = row.f - row.run_rate;
  }
  if (row.lower !== null && row.upper !== null) {
    values.interval_width = (row.upper - row.lower) / base;
    units.interval_width = row.upper - row.lower;
  }
  if (row.err_act !== null && row.err_act > 0 && row.err_abs !== null) values.recent_error = row.err_abs / row.err_act;
  if (row.history < 6) values.new_item = row.history;
  if (row.drift > 0) values.drift = 1;

  const volume = lineVolume(row);
  const factor = reference > 0 ? Math.min(1, volume / reference) : 1;
  let score = 0;
  let undamped = 0;
  const reasons: ExceptionReason[] = [];
  for (const [kind, value] of Object.entries(values) as [keyof typeof SIGNALS, number][]) {
    const s = SIGNALS[kind];
    const strength = kind === 'new_item' || kind === 'drift' ? 1 : Math.min(Math.abs(value) / s.full, 1);
    const contribution = strength * s.weight * factor;
    undamped += strength * s.weight;
    score += contribution;
    if (kind === 'new_item' || kind === 'drift' || Math.abs(value) >= s.notable) {
      reasons.push(units[kind] === undefined ? { kind, value, contribution } : { kind, value, contribution, units: round2(units[kind]!) });
    }
  }
  // Contributions in points of the 0–100 score, as the score itself.
  for (const r of reasons) r.contribution = toScore(r.contribution);
  reasons.sort((a, b) => b.contribution - a.contribution);
  // Said first: it is why a line with loud percentages sits low in the list.
  if (factor < DAMPING_WORTH_NAMING && reasons.length) {
    reasons.unshift({ kind: 'low_volume', value: Math.round(factor * 1000) / 1000, contribution: toScore(score - undamped), units: round2(volume) });
  }
  return { lineId: row.line_id, score: toScore(score), reasons };
}

/**
 * Computes every line's signals in one SQL pass (per-item aggregates joined to
 * the run's lines) and scores them.
 */
export function oracleRunExceptions(db: ReadableDb, runId: number): LineException[] {
  const run = db.prepare('SELECT origin, grain, model_name FROM forecast_runs WHERE run_id = ?').get(runId) as
    | { origin: number; grain: Grain; model_name: string }
    | undefined;
  if (!run) return [];
  const origin = periodFromKey(run.origin);
  const params = {
    runId,
    origin: run.origin,
    rateFrom: periodKey(addBuckets(origin, -2, run.grain)),
    errFrom: periodKey(addBuckets(origin, -6, run.grain)),
    model: run.model_name,
  };
  const rows = db
    .prepare(
      `WITH run_items AS (SELECT DISTINCT item_key, location_key FROM forecast_lines WHERE run_id = @runId),
       hist AS (
         SELECT a.item_key, a.location_key, count(*) AS history,
                avg(CASE WHEN a.period >= @rateFrom THEN a.quantity END) AS run_rate
           FROM actuals a JOIN run_items USING (item_key, location_key)
          WHERE a.superseded_at IS NULL AND a.period <= @origin
          GROUP BY a.item_key, a.location_key),
       err AS (
         SELECT l.item_key, l.location_key, sum(abs(l.quantity - a.quantity)) AS err_abs, sum(a.quantity) AS err_act
           FROM forecast_runs r
           JOIN forecast_lines l ON l.run_id = r.run_id
           JOIN actuals a ON a.item_key = l.item_key AND a.location_key = l.location_key AND a.period = l.period AND a.superseded_at IS NULL
          WHERE r.model_name = @model AND r.origin < @origin AND r.origin >= @errFrom AND l.period <= @origin
            AND (l.item_key, l.location_key) IN (SELECT item_key, location_key FROM run_items)
          GROUP BY l.item_key, l.location_key),
       drifting AS (
         SELECT i.item_key FROM items i JOIN drift_alerts d
             ON d.resolved_at IS NULL AND ((d.segment_type = 'category' AND d.segment_value = i.category)
                                        OR (d.segment_type = 'abc_class' AND d.segment_value = i.abc_class)
                                        OR d.segment_type = 'all'))
       SELECT l.line_id, l.quantity AS f, l.lower, l.upper, s.quantity AS si, h.run_rate, coalesce(h.history, 0) AS history,
              e.err_abs, e.err_act, (l.item_key IN (SELECT item_key FROM drifting)) AS drift
         FROM forecast_lines l
         LEFT JOIN sales_inputs s ON s.item_key = l.item_key AND s.location_key = l.location_key AND s.period = l.period AND s.superseded_at IS NULL
         LEFT JOIN hist h ON h.item_key = l.item_key AND h.location_key = l.location_key
         LEFT JOIN err e ON e.item_key = l.item_key AND e.location_key = l.location_key
        WHERE l.run_id = @runId`,
    )
    .all(params) as SignalRow[];
  const reference = volumeReference(rows.map(lineVolume));
  return rows.map((row) => scoreSignals(row, reference));
}
