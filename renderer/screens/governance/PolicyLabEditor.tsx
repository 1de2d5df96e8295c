// The Policy lab's rule editor: one row per rule (segment and its levers), tried
// in order. Every lever is a plain input, so Tab walks the row and the arrow keys
// step a number; each change re-asks the backend after a short pause.
import { useGovernanceStore } from '../../stores/governance';
import { blankRule, usePolicyLabStore, type RuleDraft } from '../../stores/policy-lab';
import type { ItemAttributeFacet } from '../../../shared/domain';
import type { PolicyLevers } from '../../../shared/policy-lab';

type SegmentType = { by: RuleDraft['by']; label: string; values: string[] };

const attributeLabel = (name: string) => name.charAt(0).toUpperCase() + name.slice(1).replace(/_/g, ' ');

/**
 * What a rule can hold: all items, a category, an ABC class, or any attribute the
 * workbook's items have (brand, family, unit, or a key of their imported attributes).
 */
function segmentTypes(categories: string[], attributes: ItemAttributeFacet[]): SegmentType[] {
  return [
    { by: 'all', label: 'All items', values: [] },
    { by: 'category', label: 'Category', values: categories },
    { by: 'abc_class', label: 'ABC class', values: ['A', 'B', 'C'] },
    ...attributes.filter((a) => a.name !== 'abcClass').map((a): SegmentType => ({ by: `attr:${a.name}`, label: attributeLabel(a.name), values: a.values.map((v) => v.value) })),
  ];
}

type NumberLever = 'minChangePct' | 'dampUp' | 'dampDown' | 'capPct';
const NUMBER_LEVERS: { key: NumberLever; label: string; title: string; step: number; max: number }[] = [
  { key: 'minChangePct', label: 'Min change %', title: 'An override changing the model by less than this % is not applied', step: 1, max: 10_000 },
  { key: 'dampUp', label: 'Upward ×', title: 'Upward overrides count this much: final = model + k × (override − model)', step: 0.05, max: 2 },
  { key: 'dampDown', label: 'Downward ×', title: 'Downward overrides count this much: final = model + k × (override − model)', step: 0.05, max: 2 },
  { key: 'capPct', label: 'Cap %', title: 'The applied change is at most this % of the model', step: 1, max: 10_000 },
];

function segmentLabel(rule: RuleDraft, index: number): string {
  return rule.by === 'all' ? `rule ${index + 1} (all items)` : `rule ${index + 1} (${rule.value || 'no value'})`;
}

function RuleRow({ rule, index, types }: { rule: RuleDraft; index: number; types: SegmentType[] }) {
  const setRule = usePolicyLabStore((s) => s.setRule);
  const removeRule = usePolicyLabStore((s) => s.removeRule);
  const name = segmentLabel(rule, index);
  const setLever = <K extends keyof PolicyLevers>(key: K, value: PolicyLevers[K] | undefined) => setRule(index, { ...rule, levers: { ...rule.levers, [key]: value } });
  const listId = `policy-lab-values-${index}`;
  return (
    <tr>
      <td>
        <select aria-label={`Segment type of rule ${index + 1}`} value={rule.by} onChange={(e) => setRule(index, { ...rule, by: e.target.value as RuleDraft['by'], value: e.target.value === 'all' ? '*' : '' })}>
          {types.map((t) => (
            <option key={t.by} value={t.by}>
              {t.label}
            </option>
          ))}
          {/* A rule loaded from a suggestion or an adoption may name what this workbook's items no longer have. */}
          {!types.some((t) => t.by === rule.by) && <option value={rule.by}>{attributeLabel(rule.by.replace(/^attr:/, ''))}</option>}
        </select>
      </td>
      <td>
        {rule.by === 'all' ? (
          <span className="muted">every item</span>
        ) : (
          <>
            <input aria-label={`Segment value of rule ${index + 1}`} list={listId} value={rule.value} size={12} onChange={(e) => setRule(index, { ...rule, value: e.target.value })} />
            <datalist id={listId}>
              {(types.find((t) => t.by === rule.by)?.values ?? []).map((v) => (
                <option key={v} value={v} />
              ))}
            </datalist>
          </>
        )}
      </td>
      {NUMBER_LEVERS.map((l) => (
        <td key={l.key} className="num">
          <input
            type="number"
            aria-label={`${l.label} of ${name}`}
            title={l.title}
            min={0}
            max={l.max}
            step={l.step}
            className="num-input"
            value={rule.levers[l.key] ?? ''}
            placeholder="–"
            onChange={(e) => {
              const v = e.target.value === '' ? undefined : Number(e.target.value);
              if (v === undefined || (Number.isFinite(v) && v >= 0 && v <= l.max)) setLever(l.key, v);
            }}
          />
        </td>
      ))}
      <td className="center">
        <input type="checkbox" aria-label={`Model decides alone in ${name}`} checked={rule.levers.modelDecides === true} onChange={(e) => setLever('modelDecides', e.target.checked || undefined)} />
      </td>
      <td className="center">
        <input type="checkbox" aria-label={`Adopt the sales input in ${name}`} checked={rule.levers.adoptSalesInput === true} onChange={(e) => setLever('adoptSalesInput', e.target.checked || undefined)} />
      </td>
      <td>
        <button type="button" className="small" aria-label={`Remove ${name}`} onClick={() => removeRule(index)}>
          Remove
        </button>
      </td>
    </tr>
  );
}

export function PolicyLabEditor() {
  const rules = usePolicyLabStore((s) => s.rules);
  const addRule = usePolicyLabStore((s) => s.addRule);
  const categories = useGovernanceStore((s) => s.categories);
  const attributes = usePolicyLabStore((s) => s.attributes);
  const types = segmentTypes(categories, attributes);
  // A line takes the first rule holding it, so an "all items" rule before others hides them.
  const unreached = rules.findIndex((r, i) => r.by === 'all' && i < rules.length - 1);
  return (
    <div className="policy-lab-editor">
      <table className="table compact policy-lab-rules" aria-label="Candidate policy rules">
        <thead>
          <tr>
            <th scope="col">Segment</th>
            <th scope="col">Value</th>
            {NUMBER_LEVERS.map((l) => (
              <th key={l.key} scope="col" className="num" title={l.title}>
                {l.label}
              </th>
            ))}
            <th scope="col">Model decides</th>
            <th scope="col">Adopt sales input</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rules.map((r, i) => (
            <RuleRow key={i} rule={r} index={i} types={types} />
          ))}
        </tbody>
      </table>
      {unreached >= 0 && (
        <p className="policy-lab-unreached" role="note">
          Rule {unreached + 1} holds every item, so the rules after it are never reached: move it last.
        </p>
      )}
      <p className="hint">
        Rules are tried in order; a line takes the first whose segment holds it, and lines no rule holds keep today’s plan. Empty levers leave overrides as they were.{' '}
        <button type="button" className="small" onClick={addRule}>
          Add a rule
        </button>
      </p>
    </div>
  );
}

export { blankRule };
