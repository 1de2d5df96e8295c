// The adopted policy while deciding (issue 16, item 3): as the planner types an
// override, the backend says what the policy in force will apply ("This +20 %
// will be applied as +10 %: …"), by the rule it applies at the save; "See why"
// opens the adoption in Governance › Policy lab. The screen only shows the answer.
import { useEffect, useState } from 'react';
import type { OverridePolicyPreview } from '../../../shared/policy-lab';
import { api } from '../../api';
import { useAppStore } from '../../stores/app';
import { useGovernanceStore } from '../../stores/governance';
import { usePolicyLabStore } from '../../stores/policy-lab';

const DEBOUNCE_MS = 120;

export type PolicyApplies = NonNullable<OverridePolicyPreview['applies']>;

/** The answer for this line and quantity, or null while there is none (no policy applies, nothing typed, or the answer is on its way). */
export function useOverridePreview(lineId: number, quantity: string, modelQuantity: number): PolicyApplies | null {
  const [answer, setAnswer] = useState<{ key: string; applies: PolicyApplies | null } | null>(null);
  const q = Number(quantity);
  const asking = quantity.trim() !== '' && Number.isFinite(q) && q >= 0 && q !== modelQuantity;
  const key = `${lineId}|${q}`;
  useEffect(() => {
    if (!asking) return;
    let current = true;
    const timer = setTimeout(() => {
      void api.call('previewOverride', { lineId, quantity: q }).then((r) => {
        if (current) setAnswer({ key, applies: r.ok ? r.value.applies : null });
      });
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [asking, key, lineId, q]);
  return asking && answer?.key === key ? answer.applies : null;
}

export function PolicyPreviewNote({ applies }: { applies: PolicyApplies }) {
  const setScreen = useAppStore((s) => s.setScreen);
  const setView = useGovernanceStore((s) => s.setView);
  const showAdoption = usePolicyLabStore((s) => s.showAdoption);
  const seeWhy = () => {
    showAdoption(applies.version);
    setView('lab');
    setScreen('governance');
  };
  return (
    <p className={`policy-preview${applies.refused ? ' refused' : applies.changed ? ' changed' : ''}`} role="note" aria-label="Adopted policy">
      {applies.text}{' '}
      <button type="button" className="link" onClick={seeWhy}>
        See why
      </button>
    </p>
  );
}
