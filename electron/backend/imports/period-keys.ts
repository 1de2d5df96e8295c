// Period arithmetic on yyyymmdd integer keys, for the validator's inner loop: a
// million lines must not build a million Date objects. Agrees with shared/period
// (bucketIndex, isBucketStart), which the tests check against it.
import type { Grain } from '../../../shared/period';

/** yyyymmdd of a valid 'YYYY-MM-DD' (the dates parseDateCell passes through as they are), or 0. */
export function isoToKey(iso: string): number {
  if (iso.length !== 10 || iso.charCodeAt(4) !== 45 || iso.charCodeAt(7) !== 45) return 0;
  const y = d4(iso, 0);
  const m = d2(iso, 5);
  const d = d2(iso, 8);
  if (y < 1000 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return 0;
  return y * 10000 + m * 100 + d;
}

function d2(s: string, at: number): number {
  const a = s.charCodeAt(at) - 48;
  const b = s.charCodeAt(at + 1) - 48;
  return a < 0 || a > 9 || b < 0 || b > 9 ? -1 : a * 10 + b;
}

function d4(s: string, at: number): number {
  const hi = d2(s, at);
  const lo = d2(s, at + 2);
  return hi < 0 || lo < 0 ? -1 : hi * 100 + lo;
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function epochDay(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Bucket index of a date key on a linear scale: the same numbers as shared/period's bucketIndex. */
export function bucketOfKey(key: number, grain: Grain): number {
  const y = Math.floor(key / 10000);
  const m = Math.floor(key / 100) % 100;
  switch (grain) {
    case 'month':
      return y * 12 + m - 1;
    case 'quarter':
      return y * 4 + Math.floor((m - 1) / 3);
    case 'year':
      return y;
    case 'week':
      // Epoch day 0 was a Thursday; +3 makes weeks start on Monday.
      return Math.floor((epochDay(y, m, key % 100) + 3) / 7);
  }
}

/** Why a date key is not the first day of its bucket, or null when it is. */
export function offGridReason(key: number, grain: Grain): string | null {
  const m = Math.floor(key / 100) % 100;
  const d = key % 100;
  switch (grain) {
    case 'month':
      return d === 1 ? null : `period ${keyToIso(key)} is not the first day of a month`;
    case 'quarter':
      return d === 1 && (m - 1) % 3 === 0 ? null : `period ${keyToIso(key)} is not the first day of a quarter`;
    case 'year':
      return d === 1 && m === 1 ? null : `period ${keyToIso(key)} is not the first day of a year`;
    case 'week': {
      const day = epochDay(Math.floor(key / 10000), m, d);
      return (((day + 3) % 7) + 7) % 7 === 0 ? null : `period ${keyToIso(key)} is not a Monday (the first day of a week)`;
    }
  }
}

export function keyToIso(key: number): string {
  const y = Math.floor(key / 10000);
  const m = Math.floor(key / 100) % 100;
  const d = key % 100;
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** The first day of bucket `index`, as a date key. */
export function keyOfBucket(index: number, grain: Grain): number {
  switch (grain) {
    case 'month':
      return Math.floor(index / 12) * 10000 + ((index % 12) + 1) * 100 + 1;
    case 'quarter':
      return Math.floor(index / 4) * 10000 + ((index % 4) * 3 + 1) * 100 + 1;
    case 'year':
      return index * 10000 + 101;
    case 'week': {
      const iso = new Date((index * 7 - 3) * 86_400_000).toISOString();
      return isoToKey(iso.slice(0, 10));
    }
  }
}
