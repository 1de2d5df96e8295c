// One item seen from one run: its history, the run's forecast with interval and
// sales input, and how the same model's earlier runs (and the plans made from
// them) compared with what happened.
import type { ParsedRequestOf } from '../../../shared/contract';
import type { ItemDetail } from '../../../shared/domain';
import { addBuckets, periodFromKey, periodKey, type Grain } from '../../../shared/period';
import type { ReadContext } from '../context';
import { WorkbenchError } from '../errors';

const EARLIER_RUNS = 6;

export function getItemDetail({ db }: ReadContext, req: ParsedRequestOf<'getItemDetail'>): ItemDetail {
  const run = db.prepare('SELECT run_id, origin, grain, model_name FROM forecast_runs WHERE run_id = ?').get(req.runId) as
    | { run_id: number; origin: number; grain: Grain; model_name: string }
    | undefined;
  if (!run) throw new WorkbenchError('NOT_FOUND', `Forecast run ${req.runId} does not exist.`);
  const item = db
    .prepare(
      `SELECT i.item_key, i.item_id AS itemId, i.name, i.category, i.brand, i.family, i.abc_class AS abcClass, i.owner_id AS owner,
              u.display_name AS ownerName, i.unit, i.attributes, i.introduced_period
         FROM items i LEFT JOIN users u ON u.user_id = i.owner_id WHERE i.item_id = ?`,
    )
    .get(req.itemId) as (Omit<ItemDetail['item'], 'attributes' | 'introducedPeriod'> & { item_key: number; attributes: string; introduced_period: number | null }) | undefined;
  if (!item) throw new WorkbenchError('NOT_FOUND', `Item ${req.itemId} does not exist.`);
  const location = db.prepare('SELECT location_key FROM locations WHERE location_id = ?').pluck().get(req.locationId) as number | undefined;
  if (location === undefined) throw new WorkbenchError('NOT_FOUND', `Location ${req.locationId} does not exist.`);
  const key = { item: item.item_key, location, runId: req.runId, origin: run.origin };

  const history = (
    db
      .prepare('SELECT period, quantity AS actual FROM actuals WHERE item_key = @item AND location_key = @location AND superseded_at IS NULL ORDER BY period')
      .all(key) as { period: number; actual: number }[]
  ).map((h) => ({ ...h, period: periodFromKey(h.period) }));

  const forecast = (
    db
      .prepare(
        `SELECT l.line_id AS lineId, l.period, l.lag, l.quantity, l.lower, l.upper, s.quantity AS salesInput
           FROM forecast_lines l
           LEFT JOIN sales_inputs s ON s.item_key = l.item_key AND s.location_key = l.location_key AND s.period = l.period AND s.superseded_at IS NULL
          WHERE l.run_id = @runId AND l.item_key = @item AND l.location_key = @location ORDER BY l.period`,
      )
      .all(key) as (Omit<ItemDetail['forecast'][number], 'period'> & { period: number })[]
  ).map((f) => ({ ...f, period: periodFromKey(f.period) }));

  const earlier = db
    .prepare('SELECT run_id, origin, model_version FROM forecast_runs WHERE model_name = ? AND origin < ? ORDER BY origin DESC, run_id DESC LIMIT ?')
    .all(run.model_name, run.origin, EARLIER_RUNS) as { run_id: number; origin: number; model_version: string }[];
  // The final plan of a line is the line_state projection (decisions/projection.ts), model quantity when undecided.
  const earlierLines = db.prepare(
    `SELECT l.period, l.lag, l.quantity, coalesce(ls.final_quantity, l.quantity) AS final, a.quantity AS actual
       FROM forecast_lines l
       LEFT JOIN line_state ls ON ls.line_id = l.line_id
       LEFT JOIN actuals a ON a.item_key = l.item_key AND a.location_key = l.location_key AND a.period = l.period AND a.superseded_at IS NULL
      WHERE l.run_id = ? AND l.item_key = ? AND l.location_key = ? ORDER BY l.period`,
  );
  let errAbs = 0;
  let errAct = 0;
  let errLines = 0;
  const earlierRuns = earlier.map((r) => {
    const lines = (earlierLines.all(r.run_id, item.item_key, location) as { period: number; lag: number; quantity: number; final: number; actual: number | null }[]).map((l) => {
      if (l.actual !== null && l.period <= run.origin) {
        errAbs += Math.abs(l.quantity - l.actual);
        errAct += l.actual;
        errLines++;
      }
      return { ...l, period: periodFromKey(l.period), overridden: l.final !== l.quantity };
    });
    return { runId: r.run_id, origin: periodFromKey(r.origin), modelVersion: r.model_version, lines };
  });

  const origin = periodFromKey(run.origin);
  const sumBetween = (fromBack: number, toBack: number): number | null => {
    const from = periodKey(addBuckets(origin, -fromBack + 1, run.grain));
    const to = periodKey(addBuckets(origin, -toBack, run.grain));
    const row = db
      .prepare('SELECT sum(quantity) AS s, count(*) AS n FROM actuals WHERE item_key = ? AND location_key = ? AND superseded_at IS NULL AND period BETWEEN ? AND ?')
      .get(item.item_key, location, from, to) as { s: number | null; n: number };
    return row.n === 0 ? null : row.s;
  };

  const { item_key: _k, attributes, introduced_period, ...itemFields } = item;
  return {
    item: { ...itemFields, attributes: JSON.parse(attributes) as Record<string, unknown>, introducedPeriod: introduced_period === null ? null : periodFromKey(introduced_period) },
    locationId: req.locationId,
    runId: run.run_id,
    origin,
    grain: run.grain,
    history,
    forecast,
    earlierRuns,
    figures: {
      last3: sumBetween(3, 0),
      last12: sumBetween(12, 0),
      prior12: sumBetween(24, 12),
      modelRecentWape: errAct > 0 ? (100 * errAbs) / errAct : null,
      modelRecentLines: errLines,
      historyBuckets: history.filter((h) => h.period <= origin).length,
    },
  };
}
