// The Policy lab's state (Governance › Policy lab, issue 16): the candidate
// policy being edited, the backend's simulation of it (simulatePolicy) and its
// "suggest" answer (suggestPolicy). Levers re-ask after a short pause; an answer
// older than the newest question is dropped, so a stale one never overwrites a
// newer one. Nothing here computes a figure.
import { create } from 'zustand';
import type { Metric } from '../../shared/accuracy';
import type { ApiError, ItemAttributeFacet } from '../../shared/domain';
import type { AdoptedPolicy, CandidatePolicy, PolicyLevers, PolicyRule, PolicySegment, PolicySimulation, PolicySuggestion } from '../../shared/policy-lab';
import { api } from '../api';

/** How long the levers must rest before the lab asks again (ms). */
export const SIMULATE_DEBOUNCE_MS = 250;

export interface RuleDraft {
  by: PolicySegment['by'];
  value: string;
  levers: PolicyLevers;
}

export const blankRule = (): RuleDraft => ({ by: 'all', value: '*', levers: {} });

/** The drafts as the API's candidate policy: unset levers left out. */
export function candidateOf(rules: RuleDraft[]): CandidatePolicy {
  return {
    rules: rules.map((r): PolicyRule => {
      const levers: PolicyLevers = {};
      for (const [k, v] of Object.entries(r.levers) as [keyof PolicyLevers, PolicyLevers[keyof PolicyLevers]][]) if (v !== undefined && v !== false) (levers as Record<string, unknown>)[k] = v;
      return { segment: { by: r.by, value: r.by === 'all' ? '*' : r.value }, levers };
    }),
  };
}

interface PolicyLabState {
  rules: RuleDraft[];
  metric: Metric;
  simulation: PolicySimulation | null;
  /** The policy the shown simulation answers (the editor may have moved on). */
  answered: CandidatePolicy | null;
  computing: boolean;
  error: ApiError | null;
  suggestion: PolicySuggestion | null;
  suggesting: boolean;
  suggestError: ApiError | null;
  suggestBy: 'category' | 'abc_class' | 'all';
  holdoutCycles: number;
  /** The adopted versions, newest (in force) first. */
  adoptions: AdoptedPolicy[];
  adopting: boolean;
  adoptError: ApiError | null;
  /** The version this window adopted last, for its confirmation. */
  adopted: AdoptedPolicy | null;
  /** The version a planner's "see why" opened from Review: its rules and the figures stored beside it. */
  shownVersion: number | null;
  /** The workbook's item attributes (columns and imported keys) with their values: the segments a rule can name. */
  attributes: ItemAttributeFacet[];
  showAdoption(version: number | null): void;
  loadAdoptions(): Promise<void>;
  loadAttributes(): Promise<void>;
  /** Adopts the editor's rules (a manager's decision; the backend refuses anyone else). */
  adopt(note: string): Promise<void>;
  setRule(index: number, rule: RuleDraft): void;
  addRule(): void;
  removeRule(index: number): void;
  setMetric(metric: Metric): void;
  setSuggestBy(by: 'category' | 'abc_class' | 'all'): void;
  setHoldoutCycles(n: number): void;
  /** Asks now (the screen's first answer, and after the workbook changes). */
  simulate(): Promise<void>;
  suggest(): Promise<void>;
  /** Puts the suggested rules into the editor (one rule per suggested segment). */
  loadSuggestion(): void;
}

export const usePolicyLabStore = create<PolicyLabState>((set, get) => {
  let latest = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  function later(): void {
    if (timer) clearTimeout(timer);
    set({ computing: true });
    timer = setTimeout(() => {
      timer = null;
      void get().simulate();
    }, SIMULATE_DEBOUNCE_MS);
  }
  return {
    rules: [blankRule()],
    metric: 'wape',
    simulation: null,
    answered: null,
    computing: false,
    error: null,
    suggestion: null,
    suggesting: false,
    suggestError: null,
    suggestBy: 'category',
    holdoutCycles: 3,
    adoptions: [],
    adopting: false,
    adoptError: null,
    adopted: null,
    shownVersion: null,
    attributes: [],
    showAdoption(version) {
      set({ shownVersion: version });
    },
    async loadAttributes() {
      const result = await api.call('listItemAttributes', {});
      if (result.ok) set({ attributes: result.value.attributes });
    },
    async loadAdoptions() {
      const result = await api.call('listPolicyAdoptions', {});
      if (result.ok) set({ adoptions: result.value.adoptions });
    },
    async adopt(note) {
      set({ adopting: true, adoptError: null, adopted: null });
      const policy = candidateOf(get().rules.filter((r) => r.by === 'all' || r.value.trim() !== ''));
      const result = await api.call('adoptPolicy', { policy, metric: get().metric, ...(note.trim() ? { note: note.trim() } : {}) });
      if (!result.ok) {
        set({ adopting: false, adoptError: result.error });
        return;
      }
      set({ adopting: false, adopted: result.value, adoptions: [result.value, ...get().adoptions.filter((a) => a.version !== result.value.version)] });
    },
    setRule(index, rule) {
      set({ rules: get().rules.map((r, i) => (i === index ? rule : r)) });
      later();
    },
    addRule() {
      set({ rules: [...get().rules, { ...blankRule(), by: 'category', value: '' }] });
    },
    removeRule(index) {
      const rules = get().rules.filter((_, i) => i !== index);
      set({ rules: rules.length ? rules : [blankRule()] });
      later();
    },
    setMetric(metric) {
      set({ metric });
      later();
    },
    setSuggestBy: (suggestBy) => set({ suggestBy }),
    setHoldoutCycles: (holdoutCycles) => set({ holdoutCycles }),
    async simulate() {
      const mine = ++latest;
      const policy = candidateOf(get().rules.filter((r) => r.by === 'all' || r.value.trim() !== ''));
      set({ computing: true });
      const result = await api.call('simulatePolicy', { policy, metric: get().metric, filter: {} });
      if (mine !== latest) return; // a newer question is out: its answer will be shown instead
      if (result.ok) set({ simulation: result.value, answered: policy, computing: false, error: null });
      else set({ computing: false, error: result.error });
    },
    async suggest() {
      set({ suggesting: true, suggestError: null });
      const { suggestBy, holdoutCycles, metric } = get();
      const result = await api.call('suggestPolicy', { by: suggestBy, holdoutCycles, metric, filter: {} });
      set(result.ok ? { suggestion: result.value, suggesting: false } : { suggestError: result.error, suggesting: false });
    },
    loadSuggestion() {
      const s = get().suggestion;
      if (!s || s.policy.rules.length === 0) return;
      set({ rules: s.policy.rules.map((r) => ({ by: r.segment.by, value: r.segment.value, levers: { ...r.levers } })) });
      later();
    },
  };
});
