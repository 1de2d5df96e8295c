// Governance: where the model is trusted to act on its own, which reasons
// planners give, which overrides wait for a manager and which plan is of record.
// Everyone sees it; only a manager changes it (the backend enforces that too).
import { useEffect } from 'react';
import { useAppStore } from '../../stores/app';
import { isManager, useGovernanceStore, useSessionUser } from '../../stores/governance';
import { ApprovalsPanel } from '../review/ApprovalsPanel';
import { ReleaseBar } from '../review/ReleaseBar';
import { PoliciesPanel } from './PoliciesPanel';
import { ReasonCodesPanel } from './ReasonCodesPanel';

export function GovernanceScreen() {
  const workbook = useAppStore((s) => s.workbook);
  const revision = useAppStore((s) => s.revision);
  const { user, loaded } = useSessionUser();
  const load = useGovernanceStore((s) => s.load);
  const error = useGovernanceStore((s) => s.error);

  useEffect(() => {
    if (workbook) void load();
  }, [workbook?.path, workbook?.currentRunId, revision, load]); // eslint-disable-line react-hooks/exhaustive-deps

  const manager = isManager(user);
  const runId = workbook?.currentRunId ?? null;
  return (
    <section className="screen governance" aria-labelledby="governance-title">
      <div className="toolbar">
        <h2 id="governance-title">Governance</h2>
      </div>
      {error && (
        <div className="banner error" role="alert">
          {error.message}
        </div>
      )}
      {loaded && !manager && (
        <p className="notice read-only-note">
          Read-only: policies, reason codes, approvals and releases are a manager's decisions, each recorded in the audit log under their name.
          {user ? '' : ' Sign in as a manager to change them.'}
        </p>
      )}
      <PoliciesPanel canEdit={manager} />
      <ApprovalsPanel />
      {runId !== null && (
        <section className="panel governance-panel releases-panel" aria-labelledby="releases-title">
          <h3 id="releases-title">Plan versions of the current run</h3>
          <p className="panel-note">
            A release snapshots the run's final plan as a numbered version for export; a rollback is a new version copying an earlier one. No version is ever rewritten.
          </p>
          <ReleaseBar runId={runId} inline />
        </section>
      )}
      <ReasonCodesPanel canEdit={manager} />
      <p className="hint">
        Data provenance, drift and accuracy monitoring are reported here as they are built.
      </p>
    </section>
  );
}
