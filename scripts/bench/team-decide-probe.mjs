// Runs inside its own process (tsx, the backend's TypeScript): a planner working offline on
// a team replica, through the API as the app makes decisions (the person is the link's
// login). `accept`: bulk-accepts `count` open lines of the newest run from the `offset`-th;
// `override`: overrides each of those lines by `percent` % (reason "promotion"; a line whose model says 0 is set to 1, with a comment), one decideLine each.
// The lines are the newest run's open ones past the freeze (lag ≥ 2), in line order, so
// planners given disjoint offsets decide disjoint lines. Prints one JSON line: { decided }.
// (A key's actual is known when it has a current one: the condition lets SQLite use the
// partial index actuals_current instead of scanning actuals once per line, ~100 s a run.)
import { register } from 'tsx/esm/api';
import Database from 'better-sqlite3';

register();
const [dbPath, mode, offsetText, countText, percentText] = process.argv.slice(2);
const percent = Number(percentText ?? 2) || 2;
const offset = Number(offsetText);
const count = Number(countText);
const read = new Database(dbPath, { readonly: true, fileMustExist: true });
const lines = read
  .prepare(
    `SELECT l.line_id, l.run_id, l.quantity FROM forecast_lines l
      WHERE l.run_id = (SELECT max(run_id) FROM forecast_runs) AND l.lag >= 2
        AND NOT EXISTS (SELECT 1 FROM actuals a WHERE a.item_key = l.item_key AND a.location_key = l.location_key AND a.period = l.period AND a.superseded_at IS NULL)
      ORDER BY l.line_id LIMIT ? OFFSET ?`,
  )
  .all(count, offset);
read.close();
if (lines.length < count) throw new Error(`${dbPath} has ${lines.length} open lines from the ${offset}th, not ${count}: the bench's demo is too small`);

const { openInProcess } = await import('../../electron/backend/host-entry.ts');
const backend = await openInProcess({ dbPath, access: 'write', program: 'bench' });
const call = async (method, payload) => {
  const r = await backend.call(method, payload);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value;
};
let decided = 0;
try {
  if (mode === 'accept') {
    decided = (await call('bulkAccept', { runId: lines[0].run_id, lineIds: lines.map((l) => l.line_id) })).accepted;
  } else if (mode === 'override') {
    for (const l of lines) {
      // A percent of a model quantity of 0 is 0 again, which the rules refuse as no override: such a line is set to 1,
      // an unbounded change, which needs a comment.
      await call('decideLine', { lineId: l.line_id, action: 'override', ...(l.quantity > 0 ? { percent } : { quantity: 1, comment: 'Bench: the model said 0.' }), reasonCode: 'promotion' });
      decided++;
    }
  } else throw new Error(`mode is accept or override, not ${mode}`);
} finally {
  await backend.close();
}
console.log(JSON.stringify({ decided }));
