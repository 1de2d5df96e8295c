// The rules of deciding a line, written once. The backend enforces them at save
// (electron/backend/decisions/); the worklist rows carry each line's policy and
// lock, and the Review screen asks these same functions what to offer, what to
// mark required and what to warn about before anything is saved.

import { formatNumber, formatPercent } from './format';

/** The thresholds of the policy governing a line's segment (its category, else ABC class, else all items). */
export interface LinePolicy {
  segmentType: 'all' | 'category' | 'abc_class';
  segmentValue: string;
  freezeLags: number;
  approvalPct: number | null;
  approvalUnits: number | null;
  commentPct: number | null;
}

/** Why no decision may change a line: its actual is known (closed), or it is inside the freeze window (frozen). */
export interface LineLock {
  kind: 'closed' | 'frozen';
  /** The sentence the backend refuses with, word for word. */
  message: string;
}

/** A reason code as the comment rule needs it. */
export interface ReasonRule {
  label: string;
  commentRequired: boolean;
}

/** "all items", "category Beverages", "ABC class C". */
export function segmentLabel(p: Pick<LinePolicy, 'segmentType' | 'segmentValue'>): string {
  if (p.segmentType === 'all') return 'all items';
  return `${p.segmentType === 'category' ? 'category' : 'ABC class'} ${p.segmentValue}`;
}

/** Percentages in messages: "12.5 %"; a change from a model 0 has no percentage. */
export function formatPct(pct: number): string {
  return Number.isFinite(pct) ? formatPercent(pct, 1, { trimZeros: true }) : 'an unbounded change (the model said 0)';
}

const units = (n: number) => formatNumber(n, 2, { trimZeros: true });

/**
 * Whether a decision may change the line. Closed comes first: once the actual
 * is known, a decision would be made with hindsight and flatter the planners'
 * value added, which is what the workbench exists to measure honestly.
 */
export function lineLock(line: { lag: number; period: string; actual: number | null }, policy: Pick<LinePolicy, 'freezeLags' | 'segmentType' | 'segmentValue'>): LineLock | null {
  if (line.actual !== null) {
    return { kind: 'closed', message: `Line is closed: the actual of ${line.period} (${line.actual}) is already known, so a decision now would be made with hindsight.` };
  }
  if (line.lag <= policy.freezeLags) {
    return { kind: 'frozen', message: `Line is frozen: lag ${line.lag} is inside the freeze window of ${policy.freezeLags} (policy for ${segmentLabel(policy)}).` };
  }
  return null;
}

/** |change| as a percentage of the model quantity; Infinity for any change from a model 0. */
export function changePct(model: number, quantity: number): number {
  const change = Math.abs(quantity - model);
  if (model > 0) return (change / model) * 100;
  return change > 0 ? Infinity : 0;
}

/**
 * Why an override from `model` to `quantity` waits for a manager, or null when it
 * takes effect at once: "above 25 %", "more than 1,000 units", or both.
 */
export function approvalThresholdsPassed(policy: Pick<LinePolicy, 'approvalPct' | 'approvalUnits'>, model: number, quantity: number): string | null {
  const passed: string[] = [];
  if (policy.approvalPct !== null && changePct(model, quantity) > policy.approvalPct) passed.push(`above ${units(policy.approvalPct)} %`);
  if (policy.approvalUnits !== null && Math.abs(quantity - model) > policy.approvalUnits) passed.push(`more than ${units(policy.approvalUnits)} units`);
  return passed.length ? passed.join(' and ') : null;
}

export function needsApproval(policy: Pick<LinePolicy, 'approvalPct' | 'approvalUnits'>, model: number, quantity: number): boolean {
  return approvalThresholdsPassed(policy, model, quantity) !== null;
}

/**
 * Why an override needs a comment, as the sentence the backend refuses a
 * comment-less save with; null when none is needed.
 */
export function commentRequirement(policy: Pick<LinePolicy, 'commentPct'>, model: number, quantity: number, reason: ReasonRule | null): string | null {
  if (reason?.commentRequired) return `A comment is required: the reason "${reason.label}" always needs one.`;
  const pct = changePct(model, quantity);
  if (policy.commentPct !== null && pct > policy.commentPct) {
    return `A comment is required: the change of ${formatPct(pct)} is more than the ${policy.commentPct} % the policy allows without one.`;
  }
  return null;
}
