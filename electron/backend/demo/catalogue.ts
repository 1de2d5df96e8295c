// The demo's item master: names, categories, brands, families, owners, ABC
// classes, and each item's hidden demand profile (level, trend, seasonality,
// noise, intermittent or newly launched). The profile is what the demand
// generator draws from; only the master data is written to `items`.
import { ANCHOR, monthOfYear, yearMonth } from './calendar';
import { ACCOUNTS, CATEGORIES, PLANNER_IDS, SALES_REPS, SEASONS, type CategorySpec, type FamilySpec } from './catalogue-data';
import { Rng } from './random';

export type DemandKind = 'regular' | 'intermittent' | 'new';
export type AbcClass = 'A' | 'B' | 'C';

export interface DemoItem {
  index: number;
  id: string;
  name: string;
  category: CategorySpec;
  family: FamilySpec;
  brand: string;
  ownerId: string;
  abc: AbcClass;
  kind: DemandKind;
  /** First month with demand (history start, or the launch month of a new item). */
  start: number;
  /** Launch month of a new item; null for the established range. */
  launch: number | null;
  /** Steady monthly volume at the start of history (regular and new items). */
  level: number;
  /** Monthly growth rate of the underlying level. */
  growth: number;
  /** Item-specific seasonal index by month of year, mean 1. */
  season: number[];
  /** Log-scale sd of month-to-month noise. */
  noiseSigma: number;
  /** Intermittent items: order count per month and units per order. */
  ordersPerMonth: number;
  meanOrderSize: number;
  attributes: Record<string, string | number>;
  /** Where this item's sales input comes from ('rep:J. Smith'), or null when sales give none. */
  salesSource: string | null;
}

export const itemId = (index: number): string => `SKU-${10001 + index}`;

function normalise(shape: readonly number[]): number[] {
  const mean = shape.reduce((s, v) => s + v, 0) / shape.length;
  return shape.map((v) => v / mean);
}

function itemSeason(family: FamilySpec, category: CategorySpec, rng: Rng): number[] {
  const base = normalise(SEASONS[family.season ?? category.season]);
  const amp = rng.uniform(0.6, 1.35);
  return normalise(base.map((v) => Math.max(0.05, 1 + amp * (v - 1))));
}

/** Expected monthly volume of an item in steady state, used to rank the ABC classes. */
export function steadyVolume(item: Pick<DemoItem, 'kind' | 'level' | 'ordersPerMonth' | 'meanOrderSize'>): number {
  return item.kind === 'intermittent' ? item.ordersPerMonth * item.meanOrderSize : item.level;
}

/** Which items are intermittent and which are new: exact shares, placed at random. */
function assignKinds(count: number, seed: number): DemandKind[] {
  const kinds: DemandKind[] = new Array<DemandKind>(count).fill('regular');
  const order = Rng.for(seed, 'kinds').shuffle(Array.from({ length: count }, (_, i) => i));
  const intermittent = Math.max(1, Math.round(count * 0.1));
  const fresh = Math.max(1, Math.round(count * 0.06));
  order.forEach((itemIndex, rank) => {
    if (rank < intermittent) kinds[itemIndex] = 'intermittent';
    else if (rank < intermittent + fresh) kinds[itemIndex] = 'new';
  });
  return kinds;
}

export function buildCatalogue(count: number, historyStart: number, seed: number): DemoItem[] {
  const kinds = assignKinds(count, seed);
  const usedNames = new Set<string>();
  const items: DemoItem[] = [];
  for (let index = 0; index < count; index++) {
    const rng = Rng.for(seed, 'item', index);
    const category = rng.weighted(CATEGORIES.map((c) => [c, c.share] as const));
    const family = rng.pick(category.families);
    let brand = rng.pick(family.brands);
    let variant = rng.pick(family.variants);
    let pack = rng.pick(family.packs);
    let name = `${brand} ${family.name} ${variant} ${pack}`;
    for (let attempt = 0; usedNames.has(name) && attempt < 12; attempt++) {
      brand = rng.pick(family.brands);
      variant = rng.pick(family.variants);
      pack = rng.pick(family.packs);
      name = `${brand} ${family.name} ${variant} ${pack}`;
    }
    if (usedNames.has(name)) name = `${name} (${rng.pick(['Multipack', 'Club Pack', 'Value Pack', 'Export', 'Limited Edition'])})`;
    for (let n = 2; usedNames.has(name); n++) name = `${brand} ${family.name} ${variant} ${pack} v${n}`;
    usedNames.add(name);

    const kind = kinds[index]!;
    const launch = kind === 'new' ? ANCHOR - rng.int(2, 8) : null;
    const ownerId = rng.chance(0.85) ? category.planner : rng.pick(PLANNER_IDS.filter((p) => p !== category.planner));
    const level = category.volumeScale * (kind === 'new' ? rng.lognormal(Math.log(160), 0.7) : rng.lognormal(Math.log(170), 1.05));
    const noiseSigma = Math.min(0.38, 0.08 + 0.55 / Math.sqrt(Math.max(level, 4) / 3));
    const attributes: Record<string, string | number> = {
      pack_size: pack,
      supplier: family.name === 'Paper Towels' ? 'Meridian Paper' : rng.pick(category.suppliers.filter((s) => s !== 'Meridian Paper')),
      lead_time_weeks: rng.int(2, 8),
    };
    if (rng.chance(0.3)) attributes.channel = 'Retail + Foodservice';
    if (launch !== null) attributes.launch = yearMonth(launch);

    items.push({
      index,
      id: itemId(index),
      name,
      category,
      family,
      brand,
      ownerId,
      abc: 'C',
      kind,
      start: launch ?? historyStart,
      launch,
      level,
      growth: Math.max(-0.012, Math.min(0.018, rng.normal(0.002, 0.005))),
      season: itemSeason(family, category, rng),
      noiseSigma,
      ordersPerMonth: rng.uniform(0.3, 1.15),
      meanOrderSize: rng.uniform(1.3, 4),
      attributes,
      salesSource: null,
    });
  }
  assignAbc(items);
  assignSalesSources(items, seed);
  return items;
}

/** ABC by volume: the top 20 % of items are A, the next 30 % B, the rest C. */
function assignAbc(items: DemoItem[]): void {
  const ranked = items.slice().sort((a, b) => steadyVolume(b) - steadyVolume(a) || a.index - b.index);
  const aCount = Math.round(items.length * 0.2);
  const bCount = Math.round(items.length * 0.3);
  ranked.forEach((item, rank) => {
    item.abc = rank < aCount ? 'A' : rank < aCount + bCount ? 'B' : 'C';
  });
}

/** Sales give a view on about 30 % of the items, mostly the big ones. */
function assignSalesSources(items: DemoItem[], seed: number): void {
  for (const item of items) {
    const rng = Rng.for(seed, 'sales-source', item.index);
    const p = item.kind === 'intermittent' ? 0.02 : item.abc === 'A' ? 0.72 : item.abc === 'B' ? 0.45 : 0.07;
    if (!rng.chance(p)) continue;
    item.salesSource = rng.chance(0.6) ? `rep:${rng.pick(SALES_REPS)}` : `account:${rng.pick(ACCOUNTS)}`;
  }
}

/** Item-specific seasonal index of a month. */
export const seasonOf = (item: DemoItem, month: number): number => item.season[monthOfYear(month)]!;
