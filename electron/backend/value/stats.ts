// Order statistics for the value measures: linear interpolation between order
// statistics (Hyndman & Fan type 7, the default of R's quantile and of pandas).

export function quantile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

const ascending = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);

export const median = (xs: readonly number[]): number | null => quantile(ascending(xs), 0.5);

export function interquartileRange(xs: readonly number[]): number | null {
  const s = ascending(xs);
  return s.length === 0 ? null : quantile(s, 0.75)! - quantile(s, 0.25)!;
}

export const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
