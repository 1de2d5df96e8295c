// The editor's question before a save (issue 16, item 3): what will the adopted
// policy make of this override? Answered with the rule decideLine applies at the save.
import type { ParsedRequestOf } from '../../../shared/contract';
import type { OverridePolicyPreview } from '../../../shared/policy-lab';
import type { ReadContext } from '../context';
import { governingAdoption, overridePolicyPreview } from './adopted-policy';
import { loadLine } from './lines';
import { governingPolicy } from './policy';

export function previewOverride({ db }: ReadContext, req: ParsedRequestOf<'previewOverride'>): OverridePolicyPreview {
  const line = loadLine(db, req.lineId);
  return overridePolicyPreview(governingAdoption(db, line), line.modelQuantity, req.quantity, governingPolicy(db, line.itemKey));
}
