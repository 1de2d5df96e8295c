// A finer staleness for derived data of a run that reads actuals only up to the
// run's origin (exception scores, the grouped layout made of them): the monthly
// import of next month's actuals moves the history stamp, yet changes nothing
// such data is computed from. Told from the sources' ids, as the rest of the
// registry tells change (sources.ts); anything the ids cannot place (an undo,
// a row edited in place, an items import) is treated as a change.
import type { WritableDb } from '../db/handles';
import type { SourceChange } from './registry';
import type { SourceName } from './sources';

/**
 * True when all that moved since `built` is actuals imported for periods after
 * `origin`: no other source moved (no run, line, decision, drift alert, sales
 * input), nothing was edited in place or undone, every batch since is an actuals
 * import, and no actual added since (a value superseding another has a new id
 * and the same period) is of a period at or before `origin`.
 */
export function onlyActualsAfter(db: WritableDb, { built, now }: SourceChange, origin: number): boolean {
  if (!built) return false;
  for (const source of Object.keys(now) as SourceName[]) {
    if (source !== 'history' && source !== 'imports' && JSON.stringify(built[source]) !== JSON.stringify(now[source])) return false;
  }
  const [bh, nh, bi, ni] = [built.history, now.history, built.imports, now.imports];
  if (!bh || !nh || !bi || !ni) return false;
  if (bh.salesInput !== nh.salesInput || bh.edits !== nh.edits || bi.undone !== ni.undone || bi.itemEdits !== ni.itemEdits) return false;
  if ((nh.actual ?? 0) < (bh.actual ?? 0) || (ni.batch ?? 0) < (bi.batch ?? 0)) return false;
  if (ni.batch !== bi.batch && db.prepare("SELECT 1 FROM import_batches WHERE batch_id > ? AND kind <> 'actuals' LIMIT 1").get(bi.batch ?? 0)) return false;
  // Ids are a rowid range: reads only the actuals added since.
  return nh.actual === bh.actual || !db.prepare('SELECT 1 FROM actuals WHERE actual_id > ? AND period <= ? LIMIT 1').get(bh.actual ?? 0, origin);
}
