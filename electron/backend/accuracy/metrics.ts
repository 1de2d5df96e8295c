// Every metric of SPEC §3 is g(k × numerator / denominator) over sums kept in
// accuracy_cells, so a metric over any set of cells is two SUMs and one division.
// This module names those sums; the SQL that adds them is in the query modules.
import type { Metric } from '../../../shared/accuracy';
import type { CellSums } from './cell-sums';

/** Column prefix of each forecast source in accuracy_cells. */
export const SOURCE_PREFIX = { model: 'm', final: 'f', naive: 'nv', seasonal_naive: 'sn', sales_input: 'si' } as const;
export type SourcePrefix = (typeof SOURCE_PREFIX)[keyof typeof SOURCE_PREFIX];

/**
 * The error terms of one line, summed into the cube's columns (m_abs, f_sape …)
 * by suffix: `f` is the forecast, `act` the actual, `scale` MASE's in-sample scale.
 * A NULL forecast (no benchmark) gives NULL terms, which SUM leaves out.
 */
export const LINE_ERROR_TERMS: Record<'abs' | 'e' | 'sq' | 'ape' | 'sape' | 'sc', (f: string) => string> = {
  abs: (f) => `abs(${f} - act)`,
  e: (f) => `(${f} - act)`,
  sq: (f) => `(${f} - act) * (${f} - act)`,
  // MAPE leaves out zero actuals; sMAPE scores F = A = 0 as 0.
  ape: (f) => `CASE WHEN act > 0 THEN abs(${f} - act) * 100.0 / act END`,
  sape: (f) => `CASE WHEN ${f} = 0 AND act = 0 THEN 0 ELSE 200.0 * abs(${f} - act) / (abs(${f}) + abs(act)) END`,
  sc: (f) => `CASE WHEN scale > 0 THEN abs(${f} - act) / scale END`,
};

/**
 * LINE_ERROR_TERMS of one line in numbers, added to six sums of a cell from
 * `column` on, in the same order and with the same arithmetic: the cube is
 * built in the backend's code (cube-build.ts), queries over lines stay SQL.
 */
export function addLineErrorTerms(sums: CellSums<unknown>, offset: number, column: number, f: number, act: number, scale: number | null): void {
  const e = f - act;
  const abs = Math.abs(e);
  sums.add(offset, column, abs);
  sums.add(offset, column + 1, e);
  sums.add(offset, column + 2, e * e);
  sums.add(offset, column + 3, act > 0 ? (abs * 100.0) / act : null);
  sums.add(offset, column + 4, f === 0 && act === 0 ? 0 : (200.0 * abs) / (Math.abs(f) + Math.abs(act)));
  sums.add(offset, column + 5, scale !== null && scale > 0 ? abs / scale : null);
}

/** The cube's count of the lines a metric can score: every line, those with an actual above 0, those with a MASE scale. */
export type ScoredCount = 'n' | 'n_pos' | 'n_scaled';

interface MetricTerms {
  /** The numerator column for a source prefix. */
  num: (prefix: SourcePrefix) => string;
  /** The denominator column (the same for every source over the same lines). */
  den: string;
  /** The lines the metric scores: its n. */
  count: ScoredCount;
  factor: number;
  root: boolean;
}

export const METRIC_TERMS: Record<Metric, MetricTerms> = {
  mae: { num: (p) => `${p}_abs`, den: 'n', count: 'n', factor: 1, root: false },
  wape: { num: (p) => `${p}_abs`, den: 'a', count: 'n', factor: 100, root: false },
  bias: { num: (p) => `${p}_e`, den: 'a', count: 'n', factor: 100, root: false },
  // The per-line terms are already in %; MAPE counts only lines with an actual above 0.
  mape: { num: (p) => `${p}_ape`, den: 'n_pos', count: 'n_pos', factor: 1, root: false },
  smape: { num: (p) => `${p}_sape`, den: 'n', count: 'n', factor: 1, root: false },
  // MASE counts only lines whose item has an in-sample scale before the origin.
  mase: { num: (p) => `${p}_sc`, den: 'n_scaled', count: 'n_scaled', factor: 1, root: false },
  rmse: { num: (p) => `${p}_sq`, den: 'n', count: 'n', factor: 1, root: true },
};

/**
 * The sum of a per-line count column (better_m_f, worse_sn_m …) over the lines
 * the metric scores. The cube keeps lines with and without an actual above 0,
 * and with and without a MASE scale, in separate cells (cube.ts), so a cell's
 * lines are either all scored or none: its own count says which. `totals`: over the
 * cells' totals, which keep the count over the scored cells apart.
 */
export function scoredSum(metric: Metric, column: string, totals = false): string {
  const count = METRIC_TERMS[metric].count;
  if (count === 'n') return `sum(c.${column})`;
  // The cells' totals (cell-totals.ts) keep those sums taken apart: `_pos` and `_scaled`.
  if (totals) return `sum(c.${column}_${count === 'n_pos' ? 'pos' : 'scaled'})`;
  return `sum(CASE WHEN c.${count} > 0 THEN c.${column} END)`;
}

/** Per line (act, scale in scope): whether the metric scores it, as SQL. */
export const SCORED_LINE_SQL: Record<ScoredCount, string> = { n: '1', n_pos: 'act > 0', n_scaled: 'coalesce(scale > 0, 0)' };

export function metricValue(metric: Metric, num: number | null, den: number): number | null {
  if (num === null || !(den > 0)) return null;
  const t = METRIC_TERMS[metric];
  const v = (t.factor * num) / den;
  return t.root ? Math.sqrt(v) : v;
}

/**
 * FVA of step S over the step P before it, in the metric's units: positive when S
 * is better. For bias "better" is closer to zero, so the distance from zero is compared.
 */
export function fvaOf(metric: Metric, before: number | null, after: number | null): number | null {
  if (before === null || after === null) return null;
  return metric === 'bias' ? Math.abs(before) - Math.abs(after) : before - after;
}
