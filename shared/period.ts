// Period maths shared by backend and renderer. A period is written as the ISO date
// (YYYY-MM-DD) of its bucket's first day; all arithmetic is done in UTC so a
// machine's time zone can never move a bucket.

export const GRAINS = ['month', 'week', 'quarter', 'year'] as const;
export type Grain = (typeof GRAINS)[number];

/** Buckets per season, used by the seasonal-naive benchmark. */
export const SEASON_LENGTH: Record<Grain, number> = { month: 12, week: 52, quarter: 4, year: 1 };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseIsoDate(text: string): Date | null {
  const m = ISO_DATE.exec(text);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  // Reject 2026-02-30 and friends instead of letting Date roll them over.
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])
    ? d
    : null;
}

export function formatIsoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The first day of the bucket that contains `date`. Weeks start on Monday (ISO 8601). */
export function bucketStart(date: Date, grain: Grain): Date {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth();
  switch (grain) {
    case 'month':
      return new Date(Date.UTC(y, m, 1));
    case 'quarter':
      return new Date(Date.UTC(y, m - (m % 3), 1));
    case 'year':
      return new Date(Date.UTC(y, 0, 1));
    case 'week': {
      const dow = (date.getUTCDay() + 6) % 7; // Monday = 0
      return new Date(Date.UTC(y, m, date.getUTCDate() - dow));
    }
  }
}

export function isBucketStart(period: string, grain: Grain): boolean {
  const d = parseIsoDate(period);
  return d !== null && bucketStart(d, grain).getTime() === d.getTime();
}

/** Bucket index on a linear scale, so differences count whole buckets. */
export function bucketIndex(period: string, grain: Grain): number {
  const d = parseIsoDate(period);
  if (!d) throw new RangeError(`not an ISO date: ${period}`);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (grain) {
    case 'month':
      return y * 12 + m;
    case 'quarter':
      return y * 4 + Math.floor(m / 3);
    case 'year':
      return y;
    case 'week':
      return Math.floor((bucketStart(d, 'week').getTime() / 86_400_000 + 3) / 7); // epoch day 0 was a Thursday
  }
}

export function periodFromIndex(index: number, grain: Grain): string {
  switch (grain) {
    case 'month':
      return formatIsoDate(new Date(Date.UTC(Math.floor(index / 12), index % 12, 1)));
    case 'quarter':
      return formatIsoDate(new Date(Date.UTC(Math.floor(index / 4), (index % 4) * 3, 1)));
    case 'year':
      return formatIsoDate(new Date(Date.UTC(index, 0, 1)));
    case 'week':
      return formatIsoDate(new Date((index * 7 - 3) * 86_400_000));
  }
}

export function addBuckets(period: string, n: number, grain: Grain): string {
  return periodFromIndex(bucketIndex(period, grain) + n, grain);
}

/** Lag of a forecast line: buckets from the origin's bucket to the period (first bucket after the origin is lag 1). */
export function lagOf(origin: string, period: string, grain: Grain): number {
  return bucketIndex(period, grain) - bucketIndex(origin, grain);
}

/** Storage form of a period: INTEGER yyyymmdd ('2026-11-01' → 20261101). */
export function periodKey(period: string): number {
  return Number(period.slice(0, 4)) * 10000 + Number(period.slice(5, 7)) * 100 + Number(period.slice(8, 10));
}

export function periodFromKey(key: number): string {
  const y = Math.floor(key / 10000);
  const m = Math.floor(key / 100) % 100;
  const d = key % 100;
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** The key of the bucket that holds the date `key` (an origin of 20261015 is in the month 20261001). */
export function bucketKeyOf(key: number, grain: Grain): number {
  return periodKey(formatIsoDate(bucketStart(parseIsoDate(periodFromKey(key))!, grain)));
}
