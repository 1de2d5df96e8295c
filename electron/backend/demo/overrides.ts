// Past decisions: how the planners reviewed each of the past runs. Outcomes are
// not scripted; they follow from what planners know and how they behave, which
// is what Fildes, Goodwin, Lawrence & Nikolopoulos (2009) found:
// - they hear of shocks in advance (lost listings, supply cuts, price rises,
//   promotions) and see one-off spikes in the history the model swallowed, so
//   large downward overrides with a concrete reason anticipate real changes;
// - they are optimistic: upward overrides overshoot real promotions, and some
//   are for promotions or deals that never happen;
// - small tweaks carry no information (and lean slightly upward), so they add
//   nothing or hurt.
import { businessDaysAfter, closeOf, HOUR_MS, MINUTE_MS } from './calendar';
import { MANAGER_ID } from './catalogue-data';
import { approvalNote, overrideComment } from './comments';
import type { ItemDemand } from './demand';
import { levelWeights, type ModelLine, type ModelRun } from './forecasts';
import { needsApproval, needsComment, policyFor, type DemoPolicy } from './policies';
import { Rng } from './random';
import type { SalesInputBook, SalesInputEntry } from './sales-inputs';

export type DecisionSource = 'model' | 'override' | 'sales_input';

export interface PlannedApproval {
  verdict: 'approved' | 'rejected';
  note: string;
  decidedBy: string;
  decidedAt: number;
  approvalId: number;
}

export interface PlannedDecision {
  line: ModelLine;
  action: 'accept' | 'override';
  quantity: number;
  source: DecisionSource;
  reasonCode: string | null;
  comment: string | null;
  decidedBy: string;
  decidedAt: number;
  status: 'final' | 'pending_approval';
  approval: PlannedApproval | null;
  /** Set when written. */
  decisionId: number;
}

/** What a planner knows, at a run's origin, about a period the model cannot see. */
interface Insight {
  /** Log of the ratio (what the planner expects) / (what the model says), before judgement. */
  logRatio: number;
  reason: string;
  account: string | null;
  /** The month the reason is about. */
  month: number;
}

/**
 * Past shocks the model has smoothed into its level map to the reason a planner
 * gives for correcting it: promotion volume or a one-off in the baseline is
 * history that misleads ('data_error'); a contract that ran out is lost business,
 * a lost listing that came back is new business.
 */
const HISTORY_REASON: Record<string, string> = {
  promotion: 'data_error',
  event_seasonality: 'data_error',
  anomaly: 'data_error',
  new_customer: 'lost_business',
  lost_business: 'new_customer',
  supply_constraint: 'supply_constraint',
  price_change: 'price_change',
};

function plannerInsight(d: ItemDemand, origin: number, period: number): Insight | null {
  const parts = new Map<string, { value: number; account: string | null; month: number }>();
  const add = (reason: string, value: number, account: string | null, month: number): void => {
    const p = parts.get(reason);
    if (p) p.value += value;
    else parts.set(reason, { value, account, month });
  };
  for (const e of d.events) {
    if (period < e.start || period > e.end) continue;
    const believed = e.phantom ? origin >= e.start - e.knownLead && origin <= e.start - 2 : origin >= e.start - e.knownLead;
    if (believed) add(e.type, Math.log(e.mult), e.account, e.start);
  }
  for (const { month, weight } of levelWeights(d, origin)) {
    for (const e of d.events) {
      if (e.phantom || month < e.start || month > e.end) continue;
      add(HISTORY_REASON[e.type]!, -weight * Math.log(e.mult), e.account, month);
    }
  }
  let total = 0;
  for (const p of parts.values()) total += p.value;
  if (Math.abs(total) < Math.log(1.1)) return null;
  let best: Insight | null = null;
  for (const [reason, p] of parts) {
    if (Math.sign(p.value) !== Math.sign(total)) continue;
    if (!best || Math.abs(p.value) > Math.abs(best.logRatio)) best = { logRatio: p.value, reason, account: p.account, month: p.month };
  }
  return best && { ...best, logRatio: total };
}

/** Planners type round numbers. */
export function plannerRound(q: number): number {
  if (!(q > 0)) return 0;
  if (q >= 1000) return Math.round(q / 10) * 10;
  if (q >= 100) return Math.round(q / 5) * 5;
  if (q >= 10) return Math.round(q);
  return Math.round(q * 10) / 10;
}

const SMALL_REASONS = [['sales_intelligence', 35], ['event_seasonality', 20], ['promotion', 12], ['other', 18], ['new_customer', 5], ['price_change', 5], ['supply_constraint', 5]] as const;
const GUT_UP_REASONS = [['sales_intelligence', 35], ['promotion', 20], ['new_customer', 15], ['event_seasonality', 15], ['other', 15]] as const;
const GUT_DOWN_REASONS = [['sales_intelligence', 40], ['event_seasonality', 25], ['other', 35]] as const;

interface Draft {
  quantity: number;
  source: DecisionSource;
  reason: string;
  account: string | null;
  month: number;
  salesInput: SalesInputEntry | null;
}

