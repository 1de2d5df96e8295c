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
const firstPage = async () => {
  const start = process.hrtime.bigint();
  const result = await dispatch(ctx, 'getRunLines', { runId, offset: 0, limit: 200 });
  const payload = JSON.stringify(result);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (!result.ok) throw new Error(result.error.message);
  return { seconds, bytes: payload.length, total: result.value.total };
};
// The very first view of a run imported outside the app scores its lines on the spot.
const cold = await firstPage();
const warm = [];
for (let i = 0; i < Number(runsText ?? 3); i++) warm.push(await firstPage());
db.close();
process.stdout.write(`${JSON.stringify({ cold, warm })}\n`);
