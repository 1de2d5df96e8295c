import { useEffect, useState } from 'react';
import type { LineJournal } from '../../../shared/domain';
import { formatQuantity, formatTimestamp } from '../../../shared/format';
import { api } from '../../api';
import { useReviewStore } from '../../stores/review';

/** Every decision and approval on the selected line, oldest first: the journal as written. */
export function LineJournalView() {
  const row = useReviewStore((s) => s.rows.get(s.selectedIndex));
  const [journal, setJournal] = useState<LineJournal | null>(null);
  const lineId = row?.lineId;
  // Re-read when the line's state changes (a decision, an undo, an approval).
  const stamp = row ? `${row.status}/${row.finalQuantity}/${row.decidedBy}` : '';
  useEffect(() => {
    if (lineId === undefined) return;
    let live = true;
    void api.call('getLineJournal', { lineId }).then((r) => live && setJournal(r.ok ? r.value : null));
    return () => {
      live = false;
    };
  }, [lineId, stamp]);

  if (!journal || journal.line.lineId !== lineId || (journal.decisions.length === 0 && journal.approvals.length === 0)) return null;
  const entries = [
    ...journal.decisions.map((d) => ({
      at: d.decidedAt,
      key: `d${d.decisionId}`,
      text: `${d.decidedByName ?? d.decidedBy ?? '?'} ${d.action === 'undo' ? 'undid a decision' : d.action === 'accept' ? 'accepted the model' : d.action === 'auto_final' ? 'let the model decide' : `overrode to ${formatQuantity(d.quantity)}`}${d.reasonLabel ? ` · ${d.reasonLabel}` : ''}${d.comment ? ` · “${d.comment}”` : ''}${d.status === 'pending_approval' ? ' · needs approval' : ''}`,
      undone: d.undoneBy !== null,
    })),
    ...journal.approvals.map((a) => ({
      at: a.decidedAt,
      key: `a${a.approvalId}`,
      text: `${a.decidedByName ?? a.decidedBy} ${a.verdict} the override${a.note ? ` · “${a.note}”` : ''}`,
      undone: false,
    })),
  ].sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
  return (
    <section className="journal" aria-label="Decision history of this line">
      <h4>History of this line</h4>
      <ol>
        {entries.map((e) => (
          <li key={e.key} className={e.undone ? 'undone' : undefined}>
            <time>{formatTimestamp(e.at)}</time> {e.text}
            {e.undone ? ' (undone)' : ''}
          </li>
        ))}
      </ol>
    </section>
  );
}
