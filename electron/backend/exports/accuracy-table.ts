// Accuracy tables as exports: any slice (or the source ranking, the FVA
// stairstep, the direction × size of overrides, or the trust map) with the
// figures the Accuracy screen shows, one row per key.
import { METRIC_LABELS, SIZE_BUCKET_LABELS, SLICE_LABELS, leavesLinesOut, type AccuracyFilter, type Metric, type Slice, type SliceTable, type SourceRanking } from '../../../shared/accuracy';
import type { ExportColumnType } from '../../../shared/exports';
import type { ParsedRequestOf } from '../../../shared/contract';
import { roundTo } from '../../../shared/format';
import { accuracySliceOf } from '../accuracy/handlers';
import { directionSizeTable } from '../accuracy/slices';
import { fvaStairstep } from '../accuracy/stairstep';
import { TRUST_WINDOW_CYCLES, trustMap } from '../accuracy/trust';
import type { ReadableDb } from '../db/handles';
import { WorkbenchError } from '../errors';
import { columns, type ExportCell, type TitledTable } from './table';

export interface AccuracySelection {
  /** A slice of the engine, 'attr:<name>' for an item attribute, 'stairstep', 'direction_size' or 'trust_map'. */
  by: Slice | `attr:${string}` | 'stairstep' | 'direction_size' | 'trust_map';
  metric: Metric;
  filter: AccuracyFilter;
  /** The trust map's window: the last this many cycles (default 9). */
  windowCycles?: number;
}

const round = (v: number | null, digits = 4): ExportCell => roundTo(v, digits);

/** Short words for the left-out column's label (shared/accuracy.ts LEFT_OUT_WHY says it in full). */
const LEFT_OUT_LABEL: Partial<Record<Metric, string>> = { mape: 'Left out: actual 0', mase: 'Left out: no scale' };

/**
 * The sample-size columns of a table: n, the lines the metric scored, and for
 * MAPE and MASE the lines it left out beside it.
 */
function countColumns(metric: Metric): [string, string, ExportColumnType][] {
  return leavesLinesOut(metric) ? [['n', 'Lines', 'integer'], ['left_out', LEFT_OUT_LABEL[metric]!, 'integer']] : [['n', 'Lines', 'integer']];
}
const countCells = (metric: Metric, x: { n: number; excluded: number }): ExportCell[] => (leavesLinesOut(metric) ? [x.n, x.excluded] : [x.n]);

