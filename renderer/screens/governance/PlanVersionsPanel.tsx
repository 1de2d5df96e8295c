// Plan versions on the Governance screen: releases and rollbacks of a run the
// panel names, which the manager can change. It starts on the run this person's
// Review opens on (the run they last worked on, else the main model's newest),
// so a release never goes out for a run nobody named.
import { useEffect, useId, useState } from 'react';
import type { ForecastRunSummary } from '../../../shared/domain';
import { formatCount, formatRunLabel } from '../../../shared/format';
import { api } from '../../api';
import { useAppStore } from '../../stores/app';
import { useSessionStore } from '../../stores/session';
import { ReleaseBar } from '../review/ReleaseBar';

export function PlanVersionsPanel() {
  const workbook = useAppStore((s) => s.workbook);
  const revision = useAppStore((s) => s.revision);
  const opening = useSessionStore((s) => s.session?.openingRun?.runId ?? null);
  const [runs, setRuns] = useState<ForecastRunSummary[] | null>(null);
  const [chosen, setChosen] = useState<number | null>(null);
  const pickerId = useId();

  useEffect(() => {
    let live = true;
    void api.call('listRuns', {}).then((r) => live && r.ok && setRuns(r.value.runs));
    return () => {
      live = false;
    };
  }, [workbook?.path, revision]);

  const run = runs?.find((r) => r.runId === chosen) ?? runs?.find((r) => r.runId === (opening ?? workbook?.currentRunId)) ?? runs?.[0];
  if (!run) return null;
  const label = formatRunLabel(run);
  return (
    <section className="panel governance-panel releases-panel" aria-labelledby="releases-title">
      <div className="panel-head">
        <h3 id="releases-title">Plan versions of {label}</h3>
        <label htmlFor={pickerId} className="muted">
          Run
        </label>
        <select id={pickerId} aria-label="Run to release" value={run.runId} onChange={(e) => setChosen(Number(e.target.value))}>
          {runs!.map((r) => (
            <option key={r.runId} value={r.runId}>
              {`${formatRunLabel(r)} · ${formatCount(r.lines)} lines`}
            </option>
          ))}
        </select>
      </div>
      <p className="panel-note">
        A release snapshots the run's final plan as a numbered version for export; a rollback is a new version copying an earlier one. No version is ever rewritten.
      </p>
      <ReleaseBar runId={run.runId} runLabel={label} inline />
    </section>
  );
}
