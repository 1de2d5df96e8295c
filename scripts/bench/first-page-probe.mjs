// Runs inside its own process (tsx, the backend's TypeScript): opens a workbook
// and times the Review screen's first page of a run, backend query + payload, as
// the API serves it. Prints one JSON line.
import { register } from 'tsx/esm/api';

register();
const [dbPath, runsText] = process.argv.slice(2);
const { openWorkbook } = await import('../../electron/backend/db/open.ts');
const { dispatch } = await import('../../electron/backend/api.ts');

const { db } = await openWorkbook(dbPath);
const ctx = { db, path: dbPath, now: () => new Date(), emit: () => {}, stagingDir: '/nonexistent' };
const runId = db.prepare('SELECT max(run_id) FROM forecast_runs').pluck().get();
db.exec('CREATE TEMP TABLE bench_touch (x)');
// A write, as a decision is one: the backend's per-filter count and grouped layout are recomputed after it.
const touch = () => db.prepare('INSERT INTO bench_touch VALUES (1)').run();
const call = async (method, request) => {
  const start = process.hrtime.bigint();
  const result = await dispatch(ctx, method, request);
  const payload = JSON.stringify(result);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (!result.ok) throw new Error(result.error.message);
  return { seconds, bytes: payload.length, value: result.value };
};
const page = async (request) => {
  const { seconds, bytes, value } = await call('getRunLines', { runId, limit: 200, ...request });
  return { seconds, bytes, total: value.lineTotal ?? value.total, firstItem: value.rows.find((r) => r.lineId !== undefined)?.itemId ?? value.rows[0]?.itemId };
};
const repeat = async (n, request, before = () => {}, once = page) => {
  const out = [];
  for (let i = 0; i < n; i++) {
    before();
    out.push(await once(request));
  }
  return out;
};
const n = Number(runsText ?? 3);
// The very first view of a run imported outside the app scores its lines on the spot.
const cold = await page({ offset: 0 });
// The first page of the default view after a write: its count is kept (it reads no line state).
const warm = await repeat(n, { offset: 0 }, touch);
// A view whose count follows decisions (by status): counted again after every write.
const counted = await repeat(n, { offset: 0, filter: { status: 'undecided' } }, touch);
const grouped = await repeat(n, { offset: 0, groupByItem: true }, touch);
// Scrolling: only the offset changes, the count (and the grouped layout) are kept.
const scrolled = await repeat(n, { offset: 50_000 });
const scrolledGrouped = await repeat(n, { offset: 50_000, groupByItem: true });
// What a click on the first row opens: the item's detail; and the run's overview, the screen's first call.
const itemId = warm[0].firstItem;
const detail = await repeat(n, { runId, itemId }, touch, async (r) => {
  const { seconds, bytes } = await call('getItemDetail', r);
  return { seconds, bytes };
});
// The overview computed (each a different history length, so nothing is kept between them), then
// asked again after a write that leaves its sources still, as a decision does.
const overviewComputed = [];
for (let i = 0; i < n; i++) {
  const { seconds, bytes } = await call('getRunOverview', { runId, historyBuckets: 24 - i });
  overviewComputed.push({ seconds, bytes });
}
const overview = await repeat(n, { runId, historyBuckets: 24 }, touch, async (r) => {
  const { seconds, bytes } = await call('getRunOverview', r);
  return { seconds, bytes };
});
db.close();
for (const w of [...warm, ...counted, cold]) delete w.firstItem;
process.stdout.write(`${JSON.stringify({ cold, warm, counted, grouped, scrolled, scrolledGrouped, detail, overviewComputed, overview })}\n`);
