// The value measures from the facts (facts.ts), for any set of runs or one
// planner; the definitions are shared/value.ts's VALUE_DEFINITIONS.
import type { ExceptionReason } from '../../../shared/domain';
import { DECISION_GAP_CAP_MINUTES, SCORE_BUCKETS, type ValueMeasures } from '../../../shared/value';
import type { DecisionFact, LineFact, RunFact } from './facts';
import { interquartileRange, median, ratio } from './stats';

const GAP_CAP_MS = DECISION_GAP_CAP_MINUTES * 60_000;
const HOUR_MS = 3_600_000;

/** A decision with the working time before it: the gap since the same planner's previous decision, capped. */
export interface TimedDecision extends DecisionFact {
  gapMs: number;
}

export function timeDecisions(decisions: readonly DecisionFact[]): TimedDecision[] {
  // decisionFacts orders by planner, then time.
  return decisions.map((d, i) => {
    const prev = decisions[i - 1];
    const gap = prev && prev.decided_by === d.decided_by ? Date.parse(d.decided_at) - Date.parse(prev.decided_at) : 0;
    return { ...d, gapMs: Math.min(Math.max(gap, 0), GAP_CAP_MS) };
  });
}

/** The line's signal contributing most to its exception score, or "none". */
function topSignal(reasons: readonly ExceptionReason[]): string {
  let best: ExceptionReason | null = null;
  for (const r of reasons) if (!best || r.contribution > best.contribution) best = r;
  return best?.kind ?? 'none';
}

const scoreBucket = (score: number | null) => SCORE_BUCKETS.filter((b) => (score ?? 0) >= b).length;

export interface OverrideFact {
  line: LineFact;
  planner: string;
  pct: number;
  group: string;
}

/** The overrides that can be compared: a standing override by a person on a line with a model above 0. */
export function overrideFacts(lines: readonly LineFact[]): OverrideFact[] {
  return lines
    .filter((l) => l.action === 'override' && l.override !== null && l.decided_by !== null && l.model > 0)
    .map((l) => ({ line: l, planner: l.decided_by!, pct: ((l.override! - l.model) / l.model) * 100, group: `${l.category ?? ''}\u0000${topSignal(l.reasons)}\u0000${scoreBucket(l.score)}` }));
}

/** Groups of similar exceptions overridden by at least two planners: their overrides' signed %. */
export function comparableGroups(overrides: readonly OverrideFact[]): Map<string, OverrideFact[]> {
  const groups = new Map<string, OverrideFact[]>();
  for (const o of overrides) {
    const g = groups.get(o.group);
    if (g) g.push(o);
    else groups.set(o.group, [o]);
  }
  for (const [k, g] of groups) if (new Set(g.map((o) => o.planner)).size < 2) groups.delete(k);
  return groups;
}

export interface Scope {
  runs: readonly RunFact[] | null;
  lines: readonly LineFact[];
  /** Lines whose top-exception status counts (all lines, or the planner's items). */
  topLines: readonly LineFact[];
  decisions: readonly TimedDecision[];
  /** The comparable groups of this scope's overrides, and (per planner) the groups of everyone's. */
  groups: Map<string, OverrideFact[]>;
  planner: string | null;
  allGroups: Map<string, OverrideFact[]>;
  linesTotal: number;
  now: Date;
}

const isOverridden = (l: LineFact) => l.action === 'override';
const helped = (l: LineFact) => Math.abs(l.override! - l.actual!) < Math.abs(l.model - l.actual!);

export function measuresOf(s: Scope): ValueMeasures {
  const overridden = s.lines.filter(isOverridden);
  const tops = s.topLines.filter((l) => l.is_top === 1);
  const topActed = tops.filter(isOverridden);
  const topKnown = topActed.filter((l) => l.actual !== null);
  const known = overridden.filter((l) => l.actual !== null && (s.planner === null || l.decided_by === s.planner));
  const unitsAvoided = known.reduce((sum, l) => sum + Math.abs(l.model - l.actual!) - Math.abs(l.override! - l.actual!), 0);
  const hours = s.decisions.reduce((sum, d) => sum + d.gapMs, 0) / HOUR_MS;
  const overridesMade = s.decisions.filter((d) => d.action === 'override');
  const waited = overridesMade.filter((d) => d.waited === 1);
  return {
    cycle: cycleOf(s.runs, s.now),
    touch: { lines: s.linesTotal, overridden: overridden.length, rate: ratio(overridden.length, s.linesTotal) },
    exceptions: {
      top: tops.length,
      acted: topActed.length,
      hitRate: ratio(topActed.length, tops.length),
      known: topKnown.length,
      helped: topKnown.filter(helped).length,
      helpRate: ratio(topKnown.filter(helped).length, topKnown.length),
    },
    consistency: consistencyOf(s),
    valuePerHour: { decisions: s.decisions.length, hours, known: known.length, unitsAvoided, perHour: hours > 0 ? unitsAvoided / hours : null },
    escalation: {
      overrides: overridesMade.length,
      needingApproval: waited.length,
      rejected: waited.filter((d) => d.rejected === 1).length,
      rate: ratio(waited.length, overridesMade.length),
      rejectedRate: ratio(waited.filter((d) => d.rejected === 1).length, waited.length),
    },
  };
}

/** One run's cycle; over several runs, the median of the released runs' hours (open when none is released). */
function cycleOf(runs: readonly RunFact[] | null, now: Date): ValueMeasures['cycle'] {
  if (runs === null) return null;
  if (runs.length === 1) {
    const r = runs[0]!;
    const end = r.released_at ?? now.toISOString();
    return { startedAt: r.started_at, releasedAt: r.released_at, hours: r.started_at ? (Date.parse(end) - Date.parse(r.started_at)) / HOUR_MS : null, open: r.released_at === null };
  }
  const released = runs.filter((r) => r.released_at !== null && r.started_at !== null);
  const hours = median(released.map((r) => (Date.parse(r.released_at!) - Date.parse(r.started_at!)) / HOUR_MS));
  return { startedAt: null, releasedAt: null, hours, open: released.length < runs.length };
}

function consistencyOf(s: Scope): ValueMeasures['consistency'] {
  if (s.planner !== null) {
    const mine = [...s.allGroups.values()].flatMap((g) => {
      const m = median(g.map((o) => o.pct))!;
      return g.filter((o) => o.planner === s.planner).map((o) => Math.abs(o.pct - m));
    });
    return { groups: [...s.allGroups.values()].filter((g) => g.some((o) => o.planner === s.planner)).length, overrides: mine.length, iqrPct: null, medianDistancePct: median(mine) };
  }
  const groups = [...s.groups.values()];
  const n = groups.reduce((sum, g) => sum + g.length, 0);
  const weighted = groups.reduce((sum, g) => sum + interquartileRange(g.map((o) => o.pct))! * g.length, 0);
  return { groups: groups.length, overrides: n, iqrPct: n > 0 ? weighted / n : null, medianDistancePct: null };
}
