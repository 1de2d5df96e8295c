// Migration 4: benchmarks count each forecast point once. Append-only: never edit after it ships.
//
// The naive and seasonal-naive forecasts of a point (item, location, period,
// origin bucket) are the same whichever model's run holds the line, so a point
// forecast by two models must not count twice in the benchmarks' figures. Each
// cell says whether its lines are the ones that carry their points' benchmarks:
//   2  no run with a lower id at the same origin bucket holds the point,
//   1  a run of another model does (the lines count only among their own model's runs),
//   0  a run of the same model does (the lines count only within their own run).
// A query over every run reads benchmarks from bench_once = 2, one narrowed to a
// model from bench_once >= 1, one narrowed to a run from every cell (cube.ts).
// The cube is derived data: emptied here, it is rebuilt on first use.
export default /* sql */ `
ALTER TABLE accuracy_cells ADD COLUMN bench_once INTEGER NOT NULL DEFAULT 2;
DELETE FROM accuracy_cells;
DELETE FROM accuracy_override_cells;
DELETE FROM accuracy_runs;
DELETE FROM workbook_meta WHERE key = 'accuracy_signature';
`;
