// Slices of accuracy (SPEC §3): model versus final plan per key, each row with its
// sample size, FVA and interval; slices of what overrides did (planner, reason,
// direction, size) cover only lines whose final plan differs from the model.
// A row's n is the lines the metric scored, `excluded` the lines it left out
// (MAPE: actual 0; MASE: no scale); improved / worsened are among the scored ones.
import { periodFromKey } from '../../../shared/period';
import { runLabels } from './run-labels';
import {
  SIZE_BUCKET_LABELS,
  SOURCE_LABELS,
  isOverrideSlice,
  type AccuracyFilter,
  type DirectionSizeCell,
  type DirectionSizeTable,
  type Metric,
  type Slice,
  type SliceRow,
  type SliceTable,
  type SourceRanking,
  type SourceRankRow,
} from '../../../shared/accuracy';
import { importedPlannerLabel, importedPlannerName } from '../../../shared/decision-provenance';
import type { ReadableDb } from '../db/handles';
import { CI_METHOD, bootstrapWeights, fvaInterval } from './bootstrap';
import { cellTotalsWhere, unfiltered } from './cell-totals';
import { benchmarkCells, cellWhere } from './filter';
import { comparisonGroups, groupedSums, type KeyedSums } from './grouped-sums';
import { overrideSliceWhere, type OverrideSource } from './override-rollup';
import { METRIC_TERMS, fvaOf, metricValue, scoredSum } from './metrics';

type LineSlice = Exclude<Slice, 'model'>;

const KEY_SQL: Record<LineSlice, string> = {
  planner: 'c.decided_by',
  reason: 'c.reason_code',
  direction: 'c.direction',
  size: 'c.size_bucket',
  category: 'c.category',
  abc_class: 'c.abc_class',
  owner: 'c.owner_id',
  lag: 'c.lag',
  period: 'c.period',
  model_version: "r.model_name || ' ' || r.model_version",
  run: 'c.run_id',
};

/** Slices whose rows read in their natural order rather than by sample size. */
const ORDERED: ReadonlySet<LineSlice> = new Set(['size', 'lag', 'period', 'model_version', 'run', 'direction']);

/** How a slice names its keys (also the policy lab's slices by planner and reason). */
export function labeller(db: ReadableDb, by: LineSlice): (key: string | number | null) => string {
  const none = (k: string | number | null) => (k === null || k === '' ? '(none)' : String(k));
  if (by === 'planner' || by === 'owner') {
    const names = new Map((db.prepare('SELECT user_id, display_name FROM users').all() as { user_id: string; display_name: string }[]).map((u) => [u.user_id, u.display_name]));
    return (k) => {
      if (k === null) return '(none)';
      // Imported history is labelled as imported, never as the person of the workbook with that name.
      const recorded = by === 'planner' ? importedPlannerName(String(k)) : undefined;
      if (recorded !== undefined) return importedPlannerLabel(recorded);
      return names.get(String(k)) ?? String(k);
    };
  }
  if (by === 'reason') {
    const labels = new Map((db.prepare('SELECT code, label FROM reason_codes').all() as { code: string; label: string }[]).map((r) => [r.code, r.label]));
    return (k) => (k === null ? '(none)' : (labels.get(String(k)) ?? String(k)));
  }
  if (by === 'direction') return (k) => (Number(k) > 0 ? 'Up' : 'Down');
  if (by === 'size') return (k) => SIZE_BUCKET_LABELS[Number(k)] ?? '(none)';
  if (by === 'period') return (k) => (k === null ? '(none)' : periodFromKey(Number(k)));
  if (by === 'lag') return (k) => `Lag ${k}`;
  if (by === 'run') {
    const labels = runLabels(db);
    return (k) => labels.get(Number(k)) ?? String(k);
  }
  return none;
}

function keyText(by: LineSlice, key: string | number | null): string {
  if (key === null) return '';
  if (by === 'direction') return Number(key) > 0 ? 'up' : 'down';
  if (by === 'period') return periodFromKey(Number(key));
  return String(key);
}

/** `totals`: over the cells' totals (cell-totals.ts), which keep the scored lines' counts apart. */
function comparisonColumns(metric: Metric, totals = false): Record<string, string> {
  const t = METRIC_TERMS[metric];
  return {
    lines: 'sum(c.n)',
    n: `sum(c.${t.count})`,
    den: `sum(c.${t.den})`,
    m: `sum(c.${t.num('m')})`,
    f: `sum(c.${t.num('f')})`,
    better: scoredSum(metric, 'better_m_f', totals),
    worse: scoredSum(metric, 'worse_m_f', totals),
  };
}

/** The slices an unfiltered call answers from the cells' totals. */
const TOTALLED: ReadonlySet<LineSlice> = new Set(['category', 'lag', 'period']);

/** Model against final plan over one key's lines: the row every slice table is made of (`lines`: every line with an actual; `n`: those the metric scored). */
export function comparisonRow(metric: Metric, entry: KeyedSums, key: string, label: string, weights: Uint8Array[]): SliceRow {
  const t = entry.total;
  const model = metricValue(metric, t.m!, t.den!);
  const final = metricValue(metric, t.f!, t.den!);
  return {
    key,
    label,
    n: t.n!,
    excluded: t.lines! - t.n!,
    model,
    final,
    fva: fvaOf(metric, model, final),
    ci: fvaInterval(metric, comparisonGroups(entry, 'den', 'm', 'f'), weights),
    improved: t.better!,
    worsened: t.worse!,
    unchanged: t.n! - t.better! - t.worse!,
  };
}

