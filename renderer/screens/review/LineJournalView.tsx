import { useEffect, useState } from 'react';
import { decidedByText, importedDecisionText } from '../../../shared/decision-provenance';
import type { LineJournal, LineJournalDecision } from '../../../shared/domain';
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
      text: decisionText(d),
      undone: d.undoneBy !== null,
      imported: d.imported !== null,
    })),
    ...journal.approvals.map((a) => ({
      at: a.decidedAt,
      key: `a${a.approvalId}`,
      text: `${decidedByText(a)} ${a.verdict} the override${a.note ? ` · “${a.note}”` : ''}`,
      undone: false,
      imported: false,
    })),
  ].sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
  // The plan of the line comes from history imported from a file: say so where the decision shows.
  const current = journal.decisions.find((d) => d.decisionId === journal.state.decisionId);
  return (
    <section className="journal" aria-label="Decision history of this line">
      <h4>History of this line</h4>
      {current?.imported && (
        <p className="imported-note" role="note">
          The plan of this line is decision history {importedDecisionText(current.imported)}; it was not decided in this workbook.
        </p>
      )}
      <ol>
        {entries.map((e) => (
          <li key={e.key} className={[e.undone ? 'undone' : '', e.imported ? 'imported' : ''].join(' ').trim() || undefined}>
            <time>{formatTimestamp(e.at)}</time> {e.text}
            {e.undone ? ' (undone)' : ''}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** One journal row in words; imported history is named as imported, never as decided by the name its file recorded. */
function decisionText(d: LineJournalDecision): string {
  // Where an adopted policy changed the override, both figures: what was asked (accountability) and what the plan took.
  const override =
    d.askedQuantity !== undefined
      ? `overrode: asked ${formatQuantity(d.askedQuantity)}, applied ${formatQuantity(d.quantity)} under policy v${d.policyVersion ?? '–'}`
      : `overrode to ${formatQuantity(d.quantity)}`;
  const action = d.action === 'undo' ? 'undid a decision' : d.action === 'accept' ? 'accepted the model' : d.action === 'auto_final' ? 'let the model decide' : override;
  const detail = `${d.reasonLabel ? ` · ${d.reasonLabel}` : ''}${d.comment ? ` · “${d.comment}”` : ''}${d.status === 'pending_approval' ? ' · needs approval' : ''}`;
  if (d.imported) return `${action[0]!.toUpperCase()}${action.slice(1)}${detail} · ${importedDecisionText(d.imported)}`;
  return `${decidedByText(d)} ${action}${detail}`;
}
