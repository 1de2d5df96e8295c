// The demo's governance set-up: besides the seeded 'all' policy, a few segment
// policies so the governance screens have something to show, and the rule the
// demo planners follow to know which policy governs an item (the most specific
// one: category, then ABC class, then all).
import type { ModelRole } from '../../../shared/domain';
import type { DemoItem } from './catalogue';

export interface DemoPolicy {
  segmentType: 'all' | 'category' | 'abc_class';
  segmentValue: string;
  modelRole: ModelRole;
  approvalPct: number | null;
  approvalUnits: number | null;
  freezeLags: number;
  commentPct: number | null;
  driftThresholdPts: number | null;
}

/** What migration 001 seeds; the generator reads the real row and only falls back to this. */
export const SEEDED_ALL_POLICY: DemoPolicy = {
  segmentType: 'all',
  segmentValue: '*',
  modelRole: 'assist',
  approvalPct: 25,
  approvalUnits: 1000,
  freezeLags: 0,
  commentPct: 20,
  driftThresholdPts: 5,
};

export const DEMO_POLICIES: readonly DemoPolicy[] = [
  { segmentType: 'category', segmentValue: 'Household', modelRole: 'recommend', approvalPct: 25, approvalUnits: 1000, freezeLags: 1, commentPct: 20, driftThresholdPts: 5 },
  { segmentType: 'category', segmentValue: 'Personal Care', modelRole: 'assist', approvalPct: 30, approvalUnits: 800, freezeLags: 0, commentPct: 20, driftThresholdPts: 4 },
  { segmentType: 'abc_class', segmentValue: 'C', modelRole: 'decide', approvalPct: 50, approvalUnits: 300, freezeLags: 0, commentPct: 30, driftThresholdPts: 8 },
];

export function policyFor(item: DemoItem, all: DemoPolicy): DemoPolicy {
  return (
    DEMO_POLICIES.find((p) => p.segmentType === 'category' && p.segmentValue === item.category.name) ??
    DEMO_POLICIES.find((p) => p.segmentType === 'abc_class' && p.segmentValue === item.abc) ??
    all
  );
}

/** Does an override from `model` to `quantity` need a manager's approval under `policy`? */
export function needsApproval(policy: DemoPolicy, model: number, quantity: number): boolean {
  const change = Math.abs(quantity - model);
  if (policy.approvalUnits !== null && change > policy.approvalUnits) return true;
  if (policy.approvalPct === null) return false;
  return model <= 0 ? change > 0 : (change / model) * 100 > policy.approvalPct;
}

/** Does an override need a comment under `policy` (beyond the reason codes that always need one)? */
export function needsComment(policy: DemoPolicy, model: number, quantity: number): boolean {
  if (policy.commentPct === null) return false;
  const change = Math.abs(quantity - model);
  return model <= 0 ? change > 0 : (change / model) * 100 > policy.commentPct;
}
