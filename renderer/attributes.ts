// Item attributes as planners read them, for every screen that names one (the
// worklist's attribute filter, accuracy slices, accuracy exports).
import type { ItemAttributeFacet } from '../shared/domain';

const COLUMN_LABELS: Record<string, string> = { brand: 'Brand', family: 'Family', abcClass: 'ABC class', unit: 'Unit' };

/** 'brand' → 'Brand', 'lead_time_weeks' → 'Lead time weeks'. */
export function attributeLabel(name: string): string {
  if (COLUMN_LABELS[name]) return COLUMN_LABELS[name];
  const words = name.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Attributes accuracy can be sliced by: ABC class is an engine slice already, and an attribute with one value slices nothing. */
export const sliceableAttributes = (facets: ItemAttributeFacet[]): ItemAttributeFacet[] => facets.filter((a) => a.name !== 'abcClass' && a.distinctValues > 1);
