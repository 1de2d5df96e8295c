// Origins of a forecast file that has no origin column and no origin option
// (SPEC §4): each series (item × location) gets its own — the period of its last
// actual before its first forecast period — so series ending in different months
// are scaled on their own history and each line gets its own lag. A series with no
// such actual has no origin: its rows go to quarantine (the file is refused when no
// series has one). Series of one model with different origins become one run per
// origin, since a run is one model at one origin.
//
// Cost: the file's lines are held back until the whole file is read (they already
// were for the old single default origin): ~44 bytes a line in typed arrays, once;
// plus 4 bytes per (location, item) of the file and one indexed lookup of actuals
// per series. Only when a series has no origin is the file read a second time, to
// put those rows' raw text in quarantine.
import type { Grain } from '../../../../shared/period';
import type { Db } from '../../db/open';
import type { LineColumns } from '../validated-batch';
import type { KeyResolver } from './key-resolver';
import { bucketOfKey, keyOfBucket, keyToIso } from '../period-keys';
import type { QuarantineEntry, RawRecord } from '../types';

/** Per series (the file's location and item numbers): its first forecast bucket while reading, then its origin bucket. */
export class SeriesOrigins {
  /** location → item → first bucket + 1 while reading; origin bucket + 1 (or NO_ORIGIN) once resolved. 0: no lines. */
  private readonly byLocation: Int32Array[] = [];
  private static readonly NO_ORIGIN = -1;
  private resolved = false;

  /** Notes the first bucket of each series in a batch of lines. */
  note(l: LineColumns): void {
    let lastLocation = -1;
    let slot: Int32Array = new Int32Array(0);
    for (let k = 0; k < l.count; k++) {
      const loc = l.location[k]!;
      const item = l.item[k]!;
      if (loc !== lastLocation || item >= slot.length) {
        slot = this.slot(loc, item);
        lastLocation = loc;
      }
      const b = l.bucket[k]! + 1;
      if (slot[item] === 0 || b < slot[item]!) slot[item] = b;
    }
  }

  private slot(location: number, item: number): Int32Array {
    let slot = this.byLocation[location];
    if (slot === undefined || item >= slot.length) {
      const grown = new Int32Array(Math.max(1024, (item + 1) * 2));
      if (slot) grown.set(slot);
      slot = grown;
      this.byLocation[location] = slot;
    }
    return slot;
  }

  /**
   * Looks up each series' last actual before its first forecast period. Returns the
   * series without one (file numbers, with their first period) and how many series
   * each origin got.
   */
  resolve(db: Db, keys: KeyResolver, grain: Grain): { orphans: { location: number; item: number; firstPeriod: number }[]; seriesByOrigin: Map<number, number> } {
    const lastActual = db
      .prepare('SELECT max(period) FROM actuals WHERE item_key = ? AND location_key = ? AND period < ? AND superseded_at IS NULL')
      .pluck();
    const orphans: { location: number; item: number; firstPeriod: number }[] = [];
    const seriesByOrigin = new Map<number, number>();
    this.byLocation.forEach((slot, location) => {
      for (let item = 0; item < slot.length; item++) {
        const first = slot[item]!;
        if (first === 0) continue;
        const firstPeriod = keyOfBucket(first - 1, grain);
        const itemKey = keys.itemKeys[item]!;
        // An item this import created has no actuals yet.
        const origin = keys.isCreated(itemKey) ? null : (lastActual.get(itemKey, keys.locationKeys[location]!, firstPeriod) as number | null);
        if (origin === null) {
          slot[item] = SeriesOrigins.NO_ORIGIN;
          orphans.push({ location, item, firstPeriod });
        } else {
          slot[item] = bucketOfKey(origin, grain) + 1;
          seriesByOrigin.set(origin, (seriesByOrigin.get(origin) ?? 0) + 1);
        }
      }
    });
    this.resolved = true;
    return { orphans, seriesByOrigin };
  }

  /**
   * Gives each held-back line the run of its model at its series' origin (runFor
   * makes that run on first use), or -1 for a series without an origin.
   */
  assignRuns(l: LineColumns, runFor: (fileRun: number, originBucket: number) => number): void {
    if (!this.resolved) throw new Error('series origins are not resolved yet');
    let lastKey = -1;
    let lastRun = -1;
    for (let k = 0; k < l.count; k++) {
      const code = this.byLocation[l.location[k]!]![l.item[k]!]!;
      if (code === SeriesOrigins.NO_ORIGIN) {
        l.run[k] = -1;
        continue;
      }
      const key = l.run[k]! * 4_194_304 + code;
      if (key !== lastKey) {
        lastRun = runFor(l.run[k]!, code - 1);
        lastKey = key;
      }
      l.run[k] = lastRun;
    }
  }
}

/** "2024-06-01 (120 series), 2024-09-01 (3 series) and 4 more origins" */
export function describeOrigins(seriesByOrigin: Map<number, number>): string {
  const sorted = [...seriesByOrigin.entries()].sort((a, b) => a[0] - b[0]);
  const shown = sorted.slice(0, 6).map(([origin, n]) => `${keyToIso(origin)} (${n} series)`);
  return `${shown.join(', ')}${sorted.length > 6 ? ` and ${sorted.length - 6} more origins` : ''}`;
}

/** The reason a row of a series without an origin is quarantined. */
export function noOriginReason(itemId: string, locationId: string, firstPeriod: number): string {
  const what = `item '${itemId}'${locationId === 'ALL' ? '' : ` at '${locationId}'`}`;
  return `no origin for ${what}: the file has no origin (or cutoff) column, none was given, and the workbook has no actual of the item before its first forecast period, ${keyToIso(firstPeriod)}`;
}

/**
 * Second pass over the file: the rows of series without an origin (by their item and
 * location text), skipping rows already quarantined as a whole, as quarantine entries
 * with their raw text.
 */
export async function orphanRowEntries(
  records: AsyncIterable<RawRecord[]>,
  columns: { item: number; location: number | undefined },
  reasons: Map<string, string>,
  rejectedRows: ReadonlySet<number>,
): Promise<QuarantineEntry[]> {
  const out: QuarantineEntry[] = [];
  for await (const batch of records) {
    for (const rec of batch) {
      if (rec.problem !== undefined || rejectedRows.has(rec.rowNumber)) continue;
      const location = columns.location === undefined ? 'ALL' : rec.values[columns.location] || 'ALL';
      const reason = reasons.get(seriesKey(rec.values[columns.item] ?? '', location));
      if (reason !== undefined) out.push({ rowNumber: rec.rowNumber, column: null, reason, raw: rec.raw, hint: { option: 'origin' } });
    }
  }
  return out;
}

export const seriesKey = (itemId: string, locationId: string) => `${locationId}\u0000${itemId}`;
