// The status bar's team segment of a linked workbook: what is unsent, the last sync,
// offline with its reason, syncing, lines in conflict (a button that lists them), and
// Sync now (Ctrl+Shift+S). A single-seat workbook shows nothing here.
import { formatCount, formatPeriod } from '../../shared/format';
import type { Grain } from '../../shared/period';
import type { TeamAnswers } from '../../shared/team-journal';
import { SYNC_NOW_AT } from '../../shared/team-status';
import { api } from '../api';
import { useAppStore } from '../stores/app';
import { useTeamStore } from '../stores/team';

const clock = (iso: string) => new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** A line as the Team panel names it (item, period, lag), else by its id until the answers are read. */
function lineName(answers: TeamAnswers | null, lineId: number, grain: Grain): string {
  const c = answers?.conflicts.find((x) => x.lineId === lineId);
  return c?.itemId ? `${c.itemId} · ${c.period ? formatPeriod(c.period, grain) : ''} · lag ${c.lag}` : `line ${lineId}`;
}

export function TeamStatusSegment() {
  const status = useTeamStore((s) => s.status);
  const requested = useTeamStore((s) => s.requested);
  const showConflicts = useTeamStore((s) => s.showConflicts);
  const syncNow = useTeamStore((s) => s.syncNow);
  const setShowConflicts = useTeamStore((s) => s.setShowConflicts);
  const openLine = useTeamStore((s) => s.openLine);
  const answers = useTeamStore((s) => s.answers);
  const grain = useAppStore((s) => s.workbook?.grain ?? 'month');
  if (!status?.linked) return null;
  const unsent = status.unsent.decisions + status.unsent.reviews + (status.unsentChanges ?? 0);
  const toSend = `${formatCount(unsent)} to send`;
  const syncing = requested || status.syncing;
  // Offline, the reason is cut to the room there is (all of it in the tooltip); what is unsent stays in view.
  const text = syncing ? (
    'syncing…'
  ) : status.offline !== null ? (
    <>
      offline — <span className="team-offline-why">{status.offline}</span> · {toSend}
    </>
  ) : (
    `${toSend} · ${status.lastSync ? `synced ${clock(status.lastSync.at)}` : 'not synced yet'}`
  );
  const conflicts = status.conflicts.length;
  return (
    <span className={`team-status${status.offline !== null && !syncing ? ' offline' : ''}`} aria-label="Team sync">
      <span role="status" aria-live="polite" className="team-sync-text" title={status.offline ?? `Team workbook at ${status.url}`}>
        {text}
      </span>
      {conflicts > 0 && (
        <button type="button" className="link team-conflicts" aria-expanded={showConflicts} onClick={() => setShowConflicts(!showConflicts)}>
          {plural(conflicts, 'line', 'lines')} in conflict
        </button>
      )}
      {status.refusals.length > 0 && <span className="team-refused" title={status.refusals.map((r) => r.reason).join('\n')}>{plural(status.refusals.length, 'refusal', 'refusals')}</span>}
      <button type="button" className="team-sync-now" onClick={() => void syncNow()} disabled={syncing} aria-keyshortcuts="Control+Shift+S" title={`${SYNC_NOW_AT[api.transport]} (Ctrl+Shift+S)`}>
        Sync now
      </button>
      {showConflicts && conflicts > 0 && (
        <div className="team-conflict-list" role="dialog" aria-label="Lines in conflict">
          <p>Two people decided these lines without seeing each other's decision. Decide the line again to settle it.</p>
          <ul>
            {status.conflicts.map((c) => (
              <li key={c.lineId}>
                <button type="button" className="link" title={`Open ${lineName(answers, c.lineId, grain)} in Review`} onClick={() => openLine(c.lineId)}>
                  Line {c.lineId}
                </button>
                : {c.authors.join(' and ')} (since {clock(c.openedAt)})
              </li>
            ))}
          </ul>
        </div>
      )}
    </span>
  );
}
