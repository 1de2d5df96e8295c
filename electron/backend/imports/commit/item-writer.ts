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
    this.changedInTeam = db.prepare('INSERT OR IGNORE INTO team_item_changes (batch_id, item_key) SELECT ?, item_key FROM items WHERE item_id = ? AND EXISTS (SELECT 1 FROM team_link)');
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
        this.changedInTeam.run(this.batchId, it.itemId);
        this.updated++;
      } else this.created++;
    }
  }
}
