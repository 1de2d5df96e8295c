// The bootstrap's weights and intervals (accuracy/bootstrap.ts) written for speed
// (each fwb accuracy call is a process of its own and draws its 32 000 weights
// afresh) stay the ones the plain method gives: Poisson(1) draws of seededRandom
// in order, and the percentile interval of the weighted sums, number for number.
import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_RESAMPLES, bootstrapWeights, fvaInterval, seededRandom, type GroupSums } from '../../electron/backend/accuracy/bootstrap';
import { fvaOf, metricValue } from '../../electron/backend/accuracy/metrics';
import { METRICS, type Metric } from '../../shared/accuracy';

/** Knuth's Poisson(1): multiply uniform draws until the product falls to e^-1. */
function plainWeights(seed: number, resamples: number, groups: number): number[][] {
  const random = seededRandom(seed);
  return Array.from({ length: resamples }, () =>
    Array.from({ length: groups }, () => {
      let k = 0;
      let p = random();
      while (p > Math.exp(-1)) {
        k++;
        p *= random();
      }
      return k;
    }),
  );
}

/** The interval as the method states it: per resample the weighted sums, then the 2.5 % and 97.5 % points. */
function plainInterval(metric: Metric, sums: (GroupSums | undefined)[], weights: Uint8Array[]) {
  if (sums.filter((s) => s !== undefined && s.den > 0).length < 2) return null;
  const values: number[] = [];
  for (const w of weights) {
    let den = 0;
    let before = 0;
    let after = 0;
    sums.forEach((s, g) => {
      if (s === undefined || w[g] === 0) return;
      den += w[g]! * s.den;
      before += w[g]! * s.before;
      after += w[g]! * s.after;
    });
    const fva = fvaOf(metric, metricValue(metric, before, den), metricValue(metric, after, den));
    if (fva !== null) values.push(fva);
  }
  if (values.length < weights.length / 2) return null;
  values.sort((x, y) => x - y);
  const at = (q: number) => {
    const pos = (values.length - 1) * q;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return values[lo]! + (values[hi]! - values[lo]!) * (pos - lo);
  };
  return { low: at(0.025), high: at(0.975) };
}

describe('the bootstrap', () => {
  it('draws the weights the plain Poisson method draws from the seeded random numbers', () => {
    for (const seed of [20261127, 1, 4_000_000_000]) {
      expect(bootstrapWeights(seed).map((w) => [...w])).toEqual(plainWeights(seed, BOOTSTRAP_RESAMPLES, 32));
    }
    expect(bootstrapWeights(7, 10, 5).map((w) => [...w])).toEqual(plainWeights(7, 10, 5));
  });

  it('gives the interval of the plain method, number for number, groups missing or empty included', () => {
    const weights = bootstrapWeights();
    const random = seededRandom(99);
    for (const metric of METRICS) {
      for (let trial = 0; trial < 5; trial++) {
        const sums = Array.from({ length: 32 }, (_, g) =>
          g % 7 === trial ? undefined : { den: g === 3 ? 0 : 50 + random() * 900, before: random() * 400 - (metric === 'bias' ? 200 : 0), after: random() * 400 - (metric === 'bias' ? 200 : 0) },
        );
        expect(fvaInterval(metric, sums, weights)).toEqual(plainInterval(metric, sums, weights));
      }
    }
    expect(fvaInterval('wape', [{ den: 10, before: 3, after: 2 }], weights)).toBeNull();
  });
});
