// Accuracy vocabulary shared by the backend, the renderer and the CLI (SPEC §3):
// metric and source names, the override size buckets, and the response shapes.
// Metrics are computed in the backend only; nothing here does arithmetic on errors.

export const METRICS = ['wape', 'mae', 'bias', 'mape', 'smape', 'mase', 'rmse'] as const;
export type Metric = (typeof METRICS)[number];

export const METRIC_LABELS: Record<Metric, string> = {
  wape: 'WAPE %',
  mae: 'MAE',
  bias: 'Bias %',
  mape: 'MAPE %',
  smape: 'sMAPE %',
  mase: 'MASE',
  rmse: 'RMSE',
};

/**
 * The lines with a known actual a metric cannot score, in words: MAPE divides by
 * the actual, MASE by the item's in-sample error of the seasonal naive. Every
 * other metric scores every line. A figure's n counts the lines it scored; its
 * `excluded` the lines it left out for this reason.
 */
export const LEFT_OUT_WHY: Partial<Record<Metric, string>> = {
  mape: 'whose actual is 0',
  mase: 'whose item has no in-sample scale (under a season of history before the origin, or none that changed season to season)',
};
export const leavesLinesOut = (metric: Metric): boolean => LEFT_OUT_WHY[metric] !== undefined;

/** The forecast sources the engine scores, in stairstep order, plus the parallel sales input. */
export const SOURCES = ['naive', 'seasonal_naive', 'model', 'final', 'sales_input'] as const;
export type Source = (typeof SOURCES)[number];
export const SOURCE_LABELS: Record<Source, string> = {
  naive: 'Naive',
  seasonal_naive: 'Seasonal naive',
  model: 'Model',
  final: 'Final plan',
  sales_input: 'Sales input',
};

/** Override size relative to the model quantity: lower edges in %, half-open buckets. */
export const SIZE_BUCKET_EDGES = [0, 5, 10, 20, 50] as const;
export const SIZE_BUCKET_LABELS = ['< 5 %', '5–10 %', '10–20 %', '20–50 %', '> 50 %'] as const;

/** Bucket index (0..4) of an override from `model` to `final`; a change from a model of 0 is the largest bucket. */
export function sizeBucketOf(model: number, final: number): number {
  if (model <= 0) return SIZE_BUCKET_EDGES.length - 1;
  const pct = (Math.abs(final - model) / model) * 100;
  let bucket = 0;
  for (let i = 0; i < SIZE_BUCKET_EDGES.length; i++) if (pct >= SIZE_BUCKET_EDGES[i]!) bucket = i;
  return bucket;
}

