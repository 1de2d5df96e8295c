// Writes that change a run's plan (decide, bulk accept, undo, approve, release,
// roll back) announce 'plan-changed' once committed, so every view showing it
// (the worklist, the approvals queue and count, the release bar) can refresh,
// whichever view or way in made the change. The table in api.ts declares each
// announcement; this is what they share.
import type { ReadableDb } from '../db/handles';

/** The run a line belongs to, or null when it is gone. */
export const runOfLine = (db: ReadableDb, lineId: number): number | null =>
  (db.prepare('SELECT run_id FROM forecast_lines WHERE line_id = ?').pluck().get(lineId) as number | undefined) ?? null;