function filterWords(f: AccuracyFilter): string {
  const parts = Object.entries(f)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${v}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** Per category over the recent cycles, as the Accuracy screen's trust map: WAPE over every run and lag. */
function trustMapTable(db: ReadableDb, s: AccuracySelection): TitledTable {
  if (s.metric !== 'wape') throw new WorkbenchError('INVALID_REQUEST', 'The trust map is in WAPE only; leave the metric out.');
  if (Object.values(s.filter).some((v) => v !== undefined)) throw new WorkbenchError('INVALID_REQUEST', 'The trust map covers every run and lag of the recent cycles; it takes no filter.');
  const map = trustMap(db, s.windowCycles ?? TRUST_WINDOW_CYCLES);
  return {
    name: 'Trust map',
    title: `Trust map, WAPE over the last ${map.windowCycles} cycles`,
    fileStem: `accuracy-trust-map-${map.windowCycles}-cycles`,
    columns: columns([
      ['segment', 'Segment', 'text'],
      ['verdict', 'Verdict', 'text'],
      ['text', 'In words', 'text'],
      ['cycles', 'Cycles', 'integer'],
      ['naive_wape', 'Naive WAPE %', 'number'],
      ['model_wape', 'Model WAPE %', 'number'],
      ['final_wape', 'Final WAPE %', 'number'],
      ['model_vs_naive_pts', 'Model vs naive (points)', 'number'],
      ['final_vs_model_pts', 'Final vs model (points)', 'number'],
      ['cycles_overrides_lost', 'Cycles overrides lost', 'integer'],
      ['cycles_overrides_added', 'Cycles overrides added', 'integer'],
      ['cycles_with_overrides', 'Cycles with overrides', 'integer'],
      ['coverage_pct', 'Interval coverage %', 'number'],
      ['interval_level', 'Interval level %', 'number'],
      ['drift_recent', 'Drift: recent WAPE %', 'number'],
      ['drift_baseline', 'Drift: baseline WAPE %', 'number'],
      ['drift_threshold', 'Drift: limit (points)', 'number'],
      ['drifting', 'Drifting', 'text'],
    ]),
    rows: map.segments.map((x) => [
      x.segment,
      x.verdict,
      x.text,
      x.cycles,
      round(x.naive),
      round(x.model),
      round(x.final),
      round(x.modelVsNaive),
      round(x.finalVsModel),
      x.overridesLost,
      x.overridesAdded,
      x.cyclesWithOverrides,
      round(x.coverage),
      x.intervalLevel,
      round(x.drift?.recent ?? null),
      round(x.drift?.baseline ?? null),
      x.drift?.threshold ?? null,
      x.drift ? (x.drift.drifting ? 'yes' : 'no') : null,
    ]),
    total: map.segments.length,
  };
}

export function accuracyTable(db: ReadableDb, s: AccuracySelection): TitledTable {
  const metricLabel = METRIC_LABELS[s.metric];
  if (s.by === 'trust_map') return trustMapTable(db, s);
  if (s.by === 'stairstep') {
    const st = fvaStairstep(db, s.filter, s.metric);
    const steps = st.salesInput ? [...st.steps, st.salesInput] : st.steps;
    return {
      name: 'FVA stairstep',
      title: `FVA stairstep, ${metricLabel}${filterWords(s.filter)}`,
      fileStem: `accuracy-stairstep-${s.metric}`,
      columns: columns([
        ['source', 'Source', 'text'],
        ...countColumns(s.metric),
        [s.metric, metricLabel, 'number'],
        ['fva', 'FVA (points)', 'number'],
        ['ci_low', 'FVA 95 % low', 'number'],
        ['ci_high', 'FVA 95 % high', 'number'],
        ['improved', 'Improved', 'integer'],
        ['worsened', 'Worsened', 'integer'],
        ['unchanged', 'Unchanged', 'integer'],
        // What the FVA compares with: the step before on this step's lines (it differs from the row above only where several models forecast one point).
        ['fva_baseline', 'FVA against', 'number'],
      ]),
      rows: steps.map((x) => [x.label, ...countCells(s.metric, x), round(x.value), round(x.fva), round(x.ci?.low ?? null), round(x.ci?.high ?? null), x.improved, x.worsened, x.unchanged, round(x.baseline)]),
      total: steps.length,
    };
  }
  if (s.by === 'direction_size') {
    const ds = directionSizeTable(db, s.filter, s.metric);
    return {
      name: 'Direction x size',
      title: `FVA of overrides by direction and size, ${metricLabel}${filterWords(s.filter)}`,
      fileStem: `accuracy-direction-size-${s.metric}`,
      columns: columns([
        ['direction', 'Direction', 'text'],
        ['size', 'Override size', 'text'],
        ...countColumns(s.metric),
        ['fva', 'FVA (points)', 'number'],
        ['ci_low', 'FVA 95 % low', 'number'],
        ['ci_high', 'FVA 95 % high', 'number'],
        ['improved_share', 'Improved (share)', 'number'],
      ]),
      rows: ds.cells.map((c) => [c.direction, SIZE_BUCKET_LABELS[c.sizeBucket] ?? String(c.sizeBucket), ...countCells(s.metric, c), round(c.fva), round(c.ci?.low ?? null), round(c.ci?.high ?? null), round(c.improvedShare)]),
      total: ds.cells.length,
    };
  }
  const table = accuracySliceOf(db, { by: s.by, metric: s.metric, filter: s.filter } as ParsedRequestOf<'getAccuracySlice'>);
  const byLabel = s.by.startsWith('attr:') ? s.by.slice(5) : SLICE_LABELS[s.by as Slice];
  const base = { name: `Accuracy by ${byLabel}`.slice(0, 31), title: `${metricLabel} by ${byLabel.toLowerCase()}${filterWords(s.filter)}`, fileStem: `accuracy-${s.by.replace(/[^A-Za-z0-9_-]/g, '_')}-${s.metric}` };
  if (s.by === 'model') {
    const rows = (table as SourceRanking).rows;
    return {
      ...base,
      columns: columns([
        ['source', 'Forecast source', 'text'],
        ...countColumns(s.metric),
        [s.metric, metricLabel, 'number'],
      ]),
      rows: rows.map((r) => [r.label, ...countCells(s.metric, r), round(r.value)]),
      total: rows.length,
    };
  }
  const rows = (table as SliceTable).rows;
  // A period is a date: written as the ISO date of its bucket, a real date cell in XLSX.
  const byPeriod = s.by === 'period';
  return {
    ...base,
    columns: columns([
      [s.by.startsWith('attr:') ? s.by.slice(5) : s.by, byLabel, byPeriod ? 'date' : 'text'],
      ...countColumns(s.metric),
      [`model_${s.metric}`, `Model ${metricLabel}`, 'number'],
      [`final_${s.metric}`, `Final ${metricLabel}`, 'number'],
      ['fva', 'FVA (points)', 'number'],
      ['ci_low', 'FVA 95 % low', 'number'],
      ['ci_high', 'FVA 95 % high', 'number'],
      ['improved', 'Improved', 'integer'],
      ['worsened', 'Worsened', 'integer'],
      ['unchanged', 'Unchanged', 'integer'],
    ]),
    rows: rows.map((r) => [byPeriod ? r.key : r.label, ...countCells(s.metric, r), round(r.model), round(r.final), round(r.fva), round(r.ci?.low ?? null), round(r.ci?.high ?? null), r.improved, r.worsened, r.unchanged]),
    total: rows.length,
  };
}
