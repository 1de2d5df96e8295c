// Plan versions of a run in one toolbar line (SPEC §5): the plan of record,
// releasing the current final plan (manager), and the version history with
// rollback to an earlier snapshot (manager, with a note saying why).
import { Fragment, useEffect, useId, useState } from 'react';
import { MODEL_ROLES, type ReleaseOutcome, type ReleaseSummary } from '../../../shared/domain';
import { formatCount, formatTimestamp, NO_VALUE } from '../../../shared/format';
import { useAppStore } from '../../stores/app';
import { isManager, useSessionUser } from '../../stores/governance';
import { useReleasesStore } from '../../stores/releases';

function versionText(r: ReleaseSummary): string {
  return r.kind === 'rollback' && r.restoresVersion !== null ? `v${r.version} (rollback to v${r.restoresVersion})` : `v${r.version}`;
}

/** What a release found, per model role in force; a rollback reviews nothing and only copies lines. */
function outcomeText(o: ReleaseOutcome, runLabel: string): string {
  if (o.kind === 'rollback') return `${runLabel}: v${o.version} restores the plan of v${o.restoresVersion}: ${formatCount(o.lines)} lines.`;
  const parts: string[] = [];
  const review = o.review;
  if (review) {
    for (const role of MODEL_ROLES) {
      const c = review.byRole[role];
      if (!c.lines) continue;
      const bits: string[] = [];
      if (c.reviewed) bits.push(`${formatCount(c.reviewed)} reviewed`);
      if (c.autoFinalised) bits.push(`${formatCount(c.autoFinalised)} made final automatically`);
      if (c.unreviewed) bits.push(`${formatCount(c.unreviewed)} ${role === 'trigger' ? 'released unreviewed by design' : 'unreviewed, at the model quantity'}`);
      parts.push(`${role} ${formatCount(c.lines)}${bits.length ? ` (${bits.join(', ')})` : ''}`);
    }
    if (review.pendingReleasedAtPrevious) parts.push(`${formatCount(review.pendingReleasedAtPrevious)} pending overrides released at the quantity before them`);
    if (review.rejected) parts.push(`${formatCount(review.rejected)} rejected overrides released at the quantity before them`);
  }
  return `Released ${runLabel} as v${o.version}: ${formatCount(o.lines)} lines${parts.length ? ` · ${parts.join(' · ')}` : ''}.`;
}

/** Asked for in a row of its own under the version: a rollback always says why. */
function RollbackRow({ version, next, busy, onDone }: { version: number; next: number; busy: boolean; onDone: () => void }) {
  const rollback = useReleasesStore((s) => s.rollback);
  const [note, setNote] = useState('');
  return (
    <tr className="rollback-row">
      <td colSpan={7}>
        <span className="inline-confirm rollback-confirm">
          <span className="confirm-text">Roll back: v{next} will copy the released lines of v{version}. The working plan is not changed.</span>
          <input aria-label={`Why roll back to v${version}`} placeholder="Why? (required)" value={note} maxLength={2000} autoFocus onChange={(e) => setNote(e.target.value)} />
          <button type="button" className="small primary" disabled={busy || !note.trim()} onClick={() => void rollback(version, note).then((ok) => ok && onDone())}>
            Confirm rollback to v{version}
          </button>
          <button type="button" className="small quiet" onClick={onDone} disabled={busy}>
            Cancel
          </button>
        </span>
      </td>
    </tr>
  );
}

/**
 * The plan of record of a run in one line. The confirm step, the outcome and the
 * version list drop down over the page beneath it (for a toolbar); `inline` puts
 * them in the flow instead (for a panel). Releasing always names the run it releases.
 */
