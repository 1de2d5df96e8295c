// Deciding the selected line: accept, override by quantity or percent, adopt the
// sales input; reason and comment. The backend enforces every rule; this form
// only helps to get it right the first time and shows the backend's answer.
import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { ForecastLineRow } from '../../../shared/domain';
import { formatPercent, formatPeriod, formatQuantity } from '../../../shared/format';
import { useReviewStore } from '../../stores/review';
import { useSessionStore } from '../../stores/session';
import { LineJournalView } from './LineJournalView';
import { OverrideGuidance } from './OverrideGuidance';

const STATUS_TEXT: Record<ForecastLineRow['status'], string> = {
  undecided: 'Not decided yet',
  final: 'Decided',
  pending_approval: 'Override waiting for a manager’s approval',
  approved: 'Override approved',
  rejected: 'Override rejected by a manager',
};

export function focusWorklist(): void {
  document.querySelector<HTMLElement>('[role=grid][aria-label=Worklist]')?.focus();
}

export function DecisionPanel() {
  const row = useReviewStore((s) => s.rows.get(s.selectedIndex));
  const { editor, decisionError, notice, decide, openEditor, closeEditor, undo } = useReviewStore();
  const allReasonCodes = useSessionStore((s) => s.reasonCodes);
  const reasonCodes = useMemo(() => allReasonCodes.filter((r) => r.active), [allReasonCodes]);
  const [quantity, setQuantity] = useState('');
  const [reason, setReason] = useState('');
  const [comment, setComment] = useState('');
  const quantityInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!editor) return;
    setQuantity(editor.quantity);
    setReason(editor.useSalesInput ? 'sales_intelligence' : '');
    setComment('');
    requestAnimationFrame(() => quantityInput.current?.select());
  }, [editor]);

  if (!row) return <section className="decision" aria-label="Decision" />;

  const q = Number(quantity);
  const validQuantity = quantity.trim() !== '' && Number.isFinite(q) && q >= 0;
  const changePct = validQuantity && row.quantity > 0 ? (100 * (q - row.quantity)) / row.quantity : null;
  const commentRequired = reasonCodes.find((r) => r.code === reason)?.commentRequired ?? false;

  async function save(event?: FormEvent) {
    event?.preventDefault();
    if (!row || !validQuantity) return;
    const useSales = editor?.useSalesInput && row.salesInput !== null && Math.abs(q - row.salesInput) < 1e-9;
    const ok = await decide({
      action: 'override',
      ...(useSales ? { useSalesInput: true } : { quantity: q }),
      ...(reason ? { reasonCode: reason } : {}),
      ...(comment.trim() ? { comment: comment.trim() } : {}),
    });
    if (ok) {
      closeEditor();
      focusWorklist();
    }
  }

  function onEditorKey(event: KeyboardEvent) {
    if (event.key === 'Escape') {
      event.preventDefault();
      closeEditor();
      focusWorklist();
    }
  }

  const locked = row.frozen;
  return (
    <section className="decision" aria-label="Decision">
      <div className="decision-head">
        <strong>
          {row.itemId} · {formatPeriod(row.period)} · lag {row.lag}
        </strong>
        <span className={`status ${row.status}`}>{locked ? `Frozen: lag ${row.lag} is inside the freeze window (${row.freezeLags})` : STATUS_TEXT[row.status]}</span>
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
        <div>
          <dt>Plan</dt>
          <dd>
            {formatQuantity(row.finalQuantity)} {row.planSource !== 'model' ? <small>({row.planSource.replace('_', ' ')})</small> : null}
          </dd>
        </div>
      </dl>
      {!editor && (
        <div className="actions">
          <button type="button" onClick={() => void decide({ action: 'accept' }).then((ok) => ok && useReviewStore.getState().select(useReviewStore.getState().selectedIndex + 1))} disabled={locked} aria-keyshortcuts="a">
            Accept
          </button>
          <button type="button" onClick={() => openEditor(false)} disabled={locked} aria-keyshortcuts="o">
            Override
          </button>
          <button type="button" onClick={() => openEditor(true)} disabled={locked || row.salesInput === null} aria-keyshortcuts="s">
            Adopt sales input
          </button>
          <button type="button" onClick={() => void undo()} aria-keyshortcuts="u">
            Undo my last
          </button>
        </div>
      )}
      {editor && (
        <form className="override" onSubmit={(e) => void save(e)} onKeyDown={onEditorKey}>
          <label>
            <span>Quantity</span>
            <input ref={quantityInput} aria-label="Override quantity" inputMode="decimal" value={quantity} onChange={(e) => setQuantity(e.target.value)} />
          </label>
          <label>
            <span>Change</span>
            <input
              aria-label="Override percent"
              inputMode="decimal"
              value={changePct === null ? '' : String(Math.round(changePct * 10) / 10)}
              onChange={(e) => {
                const pct = Number(e.target.value);
                if (e.target.value.trim() !== '' && Number.isFinite(pct)) setQuantity(String(Math.round(row.quantity * (1 + pct / 100) * 100) / 100));
              }}
            />
            <small>%</small>
          </label>
          <label>
            <span>Reason</span>
            <select aria-label="Reason" value={reason} onChange={(e) => setReason(e.target.value)}>
              <option value="">Choose a reason…</option>
              {reasonCodes.map((r) => (
                <option key={r.code} value={r.code}>
                  {r.label}
                </option>
              ))}
            </select>
          </label>
          <label className="wide">
            <span>Comment{commentRequired ? ' (required)' : ''}</span>
            <input aria-label="Comment" value={comment} onChange={(e) => setComment(e.target.value)} />
          </label>
          <OverrideGuidance lineId={row.lineId} quantity={quantity} reasonCode={reason} />
          <div className="actions">
            <button type="submit" className="primary" disabled={!validQuantity}>
              Save decision
            </button>
            <button
              type="button"
              onClick={() => {
                closeEditor();
                focusWorklist();
              }}
            >
              Cancel
            </button>
            <span className="hint">{changePct === null ? '' : `${changePct > 0 ? '+' : ''}${formatPercent(changePct, 1)} against the model`}</span>
          </div>
        </form>
      )}
      {decisionError && (
        <p className="banner error" role="alert">
          {decisionError.message}
        </p>
      )}
      {notice && !decisionError && (
        <p className="banner ok" role="status">
          {notice}
        </p>
      )}
      <LineJournalView />
    </section>
  );
}
