// The 95 % interval of an FVA: a seeded bootstrap over items. Items sit in fixed
// random groups (accuracy_cells.item_group), and each resample weights every
// group by a Poisson(1) draw — the Poisson bootstrap, which for many items is the
// same as drawing items with replacement, and needs only the groups' sums.
// The same seed gives the same interval.
import type { Interval, Metric } from '../../../shared/accuracy';
import { ITEM_GROUPS } from './cube';
import { fvaOf, metricValue } from './metrics';

export const BOOTSTRAP_RESAMPLES = 1000;
export const DEFAULT_SEED = 20261127;
export const CI_METHOD = `95 % bootstrap over items (${BOOTSTRAP_RESAMPLES} Poisson resamples of ${ITEM_GROUPS} fixed random item groups, seeded)`;

/** Sums of one group of items for a comparison of two forecasts over the same lines. */
export interface GroupSums {
  den: number;
  before: number;
  after: number;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every platform. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EXP_MINUS_1 = Math.exp(-1);

function poisson1(random: () => number): number {
  let k = 0;
  let p = random();
  while (p > EXP_MINUS_1) {
    k++;
    p *= random();
  }
  return k;
}

/** Weights already drawn, by seed, resamples and groups: the same for every request that names them (the screen's first answer asks three times). */
const drawn = new Map<string, Uint8Array[]>();

/** Poisson(1) weights, one per item group and resample; shared by every comparison of one request, and by every request with the same seed: never changed by a caller. */
export function bootstrapWeights(seed = DEFAULT_SEED, resamples = BOOTSTRAP_RESAMPLES, groups = ITEM_GROUPS): Uint8Array[] {
  const key = `${seed}:${resamples}:${groups}`;
  let weights = drawn.get(key);
  if (!weights) {
    if (drawn.size >= 16) drawn.clear();
    drawn.set(key, (weights = drawWeights(seed, resamples, groups)));
  }
  return weights;
}

function drawWeights(seed: number, resamples: number, groups: number): Uint8Array[] {
  const random = seededRandom(seed);
  const rows: Uint8Array[] = [];
  for (let b = 0; b < resamples; b++) {
    const w = new Uint8Array(groups);
    for (let g = 0; g < groups; g++) w[g] = poisson1(random);
    rows.push(w);
  }
  return rows;
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Percentile interval of fva(before → after). `sums` is indexed by item group.
 * Null when fewer than two groups hold lines: there is no spread to resample.
 */
export function fvaInterval(metric: Metric, sums: (GroupSums | undefined)[], weights: Uint8Array[]): Interval | null {
  const present = sums.filter((s) => s !== undefined && s.den > 0).length;
  if (present < 2) return null;
  const values: number[] = [];
  for (const w of weights) {
    let den = 0;
    let before = 0;
    let after = 0;
    for (let g = 0; g < sums.length; g++) {
      const s = sums[g];
      const k = w[g]!;
      if (s === undefined || k === 0) continue;
      den += k * s.den;
      before += k * s.before;
      after += k * s.after;
    }
    const fva = fvaOf(metric, metricValue(metric, before, den), metricValue(metric, after, den));
    if (fva !== null) values.push(fva);
  }
  if (values.length < weights.length / 2) return null;
  values.sort((x, y) => x - y);
  return { low: quantile(values, 0.025), high: quantile(values, 0.975) };
}