function draftOverride(line: ModelLine, sales: SalesInputEntry | null, rng: Rng): Draft | null {
  const d = line.demand;
  const model = line.quantity;
  const intermittent = d.item.kind === 'intermittent';
  const insight = intermittent ? null : plannerInsight(d, line.origin, line.period);
  const salesGap = sales && model > 0 ? sales.quantity / model - 1 : 0;
  if (insight && rng.chance(line.lag <= 3 ? 0.85 : 0.72)) {
    if (sales && Math.sign(salesGap) === Math.sign(insight.logRatio) && Math.abs(salesGap) > 0.1 && rng.chance(0.25)) {
      return { quantity: sales.quantity, source: 'sales_input', reason: insight.reason, account: insight.account, month: insight.month, salesInput: sales };
    }
    const perceived = insight.logRatio + rng.normal(0, 0.1);
    const logChange = perceived < 0 ? perceived * rng.uniform(0.75, 1.0) : perceived * rng.uniform(0.95, 1.2) + rng.normal(0.15, 0.1);
    // Nobody overrides for a shock that moves the number by less than 10 %.
    if (Math.abs(logChange) >= Math.log(1.1)) {
      return { quantity: model * Math.exp(logChange), source: 'override', reason: insight.reason, account: insight.account, month: insight.month, salesInput: null };
    }
  }
  if (sales && Math.abs(salesGap) > 0.12 && rng.chance(0.3)) {
    return { quantity: sales.quantity, source: 'sales_input', reason: 'sales_intelligence', account: null, month: line.period, salesInput: sales };
  }
  if (model >= 2 && rng.chance(intermittent ? 0.02 : 0.045)) {
    const up = rng.chance(0.65);
    const change = up ? rng.uniform(0.12, 0.45) : -rng.uniform(0.12, 0.3);
    return { quantity: model * (1 + change), source: 'override', reason: rng.weighted(up ? GUT_UP_REASONS : GUT_DOWN_REASONS), account: null, month: line.period, salesInput: null };
  }
  if (model >= 2 && rng.chance(intermittent ? 0.05 : 0.2)) {
    // A tweak for its own sake: no information, a slight upward lean.
    let change = Math.max(-0.095, Math.min(0.095, rng.normal(0.04, 0.045)));
    if (Math.abs(change) < 0.02) change = (change < 0 ? -1 : 1) * rng.uniform(0.02, 0.05);
    const quantity = plannerRound(model * Math.exp(change));
    if (Math.abs(quantity / model - 1) >= 0.1) return null;
    return { quantity, source: 'override', reason: rng.weighted(SMALL_REASONS), account: null, month: line.period, salesInput: null };
  }
  return null;
}

function decisionTime(origin: number, rng: Rng): number {
  return businessDaysAfter(closeOf(origin), rng.int(1, 5)) + rng.int(8, 17) * HOUR_MS + rng.int(0, 59) * MINUTE_MS + rng.int(0, 59) * 1000;
}

function finishOverride(line: ModelLine, draft: Draft, policy: DemoPolicy, decidedAt: number, rng: Rng): PlannedDecision | null {
  const model = line.quantity;
  const quantity = draft.source === 'sales_input' ? draft.quantity : plannerRound(draft.quantity);
  if (quantity === model) return null;
  const change = model > 0 ? quantity / model - 1 : 1;
  const mustComment = draft.reason === 'other' || draft.reason === 'data_error' || needsComment(policy, model, quantity);
  let comment: string | null = null;
  if (draft.salesInput && (mustComment || rng.chance(0.5))) {
    comment = draft.salesInput.note ?? `Adopted ${draft.salesInput.source}`;
  } else if (mustComment || rng.chance(0.2)) {
    comment = overrideComment(draft.reason, { account: draft.account, month: draft.month, change, salesSource: line.demand.item.salesSource }, rng);
  }
  const pending = needsApproval(policy, model, quantity);
  let approval: PlannedApproval | null = null;
  if (pending) {
    const approved = !rng.chance(change > 0 ? 0.22 : 0.08);
    approval = {
      verdict: approved ? 'approved' : 'rejected',
      note: approvalNote(approved, change, rng),
      decidedBy: MANAGER_ID,
      decidedAt: businessDaysAfter(decidedAt, rng.int(1, 2)) + rng.int(9, 16) * HOUR_MS + rng.int(0, 59) * MINUTE_MS,
      approvalId: 0,
    };
  }
  return {
    line,
    action: 'override',
    quantity,
    source: draft.source,
    reasonCode: draft.reason,
    comment,
    decidedBy: line.demand.item.ownerId,
    decidedAt,
    status: pending ? 'pending_approval' : 'final',
    approval,
    decisionId: 0,
  };
}

/** The decisions journal of one past run, in the order the decisions were made. */
export function planDecisions(run: ModelRun, sales: SalesInputBook, allPolicy: DemoPolicy, seed: number): PlannedDecision[] {
  const out: PlannedDecision[] = [];
  for (const line of run.lines) {
    const d = line.demand;
    const policy = policyFor(d.item, allPolicy);
    if (line.lag <= policy.freezeLags) continue;
    const rng = Rng.for(seed, 'decide', d.item.index, run.origin, line.period);
    const decidedAt = decisionTime(run.origin, rng);
    const salesInput = sales.currentAt(d.item.index, line.period, run.origin);
    const draft = draftOverride(line, salesInput, rng);
    const override = draft && finishOverride(line, draft, policy, decidedAt, rng);
    if (override) {
      out.push(override);
      if (override.status === 'final' && rng.chance(0.02)) {
        const revised: Draft = { ...draft, quantity: override.quantity * rng.uniform(0.88, 1.12), source: 'override', salesInput: null };
        const second = finishOverride(line, revised, policy, businessDaysAfter(decidedAt, 1) + rng.int(8, 17) * HOUR_MS + rng.int(0, 59) * MINUTE_MS, rng);
        if (second && second.quantity !== override.quantity) out.push(second);
      }
    } else if (rng.chance(0.88)) {
      out.push({
        line,
        action: 'accept',
        quantity: line.quantity,
        source: 'model',
        reasonCode: null,
        comment: null,
        decidedBy: d.item.ownerId,
        decidedAt,
        status: 'final',
        approval: null,
        decisionId: 0,
      });
    }
  }
  return out.sort((a, b) => a.decidedAt - b.decidedAt || a.line.demand.item.index - b.line.demand.item.index || a.line.period - b.line.period);
}
