// The policy lab's vocabulary (issue 16): a candidate policy — levers per
// segment, applied line by line to each past final plan — and the shapes of
// what the simulator and "suggest" answer. Shared by the backend, the CLI and
// (later) the Policy lab screen; nothing here computes a figure.
import * as z from 'zod';
import type { DirectionSizeTable, Interval, Metric, Stairstep } from './accuracy';

/** A segment a rule covers: every line, a category, an ABC class, or any item attribute (`attr:brand`, `attr:<imported key>`). */
export const policySegment = z
  .object({
    by: z.union([z.enum(['all', 'category', 'abc_class']), z.templateLiteral(['attr:', z.string().min(1).max(100)])]),
    /** The segment's value; ignored for 'all'. */
    value: z.string().max(200).default('*'),
  })
  .strict();
export type PolicySegment = z.output<typeof policySegment>;

const pct = z.number().min(0).max(10_000);
/** Damping: final = model + k × (override − model). 1 leaves overrides as they were, 0 drops them. */
const damping = z.number().min(0).max(2);

export const policyLevers = z
  .object({
    /** An override changing the model by less than this % is not applied (the model stands). */
    minChangePct: pct.optional(),
    dampUp: damping.optional(),
    dampDown: damping.optional(),
    /** The applied change is at most this % of the model. */
    capPct: pct.optional(),
    /** No override is applied: the model decides alone. */
    modelDecides: z.boolean().optional(),
    /** Where the segment's sales input beat the model on earlier cycles, the sales input is taken as the line's proposed value. */
    adoptSalesInput: z.boolean().optional(),
    /** Approval thresholds (otherwise the workbook's policy of the item): what would have waited for a manager. */
    approvalPct: pct.optional(),
    approvalUnits: z.number().min(0).optional(),
  })
  .strict();
export type PolicyLevers = z.output<typeof policyLevers>;

export const policyRule = z.object({ segment: policySegment, levers: policyLevers }).strict();
export type PolicyRule = z.output<typeof policyRule>;

/** Rules are tried in order; a line takes the first rule whose segment holds it. A line no rule holds keeps its final plan. */
export const candidatePolicy = z.object({ rules: z.array(policyRule).max(100) }).strict();
export type CandidatePolicy = z.output<typeof candidatePolicy>;

/** The grid "suggest" searches per segment (say which in every answer). */
export const SUGGEST_GRID = {
  minChangePct: [0, 2, 5, 10, 20],
  dampUp: [0, 0.25, 0.5, 0.75, 1],
  dampDown: [0, 0.25, 0.5, 0.75, 1],
} as const;
/** Fewer overrides than this in a segment's training cycles: "too few to tell". */
export const SUGGEST_MIN_OVERRIDES = 30;
/** Lines with a sales input and a known actual a segment needs before "the sales input has beaten the model" is judged. */
export const SALES_EVIDENCE_MIN = 30;

/** A comparison of two plans on the same lines: `before` → `after`, FVA positive when `after` is better. */
export interface PlanComparison {
  /** Lines the metric scored; `excluded` those with an actual it could not score. */
  n: number;
  excluded: number;
  before: number | null;
  after: number | null;
  fva: number | null;
  ci: Interval | null;
  improved: number;
  worsened: number;
  unchanged: number;
}

export interface SliceChangeRow extends PlanComparison {
  key: string;
  label: string;
  /** Lines whose simulated plan differs from the final plan. */
  touched: number;
}

export interface PolicyWorkload {
  /** Lines whose plan differs from the model: the overrides somebody had to make. */
  decisions: number;
  /** Of those, the ones over the approval thresholds: they would have waited for a manager. */
  approvals: number;
  /** Lines whose plan differs from today's final plan (0 for today's). */
  linesTouched: number;
  /** Lines whose proposed value was the sales input (adoptSalesInput). */
  salesInputsAdopted: number;
}

export interface FlippedLine {
  lineId: number;
  runId: number;
  itemId: string;
  period: string;
  model: number;
  final: number;
  simulated: number;
  actual: number;
  /** 'to_worse': today's plan beat the model, the simulated one does not; 'to_better' the other way. */
  flip: 'to_worse' | 'to_better';
}

