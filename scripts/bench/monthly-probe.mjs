// Runs inside its own process (tsx, the backend's TypeScript), for the bench's
// monthly cycle (monthly.mjs). Prints one JSON line.
//
//   prepare DB   makes the bench workbook one in use: sealed, as the app's first
//                write seals a workbook made outside it, the newest run's overview
//                kept as its import keeps it (both untimed by the section),
//                and its accuracy cube built (timed: a cold build).
//   screen DB    times the Accuracy screen's first answer as the API serves it:
//                the calls the screen makes on opening (options, overview, the
//                default slice), dispatch bringing the cube current first.
import { register } from 'tsx/esm/api';

register();
const [mode, dbPath] = process.argv.slice(2);
const { openWorkbook } = await import('../../electron/backend/db/open.ts');
const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;

const { db } = await openWorkbook(dbPath);
if (mode === 'prepare') {
  const { ensureSealed } = await import('../../electron/backend/audit/seal.ts');
  const { ensureAccuracyCube } = await import('../../electron/backend/accuracy/cube.ts');
  db.transaction(() => ensureSealed(db, new Date().toISOString()))();
  // The newest run's overview, as the import that brought it keeps it (queries/run-overview.ts): untimed, so the
  // month's import below updates it as it would in a workbook in use instead of building it the first time.
  const { bringCurrent } = await import('../../electron/backend/derived/registry.ts');
  const { newestRunOverview } = await import('../../electron/backend/queries/run-overview.ts');
  bringCurrent(db, newestRunOverview(db));
  const start = process.hrtime.bigint();
  const runs = ensureAccuracyCube(db);
  const s = seconds(start);
  db.close();
  process.stdout.write(`${JSON.stringify({ seconds: s, runs })}\n`);
} else if (mode === 'screen') {
  const { dispatch } = await import('../../electron/backend/api.ts');
  const ctx = { db, path: dbPath, now: () => new Date(), emit: () => {}, stagingDir: '/nonexistent' };
  const call = async (method, payload) => {
    const r = await dispatch(ctx, method, payload);
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
    return JSON.stringify(r.value).length;
  };
  const start = process.hrtime.bigint();
  // As renderer/stores/accuracy.ts asks on opening; the worker answers one call after another.
  const bytes = (await call('getAccuracyOptions', {})) + (await call('getAccuracyOverview', { filter: {}, metric: 'wape' })) + (await call('getAccuracySlice', { filter: {}, metric: 'wape', by: 'category' }));
  const s = seconds(start);
  db.close();
  process.stdout.write(`${JSON.stringify({ seconds: s, bytes })}\n`);
} else {
  throw new Error(`monthly-probe: unknown mode ${mode}`);
}