export const DIRECTIONS = ['up', 'down'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** Slices over every line (model versus final plan). */
export const LINE_SLICES = ['category', 'abc_class', 'owner', 'lag', 'period', 'model_version', 'run'] as const;
/** Slices over overridden lines only (what the overrides did). */
export const OVERRIDE_SLICES = ['planner', 'reason', 'direction', 'size'] as const;
export const SLICES = ['model', ...OVERRIDE_SLICES, ...LINE_SLICES] as const;
export type Slice = (typeof SLICES)[number];
export const isOverrideSlice = (s: string): boolean => (OVERRIDE_SLICES as readonly string[]).includes(s);

/** A slice by any item attribute: `attr:brand`, `attr:family`, `attr:abcClass`, `attr:unit` or `attr:<key of the imported attributes>`. */
export type AttributeSlice = `attr:${string}`;
export const ATTRIBUTE_SLICE_PREFIX = 'attr:';
export const isAttributeSlice = (s: string): s is AttributeSlice => s.startsWith(ATTRIBUTE_SLICE_PREFIX);

export const SLICE_LABELS: Record<Slice, string> = {
  model: 'Forecast source',
  planner: 'Planner',
  reason: 'Reason code',
  direction: 'Direction',
  size: 'Override size',
  category: 'Category',
  abc_class: 'ABC class',
  owner: 'Item owner',
  lag: 'Lag',
  period: 'Period',
  model_version: 'Model version',
  run: 'Run',
};

/** Which lines a figure covers. Periods are ISO dates of bucket starts. */
export interface AccuracyFilter {
  runId?: number;
  /** A model name: only its runs. */
  model?: string;
  fromPeriod?: string;
  toPeriod?: string;
  lag?: number;
  category?: string;
  abcClass?: 'A' | 'B' | 'C';
  owner?: string;
}

/** A 95 % interval of an FVA, and how it was made. */
export interface Interval {
  low: number;
  high: number;
}

export interface StairstepStep {
  source: Source;
  label: string;
  /** Lines the metric scored: for the benchmarks each forecast point once, for the model and final plan each model's line. */
  n: number;
  /** Lines (benchmarks: points) with a known actual the metric could not score (see LEFT_OUT_WHY). */
  excluded: number;
  value: number | null;
  /**
   * The step before on this step's own lines: what `fva` compares with. The same
   * as the step before's value, except where several models forecast one point:
   * the benchmark rows count each point once, while the model step compares each
   * model's line with the benchmark of its own point.
   */
  baseline: number | null;
  /** Against the step before (for the sales input: against the model); null for the first step. */
  fva: number | null;
  ci: Interval | null;
  improved: number | null;
  worsened: number | null;
  unchanged: number | null;
}

export interface Stairstep {
  metric: Metric;
  /** Lines with an actual and both benchmarks: the steps are compared on these. */
  n: number;
  /** The distinct forecast points (item, location, period, origin) of those lines: fewer than n where several models forecast one point. */
  points: number;
  steps: StairstepStep[];
  /** The parallel row: the sales input against the model, on lines that have one. */
  salesInput: StairstepStep | null;
  /** MAPE leaves out lines whose actual is 0; how many it left out. */
  excludedZeroActuals: number;
  ciMethod: string;
}

export interface SliceRow {
  key: string;
  label: string;
  /** Lines the metric scored. */
  n: number;
  /** Lines with a known actual the metric could not score (see LEFT_OUT_WHY). */
  excluded: number;
  /** The metric of the model and of the final plan on the row's lines. */
  model: number | null;
  final: number | null;
  /** model − final for error metrics (positive: the final plan was better), |bias| for bias. */
  fva: number | null;
  ci: Interval | null;
  improved: number;
  worsened: number;
  unchanged: number;
}

export interface SourceRankRow {
  key: string;
  label: string;
  /** Lines the metric scored (benchmarks: each forecast point once). */
  n: number;
  excluded: number;
  value: number | null;
}

export interface SliceTable {
  metric: Metric;
  by: Slice | AttributeSlice;
  /** For slices of overridden lines: only lines whose final plan differs from the model. */
  overridesOnly: boolean;
  rows: SliceRow[];
  ciMethod: string;
}

export interface SourceRanking {
  metric: Metric;
  by: 'model';
  rows: SourceRankRow[];
}

export interface DirectionSizeCell {
  direction: Direction;
  sizeBucket: number;
  label: string;
  n: number;
  excluded: number;
  fva: number | null;
  ci: Interval | null;
  improvedShare: number | null;
}

export interface DirectionSizeTable {
  metric: Metric;
  cells: DirectionSizeCell[];
  ciMethod: string;
}

export interface TrendPoint {
  period: string;
  /** Lines the metric scored for the model and the final plan; `excluded` those it left out. */
  n: number;
  excluded: number;
  model: number | null;
  final: number | null;
  naive: number | null;
  /** Forecast points the naive was scored on (each point once). */
  naiveN: number;
}

export interface OverridePoint {
  lineId: number;
  itemId: string;
  period: string;
  /** (final − model) / model in %. */
  sizePct: number;
  /** (|model − actual| − |final − actual|) as % of the actual (of 1 when the actual is 0): positive means the override helped. */
  errorReductionPct: number;
  direction: Direction;
  reasonCode: string | null;
}

export interface AccuracyOverview {
  metric: Metric;
  filter: AccuracyFilter;
  stairstep: Stairstep;
  trend: TrendPoint[];
  directionSize: DirectionSizeTable;
  scatter: OverridePoint[];
}

export type GuidanceVerdict = 'too_few' | 'helped' | 'hurt' | 'unclear';

export interface OverrideGuidance {
  segment: { type: 'category' | 'all'; value: string };
  direction: Direction | null;
  sizeBucket: number | null;
  sizeLabel: string | null;
  reasonCode: string | null;
  /** Similar past overrides (same segment, direction, size bucket and reason). */
  n: number;
  minSample: number;
  improvedShare: number | null;
  /** WAPE points the similar overrides added (positive) or lost. */
  fva: number | null;
  ci: Interval | null;
  verdict: GuidanceVerdict;
  text: string;
}

export interface TrustSegment {
  segmentType: 'category';
  segment: string;
  cycles: number;
  /** WAPE over the window. */
  naive: number | null;
  model: number | null;
  final: number | null;
  /** naive − model and model − final, in WAPE points. */
  modelVsNaive: number | null;
  finalVsModel: number | null;
  /** Cycles in which the overrides made the plan worse / better than the model. */
  overridesLost: number;
  overridesAdded: number;
  cyclesWithOverrides: number;
  coverage: number | null;
  intervalLevel: number | null;
  drift: DriftStatus | null;
  verdict: 'trust_model' | 'trust_overrides' | 'mixed' | 'model_weak' | 'too_few';
  text: string;
}

export interface DriftStatus {
  segmentType: string;
  segmentValue: string;
  recent: number | null;
  baseline: number | null;
  threshold: number | null;
  drifting: boolean;
}

export interface TrustMap {
  windowCycles: number;
  segments: TrustSegment[];
}

/** What the Accuracy screen's filters can choose from. */
export interface AccuracyOptions {
  models: string[];
  runs: { runId: number; label: string; origin: string }[];
  categories: string[];
  owners: { userId: string; name: string }[];
  lags: number[];
  firstPeriod: string | null;
  lastPeriod: string | null;
  /** Forecast lines whose actual is known: what every figure is made of. */
  linesWithActuals: number;
}
