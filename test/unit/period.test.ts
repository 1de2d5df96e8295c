import { describe, expect, it } from 'vitest';
import { addBuckets, bucketIndex, bucketKeyOf, isBucketStart, lagOf, parseIsoDate, periodFromIndex } from '../../shared/period';

describe('period maths', () => {
  it('rejects impossible dates instead of rolling them over', () => {
    expect(parseIsoDate('2026-02-30')).toBeNull();
    expect(parseIsoDate('2026-13-01')).toBeNull();
    expect(parseIsoDate('26-01-01')).toBeNull();
    expect(parseIsoDate('2024-02-29')).not.toBeNull();
  });

  it('knows bucket starts for every grain', () => {
    expect(isBucketStart('2026-03-01', 'month')).toBe(true);
    expect(isBucketStart('2026-03-02', 'month')).toBe(false);
    expect(isBucketStart('2026-11-23', 'week')).toBe(true); // a Monday
    expect(isBucketStart('2026-11-22', 'week')).toBe(false); // a Sunday
    expect(isBucketStart('2026-04-01', 'quarter')).toBe(true);
    expect(isBucketStart('2026-05-01', 'quarter')).toBe(false);
    expect(isBucketStart('2026-01-01', 'year')).toBe(true);
    expect(isBucketStart('2026-02-01', 'year')).toBe(false);
  });

  it('counts lags in buckets, the first bucket after the origin being lag 1', () => {
    expect(lagOf('2026-10-01', '2026-11-01', 'month')).toBe(1);
    expect(lagOf('2026-10-01', '2027-04-01', 'month')).toBe(6);
    expect(lagOf('2026-12-28', '2027-01-04', 'week')).toBe(1); // across a year end
    expect(lagOf('2026-10-01', '2027-01-01', 'quarter')).toBe(1);
  });

  it('round-trips bucket indices and adds buckets across year ends', () => {
    for (const grain of ['month', 'week', 'quarter', 'year'] as const) {
      const start = grain === 'week' ? '2026-11-23' : '2026-01-01';
      const index = bucketIndex(start, grain);
      expect(periodFromIndex(index, grain)).toBe(start);
    }
    expect(addBuckets('2026-11-01', 3, 'month')).toBe('2027-02-01');
    expect(addBuckets('2026-01-01', -1, 'month')).toBe('2025-12-01');
    expect(addBuckets('2026-12-28', 1, 'week')).toBe('2027-01-04');
  });

  it('finds the bucket a date key falls in (an origin mid-month is in its month)', () => {
    expect(bucketKeyOf(20261015, 'month')).toBe(20261001);
    expect(bucketKeyOf(20261001, 'week')).toBe(20260928); // a Thursday: its week starts on Monday
    expect(bucketKeyOf(20261115, 'quarter')).toBe(20261001);
    expect(bucketKeyOf(20261231, 'year')).toBe(20260101);
    expect(bucketKeyOf(20261101, 'month')).toBe(20261101);
  });
});
