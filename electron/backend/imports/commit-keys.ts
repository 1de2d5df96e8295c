// Turns the file's item and location numbers (validator order) into workbook
// keys, creating what is new, so the line writers index a typed array instead of
// looking up a string per line. Also creates the planners an item file names as
// owners; nothing else an import names becomes a person of the workbook (the
// importer is one already, a history file's deciders stay text).
import type { UserRow } from '../audit/payloads';
import type { Db } from '../db/open';

function grow(a: Int32Array, need: number): Int32Array {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

export class KeyResolver {
  itemKeys: Int32Array = new Int32Array(1024);
  private itemCount = 0;
  locationKeys: Int32Array = new Int32Array(16);
  private locationCount = 0;
  readonly createdItems: string[] = [];
  readonly createdLocations: string[] = [];
  /** Users this import created, for its audit entry: `fwb check` holds every user to a record. */
  readonly createdUsers: UserRow[] = [];
  /** Largest item_key before this import: lines of items above it cannot have earlier actuals. */
  readonly maxItemKeyBefore: number;
  private readonly users = new Set<string>();
  private readonly st;

  constructor(
    private readonly db: Db,
    private readonly batchId: number,
    private readonly at: string,
  ) {
    this.st = {
      item: db.prepare('SELECT item_key FROM items WHERE item_id = ?').pluck(),
      known: db.prepare('SELECT i.item_id, i.item_key FROM json_each(?) j JOIN items i ON i.item_id = j.value').raw(),
      location: db.prepare('SELECT location_key FROM locations WHERE location_id = ?').pluck(),
      newLocation: db.prepare('INSERT INTO locations (location_id, name) VALUES (?, ?)'),
      user: db.prepare('SELECT 1 FROM users WHERE user_id = ?').pluck(),
      newUser: db.prepare('INSERT INTO users (user_id, display_name, role, created_at) VALUES (?, ?, ?, ?)'),
    };
    this.maxItemKeyBefore = (db.prepare('SELECT coalesce(max(item_key), 0) FROM items').pluck().get() as number) ?? 0;
  }

  /**
   * Items in the order the validator numbered them; unknown ones are created with their id
   * as name. A batch's new ids go in with one lookup and one multi-row INSERT: per item,
   * statements in the middle of a million-line transaction cost ~8 µs each (~30 µs with
   * RETURNING), as the items' pages keep being pushed out of the cache by the lines.
   */
  addItems(ids: string[], create: boolean): void {
    if (ids.length === 0) return;
    this.itemKeys = grow(this.itemKeys, this.itemCount + ids.length);
    const keys = new Map(this.st.known.all(JSON.stringify(ids)) as [string, number][]);
    const missing = ids.filter((id) => !keys.has(id));
    if (missing.length > 0) {
      if (!create) throw new Error(`item '${missing[0]}' is not in the workbook`);
      for (let i = 0; i < missing.length; i += 500) {
        const chunk = missing.slice(i, i + 500);
        this.insertItems(chunk.length).run(chunk.flatMap((id) => [id, id, this.batchId]));
      }
      for (const [id, key] of this.st.known.all(JSON.stringify(missing)) as [string, number][]) keys.set(id, key);
      this.createdItems.push(...missing);
    }
    for (const id of ids) this.itemKeys[this.itemCount++] = keys.get(id)!;
  }

  private readonly inserts = new Map<number, { run(params: unknown[]): unknown }>();

  private insertItems(n: number): { run(params: unknown[]): unknown } {
    let st = this.inserts.get(n);
    if (!st) {
      st = this.db.prepare(`INSERT INTO items (item_id, name, batch_id) VALUES ${Array(n).fill('(?, ?, ?)').join(', ')}`);
      this.inserts.set(n, st);
    }
    return st;
  }

  /** Takes back items this import created (of those named) whose rows all ended in quarantine. */
  dropCreatedItems(ids: string[]): void {
    const created = new Set(this.createdItems);
    const drop = [...new Set(ids)].filter((id) => created.has(id));
    if (drop.length === 0) return;
    this.db.prepare('DELETE FROM items WHERE batch_id = ? AND item_id IN (SELECT value FROM json_each(?))').run(this.batchId, JSON.stringify(drop));
    const dropped = new Set(drop);
    const kept = this.createdItems.filter((id) => !dropped.has(id));
    this.createdItems.length = 0;
    this.createdItems.push(...kept);
  }

  addLocations(ids: string[]): void {
    this.locationKeys = grow(this.locationKeys, this.locationCount + ids.length);
    for (const id of ids) this.locationKeys[this.locationCount++] = this.locationKey(id, true)!;
  }

  itemKey(id: string): number | null {
    return (this.st.item.get(id) as number | undefined) ?? null;
  }

  locationKey(id: string, create: boolean): number | null {
    let key = this.st.location.get(id) as number | undefined;
    if (key === undefined && create) {
      key = Number(this.st.newLocation.run(id, id).lastInsertRowid);
      this.createdLocations.push(id);
    }
    return key ?? null;
  }

  /**
   * Makes sure the owner an item file names exists (owner_id references users): as a
   * planner, which anyone may add and which signs in by name, so it grants nothing.
   */
  ensureOwner(id: string | null): void {
    if (id === null || this.users.has(id)) return;
    if (this.st.user.get(id) === undefined) {
      this.st.newUser.run(id, id, 'planner', this.at);
      this.createdUsers.push({ user_id: id, display_name: id, role: 'planner', created_at: this.at });
    }
    this.users.add(id);
  }
}
