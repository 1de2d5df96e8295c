// Turns the file's item and location numbers (validator order) into workbook
// keys, creating what is new, so the line writers index a typed array instead of
// looking up a string per line. Also creates the planners an item file names as
// owners; nothing else an import names becomes a person of the workbook (the
// importer is one already, a history file's deciders stay text).
// New keys come from the import's reservation (in-progress.ts), never from
// SQLite's max + 1: a forecast import writes its lines long before it creates
// their new items and locations (`deferCreation`, see committer.ts).
import type { UserRow } from '../../audit/payloads';
import type { Db } from '../../db/open';

function grow(a: Int32Array, need: number): Int32Array {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** Hands out keys no other import holds (in-progress.ts). */
export interface KeyAllocator {
  itemKey(): number;
  locationKey(): number;
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
  /** Created here, keys taken, rows not yet inserted (deferCreation): id → key. */
  private readonly pendingItems = new Map<string, number>();
  private readonly pendingLocations = new Map<string, number>();
  /** Keys of the items this import creates. */
  private readonly createdKeys = new Set<number>();

  /** `deferCreation`: new items and locations get their keys now and their rows at createPending(). */
  constructor(
    private readonly db: Db,
    private readonly batchId: number,
    private readonly at: string,
    private readonly allocate: KeyAllocator,
    private readonly deferCreation = false,
  ) {
    this.st = {
      item: db.prepare('SELECT item_key FROM items WHERE item_id = ?').pluck(),
      known: db.prepare('SELECT i.item_id, i.item_key FROM json_each(?) j JOIN items i ON i.item_id = j.value').raw(),
      location: db.prepare('SELECT location_key FROM locations WHERE location_id = ?').pluck(),
      newLocation: db.prepare('INSERT INTO locations (location_key, location_id, name) VALUES (?, ?, ?)'),
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
    for (const id of ids) if (!keys.has(id) && this.pendingItems.has(id)) keys.set(id, this.pendingItems.get(id)!);
    const missing = ids.filter((id) => !keys.has(id));
    if (missing.length > 0) {
      if (!create) throw new Error(`item '${missing[0]}' is not in the workbook`);
      for (const id of missing) {
        const key = this.allocate.itemKey();
        keys.set(id, key);
        this.pendingItems.set(id, key);
        this.createdKeys.add(key);
      }
      this.createdItems.push(...missing);
      if (!this.deferCreation) this.insertPendingItems();
    }
    for (const id of ids) this.itemKeys[this.itemCount++] = keys.get(id)!;
  }

  /** A key for an item an item file adds (item-writer.ts). */
  newItemKey(): number {
    return this.allocate.itemKey();
  }

  /** Whether this import creates the item with this key (it then has no earlier actuals, sales inputs or lines). */
  isCreated(itemKey: number): boolean {
    return this.createdKeys.has(itemKey);
  }

  private readonly inserts = new Map<number, { run(...params: unknown[]): unknown }>();

  private insertItems(n: number): { run(...params: unknown[]): unknown } {
    let st = this.inserts.get(n);
    if (!st) {
      st = this.db.prepare(`INSERT INTO items (item_key, item_id, name, batch_id) VALUES ${Array(n).fill('(?, ?, ?, ?)').join(', ')}`);
      this.inserts.set(n, st);
    }
    return st;
  }

  private insertPendingItems(): void {
    const rows = [...this.pendingItems];
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      // Spread: an array argument is read element by element through V8's slow lookup (line-writers.ts).
      this.insertItems(chunk.length).run(...chunk.flatMap(([id, key]) => [key, id, id, this.batchId]));
    }
    this.pendingItems.clear();
  }

  /**
   * Creates the items and locations whose keys were taken earlier (deferCreation).
   * One another import created meanwhile is used as it is: returns the keys to
   * move its rows from (the one taken) to (the one it has).
   */
  createPending(): { items: [number, number][]; locations: [number, number][] } {
    const moved = { items: [] as [number, number][], locations: [] as [number, number][] };
    const existing = this.st.known.all(JSON.stringify([...this.pendingItems.keys()])) as [string, number][];
    for (const [id, key] of existing) {
      const taken = this.pendingItems.get(id)!;
      moved.items.push([taken, key]);
      this.pendingItems.delete(id);
      this.createdKeys.delete(taken);
    }
    this.insertPendingItems();
    for (const [id, taken] of this.pendingLocations) {
      const key = this.st.location.get(id) as number | undefined;
      if (key === undefined) this.st.newLocation.run(taken, id, id);
      else moved.locations.push([taken, key]);
    }
    const existingLocations = new Set(moved.locations.map(([taken]) => taken));
    const kept = (created: string[], gone: Set<string>) => created.splice(0, created.length, ...created.filter((id) => !gone.has(id)));
    kept(this.createdItems, new Set(existing.map(([id]) => id)));
    kept(this.createdLocations, new Set([...this.pendingLocations].filter(([, taken]) => existingLocations.has(taken)).map(([id]) => id)));
    const remap = (keys: Int32Array, pairs: [number, number][]) => {
      if (pairs.length === 0) return;
      const to = new Map(pairs);
      for (let i = 0; i < keys.length; i++) keys[i] = to.get(keys[i]!) ?? keys[i]!;
    };
    remap(this.itemKeys, moved.items);
    remap(this.locationKeys, moved.locations);
    this.pendingLocations.clear();
    return moved;
  }

  /** Takes back items this import created (of those named) whose rows all ended in quarantine. */
  dropCreatedItems(ids: string[]): void {
    const created = new Set(this.createdItems);
    const drop = [...new Set(ids)].filter((id) => created.has(id));
    if (drop.length === 0) return;
    for (const id of drop) {
      const key = this.pendingItems.get(id);
      if (key !== undefined) this.createdKeys.delete(key);
      this.pendingItems.delete(id);
    }
    if (!this.deferCreation) this.db.prepare('DELETE FROM items WHERE batch_id = ? AND item_id IN (SELECT value FROM json_each(?))').run(this.batchId, JSON.stringify(drop));
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
    return (this.st.item.get(id) as number | undefined) ?? this.pendingItems.get(id) ?? null;
  }

  locationKey(id: string, create: boolean): number | null {
    let key = (this.st.location.get(id) as number | undefined) ?? this.pendingLocations.get(id);
    if (key === undefined && create) {
      key = this.allocate.locationKey();
      if (this.deferCreation) this.pendingLocations.set(id, key);
      else this.st.newLocation.run(key, id, id);
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
