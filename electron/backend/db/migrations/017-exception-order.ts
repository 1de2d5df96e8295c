// Migration 17: a run's lines in score order kept as a table written in that order,
// instead of the (run_id, score) index on line_exceptions (issue 14).
// Append-only: never edit after it ships.
//
// Building that index after a big run's scores were in was SQLite sorting a million
// entries (~1.5 s of a 1M-line import's warm-ups; filling it row by row cost more).
// The scoring has every score in memory, sorts them itself in a fraction of that and
// writes them here in key order, each row at the table's end; line_exceptions keeps
// the score by line (pages, filters, the grouped layout). The rows are copied, so no
// run needs rescoring after the upgrade. An undone run's rows go with it (imports/undo.ts
// deletes the children its schema declares).
export default /* sql */ `
CREATE TABLE line_exception_order (
  run_id  INTEGER NOT NULL REFERENCES forecast_runs (run_id) ON DELETE CASCADE,
  score   REAL NOT NULL,
  line_id INTEGER NOT NULL,
  PRIMARY KEY (run_id, score, line_id)
) WITHOUT ROWID;
INSERT INTO line_exception_order (run_id, score, line_id) SELECT run_id, score, line_id FROM line_exceptions;
DROP INDEX line_exceptions_run;
`;
