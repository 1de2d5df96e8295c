import { useEffect } from 'react';
import { formatCount, formatPeriod, formatRunLabel } from '../../../shared/format';
import { useAppStore } from '../../stores/app';
import { useApprovalsStore } from '../../stores/approvals';
import { useReviewStore } from '../../stores/review';
import { useSessionStore } from '../../stores/session';
import { ApprovalsPanel } from './ApprovalsPanel';
import { AttributeFilter } from './AttributeFilter';
import { BulkAccept } from './BulkAccept';
import { ReleaseBar } from './ReleaseBar';
import { RunOverviewChart } from './RunOverviewChart';
import { ItemDetailPanel } from './ItemDetailPanel';
import { WorklistGrid } from './WorklistGrid';

export function ReviewScreen() {
  const workbook = useAppStore((s) => s.workbook);
  const revision = useAppStore((s) => s.revision);
  const planRevision = useAppStore((s) => s.planRevision);
  const { runs, runId, overview, overviewOpen, filter, groupByItem, error, loadRuns, selectRun, setFilter, setGroupByItem, setOverviewOpen } = useReviewStore();
  const session = useSessionStore((s) => s.session);
  const me = session?.user;
  const waiting = useApprovalsStore((s) =>
    s.runId === runId && s.approvals ? s.approvals.filter((a) => me?.role === 'manager' || a.decidedBy === me?.userId).length : null,
  );

  // Opens on the run this person last worked on, else the main model's newest (the backend decides which);
  // once chosen, the run stays chosen while the workbook changes, until someone else signs in.
  const sessionLoaded = session !== null;
  useEffect(() => {
    if (workbook && session) void loadRuns(session.openingRun?.runId ?? workbook.currentRunId);
  }, [workbook?.path, revision, sessionLoaded, me?.userId, loadRuns]); // eslint-disable-line react-hooks/exhaustive-deps

  // A plan changed (here, in the approvals drawer, on another screen): refresh the lines on screen, keeping filters and selection.
  useEffect(() => {
    if (planRevision > 0) void useReviewStore.getState().refreshLoaded();
  }, [planRevision]);

  useEffect(() => {
    // Single-key shortcuts work anywhere on the screen except while typing.
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (event.altKey || event.ctrlKey || event.metaKey || target.closest('input, select, textarea, dialog')) return;
      const store = useReviewStore.getState();
      const actions: Record<string, () => void> = {
        a: () => void store.acceptAndAdvance(),
        o: () => store.openEditor(false),
        s: () => store.openEditor(true),
        n: () => store.nextException(),
        u: () => void store.undo(),
        g: () => store.setGroupByItem(!store.groupByItem),
      };
      const action = actions[event.key];
      if (action && !store.editor) {
        event.preventDefault();
        action();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const run = runs.find((r) => r.runId === runId);
  return (
    <section className="screen review" aria-labelledby="review-title">
      <div className="toolbar">
        <h2 id="review-title">Review</h2>
        <label>
          <span>Run</span>
          <select aria-label="Forecast run" value={runId ?? ''} onChange={(e) => void selectRun(Number(e.target.value))} disabled={!runs.length}>
            {runs.map((r) => (
              <option key={r.runId} value={r.runId}>
                {`${formatRunLabel(r)} · ${formatCount(r.lines)} lines`}
              </option>
            ))}
          </select>
        </label>
        <input
          type="search"
          aria-label="Filter items"
          placeholder="Item or name…"
          value={filter.text}
          onChange={(e) => setFilter({ text: e.target.value })}
        />
        <select aria-label="Category" value={filter.category} onChange={(e) => setFilter({ category: e.target.value })}>
          <option value="">All categories</option>
          {overview?.categories.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
        <select aria-label="Owner" value={filter.owner} onChange={(e) => setFilter({ owner: e.target.value })}>
          <option value="">All owners</option>
          {overview?.owners.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
        <select aria-label="Lag" value={filter.lag} onChange={(e) => setFilter({ lag: e.target.value })}>
          <option value="">All lags</option>
          {overview?.lags.map((l) => (
            <option key={l} value={l}>
              Lag {l}
            </option>
          ))}
        </select>
        <select aria-label="Status" value={filter.status} onChange={(e) => setFilter({ status: e.target.value })}>
          <option value="">Any status</option>
          <option value="undecided">Not decided</option>
          <option value="closed">Closed (actual known)</option>
          <option value="decided">Decided</option>
          <option value="overridden">Overridden</option>
          <option value="pending_approval">Waiting for approval</option>
          <option value="rejected">Rejected</option>
        </select>
        {me && (
          <label className="check">
            <input type="checkbox" checked={filter.owner === me.userId} onChange={(e) => setFilter({ owner: e.target.checked ? me.userId : '' })} />
            <span>My items</span>
          </label>
        )}
        <AttributeFilter />
        <label className="check" title="Each item’s lines together under a header row (g)">
          <input type="checkbox" checked={groupByItem} onChange={(e) => setGroupByItem(e.target.checked)} />
          <span>Group by item</span>
        </label>
        <BulkAccept />
        {run && <ReleaseBar runId={run.runId} runLabel={formatRunLabel(run)} />}
        <span className="spacer" />
        {run && (
          <span className="run-facts">
            {formatCount(run.items)} items · {run.intervalLevel ? `${run.intervalLevel} % interval` : 'no interval'} · {formatPeriod(run.firstPeriod ?? run.origin, run.grain)}–
            {formatPeriod(run.lastPeriod ?? run.origin, run.grain)}
          </span>
        )}
      </div>
      {error && (
        <div className="banner error" role="alert">
          {error.message}
        </div>
      )}
      {!runs.length && workbook && <p className="empty">This workbook has no forecast runs yet. Import a forecast file to start.</p>}
      {runId !== null && (
        // Two drawers on one line, closed by default so the worklist keeps the height (25 lines and more at 900 px);
        // the one opened takes the whole width.
        <div className="review-drawers">
          <details className="approvals-drawer">
            <summary>
              {me?.role === 'manager' ? 'Overrides waiting for your approval' : 'My overrides waiting for approval'}
              {waiting !== null && <span className="count"> ({formatCount(waiting)})</span>}
            </summary>
            <ApprovalsPanel runId={runId} />
          </details>
          <details className="approvals-drawer overview-drawer" open={overviewOpen} onToggle={(e) => setOverviewOpen((e.currentTarget as HTMLDetailsElement).open)}>
            <summary>Run overview: total demand, actuals and model forecast</summary>
            {overviewOpen && overview && run && <RunOverviewChart overview={overview} grain={run.grain} />}
          </details>
        </div>
      )}
      <div className="review-body">
        {runId !== null && <WorklistGrid key={runId} />}
        <ItemDetailPanel />
      </div>

    </section>
  );
}
