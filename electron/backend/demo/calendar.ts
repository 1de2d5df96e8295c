// The demo's fixed calendar: everything is dated from one anchor, never from the
// clock, so the same options always produce the same workbook.
//
// The monthly cycle: the actuals of month M are loaded at M's close (its last day,
// 17:00 UTC); the model run made "as of" M (origin M, lag 1 = the month after) is
// published half an hour later; planners decide in the first business days after.
// The current cycle closes on 2026-10-31, just before the demo's "now" (18:00).
import { bucketIndex, periodFromIndex } from '../../../shared/period';

export const ANCHOR_ORIGIN = '2026-10-01';
/** Month index (year * 12 + month) of the current run's origin. */
export const ANCHOR = bucketIndex(ANCHOR_ORIGIN, 'month');
/** Past monthly origins before the current one (2025-10 .. 2026-09). */
export const PAST_ORIGINS = 12;
/** Lags 1..HORIZON in every run. */
export const HORIZON = 6;
/** A past run needs at least this many months of history before its origin. */
export const MIN_HISTORY_FOR_RUN = 6;

const periodCache = new Map<number, string>();
/** 'YYYY-MM-01' of a month index (memoised: the writer formats hundreds of thousands). */
export function period(month: number): string {
  let text = periodCache.get(month);
  if (text === undefined) {
    text = periodFromIndex(month, 'month');
    periodCache.set(month, text);
  }
  return text;
}
/** 'YYYY-MM', for comments and attributes. */
export const yearMonth = (month: number): string => period(month).slice(0, 7);
/** 0 = January. */
export const monthOfYear = (month: number): number => ((month % 12) + 12) % 12;

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** 'Jun 2026', for comments. */
export const monthLabel = (month: number): string => `${MONTH_NAMES[monthOfYear(month)]} ${Math.floor(month / 12)}`;

/** Milliseconds since the epoch of month `month`'s last day at hh:mm UTC. */
export function closeOf(month: number, hours = 17, minutes = 0): number {
  const y = Math.floor(month / 12);
  const m = monthOfYear(month);
  return Date.UTC(y, m + 1, 0, hours, minutes, 0);
}

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

/** The start (00:00 UTC) of the n-th business day (Mon–Fri) after `from`'s day. */
export function businessDaysAfter(from: number, n: number): number {
  let day = Math.floor(from / DAY_MS) * DAY_MS;
  let left = n;
  while (left > 0) {
    day += DAY_MS;
    const dow = new Date(day).getUTCDay();
    if (dow !== 0 && dow !== 6) left--;
  }
  return day;
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/** Calendar of one demo: the months of history and the run origins. */
export interface DemoCalendar {
  /** First month of actual history (established items start here). */
  historyStart: number;
  /** Last month with actuals = the current run's origin. */
  anchor: number;
  /** Run origins in order, the current one last. */
  origins: number[];
  /** Last month any line or sales input refers to. */
  horizonEnd: number;
}

export function demoCalendar(months: number): DemoCalendar {
  const historyStart = ANCHOR - months + 1;
  const origins: number[] = [];
  for (let o = ANCHOR - PAST_ORIGINS; o <= ANCHOR; o++) {
    if (o === ANCHOR || o - historyStart >= MIN_HISTORY_FOR_RUN) origins.push(o);
  }
  return { historyStart, anchor: ANCHOR, origins, horizonEnd: ANCHOR + HORIZON };
}
