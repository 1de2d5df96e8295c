import { ATTRIBUTE_SLICE_PREFIX } from '../../../shared/accuracy';
import type { ItemAttributeFacet } from '../../../shared/domain';
import { attributeLabel, sliceableAttributes } from '../../attributes';

/** The item attributes a "slice by" select offers, as one option group (none when no attribute can slice). */
export function AttributeSliceOptions({ attributes, label }: { attributes: ItemAttributeFacet[]; label: string }) {
  const choices = sliceableAttributes(attributes);
  if (choices.length === 0) return null;
  return (
    <optgroup label={label}>
      {choices.map((a) => (
        <option key={a.name} value={`${ATTRIBUTE_SLICE_PREFIX}${a.name}`}>
          {attributeLabel(a.name)}
        </option>
      ))}
    </optgroup>
  );
}
