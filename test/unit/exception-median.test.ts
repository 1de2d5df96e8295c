// The run's typical volume (exceptions/median.ts, score.ts) is the median of its lines' volumes:
// found by selection rather than by sorting them all, it must be the value the sort
// gives, for every length, order and run of ties.
import { describe, expect, it } from 'vitest';
import { medianVolumeOf } from '../../electron/backend/exceptions/median';
import { medianVolume } from '../../electron/backend/exceptions/score';

const bySorting = (xs: number[]) => medianVolume(Float64Array.from(xs).sort());

describe('the median of a run’s volumes by selection', () => {
  it('equals the median of the sorted volumes', () => {
    let seed = 11;
    const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let round = 0; round < 3000; round++) {
      const length = Math.floor(rand() * 300);
      // Wide values, or a few small integers (many ties), or both.
      const kind = round % 3;
      const xs = Array.from({ length }, () => (kind === 0 || (kind === 2 && rand() < 0.5) ? rand() * 1e7 : Math.floor(rand() * 5)));
      expect(medianVolumeOf(Float64Array.from(xs))).toBe(bySorting(xs));
    }
  });

  it('equals it on sorted, reversed, constant and organ-pipe volumes of a hundred thousand lines', () => {
    const n = 100_001;
    const shapes = [
      Array.from({ length: n }, (_, i) => i),
      Array.from({ length: n }, (_, i) => n - i),
      Array.from({ length: n }, () => 7),
      Array.from({ length: n - 1 }, (_, i) => (i < n / 2 ? i : n - i)),
      Array.from({ length: n - 1 }, (_, i) => (i % 2 ? 0 : 1e6 + i)),
    ];
    for (const xs of shapes) expect(medianVolumeOf(Float64Array.from(xs))).toBe(bySorting(xs));
  });
});
