// What the sales side says: for about 30 % of the items, a rep or key account
// gives a quantity for each of the next six months, and revises some of them two
// months out. Sales are optimistic (+5..15 % on average), noisier than the model,
// and hear about some shocks (promotions, listings won or lost, events) — along
// with promotions that never happen.
import { HORIZON, type DemoCalendar } from './calendar';
import { seasonOf } from './catalogue';
import { launchRamp, type ItemDemand, type ShockEvent } from './demand';
import { Rng } from './random';

export interface SalesInputEntry {
  demand: ItemDemand;
  period: number;
  quantity: number;
  source: string;
  note: string | null;
  /** Origin of the cycle in which it was entered (recorded at that cycle's close). */
  cycle: number;
  /** Cycle of the revision that superseded it, or null while it is current. */
  supersededIn: number | null;
  /** The entry this one revises (superseded when this one is written). */
  replaces: SalesInputEntry | null;
  /** Set when written. */
  salesInputId: number;
}

const SALES_KNOWS: ReadonlySet<string> = new Set(['promotion', 'new_customer', 'lost_business', 'event_seasonality', 'price_change']);

export function roundSales(q: number): number {
  if (q < 50) return Math.max(0, Math.round(q));
  if (q < 500) return Math.round(q / 5) * 5;
  return Math.round(q / 10) * 10;
}

function noteFor(e: ShockEvent, rng: Rng): string {
  switch (e.type) {
    case 'promotion':
      return e.phantom ? `Promo with ${e.account} pencilled in (tbc)` : rng.pick([`Promo with ${e.account} confirmed`, `Feature and display at ${e.account}`]);
    case 'new_customer':
      return e.phantom ? `Listing at ${e.account} expected to close` : `New listing at ${e.account}`;
    case 'lost_business':
      return `Delisted at ${e.account}`;
    case 'event_seasonality':
      return 'World Cup displays';
    case 'price_change':
      return 'Price increase will slow orders';
    default:
      return '';
  }
}

function entryValue(d: ItemDemand, period: number, cycle: number, bias: number, rng: Rng): { quantity: number; note: string | null } {
  const t = cycle - d.base;
  const ramp = d.item.launch === null ? 1 : launchRamp(period - d.item.launch);
  let q = Math.exp(d.logLevel[t]! + (period - cycle) * Math.log(1 + d.item.growth)) * seasonOf(d.item, period) * ramp;
  q *= bias * Math.exp(rng.normal(0, 0.17));
  let note: string | null = null;
  const lag = period - cycle;
  for (const e of d.events) {
    if (period < e.start || period > e.end || !SALES_KNOWS.has(e.type)) continue;
    if (e.phantom ? cycle < e.start - 4 || cycle > e.start - 2 : cycle < e.start - 4) continue;
    if (!rng.chance(lag <= 2 ? 0.85 : 0.6)) continue;
    q *= e.mult ** rng.uniform(0.8, 1.2);
    note = noteFor(e, rng);
  }
  if (note === null && rng.chance(0.04)) {
    q *= rng.uniform(1.2, 1.5);
    note = 'Customer hinting at extra volume';
  } else if (note === null && rng.chance(0.12)) {
    note = rng.pick(['Sell-out strong last weeks', 'Customer stock is high', 'Run-rate steady', 'Competitor out of stock']);
  }
  return { quantity: roundSales(q), note };
}

/** Every sales input of the demo, in the order they were entered. */
export function planSalesInputs(demands: ItemDemand[], cal: DemoCalendar, seed: number): SalesInputEntry[] {
  const firstCycle = cal.origins[0]!;
  const entries: SalesInputEntry[] = [];
  for (const d of demands) {
    const source = d.item.salesSource;
    if (source === null) continue;
    const bias = Math.exp(Rng.for(seed, 'sales-bias', d.item.index).normal(0.09, 0.04));
    for (let period = firstCycle + 1; period <= cal.horizonEnd; period++) {
      const firstEntry = Math.max(firstCycle, period - HORIZON, d.item.start);
      if (period <= firstEntry || firstEntry > cal.anchor) continue;
      const rng = Rng.for(seed, 'sales', d.item.index, period);
      const first: SalesInputEntry = { demand: d, period, source, cycle: firstEntry, supersededIn: null, replaces: null, salesInputId: 0, ...entryValue(d, period, firstEntry, bias, rng) };
      entries.push(first);
      const revision = period - 2;
      if (revision > firstEntry && revision <= cal.anchor && rng.chance(0.35)) {
        first.supersededIn = revision;
        entries.push({ demand: d, period, source, cycle: revision, supersededIn: null, replaces: first, salesInputId: 0, ...entryValue(d, period, revision, bias, rng) });
      }
    }
  }
  return entries.sort((a, b) => a.cycle - b.cycle || a.demand.item.index - b.demand.item.index || a.period - b.period);
}

/** Index: the sales input current at a cycle for an item-period. */
export class SalesInputBook {
  private readonly byKey = new Map<string, SalesInputEntry[]>();

  constructor(entries: readonly SalesInputEntry[]) {
    for (const e of entries) {
      const key = `${e.demand.item.index}:${e.period}`;
      const list = this.byKey.get(key);
      if (list) list.push(e);
      else this.byKey.set(key, [e]);
    }
  }

  currentAt(itemIndex: number, period: number, cycle: number): SalesInputEntry | null {
    let best: SalesInputEntry | null = null;
    for (const e of this.byKey.get(`${itemIndex}:${period}`) ?? []) if (e.cycle <= cycle && (!best || e.cycle > best.cycle)) best = e;
    return best;
  }
}
