// The bootstrap's FVA per resample, computed in WebAssembly (accuracy/resampled-fvas.ts)
// so that a fresh fwb process does not run a row's 32 000 multiply-adds and thousand
// metric values in V8's interpreter: the same doubles as the plain JavaScript loop with
// metrics.ts's metricValue and fvaOf, bit for bit, for every metric, whatever the sums
// (negative, zero, huge, tiny, infinite, not a number), the groups present, the weights
// and their size.
import { describe, expect, it } from 'vitest';
import { bootstrapWeights, seededRandom } from '../../electron/backend/accuracy/bootstrap';
import { fvaOf, metricValue } from '../../electron/backend/accuracy/metrics';
import { resampledFvas } from '../../electron/backend/accuracy/resampled-fvas';
import { METRICS, type Metric } from '../../shared/accuracy';

/** The plain loop: per resample, groups in order, a zero weight skipped; then the metric's FVA where it has one. */
function plainFvas(metric: Metric, weights: Uint8Array[], groups: number[], dens: Float64Array, befores: Float64Array, afters: Float64Array): number[] {
  const out: number[] = [];
  for (const w of weights) {
    let den = 0;
    let before = 0;
    let after = 0;
    groups.forEach((g, j) => {
      const k = w[g]!;
      if (k === 0) return;
      den += k * dens[j]!;
      before += k * befores[j]!;
      after += k * afters[j]!;
    });
    const fva = fvaOf(metric, metricValue(metric, before, den), metricValue(metric, after, den));
    if (fva !== null) out.push(fva);
  }
  return out;
}

/** Doubles compared by their bits (toEqual would take −0 for 0); a NaN as NaN, whose bits JavaScript never shows. */
const bits = (values: ArrayLike<number>) => Array.from(values, (v) => (Number.isNaN(v) ? 'NaN' : new BigUint64Array(Float64Array.of(v).buffer)[0]!.toString(16)));

describe('the resamples’ FVAs', () => {
  const random = seededRandom(42);
  const awkward = [0, -0, 1e308, -1e308, 5e-324, Number.MIN_VALUE * 3, Infinity, -Infinity, NaN, 0.1, 1 / 3];
  const value = (scale: number) => (random() < 0.1 ? awkward[Math.floor(random() * awkward.length)]! : (random() - 0.3) * scale);
  const sumsOf = (groups: number[], scale: number) => ({
    dens: Float64Array.from(groups, () => value(scale)),
    befores: Float64Array.from(groups, () => value(scale / 3)),
    afters: Float64Array.from(groups, () => value(scale / 3)),
  });

  it('are the plain loop’s, bit for bit, for every metric, the default weights and any groups present', () => {
    const weights = bootstrapWeights();
    for (const metric of METRICS) {
      for (let trial = 0; trial < 12; trial++) {
        const groups = Array.from({ length: 32 }, (_, g) => g).filter(() => random() < 0.8);
        const { dens, befores, afters } = sumsOf(groups, 1e6);
        const expected = plainFvas(metric, weights, groups, dens, befores, afters);
        // Some trials leave resamples without a denominator, which the loop skips too.
        expect(bits(resampledFvas(metric, weights, groups, dens, befores, afters))).toEqual(bits(expected));
      }
    }
  });

  it('follow the weights they are given, of any size, after other weights were used', () => {
    for (const [seed, resamples, width] of [
      [7, 10, 5],
      [20261127, 1000, 32],
      [3, 3000, 40], // more memory than the module starts with
      [7, 10, 5],
    ] as const) {
      const weights = bootstrapWeights(seed, resamples, width);
      const groups = Array.from({ length: width }, (_, g) => g).filter((g) => g % 3 !== 1);
      const { dens, befores, afters } = sumsOf(groups, 1e4);
      for (const metric of ['wape', 'rmse', 'bias'] as const) {
        expect(bits(resampledFvas(metric, weights, groups, dens, befores, afters))).toEqual(bits(plainFvas(metric, weights, groups, dens, befores, afters)));
      }
    }
  });

  it('are the same for weights held row by row as for rows cut from one array', () => {
    const weights = bootstrapWeights();
    const rowByRow = weights.map((row) => Uint8Array.from(row));
    const groups = Array.from({ length: 32 }, (_, g) => g).filter((g) => g % 5 !== 2);
    const { dens, befores, afters } = sumsOf(groups, 1e5);
    const expected = bits(plainFvas('mae', weights, groups, dens, befores, afters));
    expect(bits(resampledFvas('mae', rowByRow, groups, dens, befores, afters))).toEqual(expected);
    expect(bits(resampledFvas('mae', weights, groups, dens, befores, afters))).toEqual(expected);
  });

  it('refuse a group the weights do not weigh', () => {
    const weights = bootstrapWeights(7, 10, 5);
    expect(() => resampledFvas('wape', weights, [0, 5], new Float64Array(2), new Float64Array(2), new Float64Array(2))).toThrow(RangeError);
  });
});
