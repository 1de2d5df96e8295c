import { useEffect } from 'react';
import { formatCount, formatPeriod, formatRunLabel } from '../../../shared/format';
import { Choice, lagOptions, plainOptions, type ChoiceOption } from '../../components/Choice';
import { useAppStore } from '../../stores/app';
import { useApprovalsStore } from '../../stores/approvals';
import { useReviewStore } from '../../stores/review';
import { useSessionStore } from '../../stores/session';
import { useTeamStore } from '../../stores/team';
import { ApprovalsPanel } from './ApprovalsPanel';
import { AttributeFilter } from './AttributeFilter';
import { BulkAccept } from './BulkAccept';
import { ReleaseBar } from './ReleaseBar';
import { TeamAnswersPanel } from './TeamAnswersPanel';
import { RunOverviewChart } from './RunOverviewChart';
import { ItemDetailPanel } from './ItemDetailPanel';
import { WorklistGrid } from './WorklistGrid';

/** The worklist's status filter, in the planner's words. */
const STATUS_OPTIONS: ChoiceOption[] = [
  { value: 'undecided', label: 'Not decided' },
  { value: 'closed', label: 'Closed (actual known)' },
  { value: 'decided', label: 'Decided' },
  { value: 'overridden', label: 'Overridden' },
  { value: 'pending_approval', label: 'Waiting for approval' },
  { value: 'rejected', label: 'Rejected' },
];

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
  const workbookPath = workbook?.path;
  const userId = me?.userId;
  useEffect(() => {
    // Read at the moment of loading, not as triggers: a refreshed session or workbook object alone changes nothing.
    const wb = useAppStore.getState().workbook;
    const current = useSessionStore.getState().session;
    if (workbookPath && wb && current) void loadRuns(current.openingRun?.runId ?? wb.currentRunId);
  }, [workbookPath, revision, sessionLoaded, userId, loadRuns]);

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

  // A linked workbook: the team's answers to this login, read again on every change of the workbook.
  const linked = useTeamStore((s) => s.status?.linked === true);
  const answers = useTeamStore((s) => s.answers);
  useEffect(() => {
    if (linked) void useTeamStore.getState().loadAnswers();
  }, [linked, revision, planRevision]);

  const run = runs.find((r) => r.runId === runId);
  return (
    <section className="screen review" aria-labelledby="review-title">
      <div className="toolbar">
        <h2 id="review-title">Review</h2>
        <Choice
          label="Forecast run"
          caption="Run"
          value={runId ?? ''}
          options={runs.map((r) => ({ value: r.runId, label: `${formatRunLabel(r)} · ${formatCount(r.lines)} lines` }))}
          disabled={!runs.length}
          onChange={(id) => void selectRun(Number(id))}
        />
        <input
          type="search"
          aria-label="Filter items"
          placeholder="Item or name…"
          value={filter.text}
          onChange={(e) => setFilter({ text: e.target.value })}
        />
        <Choice label="Category" value={filter.category} any="All categories" options={plainOptions(overview?.categories)} onChange={(category) => setFilter({ category })} />
        <Choice label="Owner" value={filter.owner} any="All owners" options={plainOptions(overview?.owners)} onChange={(owner) => setFilter({ owner })} />
        <Choice label="Lag" value={filter.lag} any="All lags" options={lagOptions(overview?.lags)} onChange={(lag) => setFilter({ lag })} />
        <Choice label="Status" value={filter.status} any="Any status" options={STATUS_OPTIONS} onChange={(status) => setFilter({ status })} />
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
          {linked && (
            <details className="approvals-drawer team-drawer">
              <summary>
                Team: conflicts and refusals
                <span className="count">
                  {' '}
                  ({formatCount(answers?.conflicts.length ?? 0)} in conflict · {formatCount(answers?.refusals.length ?? 0)} refused)
                </span>
              </summary>
              <TeamAnswersPanel />
            </details>
          )}
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
