// What changed in the accuracy cube's sources since it was built, told from the
// sources' own ids (derived/sources.ts), so an actuals import, a decision or a
// new run rebuilds only the cells it touches (issue 14):
// - actuals and sales inputs added since: their periods (a value that supersedes
//   another has a new id and the same period);
// - decisions and approvals added since: the lines they decide, per run and period
//   (a line's state follows only its own decisions and their approvals).
// Runs whose lines changed are told apart by their signatures (cube.ts). Where the
// ids cannot tell what changed — never built, a decision the team withdrew, an import undone (values removed,
// earlier ones current again), items re-imported (their category, class or owner
// moved), ids gone down, a row edited in place by any program (migration 008) —
// the answer is null and every run is rebuilt.
import { parseIsoDate, periodFromKey, type Grain } from '../../../shared/period';
import type { WritableDb } from '../db/handles';
import type { SourceChange } from '../derived/registry';

export interface CubeChange {
  /** Periods with an actual added or superseded since the build. */
  actualPeriods: number[];
  /** Periods with a sales input added or superseded since the build. */
  salesPeriods: number[];
  /** Per run: the periods of its lines decided, undone or approved since the build. */
  decidedPeriods: Map<number, number[]>;
}

/** Kinds of import that change what the ids above cannot see: item attributes and owners. */
export const REBUILD_ALL_KINDS = ['items', 'demo'];

export function cubeChangeSince(db: WritableDb, { built, now }: SourceChange): CubeChange | null {
  const [bi, ni, bh, nh, bd, nd] = [built?.imports, now.imports, built?.history, now.history, built?.decisions, now.decisions];
  if (!bi || !ni || !bh || !nh || !bd || !nd) return null;
  if (bi.undone !== ni.undone) return null;
  // A decision or approval the team refused or restated is gone from the journal, and with it where it was: rebuild everything (rare).
  if (bd.withdrawn !== nd.withdrawn) return null;
  // A row edited in place (migration 008) says nothing of where: rebuild everything.
  const [br, nr, bl, nl] = [built?.runs, now.runs, built?.lines, now.lines];
  if (bi.itemEdits !== ni.itemEdits || bh.edits !== nh.edits || br?.edits !== nr?.edits || bl?.edits !== nl?.edits) return null;
  const wentDown = (b: number | null, n: number | null) => (n ?? 0) < (b ?? 0);
  if (wentDown(bi.batch, ni.batch) || wentDown(bh.actual, nh.actual) || wentDown(bh.salesInput, nh.salesInput) || wentDown(bd.decision, nd.decision) || wentDown(bd.approval, nd.approval)) {
    return null;
  }
  if (ni.batch !== bi.batch) {
    const kinds = db.prepare('SELECT DISTINCT kind FROM import_batches WHERE batch_id > ?').pluck().all(bi.batch ?? 0) as string[];
    if (kinds.some((k) => REBUILD_ALL_KINDS.includes(k))) return null;
  }
  const periodsSince = (table: string, id: string, after: number | null, to: number | null) =>
    after === to ? [] : (db.prepare(`SELECT DISTINCT period FROM ${table} WHERE ${id} > ? ORDER BY period`).pluck().all(after ?? 0) as number[]);
  const decidedPeriods = new Map<number, number[]>();
  if (bd.decision !== nd.decision || bd.approval !== nd.approval) {
    const rows = db
      .prepare(
        `SELECT DISTINCT fl.run_id, fl.period FROM forecast_lines fl
          WHERE fl.line_id IN (SELECT line_id FROM decisions WHERE decision_id > @decision
                               UNION SELECT d.line_id FROM approvals a JOIN decisions d ON d.decision_id = a.decision_id WHERE a.approval_id > @approval)`,
      )
      .raw()
      .all({ decision: bd.decision ?? 0, approval: bd.approval ?? 0 }) as [number, number][];
    for (const [run, period] of rows) decidedPeriods.set(run, [...(decidedPeriods.get(run) ?? []), period]);
  }
  return {
    actualPeriods: periodsSince('actuals', 'actual_id', bh.actual, nh.actual),
    salesPeriods: periodsSince('sales_inputs', 'sales_input_id', bh.salesInput, nh.salesInput),
    decidedPeriods,
  };
}

/** Whether `earlier` is a whole number (≥ 1) of seasons before `later`: a line at `later` may take its seasonal naive from it. */
export function seasonsBefore(earlier: number, later: number, grain: Grain): boolean {
  if (later <= earlier) return false;
  // A season of months, quarters or years is whole years: the same month and day, a later year.
  if (grain !== 'week') return (later - earlier) % 10000 === 0;
  const time = (key: number) => parseIsoDate(periodFromKey(key))!.getTime();
  const days = Math.round((time(later) - time(earlier)) / 86_400_000);
  return days % 364 === 0;
}

/**
 * The periods of a run's cells that `change` touches, or 'all' when the whole run
 * is to be rebuilt: an actual at or before the run's origin moves its naive (the
 * actual at the origin) or its MASE scale (history up to the origin). Otherwise an
 * actual moves the lines of its period and, as their seasonal naive, lines whole
 * seasons later (at or before the origin for a line whose lag is its distance from
 * the origin, so covered above; kept for lines whose lag says otherwise); a sales
 * input the lines of its period; a decision its line.
 */
export function touchedPeriods(change: CubeChange, run: { runId: number; originBucket: number; grain: Grain }, runPeriods: readonly number[]): number[] | 'all' {
  if (change.actualPeriods.some((p) => p <= run.originBucket)) return 'all';
  const touched = new Set(change.decidedPeriods.get(run.runId) ?? []);
  for (const q of runPeriods) {
    if (change.salesPeriods.includes(q) || change.actualPeriods.some((p) => p === q || seasonsBefore(p, q, run.grain))) touched.add(q);
  }
  return [...touched].sort((a, b) => a - b);
}
