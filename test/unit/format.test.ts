// The one formatting module (shared/format.ts, shared/accuracy-format.ts) that the
// screen, the HTML report and the CLI all write figures with: one mark for a
// missing value, one locale, one minus sign, never a "−0".
import { describe, expect, it } from 'vitest';
import { formatInterval, formatMetricValue, formatPoints, formatShare, formatShareOf } from '../../shared/accuracy-format';
import {
  formatBytes,
  formatCount,
  formatDay,
  formatNumber,
  formatPercent,
  formatPeriod,
  formatQuantity,
  formatReportPercent,
  formatReportPercentOf,
  formatRunLabel,
  formatTimestamp,
  MINUS,
  NO_VALUE,
} from '../../shared/format';

describe('no value', () => {
  it('is the en dash in every formatter, for null, undefined, NaN and infinities', () => {
    expect(NO_VALUE).toBe('–');
    for (const v of [null, undefined, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(formatNumber(v)).toBe('–');
      expect(formatNumber(v, 2, { signed: true })).toBe('–');
      expect(formatCount(v)).toBe('–');
      expect(formatQuantity(v)).toBe('–');
      expect(formatPercent(v, 1)).toBe('–');
      expect(formatReportPercent(v)).toBe('–');
      expect(formatMetricValue('wape', v)).toBe('–');
      expect(formatPoints('wape', v)).toBe('–');
      expect(formatShare(v)).toBe('–');
    }
    expect(formatInterval('wape', null)).toBe('–');
    expect(formatShareOf(3, 0)).toBe('–');
    expect(formatReportPercentOf(3, 0)).toBe('–');
    expect(formatTimestamp(null)).toBe('–');
    expect(formatDay(undefined)).toBe('–');
  });
});

describe('numbers', () => {
  it('group thousands with a comma and use a point for decimals (en-US), at the digits asked', () => {
    expect(formatNumber(1234567.891, 2)).toBe('1,234,567.89');
    expect(formatNumber(1234.5)).toBe('1,235');
    expect(formatNumber(12, 1)).toBe('12.0');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatQuantity(12345.4)).toBe('12,345');
    expect(formatQuantity(2.25)).toBe('2.3');
    expect(formatPercent(12345.67, 1)).toBe('12,345.7 %');
    expect(formatReportPercent(1234.56)).toBe('1,234.6 %');
    expect(formatMetricValue('mae', 12345.67)).toBe('12,345.7');
    expect(formatPoints('mae', 12345.67)).toBe('+12,345.7');
  });

  it('write a negative value with the minus sign U+2212, everywhere', () => {
    expect(MINUS).toBe('\u2212');
    expect(formatNumber(-1234.5, 1)).toBe('\u22121,234.5');
    expect(formatCount(-3)).toBe('\u22123');
    expect(formatQuantity(-120)).toBe('\u2212120');
    expect(formatQuantity(-2.5)).toBe('\u22122.5');
    expect(formatPercent(-5)).toBe('\u22125 %');
    expect(formatReportPercent(-4.25)).toBe('\u22124.3 %');
    expect(formatMetricValue('bias', -3.14)).toBe('\u22123.1');
    expect(formatPoints('wape', -1.84)).toBe('\u22121.8');
    expect(formatInterval('wape', { low: -2.94, high: 0.51 })).toBe('\u22122.9 to +0.5');
  });

  it('never write a negative zero: a value that rounds to zero has no sign', () => {
    expect(formatNumber(-0)).toBe('0');
    expect(formatNumber(-0.004, 2)).toBe('0.00');
    expect(formatNumber(-0.04, 1, { signed: true })).toBe('0.0');
    expect(formatNumber(0.04, 1, { signed: true })).toBe('0.0');
    expect(formatPercent(-0.2)).toBe('0 %');
    expect(formatPercent(-0.04, 1)).toBe('0.0 %');
    expect(formatQuantity(-0.01)).toBe('0');
    expect(formatMetricValue('bias', -0.04)).toBe('0.0');
    expect(formatPoints('wape', -0.04)).toBe('0.0');
  });

  it('sign on request: "+" for a positive value', () => {
    expect(formatNumber(5.25, 1, { signed: true })).toBe('+5.3');
    expect(formatNumber(-5.25, 1, { signed: true })).toBe('\u22125.3');
    expect(formatPercent(12, 0, { signed: true })).toBe('+12 %');
    expect(formatPercent(-12, 0, { signed: true })).toBe('\u221212 %');
    expect(formatQuantity(120, { signed: true })).toBe('+120');
    expect(formatQuantity(-1234, { signed: true })).toBe('\u22121,234');
  });

  it('show at most the digits asked when trimming zeros', () => {
    expect(formatNumber(12.5, 2, { trimZeros: true })).toBe('12.5');
    expect(formatNumber(80, 1, { trimZeros: true, signed: true })).toBe('+80');
    expect(formatNumber(1234.567, 2, { trimZeros: true })).toBe('1,234.57');
    expect(formatPercent(23.96, 1, { trimZeros: true })).toBe('24 %');
  });

  it('write a report percentage with one decimal, two where one would read 0.0', () => {
    expect(formatReportPercent(17.94)).toBe('17.9 %');
    expect(formatReportPercent(0.04)).toBe('0.04 %');
    expect(formatReportPercent(0)).toBe('0.0 %');
    expect(formatReportPercentOf(1, 3)).toBe('33.3 %');
  });
});

describe('sizes, dates, periods and labels', () => {
  it('file sizes in KB (at least 1) below a MiB, MB with one decimal above', () => {
    expect(formatBytes(0)).toBe('1 KB');
    expect(formatBytes(1500)).toBe('2 KB');
    expect(formatBytes(1023 * 1024)).toBe('1,023 KB');
    expect(formatBytes(3.5 * 1024 * 1024)).toBe('3.5 MB');
  });

  it('timestamps to the minute, days, periods per grain, and the run label', () => {
    expect(formatTimestamp('2026-11-03T08:07:09.123Z')).toBe('2026-11-03 08:07');
    expect(formatDay('2026-11-03T08:07:09.123Z')).toBe('2026-11-03');
    expect(formatPeriod('2026-10-01', 'month')).toBe('Oct 2026');
    expect(formatPeriod('2026-10-01', 'quarter')).toBe('Q4 2026');
    expect(formatRunLabel({ modelName: 'DemandAI', modelVersion: '2.4', origin: '2026-10-01', grain: 'month' })).toBe('DemandAI 2.4 · origin Oct 2026');
    expect(formatRunLabel({ modelName: 'ets', modelVersion: '', origin: '2026-06-01', grain: 'month' })).toBe('ets · origin Jun 2026');
  });
});