/** `source`: 'cells' reads the cells (or override cells) even where their totals or rollup could answer (the oracle in tests). */
export function accuracySlice(db: ReadableDb, filter: AccuracyFilter, metric: Metric, by: LineSlice, seed?: number, source?: OverrideSource): SliceTable {
  const overridesOnly = isOverrideSlice(by);
  // Over everything, by category, lag or period: the cells' totals, one row per key and item group (cell-totals.ts).
  const totals = !overridesOnly && source !== 'cells' && TOTALLED.has(by) && unfiltered(filter);
  const where = overridesOnly ? overrideSliceWhere(filter, by, source) : totals ? cellTotalsWhere(by as 'category' | 'lag' | 'period') : cellWhere(filter);
  const entries = groupedSums(db, comparisonColumns(metric, totals), where, KEY_SQL[by]);
  const weights = bootstrapWeights(seed);
  const label = labeller(db, by);
  const rows = entries.map((e) => ({ sortKey: e.key, row: comparisonRow(metric, e, keyText(by, e.key), label(e.key), weights) }));
  if (ORDERED.has(by)) rows.sort((x, y) => (x.sortKey === null ? 1 : y.sortKey === null ? -1 : x.sortKey < y.sortKey ? -1 : x.sortKey > y.sortKey ? 1 : 0));
  else rows.sort((x, y) => y.row.n - x.row.n || y.row.excluded - x.row.excluded);
  return { metric, by, overridesOnly, rows: rows.map((r) => r.row), ciMethod: CI_METHOD };
}

/**
 * Every forecast source with lines whose actual is known, best first: each model
 * by name, the benchmarks (each forecast point once, however many models forecast
 * it), the final plan, the sales input.
 */
export function sourceRanking(db: ReadableDb, filter: AccuracyFilter, metric: Metric): SourceRanking {
  const t = METRIC_TERMS[metric];
  const rows: SourceRankRow[] = [];
  const add = (key: string, label: string, e: KeyedSums | undefined, prefix: string) => {
    if (e && e.total.lines! > 0) rows.push({ key, label, n: e.total.n!, excluded: e.total.lines! - e.total.n!, value: metricValue(metric, e.total[prefix]!, e.total.den!) });
  };
  const cols = (prefixes: string[]) => Object.fromEntries([['lines', 'sum(c.n)'], ['n', `sum(c.${t.count})`], ['den', `sum(c.${t.den})`], ...prefixes.map((p) => [p, `sum(c.${t.num(p as 'm')})`])]);
  for (const e of groupedSums(db, cols(['m']), cellWhere(filter), 'r.model_name')) add(String(e.key), String(e.key), e, 'm');
  const [bench] = groupedSums(db, cols(['nv', 'sn']), cellWhere(filter, benchmarkCells(filter)), null);
  add('naive', SOURCE_LABELS.naive, bench, 'nv');
  add('seasonal_naive', SOURCE_LABELS.seasonal_naive, bench, 'sn');
  const [all] = groupedSums(db, cols(['f']), cellWhere(filter), null);
  add('final', SOURCE_LABELS.final, all, 'f');
  const [sales] = groupedSums(db, cols(['si']), cellWhere(filter, ['c.has_sales = 1']), null);
  add('sales_input', SOURCE_LABELS.sales_input, sales, 'si');
  const score = (v: number | null) => (v === null ? Infinity : metric === 'bias' ? Math.abs(v) : v);
  rows.sort((x, y) => score(x.value) - score(y.value));
  return { metric, by: 'model', rows };
}

/** Direction × size of overrides: where human adjustments add value and where they destroy it. */
export function directionSizeTable(db: ReadableDb, filter: AccuracyFilter, metric: Metric, seed?: number, source?: OverrideSource): DirectionSizeTable {
  const entries = groupedSums(db, comparisonColumns(metric), overrideSliceWhere(filter, 'direction_size', source), "c.direction || ':' || c.size_bucket");
  const weights = bootstrapWeights(seed);
  const cells: DirectionSizeCell[] = [];
  for (const direction of ['up', 'down'] as const) {
    SIZE_BUCKET_LABELS.forEach((sizeLabel, bucket) => {
      const e = entries.find((x) => x.key === `${direction === 'up' ? 1 : -1}:${bucket}`);
      const row = e ? comparisonRow(metric, e, '', '', weights) : null;
      cells.push({
        direction,
        sizeBucket: bucket,
        label: `${direction === 'up' ? 'Up' : 'Down'} ${sizeLabel}`,
        n: row?.n ?? 0,
        excluded: row?.excluded ?? 0,
        fva: row?.fva ?? null,
        ci: row?.ci ?? null,
        improvedShare: row && row.n > 0 ? row.improved / row.n : null,
      });
    });
  }
  return { metric, cells, ciMethod: CI_METHOD };
}
