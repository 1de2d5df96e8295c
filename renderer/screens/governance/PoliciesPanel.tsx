import { Fragment, useState } from 'react';
import { MODEL_ROLES, type ModelRole, type PolicySummary } from '../../../shared/domain';
import { formatNumber, formatTimestamp } from '../../../shared/format';
import { ABC_CLASSES, draftOf, segmentKey, segmentName, useGovernanceStore, type PolicyDraft, type SegmentType } from '../../stores/governance';

const COLUMNS = 10;

/** Nullable thresholds are edited as text: empty means "no limit". */
interface RowDraft {
  modelRole: ModelRole;
  approvalPct: string;
  approvalUnits: string;
  freezeLags: string;
  commentPct: string;
  driftThresholdPts: string;
}

const text = (n: number | null) => (n === null ? '' : String(n));

const rowDraftOf = (p: PolicySummary): RowDraft => ({
  modelRole: p.modelRole,
  approvalPct: text(p.approvalPct),
  approvalUnits: text(p.approvalUnits),
  freezeLags: String(p.freezeLags),
  commentPct: text(p.commentPct),
  driftThresholdPts: text(p.driftThresholdPts),
});

const sameDraft = (a: RowDraft, b: RowDraft) => (Object.keys(a) as (keyof RowDraft)[]).every((k) => a[k].trim() === b[k].trim());

/** The request for a row, or the reason it cannot be sent (the backend checks ranges and rules). */
function toRequest(p: PolicySummary, d: RowDraft): PolicyDraft | string {
  const nullable = (s: string) => (s.trim() === '' ? null : Number(s));
  const freeze = d.freezeLags.trim();
  if (freeze === '' || !Number.isInteger(Number(freeze))) return 'Freeze needs a whole number of lags (0 freezes nothing).';
  return {
    ...draftOf(p),
    modelRole: d.modelRole,
    approvalPct: nullable(d.approvalPct),
    approvalUnits: nullable(d.approvalUnits),
    freezeLags: Number(freeze),
    commentPct: nullable(d.commentPct),
    driftThresholdPts: nullable(d.driftThresholdPts),
  };
}

const none = (n: number | null, unit = '') => (n === null ? <span className="muted">none</span> : `${formatNumber(n, 2, { trimZeros: true })}${unit}`);

function changedText(p: PolicySummary): string {
  return p.updatedBy ? `${p.updatedBy} · ${formatTimestamp(p.updatedAt)}` : 'as seeded';
}

function InForce({ policy }: { policy: PolicySummary }) {
  return (
    <span className={`role role-${policy.effectiveRole}${policy.steppedDownAt ? ' stepped' : ''}`} title={policy.steppedDownAt ? `set: ${policy.modelRole}` : undefined}>
      {policy.effectiveRole}
      {policy.steppedDownAt ? ' ↓' : ''}
    </span>
  );
}

/** A segment the drift guard stepped down gets a line of its own saying so, with the way back for a manager. */
function DriftRow({ policy, canEdit }: { policy: PolicySummary; canEdit: boolean }) {
  const restoreRole = useGovernanceStore((s) => s.restoreRole);
  const busy = useGovernanceStore((s) => !!s.busy[segmentKey(policy)]);
  if (!policy.steppedDownAt) return null;
  return (
    <tr className="row-drift">
      <td colSpan={COLUMNS}>
        <span className="drift-mark">stepped down by drift guard on {policy.steppedDownAt.slice(0, 10)}</span>{' '}
        {policy.modelRole === 'assist' ? (
          // The guard made this policy from all items' rules (role assist) to step the segment down: no other role to restore.
          <>
            {segmentName(policy)} is held at <b>assist</b>, its set role, until a manager lifts the step-down.
          </>
        ) : (
          <>
            {segmentName(policy)} runs as <b>assist</b> instead of <b>{policy.modelRole}</b> until a manager restores the role.
          </>
        )}
        {canEdit && (
          <button type="button" className="small" aria-label={`Restore role of ${segmentName(policy)}`} disabled={busy} onClick={() => void restoreRole(policy)}>
            {policy.modelRole === 'assist' ? 'Lift the step-down' : `Restore ${policy.modelRole}`}
          </button>
        )}
      </td>
    </tr>
  );
}