export function ReleaseBar({ runId, runLabel, inline = false }: { runId: number; runLabel: string; inline?: boolean }) {
  const revision = useAppStore((s) => s.revision);
  const planRevision = useAppStore((s) => s.planRevision);
  const { user } = useSessionUser();
  const { releases: loadedReleases, runId: loadedRun, error, busy, outcome, actionError, load, release, dismiss } = useReleasesStore();
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState('');
  const [open, setOpen] = useState(false);
  const [rollingBack, setRollingBack] = useState<number | null>(null);
  const versionsId = useId();

  useEffect(() => {
    void load(runId);
  }, [runId, revision, planRevision, load]);
  useEffect(() => {
    setConfirming(false);
    setOpen(false);
    setRollingBack(null);
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

  const showOutcome = outcome !== null && outcome.runId === runId;
  const dropping = confirming || showOutcome || actionError !== null || (open && releases !== null);

  return (
    <div
      className={inline ? 'release-bar inline' : 'release-bar'}
      role="group"
      aria-label="Plan release"
      onKeyDown={(e) => {
        if (e.key !== 'Escape' || busy) return;
        setConfirming(false);
        setOpen(false);
        setRollingBack(null);
      }}
    >
      <span className="release-current" role="status">
        {releases === null
          ? error
            ? `Releases unavailable: ${error.message}`
            : 'Plan versions…'
          : current
            ? `Released ${versionText(current)} · by ${current.releasedBy ?? 'unknown'} · ${formatTimestamp(current.releasedAt)}`
            : 'Not released yet'}
      </span>
      {manager && (
        <button
          type="button"
          className="small"
          aria-label={`Release the plan of ${runLabel}`}
          title={`Release the plan of ${runLabel}`}
          aria-expanded={confirming}
          onClick={() => {
            dismiss();
            setConfirming(true);
          }}
          disabled={busy || releases === null || confirming}
        >
          {inline ? `Release the plan of ${runLabel}` : 'Release plan'}
        </button>
      )}
      {releases && releases.length > 0 && (
        <button type="button" className="small disclosure" aria-expanded={open} aria-controls={versionsId} onClick={() => setOpen(!open)}>
          Versions ({releases.length}) <span aria-hidden="true">{open ? '▴' : '▾'}</span>
        </button>
      )}
      {busy && <span className="muted">Working…</span>}
      {dropping && (
        // Beneath the line: over the page from a toolbar, in the flow when inline.
        <div className="release-drop">
          {confirming && (
            <div className="release-confirm">
              <span className="confirm-text">
                Snapshot the final plan of <b>{runLabel}</b> as v{nextVersion}. Untouched lines of <b>decide</b> segments become final; pending overrides go out at
                their previous quantity.
              </span>
              <span className="inline-confirm">
                <input aria-label="Release note" placeholder="Note (optional)" value={note} maxLength={2000} autoFocus onChange={(e) => setNote(e.target.value)} />
                <button type="button" className="small primary" onClick={() => void confirmRelease()} disabled={busy}>
                  Release v{nextVersion}
                </button>
                <button type="button" className="small quiet" onClick={() => setConfirming(false)} disabled={busy}>
                  Cancel
                </button>
              </span>
            </div>
          )}
          {showOutcome && (
            <div className="release-outcome" role="status">
              <span>{outcomeText(outcome, runLabel)}</span>
              <button type="button" className="link-button" aria-label="Dismiss the release outcome" onClick={dismiss}>
                ×
              </button>
            </div>
          )}
          {actionError && (
            <p className="inline-error" role="alert">
              {actionError}
            </p>
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
                    <Fragment key={r.releaseId}>
                      <tr className={r.current ? 'current' : undefined}>
                        <td>
                          v{r.version} {r.current && <span className="tag">current</span>}
                        </td>
                        <td>{r.kind === 'rollback' ? `rollback to v${r.restoresVersion}` : 'release'}</td>
                        <td title={r.releasedByName ?? undefined}>{r.releasedBy ?? NO_VALUE}</td>
                        <td>{formatTimestamp(r.releasedAt)}</td>
                        <td className="num">{formatCount(r.lines)}</td>
                        <td className="note" title={r.note ?? undefined}>
                          {r.note ?? <span className="muted">–</span>}
                        </td>
                        <td className="row-actions">
                          {manager && !r.current && (
                            <button type="button" className="small" onClick={() => setRollingBack(r.version)} disabled={busy || rollingBack === r.version}>
                              Roll back to v{r.version}
                            </button>
                          )}
                        </td>
                      </tr>
                      {manager && rollingBack === r.version && <RollbackRow version={r.version} next={nextVersion} busy={busy} onDone={() => setRollingBack(null)} />}
                    </Fragment>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
