// Migration 19: the accuracy cube read in the
// order each answer adds it up (issue 14). Append-only: never edit after it ships.
//
// Every `fwb accuracy` call is a process of its own that adds up the cube's rows per key
// and item group once. A slice of overrides (planner, reason, direction, size) read its
// slice's rows of accuracy_override_rollup through the (slice, run_id, period) index,
// fetching each from all over the table, then sorted them for the GROUP BY (some 17 ms of
// `fwb accuracy --by reason` on a 1M-line workbook); the stairstep and the slices by
// category, lag and period sorted the cells the same way (5–10 ms each). Here each slice
// of overrides gets a covering index in its own order (key, then item group, then every
// other column a metric or filter reads), partial, one per slice, so it walks one index
// from end to end with no sort and no look into the table. The cells keep their sort: four
// covering indexes of them (one per order) made a cold build of a decision-heavy workbook
// 2.3× slower (a 2,050-item demo, 3.5 s → 8 s, most of it the indexes' writes), for a few
// ms a call. Writers are unchanged. The refresh's DELETEs by run and period never used the rollup's old index
// (they name no slice), and the cells' run index stays.
//
// A slice of overrides over everything (no filter, as `fwb accuracy` is mostly called)
// reads accuracy_override_totals instead: the rollup summed over every run, period and lag
// (a few hundred rows against its thousands), rewritten from the rollup at the end of every
// refresh of the cube (override-rollup.ts), since an undone run's rollup rows leave by cascade.

// After the key: the item group and the scoring split (what the totals keep), then the filters' columns and the sums.
const ROLLUP_COVERED = 'item_group, pos, scaled, run_id, period, lag, n, a, n_pos, n_scaled, m_abs, m_e, m_sq, m_ape, m_sape, m_sc, f_abs, f_e, f_sq, f_ape, f_sape, f_sc, better_m_f, worse_m_f';
const ROLLUP_SUMS = ['n', 'a', 'n_pos', 'n_scaled', 'm_abs', 'm_e', 'm_sq', 'm_ape', 'm_sape', 'm_sc', 'f_abs', 'f_e', 'f_sq', 'f_ape', 'f_sape', 'f_sc', 'better_m_f', 'worse_m_f'];
/** Each slice's totals from its index, in its order (as override-rollup.ts writes them after a refresh). */
const totalsOf = (slice: string, keys: { direction?: true; size_bucket?: true; reason_code?: true; decided_by?: true }, order: string) => `
INSERT INTO accuracy_override_totals (slice, direction, size_bucket, reason_code, decided_by, item_group, pos, scaled, ${ROLLUP_SUMS.join(', ')})
  SELECT '${slice}', ${(['direction', 'size_bucket', 'reason_code', 'decided_by'] as const).map((k) => (keys[k] ? k : 'NULL')).join(', ')}, item_group, pos, scaled, ${ROLLUP_SUMS.map((c) => `sum(${c})`).join(', ')}
  FROM accuracy_override_rollup WHERE slice = '${slice}' GROUP BY ${order}, item_group, pos, scaled;`;

export default /* sql */ `
CREATE TABLE accuracy_override_totals (
  slice       TEXT NOT NULL,
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
DROP INDEX accuracy_override_rollup_slice;
CREATE INDEX accuracy_override_rollup_planner ON accuracy_override_rollup (slice, decided_by, ${ROLLUP_COVERED}) WHERE slice = 'planner';
CREATE INDEX accuracy_override_rollup_reason ON accuracy_override_rollup (slice, reason_code, ${ROLLUP_COVERED}) WHERE slice = 'reason';
CREATE INDEX accuracy_override_rollup_direction_size ON accuracy_override_rollup (slice, size_bucket, direction, ${ROLLUP_COVERED}) WHERE slice = 'direction_size';
${totalsOf('planner', { decided_by: true }, 'decided_by')}
${totalsOf('reason', { reason_code: true }, 'reason_code')}
${totalsOf('direction_size', { direction: true, size_bucket: true }, 'size_bucket, direction')}
`;
