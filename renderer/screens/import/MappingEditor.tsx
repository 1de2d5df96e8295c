import type { ImportPreview } from '../../../shared/domain';
import { useImportStore } from '../../stores/import';

const FIELD_LABELS: Record<string, string> = {
  item_id: 'Item',
  location_id: 'Location',
  period: 'Period',
  forecast: 'Forecast',
  lower: 'Lower bound',
  upper: 'Upper bound',
  actual: 'Actual',
  quantity: 'Quantity',
  model: 'Model',
  model_version: 'Model version',
  origin: 'Origin',
  final: 'Final quantity',
  reason: 'Reason',
  comment: 'Comment',
  user: 'Decided by',
  decided_at: 'Decided at',
};

export const fieldLabel = (field: string) => FIELD_LABELS[field] ?? field.replace(/_/g, ' ');

/** One select per field: which column of the file feeds it. Required fields are starred. */
export function MappingEditor({ preview }: { preview: ImportPreview }) {
  const setMapping = useImportStore((s) => s.setMapping);
  return (
    <fieldset className="mapping">
      <legend>Column mapping</legend>
      {preview.fields.map((f) => (
        <label key={f.field} className={f.required && !f.column ? 'missing' : undefined}>
          <span>
            {fieldLabel(f.field)}
            {f.required ? <abbr title="required">*</abbr> : null}
          </span>
          <select aria-label={`Column for ${fieldLabel(f.field)}`} value={f.column ?? ''} onChange={(e) => setMapping(f.field, e.target.value)}>
            <option value="">(none)</option>
            {preview.header.filter((h) => h !== '').map((h) => (
              <option key={h} value={h}>
                {h}
              </option>
            ))}
          </select>
          {f.source && f.source !== 'detected' ? <small>{f.source}</small> : null}
        </label>
      ))}
    </fieldset>
  );
}