export interface PolicySimulation {
  metric: Metric;
  policy: CandidatePolicy;
  /** Lines with a known actual the simulation replayed. */
  lines: number;
  /** Today's stairstep and the same with the simulated plan as its final step (against the model). */
  stairstep: { baseline: Stairstep; simulated: Stairstep };
  /** The simulated plan against today's final plan over every line: the FVA of the change. */
  change: PlanComparison;
  /**
   * The lines whose plan the policy changes (the workload's `linesTouched`) and how their error moved:
   * `improved` and `worsened` are the change's, `neither` the rest (same error, or not scored by the metric).
   */
  changedLines: { changed: number; improved: number; worsened: number; neither: number };
  /**
   * Lines with a known actual but no naive or seasonal naive: counted in `lines` and the change, left out of
   * the stairstep (whose every step is over the same lines), so its final plan is over `lines − withoutBenchmarks`.
   */
  withoutBenchmarks: number;
  /** Direction × size of the overrides in force, against the model: today's and the simulated plan's. */
  directionSize: { baseline: DirectionSizeTable; simulated: DirectionSizeTable };
  /** The FVA of the change per direction × size of today's override. */
  changeByDirectionSize: SliceChangeRow[];
  /** The FVA of the change per rule (and the lines no rule holds). */
  changeByRule: SliceChangeRow[];
  /** The FVA of the change on the lines off the model today, per planner who overrode and per reason. */
  changeByPlanner: SliceChangeRow[];
  changeByReason: SliceChangeRow[];
  workload: { baseline: PolicyWorkload; simulated: PolicyWorkload };
  flips: { toWorse: number; toBetter: number; lines: FlippedLine[] };
  ciMethod: string;
}

export interface SegmentSuggestion {
  segment: PolicySegment;
  label: string;
  trainingOverrides: number;
  holdoutOverrides: number;
  verdict: 'suggested' | 'too_few';
  /** The fitted levers; null when too few to tell. */
  levers: PolicyLevers | null;
  /** The metric on the training lines: today's plan and under the fitted levers. */
  training: { before: number | null; after: number | null } | null;
  /** On the held-out cycles: today's plan against the fitted levers. */
  holdout: PlanComparison | null;
  text: string;
}

export interface PolicySuggestion {
  metric: Metric;
  by: PolicySegment['by'];
  /** The cycles held out (the newest, never seen by the fit): their runs and origins. */
  holdout: { cycles: number; origins: string[]; runIds: number[] };
  /** The fit saw lines of earlier runs whose actual was known when the first held-out cycle was planned. */
  training: { origins: string[]; lines: number; knownUpTo: string | null };
  grid: typeof SUGGEST_GRID;
  minOverrides: number;
  segments: SegmentSuggestion[];
  /** Every suggested rule at once, on the held-out cycles. */
  overall: PlanComparison;
  policy: CandidatePolicy;
  ciMethod: string;
}

/** A version of the override policy adopted from the lab, with the figures the lab showed for it. */
export interface AdoptedPolicy {
  version: number;
  policy: CandidatePolicy;
  metric: Metric;
  figures: {
    lines: number;
    change: PlanComparison;
    finalToday: number | null;
    finalSimulated: number | null;
    workload: { baseline: PolicyWorkload; simulated: PolicyWorkload };
    flips: { toWorse: number; toBetter: number };
    ciMethod: string;
  };
  /** The newest run when it was adopted: the rules apply to runs imported after it (null: to every run). */
  afterRunId: number | null;
  note: string | null;
  adoptedBy: string;
  adoptedAt: string;
}

/**
 * What an adopted policy does to an override a planner is about to make (issue 16,
 * item 3: the planner's side), answered by the backend before the save and applied
 * by the same rule at the save. `applies` is null where no adopted version governs
 * the line (none adopted, a run at or before the version's after-run, or no rule
 * holds the item): the override then applies as asked.
 */
export interface OverridePolicyPreview {
  applies: {
    version: number;
    adoptedBy: string;
    adoptedByName: string | null;
    adoptedAt: string;
    afterRunId: number | null;
    /** The first run the version governs (the one after afterRunId), when it exists. */
    sinceRunId: number | null;
    rule: PolicyRule;
    asked: number;
    /** What the plan would take: the model where the override is below the minimum change or the model decides. */
    applied: number;
    /** Signed % of the model (null for a model of 0). */
    askedPct: number | null;
    appliedPct: number | null;
    /** The model decides alone: the override is refused at save. */
    refused: boolean;
    /** The applied value differs from the asked one. */
    changed: boolean;
    /** Why the applied override would wait for a manager (the rule's thresholds where it sets them), or null. */
    approval: string | null;
    /** The sentence the editor shows. */
    text: string;
  } | null;
}
