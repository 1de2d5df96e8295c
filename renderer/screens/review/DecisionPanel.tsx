// Deciding the selected line: accept, override by quantity or percent, adopt the
// sales input; reason and comment. The backend enforces every rule; this panel
// offers only what the same rules allow for the line (its lock) and shows the
// backend's answer.
import type { ForecastLineRow } from '../../../shared/domain';
import { formatNumber, formatPeriod, formatQuantity } from '../../../shared/format';
import { currentNotice, useReviewStore } from '../../stores/review';
import { exceptionChip } from './exceptionText';
import { LineJournalView } from './LineJournalView';
import { OverrideEditor } from './OverrideEditor';

const STATUS_TEXT: Record<ForecastLineRow['status'], string> = {
  undecided: 'Not decided yet',
  final: 'Decided',
  pending_approval: 'Override waiting for a manager’s approval',
  approved: 'Override approved',
  rejected: 'Override rejected by a manager',
};

export function DecisionPanel() {
  const row = useReviewStore((s) => s.rows.get(s.selectedIndex));
  const editor = useReviewStore((s) => s.editor);
  const decisionError = useReviewStore((s) => s.decisionError);
  const notice = useReviewStore(currentNotice);
  const { acceptAndAdvance, openEditor, undo } = useReviewStore();

  if (!row) return <section className="decision" aria-label="Decision" />;

  // One rule with the backend: the row's lock is the sentence a decision would be refused with.
  const lock = row.lock;
  const lockText =
    lock?.kind === 'closed'
      ? `Closed: the actual (${formatQuantity(row.actual)}) is known, so no decision can change this line now`
      : lock?.kind === 'frozen'
        ? `Frozen: lag ${row.lag} is inside the freeze window (${row.freezeLags})`
        : null;
  const statusText = lockText === null ? STATUS_TEXT[row.status] : row.status === 'undecided' ? lockText : `${STATUS_TEXT[row.status]} · ${lockText}`;
  return (
    <section className="decision" aria-label="Decision">
      <div className="decision-head">
        <strong>
          {row.itemId} · {formatPeriod(row.period)} · lag {row.lag}
        </strong>
        <span className="item-name">{row.itemName}</span>
        <span className={`status ${row.status}${lock ? ' locked' : ''}`} title={lock?.message}>
          {statusText}
        </span>
      </div>
      <dl className="decision-figures">
        <div>
          <dt>Model</dt>
          <dd>{formatQuantity(row.quantity)}</dd>
        </div>
        <div>
          <dt>Interval</dt>
          <dd>
            {formatQuantity(row.lower)}–{formatQuantity(row.upper)}
          </dd>
        </div>
        <div>
          <dt>Sales input</dt>
          <dd>{formatQuantity(row.salesInput)}</dd>
        </div>
        {row.actual !== null && (
          <div>
            <dt>Actual</dt>
            <dd>{formatQuantity(row.actual)}</dd>
          </div>
        )}
        <div>
          <dt>Plan</dt>
          <dd>
            {formatQuantity(row.finalQuantity)} {row.planSource !== 'model' ? <small>({row.planSource.replace('_', ' ')})</small> : null}
          </dd>
        </div>
      </dl>
      {row.exceptionReasons.length > 0 && (
        // The reasons in full, beside the worklist whose Why column only has room for their short forms.
        <ul className="reasons" aria-label="Why this line is an exception">
          {row.exceptionReasons.map((r) => (
            <li key={r.kind}>
              {exceptionChip(r).long} <small>{formatNumber(r.contribution, 0, { signed: true })}</small>
            </li>
          ))}
        </ul>
      )}
      {!editor && (
        <div className="actions">
          <button type="button" onClick={() => void acceptAndAdvance()} disabled={lock !== null} title={lock?.message} aria-keyshortcuts="a">
            Accept
          </button>
          <button type="button" onClick={() => openEditor(false)} disabled={lock !== null} title={lock?.message} aria-keyshortcuts="o">
            Override
          </button>
          <button type="button" onClick={() => openEditor(true)} disabled={lock !== null || row.salesInput === null} title={lock?.message} aria-keyshortcuts="s">
            Adopt sales input
          </button>
          <button type="button" onClick={() => void undo()} aria-keyshortcuts="u">
            Undo my last
          </button>
        </div>
      )}
      {editor && <OverrideEditor key={`${row.lineId}:${editor.useSalesInput}:${editor.quantity}`} row={row} editor={editor} />}
      {decisionError && (
        <p className="banner error" role="alert">
          {decisionError.message}
        </p>
      )}
      {notice && !decisionError && (
        <p className="banner ok" role="status">
          {notice.text}
        </p>
      )}
      <LineJournalView />
    </section>
  );
}
