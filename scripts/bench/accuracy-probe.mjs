// Runs inside its own process (tsx, the backend's TypeScript) and times the
// accuracy engine on a workbook. Prints one JSON line.
//
//   cold DB            drops the cube (untimed), then times ensureAccuracyCube
//                      building it from scratch: what an actuals import pays.
//   warm DB N OUT W    with the cube current, times the engine answering the
//                      stairstep plus six slices (planner, reason, direction ×
//                      size, category, lag, period) — what a user waits for on
//                      the Accuracy screen — once right after opening and N
//                      times more, per metric; writes the last answers to OUT
//                      and the bootstrap weights to W (for pandas' interval).
import { writeFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const [mode, dbPath, repeatsText, outPath, weightsPath] = process.argv.slice(2);
const { openWorkbook } = await import('../../electron/backend/db/open.ts');
const { ensureAccuracyCube } = await import('../../electron/backend/accuracy/cube.ts');
const { fvaStairstep } = await import('../../electron/backend/accuracy/stairstep.ts');
const { accuracySlice, directionSizeTable } = await import('../../electron/backend/accuracy/slices.ts');
const { bootstrapWeights } = await import('../../electron/backend/accuracy/bootstrap.ts');

const BENCH_METRICS = ['wape', 'mase'];
const SLICES = ['planner', 'reason', 'category', 'lag', 'period'];
const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;

const { db } = await openWorkbook(dbPath);
if (mode === 'cold') {
  db.exec("DELETE FROM accuracy_cells; DELETE FROM accuracy_override_cells; DELETE FROM accuracy_runs; DELETE FROM workbook_meta WHERE key = 'accuracy_signature';");
  const start = process.hrtime.bigint();
  const runs = ensureAccuracyCube(db);
  const s = seconds(start);
  const cells = db.prepare('SELECT count(*) AS cells, total(n) AS lines FROM accuracy_cells').get();
  db.close();
  process.stdout.write(`${JSON.stringify({ seconds: s, runs, ...cells })}\n`);
} else if (mode === 'warm') {
  // What the screen asks for, as the API handlers do it: the cube checked first, then the figures, serialised.
  const answer = (metric) => {
    ensureAccuracyCube(db);
    const result = {
      stairstep: fvaStairstep(db, {}, metric),
      slices: Object.fromEntries(SLICES.map((by) => [by, accuracySlice(db, {}, metric, by)])),
      directionSize: directionSizeTable(db, {}, metric),
    };
    JSON.stringify(result);
    return result;
  };
  const timings = {};
  const results = {};
  for (const metric of BENCH_METRICS) {
    const times = [];
    for (let i = 0; i <= Number(repeatsText ?? 3); i++) {
      const start = process.hrtime.bigint();
      results[metric] = answer(metric);
      times.push(seconds(start));
    }
    timings[metric] = { first: times[0], repeats: times.slice(1) };
  }
  const cells = db.prepare('SELECT count(*) FROM accuracy_cells').pluck().get();
  db.close();
  if (outPath) writeFileSync(outPath, JSON.stringify(results));
  if (weightsPath) writeFileSync(weightsPath, JSON.stringify(bootstrapWeights().map((w) => [...w])));
  process.stdout.write(`${JSON.stringify({ timings, cells })}\n`);
} else {
  throw new Error(`accuracy-probe: unknown mode ${mode}`);
}
