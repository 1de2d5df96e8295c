// Plan versions of a run in one toolbar line (SPEC §5): the plan of record,
// releasing the current final plan (manager), and the version history with
// rollback to an earlier snapshot (manager, with a note saying why).
import { useEffect, useId, useState } from 'react';
import { MODEL_ROLES, type ReleaseOutcome, type ReleaseSummary } from '../../../shared/domain';
import { formatCount, formatTimestamp } from '../../../shared/format';
import { useAppStore } from '../../stores/app';
import { isManager, useSessionUser } from '../../stores/governance';
import { useReleasesStore } from '../../stores/releases';

function versionText(r: ReleaseSummary): string {
  return r.kind === 'rollback' && r.restoresVersion !== null ? `v${r.version} (rollback to v${r.restoresVersion})` : `v${r.version}`;
}

/** What a release found, per model role in force; a rollback reviews nothing and only copies lines. */
function outcomeText(o: ReleaseOutcome): string {
  if (o.kind === 'rollback') return `v${o.version} restores the plan of v${o.restoresVersion}: ${formatCount(o.lines)} lines.`;
  const parts = [`Released v${o.version}: ${formatCount(o.lines)} lines`];
  const review = o.review;
  if (review) {
    for (const role of MODEL_ROLES) {
      const c = review.byRole[role];
      if (!c.lines) continue;
      const bits = [`${formatCount(c.reviewed)} reviewed`];
      if (c.autoFinalised) bits.push(`${formatCount(c.autoFinalised)} made final automatically`);
      if (c.unreviewed) bits.push(`${formatCount(c.unreviewed)} ${role === 'trigger' ? 'released as designed, unreviewed' : 'at the model quantity, unreviewed'}`);
      parts.push(`${role} ${formatCount(c.lines)} (${bits.join(', ')})`);
    }
    if (review.pendingReleasedAtPrevious) parts.push(`${formatCount(review.pendingReleasedAtPrevious)} pending overrides released at their previous quantity`);
    if (review.rejected) parts.push(`${formatCount(review.rejected)} rejected overrides released at the quantity before them`);
  }
  return `${parts.join(' · ')}.`;
}

function RollbackControl({ version, busy }: { version: number; busy: boolean }) {
  const rollback = useReleasesStore((s) => s.rollback);
  const [asking, setAsking] = useState(false);
  const [note, setNote] = useState('');
  if (!asking) {
    return (
      <button type="button" className="small" onClick={() => setAsking(true)} disabled={busy}>
        Roll back to v{version}
      </button>
    );
  }
  return (
    <span className="inline-confirm">
      <input aria-label={`Why roll back to v${version}`} placeholder="Why? (required)" value={note} maxLength={2000} autoFocus onChange={(e) => setNote(e.target.value)} />
      <button type="button" className="small primary" disabled={busy || !note.trim()} onClick={() => void rollback(version, note).then((ok) => ok && setAsking(false))}>
        Confirm rollback to v{version}
      </button>
      <button type="button" className="small quiet" onClick={() => setAsking(false)} disabled={busy}>
        Cancel
      </button>
    </span>
  );
}

export function ReleaseBar({ runId }: { runId: number }) {
  const revision = useAppStore((s) => s.revision);
  const { user } = useSessionUser();
  const { releases: loadedReleases, runId: loadedRun, error, busy, outcome, actionError, load, release, dismiss } = useReleasesStore();
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState('');
  const [open, setOpen] = useState(false);
  const versionsId = useId();

  useEffect(() => {
    void load(runId);
  }, [runId, revision, load]);
  useEffect(() => {
    setConfirming(false);
    setOpen(false);
  }, [runId]);

  const releases = loadedRun === runId ? loadedReleases : null;
  const current = releases?.find((r) => r.current) ?? null;
  const manager = isManager(user);
  const nextVersion = (releases?.[0]?.version ?? 0) + 1;

  async function confirmRelease() {
    if (await release(note)) {
      setConfirming(false);
      setNote('');
    }
  }

  return (
    <div className="release-bar" role="group" aria-label="Plan release">
      <span className="release-current" role="status">
        {releases === null
          ? error
            ? `Releases unavailable: ${error.message}`
            : 'Plan versions…'
          : current
            ? `Released ${versionText(current)} · by ${current.releasedBy ?? 'unknown'} · ${formatTimestamp(current.releasedAt)}`
            : 'Not released yet'}
      </span>
      {manager && !confirming && (
        <button type="button" className="small" onClick={() => {
            dismiss();
            setConfirming(true);
          }} disabled={busy || releases === null}>
          Release plan
        </button>
      )}
      {releases && releases.length > 0 && (
        <button type="button" className="small disclosure" aria-expanded={open} aria-controls={versionsId} onClick={() => setOpen(!open)}>
          Versions ({releases.length}) <span aria-hidden="true">{open ? '▴' : '▾'}</span>
        </button>
      )}
      {confirming && (
        <span className="inline-confirm release-confirm">
          <span className="confirm-text">
            Snapshot this run's final plan as v{nextVersion}. Untouched lines of <b>decide</b> segments become final; pending overrides go out at their previous quantity.
          </span>
          <input aria-label="Release note" placeholder="Note (optional)" value={note} maxLength={2000} autoFocus onChange={(e) => setNote(e.target.value)} />
          <button type="button" className="small primary" onClick={() => void confirmRelease()} disabled={busy}>
            Release v{nextVersion}
          </button>
          <button type="button" className="small quiet" onClick={() => setConfirming(false)} disabled={busy}>
            Cancel
          </button>
        </span>
      )}
      {busy && <span className="muted">Working…</span>}
      {outcome && outcome.runId === runId && (
        <span className="release-outcome" role="status">
          {outcomeText(outcome)}
          <button type="button" className="link-button" aria-label="Dismiss the release outcome" onClick={dismiss}>
            ×
          </button>
        </span>
      )}
      {actionError && (
        <span className="inline-error" role="alert">
          {actionError}
        </span>
      )}
      {open && releases && (
        <div className="release-versions" id={versionsId}>
          <table className="table compact" aria-label="Plan versions">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Kind</th>
                <th scope="col">By</th>
                <th scope="col">At (UTC)</th>
                <th scope="col" className="num">
                  Lines
                </th>
                <th scope="col">Note</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {releases.map((r) => (
                <tr key={r.releaseId} className={r.current ? 'current' : undefined}>
                  <td>
                    v{r.version} {r.current && <span className="tag">current</span>}
                  </td>
                  <td>{r.kind === 'rollback' ? `rollback to v${r.restoresVersion}` : 'release'}</td>
                  <td title={r.releasedByName ?? undefined}>{r.releasedBy ?? '–'}</td>
                  <td>{formatTimestamp(r.releasedAt)}</td>
                  <td className="num">{formatCount(r.lines)}</td>
                  <td className="note" title={r.note ?? undefined}>
                    {r.note ?? <span className="muted">–</span>}
                  </td>
                  <td className="row-actions">{manager && !r.current && <RollbackControl version={r.version} busy={busy} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
