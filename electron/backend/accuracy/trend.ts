// Accuracy over time: per period, the model, the final plan and the naive
// benchmark, so a manager sees whether overrides and the model improve. The
// naive counts each forecast point once however many models forecast it; every
// n is the lines (points) the metric scored.
import type { AccuracyFilter, Metric, TrendPoint } from '../../../shared/accuracy';
import { periodFromKey } from '../../../shared/period';
import type { ReadableDb } from '../db/handles';
import { benchmarkCells, cellWhere } from './filter';
import { METRIC_TERMS, metricValue } from './metrics';

export function accuracyTrend(db: ReadableDb, filter: AccuracyFilter, metric: Metric): TrendPoint[] {
  const t = METRIC_TERMS[metric];
  const where = cellWhere(filter);
  const naiveCells = benchmarkCells(filter).join(' AND ');
  const rows = db
    .prepare(
      `SELECT c.period, sum(c.n) AS lines, sum(c.${t.count}) AS n, sum(c.${t.den}) AS den, sum(c.${t.num('m')}) AS m, sum(c.${t.num('f')}) AS f,
              total(CASE WHEN ${naiveCells} THEN c.${t.count} END) AS n_b, total(CASE WHEN ${naiveCells} THEN c.${t.den} END) AS den_b,
              sum(CASE WHEN ${naiveCells} THEN c.${t.num('nv')} END) AS nv
         ${where.from} ${where.sql} GROUP BY c.period ORDER BY c.period`,
    )
    .all(where.params) as { period: number; lines: number; n: number; den: number; m: number; f: number; n_b: number; den_b: number; nv: number | null }[];
  return rows.map((r) => ({
    period: periodFromKey(r.period),
    n: r.n,
    excluded: r.lines - r.n,
    model: metricValue(metric, r.m, r.den),
    final: metricValue(metric, r.f, r.den),
    naive: metricValue(metric, r.nv, r.den_b),
    naiveN: r.n_b,
  }));
}
