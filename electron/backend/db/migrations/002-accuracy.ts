// Migration 2: the accuracy cube. Append-only: never edit after it ships.
//
// Accuracy figures are sums over forecast lines with a known actual, so they are
// kept pre-aggregated per run in cells of the dimensions the Accuracy screen and
// `fwb accuracy` slice by (accuracy_cells for every line, accuracy_override_cells
// for the overridden ones). A cell holds, for each forecast source (m: model,
// f: final plan, nv: naive, sn: seasonal naive, si: sales input), the sums every
// metric of SPEC §3 is a ratio of. Derived data: rebuilt per run when its
// inputs change (accuracy/cube.ts), never edited by hand.
export default /* sql */ `
CREATE TABLE accuracy_cells (
  run_id      INTEGER NOT NULL REFERENCES forecast_runs (run_id) ON DELETE CASCADE,
  period      INTEGER NOT NULL,
  lag         INTEGER NOT NULL,
  category    TEXT,
  abc_class   TEXT,
  owner_id    TEXT,
  -- Whether the line has both benchmarks, and a sales input.
  has_bench   INTEGER NOT NULL,
  has_sales   INTEGER NOT NULL,
  -- A fixed random group of items (0..31): the unit the bootstrap resamples.
  item_group  INTEGER NOT NULL,
  n           INTEGER NOT NULL,
  a           REAL NOT NULL,
  n_pos       INTEGER NOT NULL,
  n_scaled    INTEGER NOT NULL,
  m_abs REAL, m_e REAL, m_sq REAL, m_ape REAL, m_sape REAL, m_sc REAL,
  f_abs REAL, f_e REAL, f_sq REAL, f_ape REAL, f_sape REAL, f_sc REAL,
  nv_abs REAL, nv_e REAL, nv_sq REAL, nv_ape REAL, nv_sape REAL, nv_sc REAL,
  sn_abs REAL, sn_e REAL, sn_sq REAL, sn_ape REAL, sn_sape REAL, sn_sc REAL,
  si_abs REAL, si_e REAL, si_sq REAL, si_ape REAL, si_sape REAL, si_sc REAL,
  -- Lines the later step made better / worse than the earlier one (absolute error).
  better_nv_sn INTEGER, worse_nv_sn INTEGER,
  better_sn_m  INTEGER, worse_sn_m  INTEGER,
  better_m_f   INTEGER NOT NULL, worse_m_f INTEGER NOT NULL,
  better_m_si  INTEGER, worse_m_si  INTEGER,
  -- Interval coverage: lines with both bounds, and those whose actual fell inside.
  n_bounded   INTEGER NOT NULL,
  n_inside    INTEGER NOT NULL
);
CREATE INDEX accuracy_cells_run ON accuracy_cells (run_id);

-- The overridden lines again (final plan different from the model), with what the
-- override was: its direction (1 up, -1 down), size bucket (0..4, see
-- shared/accuracy.ts), reason and author. Kept apart so the slices of what
-- overrides did read a table of overrides only, with only the model's and the
-- final plan's sums.
CREATE TABLE accuracy_override_cells (
  run_id      INTEGER NOT NULL REFERENCES forecast_runs (run_id) ON DELETE CASCADE,
  period      INTEGER NOT NULL,
  lag         INTEGER NOT NULL,
  category    TEXT,
  abc_class   TEXT,
  owner_id    TEXT,
  direction   INTEGER NOT NULL,
  size_bucket INTEGER NOT NULL,
  reason_code TEXT,
  decided_by  TEXT,
  item_group  INTEGER NOT NULL,
  n           INTEGER NOT NULL,
  a           REAL NOT NULL,
  n_pos       INTEGER NOT NULL,
  n_scaled    INTEGER NOT NULL,
  m_abs REAL, m_e REAL, m_sq REAL, m_ape REAL, m_sape REAL, m_sc REAL,
  f_abs REAL, f_e REAL, f_sq REAL, f_ape REAL, f_sape REAL, f_sc REAL,
  better_m_f  INTEGER NOT NULL,
  worse_m_f   INTEGER NOT NULL
);
CREATE INDEX accuracy_override_cells_run ON accuracy_override_cells (run_id);

-- What each run's cells were computed from; a different signature means rebuild.
CREATE TABLE accuracy_runs (
  run_id    INTEGER PRIMARY KEY REFERENCES forecast_runs (run_id) ON DELETE CASCADE,
  signature TEXT NOT NULL
);
`;
