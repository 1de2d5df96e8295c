import type { ForecastRunSummary, RunOverview } from '../../../shared/domain';
import type { ParsedRequestOf } from '../../../shared/contract';
import type { ReadContext } from '../context';
import { runOverview } from './run-overview';

export function listRuns({ db }: ReadContext): { runs: ForecastRunSummary[] } {
  const runs = db
    .prepare(
      `SELECT r.run_id AS runId, r.model_name AS modelName, r.model_version AS modelVersion, printf('%04d-%02d-%02d', r.origin / 10000, r.origin / 100 % 100, r.origin % 100) AS origin, r.grain,
              r.interval_level AS intervalLevel, r.batch_id AS batchId, r.created_at AS createdAt,
              count(l.line_id) AS lines, count(DISTINCT l.item_key) AS items,
              printf('%04d-%02d-%02d', min(l.period) / 10000, min(l.period) / 100 % 100, min(l.period) % 100) AS firstPeriod, printf('%04d-%02d-%02d', max(l.period) / 10000, max(l.period) / 100 % 100, max(l.period) % 100) AS lastPeriod
         FROM forecast_runs r LEFT JOIN forecast_lines l ON l.run_id = r.run_id
        GROUP BY r.run_id
        ORDER BY r.origin DESC, r.run_id DESC`,
    )
    .all() as ForecastRunSummary[];
  // A run without lines has no periods (printf of NULL gives a zero date).
  for (const run of runs) if (run.lines === 0) run.firstPeriod = run.lastPeriod = null;
  return { runs };
}

/** A run's overview, kept per run (run-overview.ts); dispatch brings it current first (api.ts). */
export function getRunOverview({ db }: ReadContext, req: ParsedRequestOf<'getRunOverview'>): RunOverview {
  return runOverview(db, req.runId, req.historyBuckets);
}
