// Migration 19 (file 020: another branch may take 019): the override rollup read in
// its slices' key order (issue 14). Append-only: never edit after it ships.
//
// A slice of overrides (planner, reason, direction, size) reads its slice's rows of
// accuracy_override_rollup and adds them up per key and item group. Through the
// (slice, run_id, period) index those rows were fetched one by one from all over the
// table and then sorted for the GROUP BY: some 17 ms of a 1M-line workbook's
// `fwb accuracy --by reason`. One partial index per slice, in the order its rows are
// added up (its key, then the item group) and holding every column a read takes, lets
// the read walk one stretch of one index with no sort and no look into the table.
// The writers are unchanged (each row goes into its slice's index); the refresh's
// DELETE by run and period never used the old index (it names no slice).
const COVERED = 'item_group, run_id, period, lag, pos, scaled, n, a, n_pos, n_scaled, m_abs, m_e, m_sq, m_ape, m_sape, m_sc, f_abs, f_e, f_sq, f_ape, f_sape, f_sc, better_m_f, worse_m_f';

export default /* sql */ `
DROP INDEX accuracy_override_rollup_slice;
CREATE INDEX accuracy_override_rollup_planner ON accuracy_override_rollup (slice, decided_by, ${COVERED}) WHERE slice = 'planner';
CREATE INDEX accuracy_override_rollup_reason ON accuracy_override_rollup (slice, reason_code, ${COVERED}) WHERE slice = 'reason';
CREATE INDEX accuracy_override_rollup_direction_size ON accuracy_override_rollup (slice, size_bucket, direction, ${COVERED}) WHERE slice = 'direction_size';
`;
