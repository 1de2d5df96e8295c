// Which run a person's Review (and Governance's plan versions) opens on.
//
// - The main model is the model with the most runs (ties: the one with the
//   newest origin): the model the team plans with cycle after cycle, so that a
//   one-off import of another model's forecast, however recent its origin, does
//   not become the run everyone opens on.
// - The run a person last worked on (decided, bulk-accepted, undid, approved,
//   released or rolled back a line of) is remembered per person in the workbook,
//   so a second person at the same keyboard gets their own.
// - A person opens on the run they last worked on, unless its model has brought
//   a newer cycle since (then on that model's newest run); without any work
//   yet, on the main model's newest run.
import type { ReadableDb } from '../db/handles';
import type { OpeningRun } from '../../../shared/domain';
import type { Db } from '../db/open';

const KEY_PREFIX = 'review_run:';

interface Remembered {
  runId: number;
  /** The newest run id of the run's model when it was worked on: a higher one is a cycle that arrived since. */
  newestSeen: number;
}

/** The model with the most runs; ties go to the one whose newest run has the latest origin. */
export function mainModel(db: ReadableDb): string | null {
  return (
    (db
      .prepare('SELECT model_name FROM forecast_runs GROUP BY model_name ORDER BY count(*) DESC, max(origin) DESC, max(run_id) DESC LIMIT 1')
      .pluck()
      .get() as string | undefined) ?? null
  );
}

function newestRunOf(db: ReadableDb, model: string): number | null {
  return (db.prepare('SELECT run_id FROM forecast_runs WHERE model_name = ? ORDER BY origin DESC, run_id DESC LIMIT 1').pluck().get(model) as number | undefined) ?? null;
}

/** The main model's newest run: the workbook's current run, for everyone and every export that names no run. */
export function currentRunId(db: ReadableDb): number | null {
  const model = mainModel(db);
  return model === null ? null : newestRunOf(db, model);
}

/** Remembers that `userId` worked on `runId`; called inside the transaction of the work itself. */
export function rememberWorkingRun(db: Db, userId: string, runId: number): void {
  const newestSeen = db.prepare('SELECT max(run_id) FROM forecast_runs WHERE model_name = (SELECT model_name FROM forecast_runs WHERE run_id = ?)').pluck().get(runId) as number | null;
  if (newestSeen === null) return;
  const value: Remembered = { runId, newestSeen };
  db.prepare('INSERT OR REPLACE INTO workbook_meta (key, value) VALUES (?, ?)').run(`${KEY_PREFIX}${userId}`, JSON.stringify(value));
}

function remembered(db: ReadableDb, userId: string): Remembered | null {
  const text = db.prepare('SELECT value FROM workbook_meta WHERE key = ?').pluck().get(`${KEY_PREFIX}${userId}`) as string | undefined;
  if (text === undefined) return null;
  try {
    const v = JSON.parse(text) as Partial<Remembered>;
    return Number.isInteger(v.runId) && Number.isInteger(v.newestSeen) ? (v as Remembered) : null;
  } catch {
    return null;
  }
}

/** The run `userId` (or anyone, when null) opens Review on, and why; null in a workbook without runs. */
export function openingRun(db: ReadableDb, userId: string | null): OpeningRun | null {
  const model = mainModel(db);
  if (model === null) return null;
  const last = userId === null ? null : remembered(db, userId);
  const worked = last === null ? undefined : (db.prepare('SELECT run_id AS runId, model_name AS model, origin FROM forecast_runs WHERE run_id = ?').get(last.runId) as { runId: number; model: string; origin: number } | undefined);
  if (last && worked) {
    const newer = db
      .prepare('SELECT run_id FROM forecast_runs WHERE model_name = ? AND run_id > ? AND origin > ? ORDER BY origin DESC, run_id DESC LIMIT 1')
      .pluck()
      .get(worked.model, last.newestSeen, worked.origin) as number | undefined;
    if (newer !== undefined) return { runId: newer, reason: 'newer_cycle', mainModel: model };
    return { runId: worked.runId, reason: 'last_worked', mainModel: model };
  }
  return { runId: newestRunOf(db, model)!, reason: 'main_model', mainModel: model };
}
