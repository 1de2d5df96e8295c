// "Has anything been written since I last looked?" in two cheap reads, so derived
// answers (a filter's line count, a grouped worklist's layout, the exception
// signature check) are reused while the planner only scrolls. total_changes()
// counts every row this connection wrote; PRAGMA data_version moves when another
// connection (fwb import on the same file, the sqlite3 shell) commits.
import type { Db } from './open';

export function changeStamp(db: Db): string {
  const own = db.prepare('SELECT total_changes()').pluck().get() as number;
  const others = db.pragma('data_version', { simple: true }) as number;
  return `${own}:${others}`;
}

/** A small per-workbook memo of answers valid while the change stamp holds. */
export class StampedCache<V> {
  private readonly byDb = new WeakMap<Db, Map<string, { stamp: string; value: V }>>();
  constructor(private readonly capacity: number) {}

  get(db: Db, key: string, compute: () => V): V {
    let entries = this.byDb.get(db);
    if (!entries) this.byDb.set(db, (entries = new Map()));
    const stamp = changeStamp(db);
    const hit = entries.get(key);
    if (hit && hit.stamp === stamp) {
      // Most recently used last, so the oldest goes first when full.
      entries.delete(key);
      entries.set(key, hit);
      return hit.value;
    }
    const value = compute();
    entries.delete(key);
    // Computing may itself write (scores refreshed): stamp what holds afterwards.
    entries.set(key, { stamp: changeStamp(db), value });
    while (entries.size > this.capacity) entries.delete(entries.keys().next().value!);
    return value;
  }
}
