// Over-threshold overrides waiting for a manager (SPEC §5 Approvals). Managers
// approve or reject each with a note; planners see their own waiting overrides.
import { Fragment, useEffect, useState } from 'react';
import type { Grain } from '../../../shared/period';
import type { PendingApproval, SessionUser } from '../../../shared/domain';
import { decidedByText } from '../../../shared/decision-provenance';
import { formatPercent, formatPeriod, formatQuantity, formatTimestamp, NO_VALUE } from '../../../shared/format';
import { useAppStore } from '../../stores/app';
import { useApprovalsStore } from '../../stores/approvals';
import { isManager, useSessionUser } from '../../stores/governance';

function changeText(a: PendingApproval): string {
  const pct = a.changePct === null ? 'from 0' : formatPercent(a.changePct, 1, { signed: true, trimZeros: true });
  return `${pct} · ${formatQuantity(a.changeUnits, { signed: true })}`;
}

const SOURCE_TEXT: Record<PendingApproval['source'], string> = { model: '', override: '', sales_input: 'sales input adopted' };

interface RowProps {
  approval: PendingApproval;
  grain: Grain;
  runLabel: string | null;
  columns: number;
  user: SessionUser | null;
}

/** The facts of one waiting override in five two-line cells, shared by the manager's and the planner's views. */
function FactCells({ approval: a, grain, runLabel }: Omit<RowProps, 'columns' | 'user'>) {
  return (
    <>
      <th scope="row" className="item">
        <span className="line1">{a.itemId}</span>
        <span className="line2" title={a.itemName}>
          {a.itemName}
        </span>
      </th>
      <td className="period">
        <span className="line1">{formatPeriod(a.period, grain)}</span>
        <span className="line2">
          lag {a.lag}
          {runLabel ? ` · ${runLabel}` : ''}
        </span>
      </td>
      <td className="num quantities">
        <span className="line1">
          {formatQuantity(a.modelQuantity)} → <strong>{formatQuantity(a.overrideQuantity)}</strong>
        </span>
        <span className={`line2 change ${a.changeUnits > 0 ? 'up' : 'down'}`}>{changeText(a)}</span>
      </td>
      <td className="reason">
        <span className="line1">
          {a.reasonLabel ?? a.reasonCode ?? NO_VALUE}
          {SOURCE_TEXT[a.source] && <span className="muted"> · {SOURCE_TEXT[a.source]}</span>}
        </span>
        <span className="line2 comment" title={a.comment ?? undefined}>
          {a.comment ?? 'no comment'}
        </span>
      </td>
      <td className="who">
        <span className="line1" title={a.decidedBy ?? undefined}>
          {decidedByText(a)}
        </span>
        <span className="line2">{formatTimestamp(a.decidedAt)}</span>
      </td>
    </>
  );
}

function ManagerRow({ approval: a, grain, runLabel, columns, user }: RowProps) {
  const review = useApprovalsStore((s) => s.review);
  const error = useApprovalsStore((s) => s.rowErrors[a.decisionId]);
  const busy = useApprovalsStore((s) => !!s.busy[a.decisionId]);
  const [note, setNote] = useState('');
  const what = `${a.itemId} ${formatPeriod(a.period, grain)}`;
  const own = user !== null && a.decidedBy === user.userId;
  return (
    <Fragment>
      <tr>
        <FactCells approval={a} grain={grain} runLabel={runLabel} />
        <td className="note-cell">
          <input aria-label={`Note for ${what}`} placeholder="Note (needed to reject)" title="A note is needed to reject; optional to approve" value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
        </td>
        <td className="row-actions">
          <button
            type="button"
            className="small approve"
            aria-label={`Approve override of ${what}`}
            disabled={busy || own}
            title={own ? 'Your own override: another manager approves it.' : undefined}
            onClick={() => void review(a.decisionId, 'approved', note)}
          >
            Approve
          </button>
          <button type="button" className="small reject" aria-label={`Reject override of ${what}`} disabled={busy} onClick={() => void review(a.decisionId, 'rejected', note)}>
            Reject
          </button>
        </td>
      </tr>
      {(error || own) && (
        <tr className={error ? 'row-error' : 'row-note'}>
          <td colSpan={columns} role={error ? 'alert' : undefined}>
            {error ? `${what}: ${error}` : `${what} is your own override: another manager must approve it.`}
          </td>
        </tr>
      )}
    </Fragment>
  );
}

function PlannerRow({ approval, grain, runLabel }: RowProps) {
  return (
    <tr>
      <FactCells approval={approval} grain={grain} runLabel={runLabel} />
      <td className="waiting">waiting for a manager</td>
    </tr>
  );
}

/** Pending over-threshold overrides of one run, or of every run when runId is left out. */
export function ApprovalsPanel({ runId }: { runId?: number }) {
  const revision = useAppStore((s) => s.revision);
  const planRevision = useAppStore((s) => s.planRevision);
  const grain = useAppStore((s) => s.workbook?.grain ?? 'month');
  const { user, loaded } = useSessionUser();
  const { approvals, runs, error, load } = useApprovalsStore();
  const loadedFor = useApprovalsStore((s) => s.runId);

  useEffect(() => {
    void load(runId);
  }, [runId, revision, planRevision, load]);

  const manager = isManager(user);
  const current = loadedFor === runId ? approvals : null;
  const shown = manager ? current : current?.filter((a) => user !== null && a.decidedBy === user.userId);
  const showRun = runId === undefined;
  const columns = 5 + (manager ? 2 : 1);
  const runLabel = (a: PendingApproval) => {
    if (!showRun) return null;
    const r = runs.get(a.runId);
    return r ? `${r.modelName} run ${formatPeriod(r.origin, r.grain)}` : `run ${a.runId}`;
  };

  const title = manager ? 'Approvals' : 'Your overrides waiting for approval';
  return (
    <section className="panel approvals-panel" aria-labelledby="approvals-title">
      <h3 id="approvals-title">
        {title}
        {shown && shown.length > 0 ? <span className="muted"> · {shown.length} waiting</span> : null}
      </h3>
      {error && (
        <p className="inline-error" role="alert">
          {error.message}
        </p>
      )}
      {loaded && !user && <p className="panel-note">Sign in to see the overrides waiting for approval.</p>}
      {loaded && user && shown && shown.length === 0 && <p className="empty">No overrides are waiting for approval.</p>}
      {loaded && user && shown && shown.length > 0 && (
        <div className="table-scroll">
          <table className="table approvals" aria-label={manager ? 'Overrides waiting for approval' : 'Your overrides waiting for approval'}>
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col">{showRun ? 'Period · lag · run' : 'Period · lag'}</th>
                <th scope="col" className="num">
                  Model → override
                </th>
                <th scope="col">Reason · comment</th>
                <th scope="col">By · at (UTC)</th>
                {manager ? (
                  <>
                    <th scope="col">Note</th>
                    <th scope="col">
                      <span className="visually-hidden">Verdict</span>
                    </th>
                  </>
                ) : (
                  <th scope="col">Status</th>
                )}
              </tr>
            </thead>
            <tbody>
              {shown.map((a) => {
                const props = { approval: a, grain, runLabel: runLabel(a), columns, user };
                return manager ? <ManagerRow key={a.decisionId} {...props} /> : <PlannerRow key={a.decisionId} {...props} />;
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
