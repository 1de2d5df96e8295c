// Migration (issue 15, items changed after they were first published reach the team): which
// items the team already holds an items import in a linked workbook changed, and what the file
// said of each. The import changes them in place (imports/commit/item-writer.ts: their batch
// stays the one that created them), so without this the publication would not know to send
// them; the team keeps each change as a new version of the item (team schema version 8).
// `fields`: the file's non-empty cells for the item (name, category, brand, family, abc_class,
// owner_id, unit, attributes), as the import applied them: an empty cell keeps the value, on the
// team too, so another analyst's change of other fields published meanwhile stays. A row leaves
// with its batch once the team has answered. Only linked workbooks write it. Append-only: never
// edit after it ships.
export default /* sql */ `
CREATE TABLE team_item_changes (
  batch_id INTEGER NOT NULL,
  item_key INTEGER NOT NULL,
  fields   TEXT NOT NULL CHECK (json_valid(fields)),
  PRIMARY KEY (batch_id, item_key)
) WITHOUT ROWID;
`;
