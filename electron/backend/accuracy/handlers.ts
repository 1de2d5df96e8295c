// The accuracy engine behind the API. Each reads the cube as it stands: dispatch brings it current first (api.ts declares it).
import { ATTRIBUTE_SLICE_PREFIX, isAttributeSlice, type AccuracyOptions, type AccuracyOverview, type SliceTable, type SourceRanking, type Stairstep } from '../../../shared/accuracy';
import type { ParsedRequestOf } from '../../../shared/contract';
import { periodFromKey } from '../../../shared/period';
import type { ReadContext, WriteContext } from '../context';
import type { ReadableDb } from '../db/handles';
import { attributeSlice } from './attribute-slice';
import { ensureAccuracyCube } from './cube';
import { runDriftGuard as guard } from './drift';
import { overrideGuidance } from './guidance';
import { runLabels } from './run-labels';
import { overrideScatter } from './scatter';
import { accuracySlice, directionSizeTable, sourceRanking } from './slices';
import { fvaStairstep } from './stairstep';
import { accuracyTrend } from './trend';
import { trustMap } from './trust';

/** The runs with outcomes, newest first, each with its label. */
function accuracyRuns(db: ReadableDb): AccuracyOptions['runs'] {
  const labels = runLabels(db);
  const runs = db.prepare('SELECT run_id, origin FROM forecast_runs WHERE run_id IN (SELECT DISTINCT run_id FROM accuracy_cells) ORDER BY origin DESC, run_id DESC').all() as { run_id: number; origin: number }[];
  return runs.map((r) => ({ runId: r.run_id, label: labels.get(r.run_id)!, origin: periodFromKey(r.origin) }));
}

export function getAccuracyOptions(ctx: ReadContext): AccuracyOptions {
  const { db } = ctx;
  const span = db.prepare('SELECT min(period) AS lo, max(period) AS hi, total(n) AS n FROM accuracy_cells').get() as { lo: number | null; hi: number | null; n: number };
  return {
    models: db.prepare('SELECT DISTINCT model_name FROM forecast_runs ORDER BY model_name').pluck().all() as string[],
    runs: accuracyRuns(db),
    categories: db.prepare('SELECT DISTINCT category FROM accuracy_cells WHERE category IS NOT NULL ORDER BY category').pluck().all() as string[],
    owners: (
      db.prepare('SELECT DISTINCT c.owner_id AS userId, coalesce(u.display_name, c.owner_id) AS name FROM accuracy_cells c LEFT JOIN users u ON u.user_id = c.owner_id WHERE c.owner_id IS NOT NULL ORDER BY name').all() as {
        userId: string;
        name: string;
      }[]
    ),
    lags: db.prepare('SELECT DISTINCT lag FROM accuracy_cells ORDER BY lag').pluck().all() as number[],
    firstPeriod: span.lo === null ? null : periodFromKey(span.lo),
    lastPeriod: span.hi === null ? null : periodFromKey(span.hi),
    linesWithActuals: span.n,
  };
}

export function getAccuracyOverview(ctx: ReadContext, req: ParsedRequestOf<'getAccuracyOverview'>): AccuracyOverview {
  const { db } = ctx;
  return {
    metric: req.metric,
    filter: req.filter,
    stairstep: fvaStairstep(db, req.filter, req.metric, req.seed),
    trend: accuracyTrend(db, req.filter, req.metric),
    directionSize: directionSizeTable(db, req.filter, req.metric, req.seed),
    scatter: overrideScatter(db, req.filter),
  };
}

export const getAccuracySlice = (ctx: ReadContext, req: ParsedRequestOf<'getAccuracySlice'>): SliceTable | SourceRanking => accuracySliceOf(ctx.db, req);

/** A slice, the source ranking, or an item attribute's slice: what getAccuracySlice answers, for any caller with the workbook. */
export function accuracySliceOf(db: ReadableDb, req: ParsedRequestOf<'getAccuracySlice'>): SliceTable | SourceRanking {
  // Item attributes are not in the cube: that slice reads the lines themselves.
  if (isAttributeSlice(req.by)) return attributeSlice(db, req.filter, req.metric, req.by.slice(ATTRIBUTE_SLICE_PREFIX.length), req.seed);
  if (req.by === 'model') return sourceRanking(db, req.filter, req.metric);
  return accuracySlice(db, req.filter, req.metric, req.by, req.seed);
}

export const getOverrideGuidance = (ctx: ReadContext, req: ParsedRequestOf<'getOverrideGuidance'>) => overrideGuidance(ctx.db, req);

export const getTrustMap = (ctx: ReadContext, req: ParsedRequestOf<'getTrustMap'>) => trustMap(ctx.db, req.windowCycles);

export const runDriftGuard = (ctx: WriteContext) => guard(ctx.db, ctx.now());

/** The stairstep alone, for fwb accuracy --stairstep (a host call, outside dispatch: it brings the cube current itself). */
export function accuracyStairstep(ctx: WriteContext, req: { filter: ParsedRequestOf<'getAccuracyOverview'>['filter']; metric: ParsedRequestOf<'getAccuracyOverview'>['metric'] }): Stairstep {
  ensureAccuracyCube(ctx.db);
  return fvaStairstep(ctx.db, req.filter, req.metric);
}
