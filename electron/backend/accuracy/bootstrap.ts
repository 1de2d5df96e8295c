// The 95 % interval of an FVA: a seeded bootstrap over items. Items sit in fixed
// random groups (accuracy_cells.item_group), and each resample weights every
// group by a Poisson(1) draw — the Poisson bootstrap, which for many items is the
// same as drawing items with replacement, and needs only the groups' sums.
// The same seed gives the same interval.
import type { Interval, Metric } from '../../../shared/accuracy';
import { DEFAULT_WEIGHTS } from './bootstrap-table';
import { ITEM_GROUPS } from './cube';
import { resampledFvas } from './resampled-fvas';

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

/** Weights already drawn, by seed, resamples and groups: the same for every request that names them (the screen's first answer asks three times). */
const drawn = new Map<string, Uint8Array[]>();

/** Poisson(1) weights, one per item group and resample; shared by every comparison of one request, and by every request with the same seed: never changed by a caller. */
export function bootstrapWeights(seed = DEFAULT_SEED, resamples = BOOTSTRAP_RESAMPLES, groups = ITEM_GROUPS): Uint8Array[] {
  const key = `${seed}:${resamples}:${groups}`;
  let weights = drawn.get(key);
  if (!weights) {
    if (drawn.size >= 16) drawn.clear();
    const isDefault = seed === DEFAULT_SEED && resamples === BOOTSTRAP_RESAMPLES && groups === ITEM_GROUPS;
    drawn.set(key, (weights = isDefault ? keptDefaultWeights() : drawWeights(seed, resamples, groups)));
  }
  return weights;
}

/** The default weights from their kept table (bootstrap-table.ts, the same bytes drawWeights gives): a cold draw is ~10 ms of a fwb call. */
function keptDefaultWeights(): Uint8Array[] {
  const flat = Buffer.from(DEFAULT_WEIGHTS, 'base64');
  return Array.from({ length: BOOTSTRAP_RESAMPLES }, (_, b) => flat.subarray(b * ITEM_GROUPS, (b + 1) * ITEM_GROUPS));
}

/**
 * Poisson(1) weights, one per item group and resample.
 * Each weight is Poisson(1) by Knuth's method (multiply uniform draws of seededRandom until the
 * product falls to e^-1), with seededRandom's steps written out in the loop: the same weights in
 * the same order, without a call per draw (every fwb accuracy call, a process of its own, draws
 * all 32 000 afresh).
 */
export function drawWeights(seed: number, resamples: number, groups: number): Uint8Array[] {
  const flat = new Uint8Array(resamples * groups);
  let a = seed >>> 0;
  for (let i = 0; i < flat.length; i++) {
    let k = -1;
    let p = 1;
    do {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      p *= ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      k++;
    } while (p > EXP_MINUS_1);
    flat[i] = k;
  }
  return Array.from({ length: resamples }, (_, b) => flat.subarray(b * groups, (b + 1) * groups));
}

function quantile(sorted: ArrayLike<number>, q: number): number {
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
  // The groups with lines, their sums in typed arrays for the resamples' FVAs (1000 × 32 weighted sums per row, in WebAssembly: resampled-fvas.ts).
  const groups = sums.flatMap((s, g) => (s === undefined ? [] : [g]));
  const dens = Float64Array.from(groups, (g) => sums[g]!.den);
  const befores = Float64Array.from(groups, (g) => sums[g]!.before);
  const afters = Float64Array.from(groups, (g) => sums[g]!.after);
  const values = resampledFvas(metric, weights, groups, dens, befores, afters);
  if (values.length < weights.length / 2) return null;
  const sorted = values.sort();
  return { low: quantile(sorted, 0.025), high: quantile(sorted, 0.975) };
}
