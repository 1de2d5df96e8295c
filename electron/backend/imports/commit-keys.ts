// Turns the file's item and location numbers (validator order) into workbook
// keys, creating what is new, so the line writers index a typed array instead of
// looking up a string per line. Also creates users named by imported rows.
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
      // One statement per new item in the common case (a new id); an existing one falls back to the SELECT.
      newItem: db.prepare('INSERT INTO items (item_id, name, batch_id) VALUES (?, ?, ?) ON CONFLICT (item_id) DO NOTHING RETURNING item_key').pluck(),
      location: db.prepare('SELECT location_key FROM locations WHERE location_id = ?').pluck(),
      newLocation: db.prepare('INSERT INTO locations (location_id, name) VALUES (?, ?)'),
      user: db.prepare('SELECT 1 FROM users WHERE user_id = ?').pluck(),
      newUser: db.prepare('INSERT INTO users (user_id, display_name, role, created_at) VALUES (?, ?, ?, ?)'),
    };
    this.maxItemKeyBefore = (db.prepare('SELECT coalesce(max(item_key), 0) FROM items').pluck().get() as number) ?? 0;
  }

  /** Items in the order the validator numbered them; unknown ones are created with their id as name. */
  addItems(ids: string[], create: boolean): void {
    this.itemKeys = grow(this.itemKeys, this.itemCount + ids.length);
    for (const id of ids) {
      let key = create ? (this.st.newItem.get(id, id, this.batchId) as number | undefined) : undefined;
      if (key !== undefined) this.createdItems.push(id);
      else key = this.st.item.get(id) as number | undefined;
      if (key === undefined) throw new Error(`item '${id}' is not in the workbook`);
      this.itemKeys[this.itemCount++] = key;
    }
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

  /** Makes sure a user named in the file exists (decided_by, owner, imported_by reference users). */
  ensureUser(id: string | null, role: 'planner' | 'analyst'): void {
    if (id === null || this.users.has(id)) return;
    if (this.st.user.get(id) === undefined) this.st.newUser.run(id, id, role, this.at);
    this.users.add(id);
  }
}
