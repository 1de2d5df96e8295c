// Governance: where the model is trusted to act on its own, which reasons
// planners give, which overrides wait for a manager and which plan is of record
// (Controls); and the report answering for how the model is used (Report).
// Everyone sees it; only a manager changes it (the backend enforces that too).
import { useEffect, type KeyboardEvent } from 'react';
import { useAppStore } from '../../stores/app';
import { isManager, useGovernanceStore, useSessionUser, type GovernanceView } from '../../stores/governance';
import { ApprovalsPanel } from '../review/ApprovalsPanel';
import { GovernanceReportPanel } from './GovernanceReportPanel';
import { PlanVersionsPanel } from './PlanVersionsPanel';
import { PolicyLabPanel } from './PolicyLabPanel';
import { PoliciesPanel } from './PoliciesPanel';
import { ReasonCodesPanel } from './ReasonCodesPanel';
import { ValuePanel } from './ValuePanel';

const VIEWS: { view: GovernanceView; label: string }[] = [
  { view: 'controls', label: 'Policies and approvals' },
  { view: 'report', label: 'Report' },
  { view: 'lab', label: 'Policy lab' },
  { view: 'value', label: 'Value' },
];

function ViewTabs({ view, onView }: { view: GovernanceView; onView: (view: GovernanceView) => void }) {
  // Arrow keys move between tabs, as in any tab list.
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = VIEWS.findIndex((v) => v.view === view);
    const next = VIEWS[(i + (e.key === 'ArrowRight' ? 1 : VIEWS.length - 1)) % VIEWS.length]!;
    onView(next.view);
    document.getElementById(`governance-tab-${next.view}`)?.focus();
  };
  return (
    <div className="view-tabs" role="tablist" aria-label="Governance views" onKeyDown={onKey}>
      {VIEWS.map((v) => (
        <button
          key={v.view}
          type="button"
          role="tab"
          id={`governance-tab-${v.view}`}
          aria-selected={view === v.view}
          aria-controls={`governance-view-${v.view}`}
          tabIndex={view === v.view ? 0 : -1}
          onClick={() => onView(v.view)}
        >
          {v.label}
        </button>
      ))}
    </div>
  );
}

function Controls({ manager, loaded, signedIn }: { manager: boolean; loaded: boolean; signedIn: boolean }) {
  return (
    <>
      {loaded && !manager && (
        <p className="notice read-only-note">
          Read-only: policies, reason codes, approvals and releases are a manager's decisions, each recorded in the audit log under their name.
          {signedIn ? '' : ' Sign in as a manager to change them.'}
        </p>
      )}
      <PoliciesPanel canEdit={manager} />
      <ApprovalsPanel />
      <PlanVersionsPanel />
      <ReasonCodesPanel canEdit={manager} />
      <p className="hint">Provenance, data quality, accountability, accuracy monitoring, drift and rollback are answered on the Report tab.</p>
    </>
  );
}

export function GovernanceScreen() {
  const workbook = useAppStore((s) => s.workbook);
  const revision = useAppStore((s) => s.revision);
  const { user, loaded } = useSessionUser();
  const load = useGovernanceStore((s) => s.load);
  const error = useGovernanceStore((s) => s.error);
  const view = useGovernanceStore((s) => s.view);
  const setView = useGovernanceStore((s) => s.setView);

  const workbookPath = workbook?.path;
  const currentRunId = workbook?.currentRunId; // a new run changes what the report covers
  useEffect(() => {
    if (workbookPath) void load();
  }, [workbookPath, currentRunId, revision, load]);

  const manager = isManager(user);
  return (
    <section className={`screen governance view-${view}`} aria-labelledby="governance-title">
      <div className="toolbar">
        <h2 id="governance-title">Governance</h2>
        <ViewTabs view={view} onView={setView} />
      </div>
      {error && (
        <div className="banner error" role="alert">
          {error.message}
        </div>
      )}
      <div className="view-panel" role="tabpanel" id={`governance-view-${view}`} aria-labelledby={`governance-tab-${view}`}>
        {view === 'controls' ? (
          <Controls manager={manager} loaded={loaded} signedIn={user !== null} />
        ) : view === 'lab' ? (
          <PolicyLabPanel />
        ) : view === 'value' ? (
          <ValuePanel />
        ) : (
          <GovernanceReportPanel />
        )}
      </div>
    </section>
  );
}
