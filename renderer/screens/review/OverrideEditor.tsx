// The override editor of the selected line: quantity or percent, reason and
// comment. While the quantity is typed it marks what the save will require and
// says whether the override will wait for a manager, asking the same functions
// the backend decides with (shared/decision-rules.ts) about the line's policy.
import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { approvalThresholdsPassed, commentRequirement } from '../../../shared/decision-rules';
import type { ForecastLineRow } from '../../../shared/domain';
import { formatPercent } from '../../../shared/format';
import { useReviewStore } from '../../stores/review';
import { useSessionStore } from '../../stores/session';
import { OverrideGuidance } from './OverrideGuidance';
import { PolicyPreviewNote, useOverridePreview } from './PolicyPreview';

export function focusWorklist(): void {
  document.querySelector<HTMLElement>('[role=grid][aria-label=Worklist]')?.focus();
}

export function OverrideEditor({ row, editor }: { row: ForecastLineRow; editor: { quantity: string; useSalesInput: boolean } }) {
  const decide = useReviewStore((s) => s.decide);
  const closeEditor = useReviewStore((s) => s.closeEditor);
  const allReasonCodes = useSessionStore((s) => s.reasonCodes);
  const reasonCodes = useMemo(() => allReasonCodes.filter((r) => r.active), [allReasonCodes]);
  const [quantity, setQuantity] = useState(editor.quantity);
  const [reason, setReason] = useState(editor.useSalesInput ? 'sales_intelligence' : '');
  const [comment, setComment] = useState('');
  const quantityInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    requestAnimationFrame(() => quantityInput.current?.select());
  }, []);

  const q = Number(quantity);
  const validQuantity = quantity.trim() !== '' && Number.isFinite(q) && q >= 0;
  const changes = validQuantity && q !== row.quantity;
  const changePct = validQuantity && row.quantity > 0 ? (100 * (q - row.quantity)) / row.quantity : null;
  const chosenReason = reasonCodes.find((r) => r.code === reason) ?? null;
  // What the save will require, decided as the backend decides it at save.
  const commentNeed = validQuantity ? commentRequirement(row.policy, row.quantity, q, chosenReason) : null;
  // Under an adopted policy the backend says what applies and whether that waits (its rule may set its own thresholds).
  const applies = useOverridePreview(row.lineId, quantity, row.quantity);
  const approvalNeed = applies ? applies.approval : changes ? approvalThresholdsPassed(row.policy, row.quantity, q) : null;

  async function save(event?: FormEvent) {
    event?.preventDefault();
    if (!validQuantity) return;
    const useSales = editor.useSalesInput && row.salesInput !== null && Math.abs(q - row.salesInput) < 1e-9;
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

  return (
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
      <label className={changes && !reason ? 'needed' : undefined}>
        <span>
          Reason <em className="required">required</em>
        </span>
        {/* aria-required, not required: the backend's sentence explains a missing reason, not the browser's bubble. */}
        <select aria-label="Reason" aria-required="true" value={reason} onChange={(e) => setReason(e.target.value)}>
          <option value="">Choose a reason…</option>
          {reasonCodes.map((r) => (
            <option key={r.code} value={r.code}>
              {r.label}
            </option>
          ))}
        </select>
      </label>
      <label className={`wide${commentNeed && !comment.trim() ? ' needed' : ''}`}>
        <span>
          Comment {commentNeed ? <em className="required">required</em> : <span className="muted">optional</span>}
        </span>
        <input aria-label="Comment" aria-required={commentNeed !== null} aria-describedby={commentNeed ? 'override-comment-why' : undefined} value={comment} onChange={(e) => setComment(e.target.value)} />
      </label>
      <div className="override-rules" aria-live="polite">
        {applies && <PolicyPreviewNote applies={applies} />}
        {commentNeed && <p id="override-comment-why">{commentNeed}</p>}
        {approvalNeed && (
          <p className="approval-warning" role="note">
            This will need a manager’s approval ({approvalNeed}); the plan keeps the model quantity until then.
          </p>
        )}
      </div>
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
  );
}
