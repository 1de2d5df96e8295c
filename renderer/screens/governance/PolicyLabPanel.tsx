// Governance › Policy lab (issue 16): a manager tries a policy on the team's own
// history before adopting it. The levers re-ask the backend as they move
// (debounced, newest answer wins); "Suggest" fits the levers per segment on older
// cycles and shows their effect on the newest ones it did not see.
import { useEffect, useState } from 'react';
import { METRIC_LABELS, METRICS, type Metric } from '../../../shared/accuracy';
import { formatCount, formatNumber, formatPeriod, formatTimestamp } from '../../../shared/format';
import type { PolicyLevers } from '../../../shared/policy-lab';
import { useAppStore } from '../../stores/app';
import { errorText, isManager, useSessionUser } from '../../stores/governance';
import { usePolicyLabStore } from '../../stores/policy-lab';
import { useSessionStore } from '../../stores/session';
import { AdoptionRecord } from './AdoptionRecord';
import { PolicyLabEditor } from './PolicyLabEditor';
import { labFva, labInterval, PolicyLabResults } from './PolicyLabResults';

function leversText(l: PolicyLevers | null): string {
  if (!l) return '–';
  const parts: string[] = [];
  if (l.minChangePct !== undefined) parts.push(`min change ${formatNumber(l.minChangePct, 0)} %`);
  if (l.dampUp !== undefined) parts.push(`upward × ${formatNumber(l.dampUp, 2, { trimZeros: true })}`);
  if (l.dampDown !== undefined) parts.push(`downward × ${formatNumber(l.dampDown, 2, { trimZeros: true })}`);
  return parts.join(', ') || 'as today';
}

