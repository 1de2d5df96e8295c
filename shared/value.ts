// The value of planning in business terms (issue 16 item 4): per run (in origin
// order, which is "over time"), per planner, and over the whole workbook.
// The definitions are stated here once; the backend computes them (electron/backend/value/).

export const VALUE_GROUPINGS = ['run', 'planner'] as const;
export type ValueGrouping = (typeof VALUE_GROUPINGS)[number];

/** Share of a run's lines, by exception score, counted as its top exceptions. */
export const TOP_EXCEPTION_SHARE = 0.1;
/** A gap between a planner's consecutive decisions counts at most this long (a break is not work). */
export const DECISION_GAP_CAP_MINUTES = 15;
/** Buckets of the exception score (0–100) that make exceptions "similar" for decision consistency. */
export const SCORE_BUCKETS = [25, 50, 75] as const;

export const VALUE_DEFINITIONS = {
  cycleTime: 'hours from the run’s first import to its first release; a run not released is open, with the hours so far; over all runs, the median of the released runs’ (open: some run is not released yet)',
  touchRate: 'lines whose standing decision is an override (not undone, whatever the approval) ÷ lines (per planner: ÷ the lines whose standing decision is theirs)',
  exceptionHitRate: `the top exceptions are the run’s highest-scoring ${TOP_EXCEPTION_SHARE * 100} % of lines (rounded up, score above 0); hit rate = those overridden ÷ those (per planner: on the items they own); helped = overridden top exceptions with a known actual whose override is nearer the actual than the model ÷ those with a known actual`,
  consistency:
    'signed override % = (override − model) ÷ model × 100; similar exceptions share the item’s category, the line’s top exception signal and its score bucket (0–25, 25–50, 50–75, 75–100); spread = interquartile range (linear interpolation) of the signed override % in each group overridden by at least two planners, averaged over those groups weighted by their overrides (per planner: the median distance of their overrides from their group’s median)',
  valuePerHour: `error units avoided = |model − actual| − |override − actual| over overrides with a known actual (WAPE points × actual volume ÷ 100); hours = the gaps between a planner’s consecutive decisions (accepts, overrides, undos; automatic finals not counted), each capped at ${DECISION_GAP_CAP_MINUTES} min and counted with the later decision’s run; per hour = units avoided ÷ hours`,
  escalation: 'overrides that waited for approval when made ÷ overrides made (undone ones included); rejected = of those, the ones whose latest verdict is a rejection',
} as const;

export interface ValueMeasures {
  /** The cycle of a run; null per planner. */
  cycle: { startedAt: string | null; releasedAt: string | null; hours: number | null; open: boolean } | null;
  touch: { lines: number; overridden: number; rate: number | null };
  exceptions: { top: number; acted: number; hitRate: number | null; known: number; helped: number; helpRate: number | null };
  consistency: { groups: number; overrides: number; iqrPct: number | null; medianDistancePct: number | null };
  valuePerHour: { decisions: number; hours: number; known: number; unitsAvoided: number; perHour: number | null };
  escalation: { overrides: number; needingApproval: number; rejected: number; rate: number | null; rejectedRate: number | null };
}

export interface ValueRow extends ValueMeasures {
  key: string;
  label: string;
  runId: number | null;
  /** The run's origin (ISO date); null per planner. */
  origin: string | null;
  userId: string | null;
}

export interface ValueReport {
  by: ValueGrouping;
  generatedAt: string;
  definitions: typeof VALUE_DEFINITIONS;
  overall: ValueMeasures;
  rows: ValueRow[];
}
