// What the governance report reads as derived data (kept out of governance/, which fwb accuracy never loads), in one place for every way
// in (api.ts's getGovernanceReport and runExport, fwb export's exportToFile):
// the accuracy cube, and every run's exception scores for its value section.
import { accuracyCube } from '../accuracy/cube';
import type { ReadableDb } from '../db/handles';
import { need } from './registry';
import { exceptionScoresOf } from '../exceptions/cache';

/** Every run's exception scores: the value measures read each run's top exceptions from them. */
export const allRunScores = (db: ReadableDb) => (db.prepare('SELECT run_id FROM forecast_runs ORDER BY run_id').pluck().all() as number[]).map(exceptionScoresOf);

export const governanceNeeds = (db: ReadableDb) => [need(accuracyCube), ...allRunScores(db)];