function NumberCell({ label, value, onChange, step = 1, min = 0, placeholder = 'none' }: { label: string; value: string; onChange: (v: string) => void; step?: number; min?: number; placeholder?: string }) {
  return (
    <td className="num">
      <input type="number" className="num-input" aria-label={label} value={value} min={min} step={step} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} />
    </td>
  );
}

function EditablePolicyRow({ policy }: { policy: PolicySummary }) {
  const key = segmentKey(policy);
  const name = segmentName(policy);
  const savePolicy = useGovernanceStore((s) => s.savePolicy);
  const setRowError = useGovernanceStore((s) => s.setRowError);
  const error = useGovernanceStore((s) => s.rowErrors[key]);
  const busy = useGovernanceStore((s) => !!s.busy[key]);
  const [draft, setDraft] = useState(() => rowDraftOf(policy));
  const dirty = !sameDraft(draft, rowDraftOf(policy));
  const set = (patch: Partial<RowDraft>) => setDraft((d) => ({ ...d, ...patch }));

  async function save() {
    const request = toRequest(policy, draft);
    if (typeof request === 'string') {
      setRowError(key, request);
      return;
    }
    await savePolicy(request, key);
  }

  return (
    <Fragment>
      <tr className={dirty ? 'dirty' : undefined}>
        <th scope="row" className="segment">
          {name}
        </th>
        <td>
          <select aria-label={`Model role for ${name}`} value={draft.modelRole} onChange={(e) => set({ modelRole: e.target.value as ModelRole })}>
            {MODEL_ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </td>
        <td>
          <InForce policy={policy} />
        </td>
        <NumberCell label={`Approval % for ${name}`} value={draft.approvalPct} onChange={(v) => set({ approvalPct: v })} />
        <NumberCell label={`Approval units for ${name}`} value={draft.approvalUnits} onChange={(v) => set({ approvalUnits: v })} />
        <NumberCell label={`Freeze lags for ${name}`} value={draft.freezeLags} onChange={(v) => set({ freezeLags: v })} placeholder="0" />
        <NumberCell label={`Comment-required % for ${name}`} value={draft.commentPct} onChange={(v) => set({ commentPct: v })} />
        <NumberCell label={`Drift threshold for ${name}`} value={draft.driftThresholdPts} onChange={(v) => set({ driftThresholdPts: v })} step={0.5} />
        <td className="changed">{changedText(policy)}</td>
        <td className="row-actions">
          <button type="button" className={dirty ? 'primary small' : 'small'} aria-label={`Save policy for ${name}`} disabled={!dirty || busy} onClick={() => void save()}>
            Save
          </button>
          {dirty && (
            <button
              type="button"
              className="small quiet"
              aria-label={`Discard changes to the policy for ${name}`}
              disabled={busy}
              onClick={() => {
                setDraft(rowDraftOf(policy));
                setRowError(key, null);
              }}
            >
              Discard
            </button>
          )}
        </td>
      </tr>
      <DriftRow policy={policy} canEdit />
      {error && (
        <tr className="row-error">
          <td colSpan={COLUMNS} role="alert">
            {name}: {error}
          </td>
        </tr>
      )}
    </Fragment>
  );
}

function ReadOnlyPolicyRow({ policy }: { policy: PolicySummary }) {
  return (
    <Fragment>
      <tr>
        <th scope="row" className="segment">
          {segmentName(policy)}
        </th>
        <td>{policy.modelRole}</td>
        <td>
          <InForce policy={policy} />
        </td>
        <td className="num">{none(policy.approvalPct, ' %')}</td>
        <td className="num">{none(policy.approvalUnits)}</td>
        <td className="num">{policy.freezeLags}</td>
        <td className="num">{none(policy.commentPct, ' %')}</td>
        <td className="num">{none(policy.driftThresholdPts)}</td>
        <td className="changed">{changedText(policy)}</td>
        <td />
      </tr>
      <DriftRow policy={policy} canEdit={false} />
    </Fragment>
  );
}

/** New segment policies start from the thresholds of 'all items'; the table edits them afterwards. */
function AddPolicyForm({ policies, categories }: { policies: PolicySummary[]; categories: string[] }) {
  const savePolicy = useGovernanceStore((s) => s.savePolicy);
  const error = useGovernanceStore((s) => s.rowErrors['new-policy']);
  const busy = useGovernanceStore((s) => !!s.busy['new-policy']);
  const [type, setType] = useState<Exclude<SegmentType, 'all'>>('category');
  const [value, setValue] = useState('');
  const [role, setRole] = useState<ModelRole>('assist');
  const taken = new Set(policies.map(segmentKey));
  const options = (type === 'category' ? categories : [...ABC_CLASSES]).filter((v) => !taken.has(segmentKey({ segmentType: type, segmentValue: v })));
  const chosen = options.includes(value) ? value : (options[0] ?? '');
  const all = policies.find((p) => p.segmentType === 'all');

  async function add() {
    if (!all || !chosen) return;
    const ok = await savePolicy({ ...draftOf(all), segmentType: type, segmentValue: chosen, modelRole: role }, 'new-policy');
    if (ok) setValue('');
  }

  return (
    <fieldset className="add-form">
      <legend>Add segment policy</legend>
      <label>
        <span>Segment</span>
        <select aria-label="Segment type of the new policy" value={type} onChange={(e) => setType(e.target.value as 'category' | 'abc_class')}>
          <option value="category">category</option>
          <option value="abc_class">ABC class</option>
        </select>
      </label>
      <select aria-label="Segment value of the new policy" value={chosen} onChange={(e) => setValue(e.target.value)} disabled={!options.length}>
        {options.length ? options.map((o) => <option key={o}>{o}</option>) : <option value="">{type === 'category' ? 'every category has one' : 'every class has one'}</option>}
      </select>
      <label>
        <span>Role</span>
        <select aria-label="Model role of the new policy" value={role} onChange={(e) => setRole(e.target.value as ModelRole)}>
          {MODEL_ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </label>
      <button type="button" onClick={() => void add()} disabled={!chosen || !all || busy}>
        Add policy
      </button>
      <span className="muted">Starts with the thresholds of all items; adjust them in the table.</span>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

export function PoliciesPanel({ canEdit }: { canEdit: boolean }) {
  const policies = useGovernanceStore((s) => s.policies);
  const categories = useGovernanceStore((s) => s.categories);
  return (
    <section className="panel governance-panel" aria-labelledby="policies-title">
      <h3 id="policies-title">Model role per segment</h3>
      <p className="panel-note">
        The most specific segment governs an item: its category, then its ABC class, then all items. <b>assist</b> the planner decides every line · <b>recommend</b> the model value is
        the default, the planner confirms · <b>decide</b> lines nobody touched become final at release · <b>trigger</b> released without review.
      </p>
      <div className="table-scroll">
        <table className="table policies" aria-label="Policies per segment">
          <thead>
            <tr>
              <th scope="col">Segment</th>
              <th scope="col">Model role</th>
              <th scope="col">In force</th>
              <th scope="col" className="num" title="An override changing the model quantity by more than this goes to a manager">
                Approval over %
              </th>
              <th scope="col" className="num" title="…or by more than this many units">
                or units
              </th>
              <th scope="col" className="num" title="Lines with lag up to this are locked">
                Freeze up to lag
              </th>
              <th scope="col" className="num" title="Overrides changing the quantity by more than this need a comment">
                Comment over %
              </th>
              <th scope="col" className="num" title="Step the segment down to assist when the model's rolling error worsens by more than this many points">
                Drift guard pts
              </th>
              <th scope="col">Last changed (UTC)</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {policies?.map((p) =>
              canEdit ? <EditablePolicyRow key={`${p.policyId}:${p.updatedAt}`} policy={p} /> : <ReadOnlyPolicyRow key={p.policyId} policy={p} />,
            )}
          </tbody>
        </table>
      </div>
      {policies === null && <p className="empty">Loading policies…</p>}
      {canEdit && policies && <AddPolicyForm policies={policies} categories={categories} />}
    </section>
  );
}
