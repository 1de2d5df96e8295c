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
    await before();
    out.push(await once(request));
  }
  return out;
};
const n = Number(runsText ?? 3);
// A decision, as a planner makes one: each accepts another open line of the run (no actual yet) at its furthest lag (past any freeze).
const planner = await dispatch(ctx, 'signIn', { userId: 'bench.planner', displayName: 'Bench Planner', role: 'planner' });
if (!planner.ok) throw new Error(planner.error.message);
const openLines = db
  .prepare(
    `SELECT line_id FROM forecast_lines l WHERE run_id = ?
        AND NOT EXISTS (SELECT 1 FROM actuals a WHERE a.item_key = l.item_key AND a.location_key = l.location_key AND a.period = l.period AND a.superseded_at IS NULL)
      ORDER BY lag DESC, line_id LIMIT 1000`,
  )
  .pluck()
  .all(runId);
// A run whose every line is closed (the scale section's newest run after its month) takes no decision:
// its timings "after a decision" are then the same views again, which the probe says.
if (openLines.length === 0) process.stderr.write(`first-page probe: run ${runId} has no open line to decide; its views are timed again without a decision between\n`);
const decide = async () => {
  if (openLines.length === 0) return;
  const r = await dispatch(ctx, 'decideLine', { lineId: openLines.shift(), action: 'accept' });
  if (!r.ok) throw new Error(`the bench's decision was refused: ${r.error.message}`);
};
// The very first view of the run in a new process: its scores were kept by `fwb import` (its warm-ups), nothing else is in memory yet.
const cold = await page({ offset: 0 });
// The first page of the default view after a decision: its count is kept (it reads no line state).
const warm = await repeat(n, { offset: 0 }, () => decide());
// A view whose count follows decisions (by status): its first open in this process, then after each decision.
const countedFirst = await page({ offset: 0, filter: { status: 'undecided' } });
const counted = await repeat(n, { offset: 0, filter: { status: 'undecided' } }, () => decide());
// Grouped by item: its first open (the layout computed), then after each decision.
const groupedFirst = await page({ offset: 0, groupByItem: true });
const grouped = await repeat(n, { offset: 0, groupByItem: true }, () => decide());
// Scrolling: only the offset changes, the count (and the grouped layout) are kept.
const scrolled = await repeat(n, { offset: 50_000 });
const scrolledGrouped = await repeat(n, { offset: 50_000, groupByItem: true });
// What a click on the first row opens: the item's detail; and the run's overview, the screen's first call.
const itemId = warm[0].firstItem;
const detail = await repeat(n, { runId, itemId }, () => decide(), async (r) => {
  const { seconds, bytes } = await call('getItemDetail', r);
  return { seconds, bytes };
});
// The overview on the run's first open (kept in the workbook since its import, nothing in memory), with
// other history lengths, then again after each decision.
const overviewComputed = [];
for (let i = 0; i < n; i++) {
  const { seconds, bytes } = await call('getRunOverview', { runId, historyBuckets: 24 - i });
  overviewComputed.push({ seconds, bytes });
}
const overview = await repeat(n, { runId, historyBuckets: 24 }, () => decide(), async (r) => {
  const { seconds, bytes } = await call('getRunOverview', r);
  return { seconds, bytes };
});
db.close();
for (const w of [...warm, ...counted, ...grouped, cold, countedFirst, groupedFirst]) delete w.firstItem;
process.stdout.write(`${JSON.stringify({ cold, warm, countedFirst, counted, groupedFirst, grouped, scrolled, scrolledGrouped, detail, overviewComputed, overview })}\n`);
