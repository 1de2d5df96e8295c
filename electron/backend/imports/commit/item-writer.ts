// The item master: insert new items, update existing ones with what the file
// says (an empty cell keeps the current value), merge extra columns into the
// attributes JSON.
import type { Db } from '../../db/open';
import type { ItemRecord } from '../validated-batch';
import type { KeyResolver } from './key-resolver';

export class ItemWriter {
  created = 0;
  updated = 0;
  private readonly exists;
  private readonly upsert;
  private readonly changedInTeam;

  constructor(
    db: Db,
    private readonly keys: KeyResolver,
    private readonly batchId: number,
  ) {
    this.exists = db.prepare('SELECT 1 FROM items WHERE item_id = ?').pluck();
    this.upsert = db.prepare(
      `INSERT INTO items (item_key, item_id, name, category, brand, family, abc_class, owner_id, unit, attributes, batch_id)
       VALUES (@key, @id, coalesce(@name, @id), @category, @brand, @family, @abc, @owner, @unit, @attributes, @batch)
       ON CONFLICT (item_id) DO UPDATE SET
         name = coalesce(@name, name), category = coalesce(@category, category), brand = coalesce(@brand, brand),
         family = coalesce(@family, family), abc_class = coalesce(@abc, abc_class), owner_id = coalesce(@owner, owner_id),
         unit = coalesce(@unit, unit), attributes = json_patch(attributes, @attributes)`,
    );
    // In a team's replica, an item the team holds that this batch changes is published as a new version of it (team-replica/later-publication.ts).
    // What the file said of it is kept (a later row of the same item adds to it), so the team applies only that.
    this.changedInTeam = db.prepare(
      `INSERT INTO team_item_changes (batch_id, item_key, fields) SELECT ?, item_key, ? FROM items WHERE item_id = ? AND EXISTS (SELECT 1 FROM team_link)
       ON CONFLICT (batch_id, item_key) DO UPDATE SET fields = json_patch(fields, excluded.fields)`,
    );
  }

  write(items: ItemRecord[]): void {
    for (const it of items) {
      this.keys.ensureOwner(it.owner);
      const existed = this.exists.get(it.itemId) !== undefined;
      this.upsert.run({
        // A new item's key is one no import under way has reserved (key-resolver.ts).
        key: existed ? null : this.keys.newItemKey(),
        id: it.itemId,
        name: it.name,
        category: it.category,
        brand: it.brand,
        family: it.family,
        abc: it.abcClass,
        owner: it.owner,
        unit: it.unit,
        attributes: JSON.stringify(it.attributes),
        batch: this.batchId,
      });
      if (existed) {
        this.changedInTeam.run(this.batchId, JSON.stringify(namedFields(it)), it.itemId);
        this.updated++;
      } else this.created++;
    }
  }
}

/** The cells of an item's row that were not empty, as the items table names them (an empty cell keeps the value). */
function namedFields(it: ItemRecord): Record<string, unknown> {
  const cells: Record<string, unknown> = { name: it.name, category: it.category, brand: it.brand, family: it.family, abc_class: it.abcClass, owner_id: it.owner, unit: it.unit };
  const named = Object.fromEntries(Object.entries(cells).filter(([, v]) => v !== null));
  return Object.keys(it.attributes).length > 0 ? { ...named, attributes: it.attributes } : named;
}
