// The model ("DemandAI"): a decent statistical forecaster run at every origin on
// the actuals known then. It smooths the deseasonalised history (exponential
// weights over the last six months), extrapolates a trend and multiplies the
// season back in. It knows nothing about announced shocks, so it lags behind
// lost business and is pulled up by one-off spikes, exactly like a real one.
// Version 2.4 (the last five runs) over-forecasts Snacks: a drift to discover.
import { ANCHOR, HORIZON } from './calendar';
import { launchRamp, type ItemDemand, type ShockType } from './demand';
import { Rng } from './random';

export const MODEL_NAME = 'DemandAI';
export const INTERVAL_LEVEL = 80;
const Z80 = 1.2816;
const SMOOTHING = 0.3;
const MEMORY = 6;

export const modelVersionAt = (origin: number): string => (origin >= ANCHOR - 4 ? '2.4' : '2.3');

export interface ModelLine {
  demand: ItemDemand;
  origin: number;
  period: number;
  lag: number;
  quantity: number;
  lower: number;
  upper: number;
  /** Set when the line is written. */
  lineId: number;
}

export interface ModelRun {
  origin: number;
  modelVersion: string;
  lines: ModelLine[];
  runId: number;
}

/** The model's level weights on the months origin, origin-1, …, normalised over those that exist. */
export function levelWeights(d: ItemDemand, origin: number): { month: number; weight: number }[] {
  const out: { month: number; weight: number }[] = [];
  let total = 0;
  for (let k = 0; k < MEMORY && origin - k >= d.item.start; k++) {
    const w = SMOOTHING * (1 - SMOOTHING) ** k;
    out.push({ month: origin - k, weight: w });
    total += w;
  }
  for (const o of out) o.weight /= total;
  return out;
}

/**
 * How much the model's level at `origin` is off because of past shocks (log
 * scale), by kind: planners know these happened, so they can correct for them.
 */
export function shockContamination(d: ItemDemand, origin: number): Map<ShockType, number> {
  const byType = new Map<ShockType, number>();
  for (const { month, weight } of levelWeights(d, origin)) {
    for (const e of d.events) {
      if (e.phantom || month < e.start || month > e.end) continue;
      byType.set(e.type, (byType.get(e.type) ?? 0) + weight * Math.log(e.mult));
    }
  }
  return byType;
}

export function roundQuantity(q: number): number {
  if (!(q > 0)) return 0;
  return q >= 10 ? Math.round(q) : Math.round(q * 10) / 10;
}

/** Quantile of a compound Poisson with geometric (1, 2, …) order sizes, by Panjer's recursion. */
export function compoundPoissonQuantile(rate: number, meanSize: number, p: number): number {
  if (rate <= 0) return 0;
  const q = meanSize <= 1 ? 0 : 1 - 1 / meanSize;
  const g: number[] = [Math.exp(-rate)];
  let cdf = g[0]!;
  for (let x = 1; cdf < p && x < 2000; x++) {
    let s = 0;
    for (let k = 1; k <= x; k++) s += k * (1 - q) * q ** (k - 1) * g[x - k]!;
    g.push((rate / x) * s);
    cdf += g[x]!;
    if (cdf >= p) return x;
  }
  return cdf >= p ? 0 : g.length;
}

interface ItemModel {
  seasonHat: number[];
  logGrowthHat: number;
}

function itemModel(d: ItemDemand, seed: number): ItemModel {
  const rng = Rng.for(seed, 'model', d.item.index);
  return {
    seasonHat: d.item.season.map((s) => s * Math.exp(rng.normal(0, 0.03))),
    logGrowthHat: Math.log(1 + d.item.growth) + rng.normal(0, 0.002),
  };
}

const rampOf = (d: ItemDemand, month: number): number => (d.item.launch === null ? 1 : launchRamp(month - d.item.launch));
const seasonHatOf = (m: ItemModel, month: number): number => m.seasonHat[((month % 12) + 12) % 12]!;

