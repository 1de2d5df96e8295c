// "Suggest" (issue 16 item 2): fit the levers per segment on older cycles only,
// and report their effect on the newest cycles the fit never saw.
// - Cycles are the distinct origin buckets of the runs; the newest N are held out.
// - The fit sees lines of earlier runs whose actual was known when the first
//   held-out cycle was planned (period at or before its origin's bucket): what a
//   manager could have fitted on that day, no look-ahead.
// - Per segment, a grid search (SUGGEST_GRID: minimum change × upward damping ×
//   downward damping) picks the levers with the best metric over the segment's
//   training lines; ties keep the lever closest to today (the grid's order,
//   today's levers first). Fewer than SUGGEST_MIN_OVERRIDES overrides in the
//   training lines: "too few to tell", no levers.
import type { AccuracyFilter, Metric } from '../../../shared/accuracy';
import { periodFromKey } from '../../../shared/period';
import { SUGGEST_GRID, SUGGEST_MIN_OVERRIDES, type PlanComparison, type PolicyLevers, type PolicyRule, type PolicySegment, type PolicySuggestion, type SegmentSuggestion } from '../../../shared/policy-lab';
import { CI_METHOD, bootstrapWeights } from '../accuracy/bootstrap';
import { metricValue } from '../accuracy/metrics';
import type { ReadableDb } from '../db/handles';
import { WorkbenchError } from '../errors';
import { Comparison, LINE_TERMS } from './comparison';
import { appliedPlan, replayPolicy } from './levers';
import { readLineFacts, type LineFacts } from './line-facts';

export interface SuggestRequest {
  by: PolicySegment['by'];
  /** One segment only; every value of `by` when left out. */
  value?: string | undefined;
  holdoutCycles: number;
  metric: Metric;
  filter: AccuracyFilter;
  seed?: number | undefined;
}

/** Today's levers: every override applied as it was. */
const TODAY: Required<Pick<PolicyLevers, 'minChangePct' | 'dampUp' | 'dampDown'>> = { minChangePct: 0, dampUp: 1, dampDown: 1 };

function gridLevers(): (typeof TODAY)[] {
  const out = [TODAY];
  for (const minChangePct of SUGGEST_GRID.minChangePct)
    for (const dampUp of SUGGEST_GRID.dampUp) for (const dampDown of SUGGEST_GRID.dampDown) out.push({ minChangePct, dampUp, dampDown });
  return out;
}

const score = (metric: Metric, v: number | null) => (v === null ? Infinity : metric === 'bias' ? Math.abs(v) : v);

/** The grid's best levers on the lines `lines` (training lines of one segment), with the metric before and after. */
function fitLevers(facts: LineFacts, lines: number[], metric: Metric) {
  const terms = LINE_TERMS[metric];
  let den = 0;
  let fixed = 0;
  let today = 0;
  const overridden: number[] = [];
  for (const i of lines) {
    const act = facts.actual[i]!;
    const sc = facts.scale[i]!;
    if (!terms.scored(act, sc)) continue;
    den += terms.den(act, sc);
    const f = facts.final[i]!;
    today += terms.num(f, act, sc);
    if (facts.asked[i] === facts.model[i]!) fixed += terms.num(f, act, sc);
    else overridden.push(i);
  }
  const before = metricValue(metric, today, den);
  let best = { levers: TODAY as PolicyLevers, value: before };
  for (const levers of gridLevers()) {
    let num = fixed;
    for (const i of overridden) num += terms.num(appliedPlan(levers, facts.model[i]!, facts.asked[i]!), facts.actual[i]!, facts.scale[i]!);
    const value = metricValue(metric, num, den);
    // Only a real improvement moves away from what came first (today's levers, then small changes).
    if (score(metric, value) < score(metric, best.value) - 1e-9 * Math.abs(score(metric, best.value))) best = { levers, value };
  }
  return { levers: best.levers, before, after: best.value };
}

function compare(facts: LineFacts, lines: number[], plan: (i: number) => number, metric: Metric, weights: Uint8Array[]): PlanComparison {
  const c = new Comparison(LINE_TERMS[metric]);
  for (const i of lines) c.add(facts.group[i]!, facts.final[i]!, plan(i), facts.actual[i]!, facts.scale[i]!);
  return c.result(metric, weights);
}

const leversText = (l: PolicyLevers) => `minimum change ${l.minChangePct ?? 0} %, upward overrides × ${l.dampUp ?? 1}, downward × ${l.dampDown ?? 1}`;

