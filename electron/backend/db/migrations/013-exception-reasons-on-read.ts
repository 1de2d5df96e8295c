// Migration 13: a run's exception reasons worked out when read, not stored per line (issue 14).
// Append-only: never edit after it ships.
//
// Storing every line's reasons as JSON text (~80 bytes a line) was most of what
// an import of a 1M-line run paid after its lines were in. The reasons are a
// function of the line (model, interval, sales input), its item's signals and
// the run's typical volume, so the rescoring keeps only the score per line (the
// worklist's order), the signals per item and location (exception_items, a few
// thousand rows) and the typical volume (exception_runs.reference); a page works
// out the reasons of its own lines (exceptions/reasons.ts).
// The scores are derived data: emptied here, each run is rescored on first use.
export default /* sql */ `
DROP TABLE line_exceptions;
CREATE TABLE line_exceptions (
  line_id INTEGER PRIMARY KEY REFERENCES forecast_lines (line_id) ON DELETE CASCADE,
  run_id  INTEGER NOT NULL,
  score   REAL NOT NULL
);
CREATE INDEX line_exceptions_run ON line_exceptions (run_id, score);
CREATE TABLE exception_items (
  run_id       INTEGER NOT NULL REFERENCES forecast_runs (run_id) ON DELETE CASCADE,
  item_key     INTEGER NOT NULL,
  location_key INTEGER NOT NULL,
  run_rate     REAL,
  history      INTEGER NOT NULL,
  err_abs      REAL,
  err_act      REAL,
  drift        INTEGER NOT NULL,
  PRIMARY KEY (run_id, item_key, location_key)
) WITHOUT ROWID;
ALTER TABLE exception_runs ADD COLUMN reference REAL;
DELETE FROM exception_runs;
`;
