// The FVA stairstep (SPEC §3): naive → seasonal naive → model → final plan, each
// step against the one before, compared on the same lines (those with an actual
// and both benchmarks); the sales input is a parallel row against the model on
// the lines that have one.
//
// Like for like where several models forecast one point (item, location,
// period, origin): the benchmark rows count each point once (their n is the
// points), and seasonal naive is compared with naive on those points. The model
// and final plan rows count each model's line, and the model is compared with
// the seasonal naive line by line, each line against the benchmark of its own
// point: `baseline` is the seasonal naive on those lines. With one model per
// point (the usual case) the baseline is the row above's value.
// Every n counts the lines the metric scored (MAPE: actual above 0; MASE: a
// scale), and improved / worsened / unchanged are among those lines.
import { SOURCE_LABELS, type AccuracyFilter, type Metric, type Stairstep, type StairstepStep } from '../../../shared/accuracy';
import type { ReadableDb } from '../db/handles';
import { CI_METHOD, bootstrapWeights, fvaInterval } from './bootstrap';
import { cellTotalsWhere, unfiltered, type CellSource } from './cell-totals';
import { benchmarkCells, cellWhere } from './filter';
import { comparisonGroups, groupedSums, type KeyedSums } from './grouped-sums';
import { METRIC_TERMS, fvaOf, metricValue, scoredSum } from './metrics';

type Pair = 'nv_sn' | 'sn_m' | 'm_f' | 'm_si';

function step(metric: Metric, entry: KeyedSums, source: StairstepStep['source'], prefix: string, before: string | null, pair: Pair | null, weights: Uint8Array[]): StairstepStep {
  const t = entry.total;
  const value = metricValue(metric, t[prefix]!, t.den!);
  const baseline = before === null ? null : metricValue(metric, t[before]!, t.den!);
  const improved = pair === null ? null : t[`better_${pair}`]!;
  const worsened = pair === null ? null : t[`worse_${pair}`]!;
  return {
    source,
    label: SOURCE_LABELS[source],
    n: t.n!,
    excluded: t.lines! - t.n!,
    value,
    baseline,
    fva: before === null ? null : fvaOf(metric, baseline, value),
    ci: before === null ? null : fvaInterval(metric, comparisonGroups(entry, 'den', before, prefix), weights),
    improved,
    worsened,
    unchanged: improved === null || worsened === null ? null : t.n! - improved - worsened,
  };
}

/** Sums of the named sources and pairs over cells (or their totals): lines, the metric's n and denominator, numerators, improved / worsened among scored lines. */
function columnsFor(metric: Metric, totals: boolean, prefixes: string[], pairs: Pair[], extra: Record<string, string> = {}): Record<string, string> {
  const t = METRIC_TERMS[metric];
  const columns: Record<string, string> = { lines: 'sum(c.n)', n: `sum(c.${t.count})`, den: `sum(c.${t.den})`, ...extra };
  for (const p of prefixes) columns[p] = `sum(c.${t.num(p as 'm')})`;
  for (const pair of pairs) {
    columns[`better_${pair}`] = scoredSum(metric, `better_${pair}`, totals);
    columns[`worse_${pair}`] = scoredSum(metric, `worse_${pair}`, totals);
  }
  return columns;
}

/** `source`: 'cells' reads the cells even where their totals could answer (the totals' oracle in tests). */
export function fvaStairstep(db: ReadableDb, filter: AccuracyFilter, metric: Metric, seed?: number, source: CellSource = 'totals'): Stairstep {
  const weights = bootstrapWeights(seed);
  // Over everything, each subset's totals (cell-totals.ts): the same sums per item group as the cells give.
  const totals = source === 'totals' && unfiltered(filter);
  // The benchmarks on the forecast points, each once.
  const [points] = groupedSums(db, columnsFor(metric, totals, ['nv', 'sn'], ['nv_sn']), totals ? cellTotalsWhere('points') : cellWhere(filter, benchmarkCells(filter)), null);
  // The model and the final plan on every line with both benchmarks, with the seasonal naive of each line's point.
  const [lines] = groupedSums(db, columnsFor(metric, totals, ['sn', 'm', 'f'], ['sn_m', 'm_f'], { n_pos: 'sum(c.n_pos)' }), totals ? cellTotalsWhere('bench') : cellWhere(filter, ['c.has_bench = 1']), null);
  const steps: StairstepStep[] =
    points && lines
      ? [
          step(metric, points, 'naive', 'nv', null, null, weights),
          step(metric, points, 'seasonal_naive', 'sn', 'nv', 'nv_sn', weights),
          step(metric, lines, 'model', 'm', 'sn', 'sn_m', weights),
          step(metric, lines, 'final', 'f', 'm', 'm_f', weights),
        ]
      : [];

  const [sales] = groupedSums(db, columnsFor(metric, totals, ['m', 'si'], ['m_si']), totals ? cellTotalsWhere('sales') : cellWhere(filter, ['c.has_sales = 1']), null);
  return {
    metric,
    n: lines?.total.lines ?? 0,
    points: points?.total.lines ?? 0,
    steps,
    salesInput: sales && sales.total.lines! > 0 ? step(metric, sales, 'sales_input', 'si', 'm', 'm_si', weights) : null,
    excludedZeroActuals: lines ? lines.total.lines! - lines.total.n_pos! : 0,
    ciMethod: CI_METHOD,
  };
}
