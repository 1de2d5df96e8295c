import { Fragment, useState } from 'react';
import type { ReasonCode } from '../../../shared/domain';
import { useGovernanceStore } from '../../stores/governance';
import { ActionsHeader, InlineError } from '../../components/InlineError';

const COLUMNS = 5;
const CODE_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;

function EditableReasonRow({ reason }: { reason: ReasonCode }) {
  const key = `reason:${reason.code}`;
  const saveReasonCode = useGovernanceStore((s) => s.saveReasonCode);
  const setRowError = useGovernanceStore((s) => s.setRowError);
  const error = useGovernanceStore((s) => s.rowErrors[key]);
  const busy = useGovernanceStore((s) => !!s.busy[key]);
  const [label, setLabel] = useState(reason.label);
  const [commentRequired, setCommentRequired] = useState(reason.commentRequired);
  const [active, setActive] = useState(reason.active);
  const dirty = label.trim() !== reason.label || commentRequired !== reason.commentRequired || active !== reason.active;

  return (
    <Fragment>
      <tr className={[dirty ? 'dirty' : '', reason.active ? '' : 'inactive'].join(' ').trim() || undefined}>
        <th scope="row" className="code">
          {reason.code}
        </th>
        <td>
          <input className="label-input" aria-label={`Label of ${reason.code}`} value={label} maxLength={100} onChange={(e) => setLabel(e.target.value)} />
        </td>
        <td className="check-cell">
          <input type="checkbox" aria-label={`Comment required for ${reason.code}`} checked={commentRequired} onChange={(e) => setCommentRequired(e.target.checked)} />
        </td>
        <td className="check-cell">
          <input type="checkbox" aria-label={`Active: ${reason.code}`} checked={active} onChange={(e) => setActive(e.target.checked)} />
        </td>
        <td className="row-actions">
          <button
            type="button"
            className={dirty ? 'primary small' : 'small'}
            aria-label={`Save reason code ${reason.code}`}
            disabled={!dirty || busy}
            onClick={() => void saveReasonCode({ code: reason.code, label, commentRequired, active })}
          >
            Save
          </button>
          {dirty && (
            <button
              type="button"
              className="small quiet"
              aria-label={`Discard changes to reason code ${reason.code}`}
              disabled={busy}
              onClick={() => {
                setLabel(reason.label);
                setCommentRequired(reason.commentRequired);
                setActive(reason.active);
                setRowError(key, null);
              }}
            >
              Discard
            </button>
          )}
        </td>
      </tr>
      {error && (
        <tr className="row-error">
          <td colSpan={COLUMNS} role="alert">
            {reason.code}: {error}
          </td>
        </tr>
      )}
    </Fragment>
  );
}

function ReadOnlyReasonRow({ reason }: { reason: ReasonCode }) {
  return (
    <tr className={reason.active ? undefined : 'inactive'}>
      <th scope="row" className="code">
        {reason.code}
      </th>
      <td>{reason.label}</td>
      <td className="check-cell">{reason.commentRequired ? 'yes' : 'no'}</td>
      <td className="check-cell">{reason.active ? 'yes' : 'no'}</td>
      <td />
    </tr>
  );
}

function AddReasonForm({ existing }: { existing: ReasonCode[] }) {
  const saveReasonCode = useGovernanceStore((s) => s.saveReasonCode);
  const setRowError = useGovernanceStore((s) => s.setRowError);
  const error = useGovernanceStore((s) => s.rowErrors['new-reason']);
  const busy = useGovernanceStore((s) => !!s.busy['new-reason']);
  const [code, setCode] = useState('');
  const [label, setLabel] = useState('');
  const [commentRequired, setCommentRequired] = useState(false);

  async function add() {
    const c = code.trim();
    // saveReasonCode also edits: adding a code that exists would silently relabel it.
    if (existing.some((r) => r.code === c)) return setRowError('new-reason', `The code ${c} exists already; change it in the table.`);
    if (!CODE_PATTERN.test(c)) return setRowError('new-reason', 'A code is lower-case letters, digits and _, starting with a letter, at most 40.');
    if (!label.trim()) return setRowError('new-reason', 'A label is required.');
    if (await saveReasonCode({ code: c, label: label.trim(), commentRequired, active: true }, 'new-reason')) {
      setCode('');
      setLabel('');
      setCommentRequired(false);
    }
  }

  return (
    <fieldset className="add-form">
      <legend>Add reason code</legend>
      <input aria-label="Code of the new reason" placeholder="code, e.g. weather" value={code} maxLength={40} onChange={(e) => setCode(e.target.value)} />
      <input className="label-input" aria-label="Label of the new reason" placeholder="Label shown to planners" value={label} maxLength={100} onChange={(e) => setLabel(e.target.value)} />
      <label className="check">
        <input type="checkbox" checked={commentRequired} onChange={(e) => setCommentRequired(e.target.checked)} />
        <span>Comment required</span>
      </label>
      <button type="button" onClick={() => void add()} disabled={busy || !code.trim() || !label.trim()}>
        Add reason code
      </button>
      <InlineError error={error} />
    </fieldset>
  );
}

export function ReasonCodesPanel({ canEdit }: { canEdit: boolean }) {
  const reasonCodes = useGovernanceStore((s) => s.reasonCodes);
  const activeCount = reasonCodes?.filter((r) => r.active).length ?? 0;
  return (
    <section className="panel governance-panel" aria-labelledby="reasons-title">
      <h3 id="reasons-title">
        Reason codes {reasonCodes ? <span className="muted">· {activeCount} in use{reasonCodes.length > activeCount ? `, ${reasonCodes.length - activeCount} retired` : ''}</span> : null}
      </h3>
      <p className="panel-note">Codes are never deleted: clear Active to retire one. Past decisions keep their code, and accuracy by reason still names it.</p>
      <div className="table-scroll">
        <table className="table reasons-table" aria-label="Reason codes">
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Label</th>
              <th scope="col" className="check-cell">
                Comment required
              </th>
              <th scope="col" className="check-cell">
                Active
              </th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {reasonCodes?.map((r) =>
              canEdit ? <EditableReasonRow key={`${r.code}:${r.label}:${r.commentRequired}:${r.active}`} reason={r} /> : <ReadOnlyReasonRow key={r.code} reason={r} />,
            )}
          </tbody>
        </table>
      </div>
      {reasonCodes === null && <p className="empty">Loading reason codes…</p>}
      {canEdit && reasonCodes && <AddReasonForm existing={reasonCodes} />}
    </section>
  );
}
