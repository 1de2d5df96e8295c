// True demand of every item-month: level × trend × seasonality × noise, with
// intermittent and newly launched items, and the shocks planners hear about in
// advance (promotions, new or lost business, supply constraints, price changes,
// events) plus one-off anomalies nobody saw coming. Actuals are drawn once, here;
// nothing downstream ever edits them.
import { ACCOUNTS } from './catalogue-data';
import { seasonOf, type DemoItem } from './catalogue';
import { ANCHOR, type DemoCalendar } from './calendar';
import { Rng } from './random';

export type ShockType = 'promotion' | 'new_customer' | 'lost_business' | 'supply_constraint' | 'price_change' | 'event_seasonality' | 'anomaly';

export interface ShockEvent {
  type: ShockType;
  /** First and last month affected, inclusive. */
  start: number;
  end: number;
  /** Multiplier on demand (for a phantom: what planners believed it would be). */
  mult: number;
  /** Planners know of it from `start - knownLead` on (0: only once it has happened). */
  knownLead: number;
  /** Talked about, planned for, never happened (a cancelled promotion, a deal that did not close). */
  phantom: boolean;
  account: string;
}

export interface ItemDemand {
  item: DemoItem;
  /** Month of index 0 of the arrays below (the calendar's history start). */
  base: number;
  /** Log of the underlying level (trend and slow drift, no season), per month. */
  logLevel: Float64Array;
  /** Expected demand without shocks (level × season × launch ramp). */
  expected: Float64Array;
  /** Multiplier of the real shocks active in the month (1 when none). */
  shock: Float64Array;
  /** Recorded demand; NaN before the item's start and after the anchor. */
  actual: Float64Array;
  events: ShockEvent[];
  /** Months whose first recorded actual was wrong and later restated. */
  restatements: { month: number; original: number; restatedIn: number }[];
}

/** Share of steady volume a new item sells k months after launch. */
export const launchRamp = (k: number): number => (k < 0 ? 0 : 1 - 0.6 * Math.exp(-k / 2));

/** The World Cup 2026 (June–July): beverages and snacks that go with watching it. */
const WORLD_CUP = { start: 2026 * 12 + 5, end: 2026 * 12 + 6 };

function promotionRate(item: DemoItem): number {
  return item.abc === 'A' ? 0.05 : item.abc === 'B' ? 0.035 : 0.015;
}

function buildEvents(item: DemoItem, cal: DemoCalendar, rng: Rng): ShockEvent[] {
  const events: ShockEvent[] = [];
  if (item.kind === 'intermittent') return events;
  const first = item.start + 1;
  const last = cal.horizonEnd;
  const add = (type: ShockType, start: number, duration: number, mult: number, knownLead: number, phantom = false): void => {
    events.push({ type, start, end: Math.min(last, start + duration - 1), mult, knownLead, phantom, account: rng.pick(ACCOUNTS) });
  };
  let lastPromo = -99;
  for (let m = first; m <= last; m++) {
    if (m - lastPromo < 3) continue;
    if (rng.chance(promotionRate(item))) {
      add('promotion', m, 1, rng.uniform(1.3, 1.8), rng.int(2, 5));
      lastPromo = m;
    } else if (rng.chance(promotionRate(item) * 0.55)) {
      add('promotion', m, 1, rng.uniform(1.3, 1.8), rng.int(2, 5), true);
      lastPromo = m;
    }
  }
  if (item.family.eventSensitive && WORLD_CUP.start >= first && rng.chance(0.6)) {
    add('event_seasonality', WORLD_CUP.start, WORLD_CUP.end - WORLD_CUP.start + 1, rng.uniform(1.1, 1.35), 9);
  }
  const big = item.abc !== 'C';
  const window = (minStart: number): number | null => {
    const lo = Math.max(first + 1, minStart);
    return lo <= last - 1 ? rng.int(lo, last - 1) : null;
  };
  const mid = cal.historyStart + 12;
  if (rng.chance(big ? 0.12 : 0.06)) {
    const s = window(mid);
    if (s !== null) add('new_customer', s, rng.int(4, 10), rng.uniform(1.2, 1.5), rng.int(1, 3));
  }
  if (rng.chance(big ? 0.05 : 0.025)) {
    const s = window(mid);
    if (s !== null) add('new_customer', s, rng.int(3, 6), rng.uniform(1.2, 1.45), rng.int(1, 3), true);
  }
  if (rng.chance(big ? 0.11 : 0.07)) {
    const s = window(mid);
    if (s !== null) add('lost_business', s, rng.int(3, 9), rng.uniform(0.4, 0.7), rng.int(1, 3));
  }
  if (rng.chance(big ? 0.1 : 0.06)) {
    const s = window(mid);
    if (s !== null) add('supply_constraint', s, rng.int(1, 3), rng.uniform(0.35, 0.7), rng.int(1, 2));
  }
  if (rng.chance(big ? 0.08 : 0.05)) {
    const s = window(mid);
    if (s !== null) add('price_change', s, rng.int(2, 5), rng.uniform(0.62, 0.82), rng.int(1, 3));
  }
  // One-off anomalies in recorded demand: a pipeline fill or bulk order (spike), or
  // a month lost to a system cut-over (dip). Not foreseeable; obvious afterwards.
  for (let m = Math.max(first, mid); m <= ANCHOR; m++) {
    if (rng.chance(0.012)) add('anomaly', m, 1, rng.uniform(1.8, 2.8), 0);
    else if (rng.chance(0.003)) add('anomaly', m, 1, rng.uniform(0.1, 0.4), 0);
  }
  return events;
}

