// Review's Team drawer in a linked workbook: what the team answered this login. Refused
// decisions and reviews (the line, what was asked, the server's reason, when) and lines in
// conflict (both authors and their values, the later arrival current). A click on a row
// opens the line in the worklist.
import { formatPeriod, formatQuantity } from '../../../shared/format';
import type { Grain } from '../../../shared/period';
import type { TeamConflictRow, TeamConflictSide, TeamRefusalRow } from '../../../shared/team-journal';
import { useAppStore } from '../../stores/app';
import { useTeamStore } from '../../stores/team';

const when = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 16) : '—');

function askedText(r: TeamRefusalRow): string {
  const a = r.asked;
  if (r.kind === 'review') return `${a.verdict === 'rejected' ? 'Reject' : 'Approve'} the override${a.note ? ` — “${a.note}”` : ''}`;
  if (a.action === 'override') return `Override to ${formatQuantity(a.quantity)}${a.reasonCode ? ` (${a.reasonCode})` : ''}${a.comment ? ` — “${a.comment}”` : ''}`;
  if (a.action === 'accept') return 'Accept the model';
  if (a.action === 'undo') return 'Undo the last decision';
  return a.action ?? '—';
}

function sideText(s: TeamConflictSide): string {
  const what = s.action === 'override' ? `${formatQuantity(s.quantity)}${s.reasonCode ? ` (${s.reasonCode})` : ''}` : s.action === 'accept' ? 'model accepted' : (s.action ?? 'decision not here');
  return `${s.author}: ${what}`;
}

function LineCell({ row, grain }: { row: TeamRefusalRow | TeamConflictRow; grain: Grain }) {
  if (row.itemId === null) return <td>line {row.lineId ?? '—'}</td>;
  return (
    <td>
      <span className="mono">{row.itemId}</span> {row.itemName}
      <span className="muted">
        {' '}
        · {row.period ? formatPeriod(row.period, grain) : '—'} · lag {row.lag}
        {row.locationId && row.locationId !== 'ALL' ? ` · ${row.locationId}` : ''}
      </span>
    </td>
  );
}

export function TeamAnswersPanel() {
  const answers = useTeamStore((s) => s.answers);
  const openLine = useTeamStore((s) => s.openLine);
  const grain = useAppStore((s) => s.workbook?.grain ?? 'month');
  if (!answers?.linked) return null;
  const open = (lineId: number | null) => {
    if (lineId !== null) openLine(lineId);
  };
  const onKey = (lineId: number | null) => (e: React.KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      open(lineId);
    }
  };
  return (
    <section className="panel team-answers" aria-label="The team’s answers">
      <h3>
        Conflicts <span className="muted">· {answers.conflicts.length} open</span>
      </h3>
      {answers.conflicts.length === 0 ? (
        <p className="empty">No line of yours is in conflict.</p>
      ) : (
        <>
          <p className="panel-note">Two people decided these lines without seeing each other’s decision; the later arrival is the plan. Decide the line again to settle it.</p>
          <div className="table-scroll">
            <table className="table team-conflicts-table" aria-label="Lines in conflict">
              <thead>
                <tr>
                  <th scope="col">Item · period · lag</th>
                  <th scope="col">First to arrive</th>
                  <th scope="col">Later, current</th>
                  <th scope="col">Since (UTC)</th>
                </tr>
              </thead>
              <tbody>
                {answers.conflicts.map((c) => (
                  <tr key={`${c.lineId}-${c.openedAt}`} className="clickable" tabIndex={0} title="Open the line" onClick={() => open(c.lineId)} onKeyDown={onKey(c.lineId)}>
                    <LineCell row={c} grain={grain} />
                    <td>{c.sides[0] ? sideText(c.sides[0]) : '—'}</td>
                    <td>{c.sides[1] ? sideText(c.sides[1]) : '—'}</td>
                    <td>{when(c.openedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <h3>
        Refused by the team <span className="muted">· {answers.refusals.length}</span>
      </h3>
      {answers.refusals.length === 0 ? (
        <p className="empty">The team has refused nothing of yours.</p>
      ) : (
        <div className="table-scroll">
          <table className="table team-refusals-table" aria-label="Refused by the team">
            <thead>
              <tr>
                <th scope="col">Item · period · lag</th>
                <th scope="col">You asked</th>
                <th scope="col">The team’s reason</th>
                <th scope="col">When (UTC)</th>
              </tr>
            </thead>
            <tbody>
              {answers.refusals.map((r) => (
                <tr key={r.uuid} className="clickable" tabIndex={0} title="Open the line" onClick={() => open(r.lineId)} onKeyDown={onKey(r.lineId)}>
                  <LineCell row={r} grain={grain} />
                  <td>{askedText(r)}</td>
                  <td className="wrap">{r.reason}</td>
                  <td>{when(r.refusedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
