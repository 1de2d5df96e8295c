// An item and location's current actuals held in memory while the accuracy
// cube is built (cube-build.ts): the actual of a period, a period whole seasons
// back (the seasonal naive), and MASE's scale at an origin, computed as the SQL
// before it computed them.
import { SEASON_LENGTH, type Grain } from '../../../shared/period';

/** `period` (yyyymmdd) moved back `k` seasons: whole years, or for weeks 364 days each. */
export function seasonsBack(period: number, k: number, grain: Grain): number {
  if (grain !== 'week') return period - 10000 * k;
  const d = new Date(Date.UTC(Math.floor(period / 10000), (Math.floor(period / 100) % 100) - 1, period % 100) - 364 * k * 86_400_000);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

/** Seasons to go back for a line of lag `lag` so the bucket is at or before the origin (at least one). */
export const seasonsForLag = (lag: number, grain: Grain) => Math.max(1, Math.trunc((lag + SEASON_LENGTH[grain] - 1) / SEASON_LENGTH[grain]));

/** One item and location's current actuals (periods ascending) and sales inputs, and its seasonal differences per grain. */
export interface Series {
  periods: number[];
  quantities: number[];
  sales: Map<number, number> | null;
  diffs: Map<Grain, { periods: number[]; mean: number[] }>;
}

/** The series' actual of `period`, if known. */
export function actualAt(series: Series, period: number): number | undefined {
  const { periods } = series;
  let lo = 0;
  let hi = periods.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = periods[mid]!;
    if (p === period) return series.quantities[mid];
    if (p < period) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/**
 * MASE's scale for an origin: the mean absolute seasonal difference of the
 * series' actuals up to the origin's bucket (NULL when there is none). The
 * running sums are added as SQLite's sum() adds, so the scale is the one the
 * window query made.
 */
export function scaleAt(series: Series, grain: Grain, originBucket: number): number | null {
  let diffs = series.diffs.get(grain);
  if (!diffs) {
    diffs = { periods: [], mean: [] };
    let s = 0;
    let err = 0;
    for (let i = 0; i < series.periods.length; i++) {
      const p = series.periods[i]!;
      const prior = actualAt(series, seasonsBack(p, 1, grain));
      if (prior === undefined) continue;
      const d = Math.abs(series.quantities[i]! - prior);
      if (diffs.periods.length === 0) s = d;
      else {
        const t = s + d;
        err += Math.abs(s) > Math.abs(d) ? s - t + d : d - t + s;
        s = t;
      }
      diffs.periods.push(p);
      diffs.mean.push((s + err) / diffs.periods.length);
    }
    series.diffs.set(grain, diffs);
  }
  // The last difference at or before the origin's bucket.
  let lo = 0;
  let hi = diffs.periods.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (diffs.periods[mid]! <= originBucket) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? null : diffs.mean[lo - 1]!;
}
