import type { ForecastRunSummary, RunOverview } from '../../../shared/domain';
import { addBuckets, periodFromKey, periodKey, type Grain } from '../../../shared/period';

type KeyedPeriod<T> = Omit<T, 'period'> & { period: number };
import type { ParsedRequestOf } from '../../../shared/contract';
import type { ReadContext } from '../context';
import { SourcesMemo } from '../derived/registry';
import { WorkbenchError } from '../errors';

/**
 * A run's overview reads every line of the run and every actual of its items (a
 * second or more at 1M lines): kept until the lines, the history, the runs or the
 * items (which come only by import) change, so a decision does not cost it again.
 */
const overviews = new SourcesMemo<RunOverview>('run overviews', ['lines', 'history', 'runs', 'imports'], 8);

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

export function getRunOverview({ db }: ReadContext, req: ParsedRequestOf<'getRunOverview'>): RunOverview {
  return overviews.get(db, `${req.runId}|${req.historyBuckets}`, () => computeRunOverview({ db }, req));
}

function computeRunOverview({ db }: Pick<ReadContext, 'db'>, req: ParsedRequestOf<'getRunOverview'>): RunOverview {
  const row = db.prepare('SELECT run_id AS runId, origin, grain FROM forecast_runs WHERE run_id = ?').get(req.runId) as
    | { runId: number; origin: number; grain: Grain }
    | undefined;
  if (!row) throw new WorkbenchError('NOT_FOUND', `Forecast run ${req.runId} does not exist.`);
  const run = { ...row, origin: periodFromKey(row.origin) };
  const firstHistory = periodKey(addBuckets(run.origin, -(req.historyBuckets - 1), run.grain));
  // History of the run's own items only, so the two series add up like for like.
  const history = db
    .prepare(
      `SELECT a.period, sum(a.quantity) AS actual, count(DISTINCT a.item_key) AS items
         FROM actuals a
        WHERE a.superseded_at IS NULL AND a.period BETWEEN ? AND ?
          AND a.item_key IN (SELECT DISTINCT item_key FROM forecast_lines WHERE run_id = ?)
        GROUP BY a.period ORDER BY a.period`,
    )
    .all(firstHistory, row.origin, req.runId) as KeyedPeriod<RunOverview['history'][number]>[];
  // One pass over the run's lines for both the totals by period and the lags there are.
  const byPeriodAndLag = db
    .prepare(
      `SELECT period, lag, sum(quantity) AS quantity, count(*) AS lines
         FROM forecast_lines WHERE run_id = ? GROUP BY period, lag ORDER BY period, lag`,
    )
    .all(req.runId) as KeyedPeriod<RunOverview['forecast'][number]>[];
  const forecast: KeyedPeriod<RunOverview['forecast'][number]>[] = [];
  for (const cell of byPeriodAndLag) {
    const last = forecast.at(-1);
    // Ordered by lag within a period: the first cell of a period holds its lowest lag.
    if (last?.period === cell.period) {
      last.quantity += cell.quantity;
      last.lines += cell.lines;
    } else forecast.push({ ...cell });
  }
  const column = (sql: string) => (db.prepare(sql).pluck().all(req.runId) as (string | number)[]);
  return {
    runId: run.runId,
    origin: run.origin,
    history: history.map((h) => ({ ...h, period: periodFromKey(h.period) })),
    forecast: forecast.map((f) => ({ ...f, period: periodFromKey(f.period) })),
    categories: column(
      'SELECT DISTINCT i.category FROM forecast_lines l JOIN items i ON i.item_key = l.item_key WHERE l.run_id = ? AND i.category IS NOT NULL ORDER BY 1',
    ) as string[],
    owners: column(
      'SELECT DISTINCT i.owner_id FROM forecast_lines l JOIN items i ON i.item_key = l.item_key WHERE l.run_id = ? AND i.owner_id IS NOT NULL ORDER BY 1',
    ) as string[],
    lags: [...new Set(byPeriodAndLag.map((c) => c.lag))].sort((a, b) => a - b),
  };
}