export function suggestPolicy(db: ReadableDb, req: SuggestRequest): PolicySuggestion {
  const { metric, by } = req;
  const weights = bootstrapWeights(req.seed);
  const facts = readLineFacts(db, req.filter, metric, by === 'all' ? [] : [by]);
  const origins = [...new Set(facts.originBucket)].sort((a, b) => a - b);
  if (origins.length <= req.holdoutCycles) {
    throw new WorkbenchError(
      'INVALID_REQUEST',
      `The lines with a known actual come from ${origins.length} cycle${origins.length === 1 ? '' : 's'}: hold out fewer cycles than that, so that older ones are left to fit on.`,
    );
  }
  const held = origins.slice(-req.holdoutCycles);
  const first = held[0]!;
  const dim = by === 'all' ? null : facts.dims.get(by)!;
  const values = dim === null ? ['*'] : req.value !== undefined ? [req.value] : [...dim.values].sort();
  if (dim !== null && req.value !== undefined && !dim.values.includes(req.value)) {
    throw new WorkbenchError('INVALID_REQUEST', `No line with a known actual is in ${by.replace(/^attr:/, '')} “${req.value}”. Values: ${[...dim.values].sort().slice(0, 30).join(', ')}.`);
  }
  const training = new Map<string, number[]>(values.map((v) => [v, []]));
  const holdout = new Map<string, number[]>(values.map((v) => [v, []]));
  const allHoldout: number[] = [];
  let trainingLines = 0;
  const valueAt = (i: number): string | undefined => (dim === null ? '*' : dim.codes[i]! < 0 ? undefined : dim.values[dim.codes[i]!]);
  for (let i = 0; i < facts.count; i++) {
    const ob = facts.originBucket[i]!;
    if (ob >= first) allHoldout.push(i);
    const v = valueAt(i);
    if (v === undefined || !training.has(v)) continue;
    if (ob < first && facts.period[i]! <= first) {
      training.get(v)!.push(i);
      trainingLines++;
    } else if (ob >= first) holdout.get(v)!.push(i);
  }

  const rules: PolicyRule[] = [];
  const segments: SegmentSuggestion[] = values.map((value) => {
    const segment: PolicySegment = { by, value };
    const label = by === 'all' ? 'All lines' : `${by.replace(/^attr:/, '')} = ${value}`;
    const train = training.get(value)!;
    const test = holdout.get(value)!;
    const overrides = (lines: number[]) => lines.reduce((n, i) => n + (facts.asked[i] !== facts.model[i] ? 1 : 0), 0);
    const trainingOverrides = overrides(train);
    const holdoutOverrides = overrides(test);
    if (trainingOverrides < SUGGEST_MIN_OVERRIDES) {
      return {
        segment,
        label,
        trainingOverrides,
        holdoutOverrides,
        verdict: 'too_few',
        levers: null,
        training: null,
        holdout: null,
        text: `Too few to tell: ${trainingOverrides} override${trainingOverrides === 1 ? '' : 's'} in the training cycles, ${SUGGEST_MIN_OVERRIDES} needed; today's plan is kept.`,
      };
    }
    const fit = fitLevers(facts, train, metric);
    rules.push({ segment, levers: fit.levers });
    const result = compare(facts, test, (i) => appliedPlan(fit.levers, facts.model[i]!, facts.asked[i]!), metric, weights);
    return {
      segment,
      label,
      trainingOverrides,
      holdoutOverrides,
      verdict: 'suggested',
      levers: fit.levers,
      training: { before: fit.before, after: fit.after },
      holdout: result,
      text: `Fitted on ${trainingOverrides} overrides of older cycles: ${leversText(fit.levers)}.`,
    };
  });

  // Every suggested rule at once, on the held-out lines.
  const policy = { rules };
  const replay = replayPolicy(facts, policy);
  const overall = compare(facts, allHoldout, (i) => replay.plan[i]!, metric, weights);
  const heldRuns = [...new Set(allHoldout.map((i) => facts.runId[i]!))].sort((a, b) => a - b);
  return {
    metric,
    by,
    holdout: { cycles: held.length, origins: held.map(periodFromKey), runIds: heldRuns },
    training: { origins: origins.filter((o) => o < first).map(periodFromKey), lines: trainingLines, knownUpTo: periodFromKey(first) },
    grid: SUGGEST_GRID,
    minOverrides: SUGGEST_MIN_OVERRIDES,
    segments,
    overall,
    policy,
    ciMethod: CI_METHOD,
  };
}
