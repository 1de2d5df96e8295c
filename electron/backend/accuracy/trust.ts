// The trust map (SPEC §3): per segment, over the recent cycles, is the model
// better than the naive forecast, do overrides beat the model, and how often —
// with a plain verdict, the interval coverage and the drift status beside it.
// The naive's WAPE counts each forecast point once however many models forecast
// it; model versus naive compares each model line with the naive of its own point.
import type { TrustMap, TrustSegment } from '../../../shared/accuracy';
import { formatPercent } from '../../../shared/format';
import type { ReadableDb } from '../db/handles';
import { driftStatus } from './drift';

export const TRUST_WINDOW_CYCLES = 9;
const MIN_CYCLES = 3;

interface CycleRow {
  category: string;
  origin: number;
  a: number;
  m: number;
  f: number;
  a_b: number | null;
  nv: number | null;
  m_b: number | null;
  /** The naive on the forecast points, each once. */
  a_p: number | null;
  nv_p: number | null;
  om: number | null;
  of: number | null;
  bounded: number;
  inside: number;
  level: number | null;
}

const pct = (num: number, den: number) => (den > 0 ? (num / den) * 100 : null);
const sum = (rows: CycleRow[], f: (r: CycleRow) => number | null) => rows.reduce((t, r) => t + (f(r) ?? 0), 0);

function verdictOf(s: Omit<TrustSegment, 'verdict' | 'text'>): Pick<TrustSegment, 'verdict' | 'text'> {
  if (s.cycles < MIN_CYCLES) return { verdict: 'too_few', text: `Too few cycles with actuals to judge (${s.cycles}).` };
  if (s.modelVsNaive !== null && s.modelVsNaive < 0) {
    return { verdict: 'model_weak', text: `Model weak here: its WAPE ${formatPercent(s.model, 1)} is worse than the naive forecast's ${formatPercent(s.naive, 1)} over the last ${s.cycles} cycles.` };
  }
  const k = s.cyclesWithOverrides;
  const of = k === s.cycles ? `of the last ${k} cycles` : `of the ${k} cycles with overrides among the last ${s.cycles}`;
  if (k >= MIN_CYCLES && s.overridesLost * 3 >= k * 2) return { verdict: 'trust_model', text: `Model reliable here: overrides lost accuracy in ${s.overridesLost} ${of}.` };
  if (k >= MIN_CYCLES && s.overridesAdded * 3 >= k * 2) return { verdict: 'trust_overrides', text: `Overrides add value here: they improved accuracy in ${s.overridesAdded} ${of}.` };
  return { verdict: 'mixed', text: `Mixed: overrides helped in ${s.overridesAdded} and hurt in ${s.overridesLost} ${of}.` };
}

export function trustMap(db: ReadableDb, windowCycles = TRUST_WINDOW_CYCLES): TrustMap {
  const rows = db
    .prepare(
      `SELECT c.category, r.origin, sum(c.a) AS a, sum(c.m_abs) AS m, sum(c.f_abs) AS f,
              sum(CASE WHEN c.has_bench THEN c.a END) AS a_b, sum(CASE WHEN c.has_bench THEN c.nv_abs END) AS nv, sum(CASE WHEN c.has_bench THEN c.m_abs END) AS m_b,
              sum(CASE WHEN c.has_bench AND c.bench_once = 2 THEN c.a END) AS a_p, sum(CASE WHEN c.has_bench AND c.bench_once = 2 THEN c.nv_abs END) AS nv_p,
              sum(c.n_bounded) AS bounded, sum(c.n_inside) AS inside, max(r.interval_level) AS level
         FROM accuracy_cells c JOIN forecast_runs r ON r.run_id = c.run_id
        WHERE c.category IS NOT NULL
        GROUP BY c.category, r.origin ORDER BY c.category, r.origin`,
    )
    .all() as Omit<CycleRow, 'om' | 'of'>[];
  // What the overrides of each cycle did: the model's and the final plan's error on the overridden lines.
  const overrides = new Map(
    (
      db
        .prepare(
          `SELECT c.category, r.origin, sum(c.m_abs) AS om, sum(c.f_abs) AS "of"
             FROM accuracy_override_cells c JOIN forecast_runs r ON r.run_id = c.run_id
            WHERE c.category IS NOT NULL GROUP BY c.category, r.origin`,
        )
        .all() as { category: string; origin: number; om: number; of: number }[]
    ).map((o) => [`${o.category}|${o.origin}`, o]),
  );
  const cycles: CycleRow[] = rows.map((r) => {
    const o = overrides.get(`${r.category}|${r.origin}`);
    return { ...r, om: o?.om ?? null, of: o?.of ?? null };
  });
  const byCategory = new Map<string, CycleRow[]>();
  for (const r of cycles) byCategory.set(r.category, [...(byCategory.get(r.category) ?? []), r]);

  const segments: TrustSegment[] = [];
  for (const [category, all] of byCategory) {
    const w = all.slice(-windowCycles);
    const overridden = w.filter((r) => r.om !== null && r.of !== null && r.om !== r.of);
    const a = sum(w, (r) => r.a);
    const aB = sum(w, (r) => r.a_b);
    const model = pct(sum(w, (r) => r.m), a);
    const final = pct(sum(w, (r) => r.f), a);
    const naive = pct(sum(w, (r) => r.nv_p), sum(w, (r) => r.a_p));
    // Like for like: the model's lines with benchmarks against the naive of each line's point.
    const naiveB = pct(sum(w, (r) => r.nv), aB);
    const modelB = pct(sum(w, (r) => r.m_b), aB);
    const bounded = sum(w, (r) => r.bounded);
    const s = {
      segmentType: 'category' as const,
      segment: category,
      cycles: w.length,
      naive,
      model,
      final,
      modelVsNaive: naiveB !== null && modelB !== null ? naiveB - modelB : null,
      finalVsModel: model !== null && final !== null ? model - final : null,
      overridesLost: overridden.filter((r) => r.of! > r.om!).length,
      overridesAdded: overridden.filter((r) => r.of! < r.om!).length,
      cyclesWithOverrides: overridden.length,
      coverage: bounded > 0 ? (sum(w, (r) => r.inside) / bounded) * 100 : null,
      intervalLevel: w.reduce<number | null>((lv, r) => r.level ?? lv, null),
      drift: driftStatus(db, { type: 'category', value: category }),
    };
    segments.push({ ...s, ...verdictOf(s) });
  }
  return { windowCycles, segments };
}
