// Migration 8: in-place edits of the rows derived data is computed from. Append-only:
// never edit after it ships.
//
// Derived data (derived/sources.ts) tells that its sources moved from their ids: a
// new actual, line, run or batch has a higher id. A row changed in place keeps its
// id — an item's category edited in the sqlite3 shell, an actual corrected by
// another program, a run relabelled — so these triggers count such edits per
// source, and the count is part of the source's stamp: any program's edit moves it,
// and the accuracy cube, which cannot tell what such an edit touched, is rebuilt whole.
//
// Only real changes count (WHEN … IS NOT …), so the app's own upserts that leave a
// row as it was cost nothing. Not counted: an actual or sales input marked
// superseded (the app's import does that to the earlier value, in the period of the
// new value it adds, whose id places it); a value set current again counts.
export default /* sql */ `
CREATE TABLE source_edits (
  source TEXT PRIMARY KEY CHECK (source IN ('items', 'history', 'lines', 'runs')),
  edits  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO source_edits (source) VALUES ('items'), ('history'), ('lines'), ('runs');

CREATE TRIGGER items_edited AFTER UPDATE ON items
WHEN OLD.item_key IS NOT NEW.item_key OR OLD.item_id IS NOT NEW.item_id OR OLD.name IS NOT NEW.name
  OR OLD.category IS NOT NEW.category OR OLD.brand IS NOT NEW.brand OR OLD.family IS NOT NEW.family
  OR OLD.abc_class IS NOT NEW.abc_class OR OLD.owner_id IS NOT NEW.owner_id OR OLD.unit IS NOT NEW.unit
  OR OLD.attributes IS NOT NEW.attributes OR OLD.introduced_period IS NOT NEW.introduced_period
BEGIN UPDATE source_edits SET edits = edits + 1 WHERE source = 'items'; END;
-- An item without a current actual is in no cell (an import taking back an item it just created).
CREATE TRIGGER items_deleted AFTER DELETE ON items
WHEN EXISTS (SELECT 1 FROM actuals WHERE item_key = OLD.item_key AND superseded_at IS NULL)
BEGIN UPDATE source_edits SET edits = edits + 1 WHERE source = 'items'; END;

CREATE TRIGGER actuals_edited AFTER UPDATE ON actuals
WHEN OLD.item_key IS NOT NEW.item_key OR OLD.location_key IS NOT NEW.location_key OR OLD.period IS NOT NEW.period
  OR OLD.quantity IS NOT NEW.quantity OR (OLD.superseded_at IS NOT NULL AND NEW.superseded_at IS NULL)
BEGIN UPDATE source_edits SET edits = edits + 1 WHERE source = 'history'; END;
CREATE TRIGGER actuals_deleted AFTER DELETE ON actuals
BEGIN UPDATE source_edits SET edits = edits + 1 WHERE source = 'history'; END;
CREATE TRIGGER sales_inputs_edited AFTER UPDATE ON sales_inputs
WHEN OLD.item_key IS NOT NEW.item_key OR OLD.location_key IS NOT NEW.location_key OR OLD.period IS NOT NEW.period
  OR OLD.quantity IS NOT NEW.quantity OR (OLD.superseded_at IS NOT NULL AND NEW.superseded_at IS NULL)
BEGIN UPDATE source_edits SET edits = edits + 1 WHERE source = 'history'; END;
CREATE TRIGGER sales_inputs_deleted AFTER DELETE ON sales_inputs
BEGIN UPDATE source_edits SET edits = edits + 1 WHERE source = 'history'; END;

-- Lines of a run not created yet (an import under way, or one that crashed) are nobody's yet.
CREATE TRIGGER forecast_lines_edited AFTER UPDATE ON forecast_lines
WHEN EXISTS (SELECT 1 FROM forecast_runs WHERE run_id = OLD.run_id) AND (OLD.line_id IS NOT NEW.line_id OR OLD.run_id IS NOT NEW.run_id OR OLD.item_key IS NOT NEW.item_key
  OR OLD.location_key IS NOT NEW.location_key OR OLD.period IS NOT NEW.period OR OLD.lag IS NOT NEW.lag
  OR OLD.quantity IS NOT NEW.quantity OR OLD.lower IS NOT NEW.lower OR OLD.upper IS NOT NEW.upper)
BEGIN UPDATE source_edits SET edits = edits + 1 WHERE source = 'lines'; END;
CREATE TRIGGER forecast_lines_deleted AFTER DELETE ON forecast_lines
WHEN EXISTS (SELECT 1 FROM forecast_runs WHERE run_id = OLD.run_id)
BEGIN UPDATE source_edits SET edits = edits + 1 WHERE source = 'lines'; END;

CREATE TRIGGER forecast_runs_edited AFTER UPDATE ON forecast_runs
BEGIN UPDATE source_edits SET edits = edits + 1 WHERE source = 'runs'; END;
`;