/** Rounds like an export would, keeping lower <= quantity <= upper. */
function pushLine(lines: ModelLine[], d: ItemDemand, origin: number, lag: number, mean: number, lower: number, upper: number): void {
  const quantity = roundQuantity(mean);
  lines.push({
    demand: d,
    origin,
    period: origin + lag,
    lag,
    quantity,
    lower: Math.min(roundQuantity(lower), quantity),
    upper: Math.max(roundQuantity(upper), quantity),
    lineId: 0,
  });
}

function forecastRegular(d: ItemDemand, m: ItemModel, origin: number, version: string, lines: ModelLine[], seed: number): void {
  // Each run re-estimates the trend, and its extrapolation wanders further off the
  // further out it looks: error grows with the lag.
  const rng = Rng.for(seed, 'model-run', d.item.index, origin);
  const growth = m.logGrowthHat + rng.normal(0, 0.005);
  let wander = 0;
  const weights = levelWeights(d, origin);
  let level = 0;
  let weightSq = 0;
  for (const { month, weight } of weights) {
    const a = Math.max(d.actual[month - d.base]!, 0.5);
    level += weight * (Math.log(a) - Math.log(seasonHatOf(m, month)) - Math.log(rampOf(d, month)) + (origin - month) * m.logGrowthHat);
    weightSq += weight * weight;
  }
  const sigma = d.item.noiseSigma;
  level += (sigma * sigma) / 2;
  const bias = version === '2.4' && d.item.category.name === 'Snacks' ? Math.log(1.1) : 0;
  const isNew = d.item.launch !== null;
  for (let lag = 1; lag <= HORIZON; lag++) {
    const period = origin + lag;
    wander += rng.normal(0, 0.03);
    const mean = Math.exp(level + lag * growth + wander + bias) * seasonHatOf(m, period) * rampOf(d, period);
    const spread = Math.sqrt(
      sigma * sigma * (1 + weightSq) + (0.025 * 0.025 + 0.03 * 0.03) * lag + 0.03 * 0.03 + 0.13 * 0.13 + (isNew ? 0.2 * 0.2 + (0.3 * 0.3) / weights.length : 0),
    );
    pushLine(lines, d, origin, lag, mean, mean * Math.exp(-spread * spread / 2 - Z80 * spread), mean * Math.exp(-spread * spread / 2 + Z80 * spread));
  }
}

function forecastIntermittent(d: ItemDemand, m: ItemModel, origin: number, lines: ModelLine[]): void {
  let units = 0;
  let seasonSum = 0;
  for (let month = Math.max(d.item.start, origin - 11); month <= origin; month++) {
    units += d.actual[month - d.base]!;
    seasonSum += seasonHatOf(m, month);
  }
  const rate = units / Math.max(seasonSum, 1e-9);
  const size = d.item.meanOrderSize;
  for (let lag = 1; lag <= HORIZON; lag++) {
    const period = origin + lag;
    const mean = rate * seasonHatOf(m, period);
    pushLine(lines, d, origin, lag, mean, compoundPoissonQuantile((mean / size) * 0.75, size, 0.1), compoundPoissonQuantile((mean / size) * 1.35 + 0.05, size, 0.9));
  }
}

/** One run of the model at `origin`, for every item that has history by then. */
export function forecastRun(demands: ItemDemand[], origin: number, seed: number, models: Map<number, ItemModel>): ModelRun {
  const version = modelVersionAt(origin);
  const lines: ModelLine[] = [];
  for (const d of demands) {
    if (d.item.start > origin) continue;
    let m = models.get(d.item.index);
    if (!m) {
      m = itemModel(d, seed);
      models.set(d.item.index, m);
    }
    if (d.item.kind === 'intermittent') forecastIntermittent(d, m, origin, lines);
    else forecastRegular(d, m, origin, version, lines, seed);
  }
  return { origin, modelVersion: version, lines, runId: 0 };
}

export function forecastRuns(demands: ItemDemand[], origins: readonly number[], seed: number): ModelRun[] {
  const models = new Map<number, ItemModel>();
  return origins.map((origin) => forecastRun(demands, origin, seed, models));
}
