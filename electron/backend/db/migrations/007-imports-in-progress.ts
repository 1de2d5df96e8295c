// Migration 7: an import under way records itself (imports/commit/in-progress.ts), so
// other programs can say what holds the workbook, a crashed import's rows can be
// found and cleared, and two imports at once never hand out the same ids.
// Append-only: never edit after it ships.
//
// The import's forecast lines are written in short transactions while the file is
// read, under runs that do not exist yet (run_ids below); the batch, its runs and
// its new items and locations are created in one short final transaction, which
// is when the lines become visible. The reading views show only lines of runs.
export default /* sql */ `
CREATE TABLE imports_in_progress (
  -- The batch id the import will commit as (reserved: nobody else takes it).
  batch_id         INTEGER PRIMARY KEY,
  kind             TEXT NOT NULL,
  file_name        TEXT NOT NULL,
  sha256           TEXT,
  started_at       TEXT NOT NULL,
  started_by       TEXT,
  -- Which program runs it ('fwb', 'the desktop app', 'the browser host'), where.
  program          TEXT NOT NULL,
  pid              INTEGER NOT NULL,
  host             TEXT NOT NULL,
  thread           INTEGER NOT NULL DEFAULT 0,
  heartbeat_at     TEXT,
  -- Ids reserved for rows the final transaction creates: the runs (their lines are
  -- already written), and every item and location key up to these.
  run_ids          TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(run_ids)),
  max_item_key     INTEGER NOT NULL DEFAULT 0,
  max_location_key INTEGER NOT NULL DEFAULT 0
);

DROP VIEW v_forecast_lines;
CREATE VIEW v_forecast_lines AS
SELECT l.line_id, l.run_id, i.item_id, loc.location_id,
       printf('%04d-%02d-%02d', l.period / 10000, l.period / 100 % 100, l.period % 100) AS period,
       l.lag, l.quantity, l.lower, l.upper
  FROM forecast_lines l JOIN forecast_runs r ON r.run_id = l.run_id
  JOIN items i ON i.item_key = l.item_key JOIN locations loc ON loc.location_key = l.location_key;
`;
