// The Governance screen's state: the policies per segment and the reason codes,
// plus the helpers its panels share with the approvals and release components.
// The backend enforces every rule; this store only carries its answers,
// including its refusals, to the row they belong to.
import { create } from 'zustand';
import type { RequestOf } from '../../shared/contract';
import type { ApiError, PolicySummary, ReasonCode, SessionUser } from '../../shared/domain';
import { api } from '../api';
import { useAppStore } from './app';
import { useSessionStore } from './session';

// ——— Session: who is at the keyboard (the app's session store, loaded at start and by the sign-in dialog) ———

export function useSessionUser(): { user: SessionUser | null; loaded: boolean } {
  const session = useSessionStore((s) => s.session);
  return { user: session?.user ?? null, loaded: session !== null };
}

export const isManager = (user: SessionUser | null): boolean => user?.role === 'manager';

/** Request fields as the screens name them, for refusals of a malformed request. */
const FIELD_NAMES: Record<string, string> = {
  approvalPct: 'Approval %',
  approvalUnits: 'Approval units',
  freezeLags: 'Freeze lags',
  commentPct: 'Comment %',
  driftThresholdPts: 'Drift guard points',
  segmentValue: 'Segment',
  modelRole: 'Model role',
  code: 'Code',
  label: 'Label',
  note: 'Note',
};

/** One line for an API refusal; a malformed request names the fields in the screen's words. */
export function errorText(error: ApiError): string {
  if (error.code === 'INVALID_REQUEST' && error.issues?.length) {
    return error.issues.map((i) => (i.path ? `${FIELD_NAMES[i.path] ?? i.path}: ${i.message}` : i.message)).join('; ');
  }
  return error.message;
}

// ——— Segments ———

export type SegmentType = PolicySummary['segmentType'];

export const segmentKey = (p: { segmentType: SegmentType; segmentValue: string }) => `${p.segmentType}:${p.segmentValue}`;

/** "all items", "category Household", "ABC class C": how a segment is named on screen and in labels. */
export function segmentName(p: { segmentType: SegmentType; segmentValue: string }): string {
  if (p.segmentType === 'all') return 'all items';
  return p.segmentType === 'category' ? `category ${p.segmentValue}` : `ABC class ${p.segmentValue}`;
}

export const ABC_CLASSES = ['A', 'B', 'C'] as const;

export type PolicyDraft = RequestOf<'savePolicy'>;

export const draftOf = (p: PolicySummary): PolicyDraft => ({
  segmentType: p.segmentType,
  segmentValue: p.segmentValue,
  modelRole: p.modelRole,
  approvalPct: p.approvalPct,
  approvalUnits: p.approvalUnits,
  freezeLags: p.freezeLags,
  commentPct: p.commentPct,
  driftThresholdPts: p.driftThresholdPts,
});

// ——— Policies and reason codes ———

/** The Governance screen's views: the controls a manager sets, the report on how the model is used, the policy lab, the value of planning. */
export type GovernanceView = 'controls' | 'lab' | 'report' | 'value';

interface GovernanceState {
  view: GovernanceView;
  setView(view: GovernanceView): void;
  policies: PolicySummary[] | null;
  reasonCodes: ReasonCode[] | null;
  /** The workbook's item categories (of the current run), for new segment policies. */
  categories: string[];
  /** Loading failures of the screen as a whole. */
  error: ApiError | null;
  /** Refusals per row: policies by segmentKey, reason codes by `reason:<code>`, the add forms by 'new-policy' / 'new-reason'. */
  rowErrors: Record<string, string>;
  busy: Record<string, boolean>;
  load(): Promise<void>;
  savePolicy(draft: PolicyDraft, rowKey?: string): Promise<boolean>;
  restoreRole(policy: PolicySummary): Promise<boolean>;
  saveReasonCode(reason: RequestOf<'saveReasonCode'>, rowKey?: string): Promise<boolean>;
  setRowError(key: string, message: string | null): void;
}

function sortPolicies(policies: PolicySummary[]): PolicySummary[] {
  const rank = { all: 0, category: 1, abc_class: 2 } as const;
  return [...policies].sort((a, b) => rank[a.segmentType] - rank[b.segmentType] || a.segmentValue.localeCompare(b.segmentValue));
}

export const useGovernanceStore = create<GovernanceState>((set, get) => {
  function setFlag(key: string, on: boolean): void {
    const busy = { ...get().busy };
    if (on) busy[key] = true;
    else delete busy[key];
    set({ busy });
  }
  function setRowError(key: string, message: string | null): void {
    const rowErrors = { ...get().rowErrors };
    if (message === null) delete rowErrors[key];
    else rowErrors[key] = message;
    set({ rowErrors });
  }
  function putPolicy(saved: PolicySummary): void {
    const others = (get().policies ?? []).filter((p) => p.policyId !== saved.policyId);
    set({ policies: sortPolicies([...others, saved]) });
  }

  return {
    view: 'controls',
    setView: (view) => set({ view }),
    policies: null,
    reasonCodes: null,
    categories: [],
    error: null,
    rowErrors: {},
    busy: {},
    setRowError,
    async load() {
      const [policies, reasons] = await Promise.all([api.call('listPolicies', {}), api.call('listReasonCodes', {})]);
      if (!policies.ok || !reasons.ok) {
        set({ error: !policies.ok ? policies.error : !reasons.ok ? reasons.error : null });
        return;
      }
      set({ policies: sortPolicies(policies.value.policies), reasonCodes: reasons.value.reasonCodes, error: null });
      const runId = useAppStore.getState().workbook?.currentRunId;
      if (runId) {
        const overview = await api.call('getRunOverview', { runId, historyBuckets: 0 });
        if (overview.ok) set({ categories: overview.value.categories });
      }
    },
    async savePolicy(draft, rowKey = segmentKey(draft)) {
      setFlag(rowKey, true);
      const result = await api.call('savePolicy', draft);
      setFlag(rowKey, false);
      if (!result.ok) {
        setRowError(rowKey, errorText(result.error));
        return false;
      }
      setRowError(rowKey, null);
      // The backend announces the change (plan-changed) to every window, this one included.
      putPolicy(result.value);
      return true;
    },
    async restoreRole(policy) {
      const key = segmentKey(policy);
      setFlag(key, true);
      const result = await api.call('restorePolicyRole', { policyId: policy.policyId });
      setFlag(key, false);
      if (!result.ok) {
        setRowError(key, errorText(result.error));
        return false;
      }
      setRowError(key, null);
      // The backend announces the change (plan-changed) to every window, this one included.
      putPolicy(result.value);
      return true;
    },
    async saveReasonCode(reason, rowKey = `reason:${reason.code}`) {
      setFlag(rowKey, true);
      const result = await api.call('saveReasonCode', reason);
      setFlag(rowKey, false);
      if (!result.ok) {
        setRowError(rowKey, errorText(result.error));
        return false;
      }
      setRowError(rowKey, null);
      const saved = result.value;
      const list = get().reasonCodes ?? [];
      const reasonCodes = list.some((r) => r.code === saved.code) ? list.map((r) => (r.code === saved.code ? saved : r)) : [...list, saved];
      set({ reasonCodes });
      // The decision panel offers the active codes from the session store.
      // The backend announces the change (workbook-changed) to every window, this one included: each
      // reloads the codes its decision panel offers (stores/app.ts).
      return true;
    },
  };
});
