// Filter the worklist by any item attribute: the columns (brand, family, ABC
// class, unit) and every imported attribute, with the values the run's items have.
import { formatCount } from '../../../shared/format';
import { attributeLabel } from '../../attributes';
import { useReviewStore } from '../../stores/review';


export function AttributeFilter() {
  const attributes = useReviewStore((s) => s.attributes);
  const name = useReviewStore((s) => s.filter.attributeName);
  const value = useReviewStore((s) => s.filter.attributeValue);
  const setFilter = useReviewStore((s) => s.setFilter);
  const facet = attributes.find((a) => a.name === name);
  // A value chosen before the list arrived (or one beyond the listed 200) stays selectable.
  const values = facet && value && !facet.values.some((v) => v.value === value) ? [{ value, items: null }, ...facet.values] : (facet?.values ?? []);
  return (
    <span className="attribute-filter" role="group" aria-label="Filter by item attribute">
      <select aria-label="Attribute" value={name} onChange={(e) => setFilter({ attributeName: e.target.value, attributeValue: '' })} disabled={!attributes.length}>
        <option value="">Any attribute</option>
        {attributes.map((a) => (
          <option key={a.name} value={a.name}>
            {attributeLabel(a.name)}
          </option>
        ))}
      </select>
      <select aria-label="Attribute value" value={value} onChange={(e) => setFilter({ attributeValue: e.target.value })} disabled={!facet}>
        <option value="">{facet ? `Any ${attributeLabel(facet.name).toLowerCase()}` : 'Any value'}</option>
        {values.map((v) => (
          <option key={v.value} value={v.value}>
            {v.items === null ? v.value : `${v.value} (${formatCount(v.items)})`}
          </option>
        ))}
      </select>
      {facet && facet.distinctValues > facet.values.length && (
        <small className="capped" title={`${formatCount(facet.distinctValues)} distinct values; the ${facet.values.length} most common are listed`}>
          top {facet.values.length}
        </small>
      )}
    </span>
  );
}
