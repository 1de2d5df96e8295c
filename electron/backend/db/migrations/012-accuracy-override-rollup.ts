// Migration 10: the override slices rolled up. Append-only: never edit after it ships.
//
// The slices of what overrides did (planner, reason, direction, size) grouped
// every override cell on each call: tens of thousands of cells on a big
// workbook, split by category, class, owner and the other override facts. This
// table keeps, beside the cells, the same sums per slice key, run, period, lag
// and item group (what a slice's rows and its bootstrap interval need, under
// the run, model, lag and period filters), so a call reads a few thousand rows.
// `slice` says which key columns a row carries: 'planner' (decided_by),
// 'reason' (reason_code) or 'direction_size' (direction, size_bucket); the
// others are NULL. `pos` and `scaled` keep lines with an actual above 0 and with
// a MASE scale apart, as the cells do (metrics.ts scoredSum). Kept by
// accuracy/override-rollup.ts in the same refresh that rewrites the cells.
// The cube is derived data: emptied here, it is rebuilt (with this) on first use.
export default /* sql */ `
CREATE TABLE accuracy_override_rollup (
  slice       TEXT NOT NULL,
  run_id      INTEGER NOT NULL REFERENCES forecast_runs (run_id) ON DELETE CASCADE,
  period      INTEGER NOT NULL,
  lag         INTEGER NOT NULL,
  direction   INTEGER,
  size_bucket INTEGER,
  reason_code TEXT,
  decided_by  TEXT,
  item_group  INTEGER NOT NULL,
  pos         INTEGER NOT NULL,
  scaled      INTEGER NOT NULL,
  n           INTEGER NOT NULL,
  a           REAL NOT NULL,
  n_pos       INTEGER NOT NULL,
  n_scaled    INTEGER NOT NULL,
  m_abs REAL, m_e REAL, m_sq REAL, m_ape REAL, m_sape REAL, m_sc REAL,
  f_abs REAL, f_e REAL, f_sq REAL, f_ape REAL, f_sape REAL, f_sc REAL,
  better_m_f  INTEGER NOT NULL,
  worse_m_f   INTEGER NOT NULL
);
CREATE INDEX accuracy_override_rollup_slice ON accuracy_override_rollup (slice, run_id, period);
DELETE FROM accuracy_cells;
DELETE FROM accuracy_override_cells;
DELETE FROM accuracy_runs;
DELETE FROM workbook_meta WHERE key = 'accuracy_signature';
`;