export function generateDemand(item: DemoItem, cal: DemoCalendar, seed: number): ItemDemand {
  const rng = Rng.for(seed, 'demand', item.index);
  const base = cal.historyStart;
  const size = cal.horizonEnd - base + 1;
  const logLevel = new Float64Array(size);
  const expected = new Float64Array(size);
  const shock = new Float64Array(size).fill(1);
  const actual = new Float64Array(size).fill(Number.NaN);
  const events = buildEvents(item, cal, Rng.for(seed, 'events', item.index));
  for (const e of events) {
    if (e.phantom) continue;
    for (let m = e.start; m <= e.end; m++) shock[m - base] = shock[m - base]! * e.mult;
  }

  let drift = 0;
  const logGrowth = Math.log(1 + item.growth);
  for (let t = 0; t < size; t++) {
    const month = base + t;
    drift += rng.normal(0, 0.025);
    logLevel[t] = Math.log(item.level) + t * logGrowth + drift;
    if (month < item.start) continue;
    const ramp = item.launch === null ? 1 : launchRamp(month - item.launch);
    const season = seasonOf(item, month);
    if (item.kind === 'intermittent') {
      const rate = item.ordersPerMonth * season;
      expected[t] = rate * item.meanOrderSize;
      if (month <= ANCHOR) {
        const orders = rng.poisson(rate * shock[t]!);
        let units = 0;
        for (let k = 0; k < orders; k++) units += rng.geometric1(item.meanOrderSize);
        actual[t] = units;
      }
      continue;
    }
    expected[t] = Math.exp(logLevel[t]!) * season * ramp;
    if (month > ANCHOR) continue;
    const sigma = item.noiseSigma;
    const mean = expected[t]! * shock[t]! * Math.exp(rng.normal(-sigma * sigma / 2, sigma));
    actual[t] = mean >= 8 ? Math.round(mean) : rng.poisson(mean);
  }
  return { item, base, logLevel, expected, shock, actual, events, restatements: [] };
}

/** Picks a few item-months of the cycle months whose first recorded value was wrong. */
export function planRestatements(demands: ItemDemand[], cal: DemoCalendar, seed: number): void {
  const rng = Rng.for(seed, 'restatements');
  const firstCycle = cal.origins[0]!;
  const candidates = demands.filter((d) => d.item.kind === 'regular');
  if (candidates.length === 0 || cal.anchor - firstCycle < 2) return;
  const wanted = Math.max(3, Math.round(candidates.length * (cal.anchor - firstCycle) * 0.004));
  const taken = new Set<string>();
  for (let attempt = 0; attempt < wanted * 20 && taken.size < wanted; attempt++) {
    const d = rng.pick(candidates);
    const month = rng.int(firstCycle, cal.anchor - 1);
    const key = `${d.item.index}:${month}`;
    const value = d.actual[month - d.base]!;
    if (taken.has(key) || !(value >= 10)) continue;
    taken.add(key);
    const factor = rng.chance(0.5) ? rng.uniform(0.55, 0.85) : rng.uniform(1.15, 1.6);
    const restatedIn = Math.min(cal.anchor, month + rng.int(1, 2));
    d.restatements.push({ month, original: Math.round(value * factor), restatedIn });
  }
  for (const d of demands) d.restatements.sort((a, b) => a.month - b.month);
}

/** Recorded actual of a month, or NaN when there is none. */
export const actualAt = (d: ItemDemand, month: number): number => {
  const t = month - d.base;
  return t >= 0 && t < d.actual.length ? d.actual[t]! : Number.NaN;
};
