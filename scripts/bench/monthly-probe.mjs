// Runs inside its own process (tsx, the backend's TypeScript), for the bench's
// monthly cycle (monthly.mjs). Prints one JSON line.
//
//   prepare DB   makes the bench workbook one in use: sealed, as the app's first
//                write seals a workbook made outside it, the newest run's exception
//                scores, grouped layout and overview kept as the import that brought
//                the run keeps them (imports/effects.ts; all untimed by the section),
//                and its accuracy cube built (timed: a cold build).
//   open DB      opens the workbook for writing and closes it, as the app's last
//                session on it did (untimed): fwb then knows the file as one it
//                left sound (db/check-memory.ts) and its next write open skips
//                the whole-file check, as it does for a user's workbook.
//   screen DB    times the Accuracy screen's first answer as the API serves it:
//                the calls the screen makes on opening (options, overview, the
//                default slice), dispatch bringing the cube current first.
import { register } from 'tsx/esm/api';

register();
const [mode, dbPath] = process.argv.slice(2);
const { openWorkbook } = await import('../../electron/backend/db/open.ts');
const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;

const opened = await openWorkbook(dbPath);
const { db } = opened;
if (mode === 'open') {
  opened.close();
  process.stdout.write(`${JSON.stringify({ opened: dbPath })}\n`);
} else if (mode === 'prepare') {
  const { ensureSealed } = await import('../../electron/backend/audit/seal.ts');
  const { ensureAccuracyCube } = await import('../../electron/backend/accuracy/cube.ts');
  db.transaction(() => ensureSealed(db, new Date().toISOString()))();
  // The newest run's scores, layout and overview, as the import that brought it keeps them (IMPORT_EFFECTS): untimed, so
  // the month's import below updates them as it would in a workbook in use instead of building them the first time.
  const { bringCurrent } = await import('../../electron/backend/derived/registry.ts');
  const { newestRunOverview } = await import('../../electron/backend/queries/run-overview.ts');
  const { newestRunExceptions } = await import('../../electron/backend/exceptions/cache.ts');
  bringCurrent(db, [...newestRunExceptions(db), ...newestRunOverview(db)]);
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
