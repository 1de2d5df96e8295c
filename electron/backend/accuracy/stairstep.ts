// The FVA stairstep (SPEC §3): naive → seasonal naive → model → final plan, each
// step against the one before, compared on the same lines (those with an actual
// and both benchmarks); the sales input is a parallel row against the model on
// the lines that have one.
import { SOURCE_LABELS, type AccuracyFilter, type Metric, type Stairstep, type StairstepStep } from '../../../shared/accuracy';
import type { Db } from '../db/open';
import { CI_METHOD, bootstrapWeights, fvaInterval } from './bootstrap';
import { cellWhere } from './filter';
import { comparisonGroups, groupedSums, type KeyedSums } from './grouped-sums';
import { METRIC_TERMS, fvaOf, metricValue } from './metrics';

const STEPS = [
  { source: 'naive', prefix: 'nv', pair: null },
  { source: 'seasonal_naive', prefix: 'sn', pair: 'nv_sn' },
  { source: 'model', prefix: 'm', pair: 'sn_m' },
  { source: 'final', prefix: 'f', pair: 'm_f' },
] as const;

function step(metric: Metric, entry: KeyedSums, source: StairstepStep['source'], prefix: string, before: string | null, pair: string | null, weights: Uint8Array[]): StairstepStep {
  const t = entry.total;
  const value = metricValue(metric, t[prefix]!, t.den!);
  const prev = before === null ? null : metricValue(metric, t[before]!, t.den!);
  const improved = pair === null ? null : t[`better_${pair}`]!;
  const worsened = pair === null ? null : t[`worse_${pair}`]!;
  return {
    source,
    label: SOURCE_LABELS[source],
    n: t.n!,
    value,
    fva: before === null ? null : fvaOf(metric, prev, value),
    ci: before === null ? null : fvaInterval(metric, comparisonGroups(entry, 'den', before, prefix), weights),
    improved,
    worsened,
    unchanged: improved === null || worsened === null ? null : t.n! - improved - worsened,
  };
}

export function fvaStairstep(db: Db, filter: AccuracyFilter, metric: Metric, seed?: number): Stairstep {
  const terms = METRIC_TERMS[metric];
  const weights = bootstrapWeights(seed);
  const sum = (col: string) => `sum(c.${col})`;

  const columns: Record<string, string> = { n: sum('n'), den: sum(terms.den), n_pos: sum('n_pos') };
  for (const s of STEPS) {
    columns[s.prefix] = sum(terms.num(s.prefix));
    if (s.pair) {
      columns[`better_${s.pair}`] = sum(`better_${s.pair}`);
      columns[`worse_${s.pair}`] = sum(`worse_${s.pair}`);
    }
  }
  const [entry] = groupedSums(db, columns, cellWhere(filter, ['c.has_bench = 1']), null);
  const steps: StairstepStep[] = [];
  if (entry) {
    let before: string | null = null;
    for (const s of STEPS) {
      steps.push(step(metric, entry, s.source, s.prefix, before, s.pair, weights));
      before = s.prefix;
    }
  }

  const [sales] = groupedSums(
    db,
    { n: sum('n'), den: sum(terms.den), m: sum(terms.num('m')), si: sum(terms.num('si')), better_m_si: sum('better_m_si'), worse_m_si: sum('worse_m_si') },
    cellWhere(filter, ['c.has_sales = 1']),
    null,
  );
  return {
    metric,
    n: entry?.total.n ?? 0,
    steps,
    salesInput: sales && sales.total.n! > 0 ? step(metric, sales, 'sales_input', 'si', 'm', 'm_si', weights) : null,
    excludedZeroActuals: entry ? entry.total.n! - entry.total.n_pos! : 0,
    ciMethod: CI_METHOD,
  };
}
