// Runs inside its own process (tsx, the backend's TypeScript) and times the
// Policy lab through the API (dispatch, as the screen and fwb call it) on a
// workbook. Prints one JSON line.
//
//   node scripts/bench/policy-lab-probe.mjs DB REPEATS
//
// Timed: the first simulatePolicy after opening (it reads the line facts and
// brings the accuracy cube current: built once, untimed, before), then REPEATS
// answers of a damping rule and of a per-category rule set with nothing
// written in between (what a manager waits for while moving a lever), then
// suggestPolicy per category (fit on older cycles, judged on the newest 3).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from 'tsx/esm/api';

register();
const [dbPath, repeatsText] = process.argv.slice(2);
const { openWorkbook } = await import('../../electron/backend/db/open.ts');
const { dispatch } = await import('../../electron/backend/api.ts');
const { ensureAccuracyCube } = await import('../../electron/backend/accuracy/cube.ts');

const REPEATS = Number(repeatsText ?? 5);
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;

const { db } = await openWorkbook(dbPath);
const staging = mkdtempSync(join(tmpdir(), 'fwb-lab-probe-'));
const ctx = { db, path: dbPath, now: () => new Date(), emit: () => {}, stagingDir: staging, program: 'fwb' };

const call = async (method, req) => {
  const r = await dispatch(ctx, method, req);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  JSON.stringify(r.value); // what crossing to the window costs
  return r.value;
};

const cubeStart = process.hrtime.bigint();
ensureAccuracyCube(db);
const cubeMs = ms(cubeStart);

const categories = db.prepare('SELECT DISTINCT category FROM items WHERE category IS NOT NULL ORDER BY category').pluck().all();
const damping = { rules: [{ segment: { by: 'all', value: '*' }, levers: { dampUp: 0.5 } }] };
// One rule per category, each with other levers, then all items.
const leverSets = [{ dampUp: 0.5 }, { minChangePct: 5 }, { dampUp: 0.75, dampDown: 1 }, { capPct: 20 }, { minChangePct: 10, dampUp: 0.25 }, { modelDecides: true }, { dampDown: 0.75 }, { minChangePct: 2, capPct: 50 }];
const perCategory = {
  rules: [...categories.map((value, i) => ({ segment: { by: 'category', value }, levers: leverSets[i % leverSets.length] })), { segment: { by: 'all', value: '*' }, levers: { minChangePct: 5 } }],
};

const timeOne = async (method, req) => {
  const start = process.hrtime.bigint();
  const value = await call(method, req);
  return { ms: ms(start), value };
};

const first = await timeOne('simulatePolicy', { policy: damping, metric: 'wape' });
const runs = { damping: [], perCategory: [] };
for (let i = 0; i < REPEATS; i++) {
  runs.damping.push((await timeOne('simulatePolicy', { policy: damping, metric: 'wape' })).ms);
  runs.perCategory.push((await timeOne('simulatePolicy', { policy: perCategory, metric: 'wape' })).ms);
}
const sample = (await timeOne('simulatePolicy', { policy: perCategory, metric: 'wape' })).value;
const suggest = await timeOne('suggestPolicy', { by: 'category', holdoutCycles: 3, metric: 'wape' });

const lines = db.prepare('SELECT count(*) FROM forecast_lines').pluck().get();
db.close();
rmSync(staging, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({
    lines,
    replayed: first.value.lines,
    categories: categories.length,
    cubeMs,
    firstMs: first.ms,
    damping: runs.damping,
    perCategory: runs.perCategory,
    suggestMs: suggest.ms,
    figures: { dampingFva: first.value.change.fva, perCategoryFva: sample.change.fva, suggested: suggest.value.segments.filter((s) => s.verdict === 'suggested').length },
  })}\n`,
);