function Suggest() {
  const { suggestion, suggesting, suggestError, suggestBy, holdoutCycles, setSuggestBy, setHoldoutCycles, suggest, loadSuggestion } = usePolicyLabStore();
  return (
    <section className="policy-lab-suggest" aria-labelledby="policy-lab-suggest-title" aria-busy={suggesting}>
      <div className="report-head">
        <h4 id="policy-lab-suggest-title">Suggest levers from older cycles</h4>
        <label>
          per{' '}
          <select aria-label="Suggest per" value={suggestBy} onChange={(e) => setSuggestBy(e.target.value as typeof suggestBy)}>
            <option value="category">category</option>
            <option value="abc_class">ABC class</option>
            <option value="all">all items</option>
          </select>
        </label>
        <label>
          holding out the newest{' '}
          <input type="number" className="num-input" aria-label="Held-out cycles" min={1} max={60} value={holdoutCycles} onChange={(e) => setHoldoutCycles(Math.max(1, Math.min(60, Number(e.target.value) || 1)))} /> cycles
        </label>
        <button type="button" className="small" onClick={() => void suggest()} disabled={suggesting}>
          {suggesting ? 'Suggesting…' : 'Suggest'}
        </button>
        {suggestion && suggestion.policy.rules.length > 0 && (
          <button type="button" className="small primary" onClick={loadSuggestion}>
            Load the suggestion into the editor
          </button>
        )}
      </div>
      {suggestError && (
        <p className="banner error" role="alert">
          No suggestion: {errorText(suggestError)}
        </p>
      )}
      {suggestion && (
        <>
          <p className="hint">
            Fitted on {formatCount(suggestion.training.lines)} lines of origins {suggestion.training.origins.map((o) => formatPeriod(o)).join(', ') || '–'}; judged on the held-out origins{' '}
            {suggestion.holdout.origins.map((o) => formatPeriod(o)).join(', ')} (runs {suggestion.holdout.runIds.join(', ')}), which the fit did not see. All suggested rules at once there: FVA {labFva(suggestion.overall.fva)} points ({labInterval(suggestion.overall.ci)}).
          </p>
          <table className="table compact report-table" aria-label="Suggested levers">
            <thead>
              <tr>
                <th scope="col">Segment</th>
                <th scope="col" className="num">Overrides (fit)</th>
                <th scope="col">Suggested levers</th>
                <th scope="col" className="num">Held-out FVA</th>
                <th scope="col" className="num">Interval</th>
              </tr>
            </thead>
            <tbody>
              {suggestion.segments.map((s) => (
                <tr key={s.label}>
                  <th scope="row">{s.label}</th>
                  <td className="num">{formatCount(s.trainingOverrides)}</td>
                  <td>{s.verdict === 'too_few' ? <span className="muted">too few to tell</span> : leversText(s.levers)}</td>
                  <td className="num">{labFva(s.holdout?.fva)}</td>
                  <td className="num">{labInterval(s.holdout?.ci ?? null)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function Adopt() {
  const { user } = useSessionUser();
  const { adoptions, adopting, adoptError, adopted, adopt, loadAdoptions, simulation, computing } = usePolicyLabStore();
  const [note, setNote] = useState('');
  const workbookPath = useAppStore((s) => s.workbook?.path);
  useEffect(() => {
    if (workbookPath) void loadAdoptions();
  }, [workbookPath, loadAdoptions]);
  const inForce = adoptions[0];
  const people = useSessionStore((s) => s.session?.users);
  const nameOf = (userId: string) => people?.find((p) => p.userId === userId)?.displayName ?? userId;
  return (
    <div className="policy-lab-adopt">
      <span className="muted">
        {inForce
          ? `In force: version ${inForce.version}, adopted by ${nameOf(inForce.adoptedBy)} on ${formatTimestamp(inForce.adoptedAt)} UTC, for runs after run ${inForce.afterRunId ?? '–'}.`
          : 'No policy adopted from the lab yet: overrides apply as planners enter them.'}
      </span>
      <span className="spacer" />
      {isManager(user) ? (
        <>
          <input aria-label="Adoption note" placeholder="Why (for the audit log)" value={note} maxLength={500} size={28} onChange={(e) => setNote(e.target.value)} />
          <button type="button" className="small primary" disabled={adopting || computing || !simulation} onClick={() => void adopt(note)}>
            {adopting ? 'Adopting…' : 'Adopt as policy from the next run'}
          </button>
        </>
      ) : (
        <span className="muted">Only a manager adopts a policy.</span>
      )}
      {adopted && (
        <p className="notice" role="status" aria-label="Adopted">
          Adopted as version {adopted.version}: it applies to runs imported after run {adopted.afterRunId ?? '–'}. Recorded in the audit log with the simulated FVA {formatNumber(adopted.figures.change.fva, 2, { signed: true })} points.
        </p>
      )}
      {adoptError && (
        <p className="banner error" role="alert">
          Not adopted: {errorText(adoptError)}
        </p>
      )}
    </div>
  );
}

export function PolicyLabPanel() {
  const revision = useAppStore((s) => s.revision);
  const workbookPath = useAppStore((s) => s.workbook?.path);
  const { simulation, computing, error, metric, setMetric, simulate, loadAttributes, adoptions, shownVersion } = usePolicyLabStore();
  const shown = shownVersion === null ? undefined : adoptions.find((a) => a.version === shownVersion);
  useEffect(() => {
    if (workbookPath) void Promise.all([simulate(), loadAttributes()]);
  }, [workbookPath, revision, simulate, loadAttributes]);
  return (
    <section className="policy-lab" aria-labelledby="policy-lab-title" aria-busy={computing}>
      <div className="report-head">
        <h3 id="policy-lab-title">Policy lab</h3>
        <span className="muted">replays every past final plan with a known actual under the rules below</span>
        <span className="spacer" />
        <label>
          Metric{' '}
          <select aria-label="Metric" value={metric} onChange={(e) => setMetric(e.target.value as Metric)}>
            {METRICS.map((m) => (
              <option key={m} value={m}>
                {METRIC_LABELS[m]}
              </option>
            ))}
          </select>
        </label>
        <span className="policy-lab-status" role="status" aria-live="polite">
          {computing ? 'Computing…' : simulation ? `Simulated over ${formatCount(simulation.lines)} lines` : ''}
        </span>
      </div>
      {shown && <AdoptionRecord adoption={shown} />}
      <PolicyLabEditor />
      <Adopt />
      {error && (
        <p className="banner error" role="alert">
          The policy could not be simulated: {errorText(error)}
        </p>
      )}
      {!simulation && !error && <p className="empty">Simulating today’s policy…</p>}
      {simulation && <PolicyLabResults sim={simulation} />}
      <Suggest />
    </section>
  );
}
