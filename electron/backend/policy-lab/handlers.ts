// The policy lab behind the API: read-only replays of the workbook's history.
// Today's stairstep comes from the accuracy cube, which dispatch brings current first (api.ts).
import type { ParsedRequestOf } from '../../../shared/contract';
import type { PolicySimulation, PolicySuggestion } from '../../../shared/policy-lab';
import type { ReadContext } from '../context';
import { simulatePolicy as simulate } from './simulate';
import { suggestPolicy as suggest } from './suggest';

export const simulatePolicy = (ctx: ReadContext, req: ParsedRequestOf<'simulatePolicy'>): PolicySimulation => simulate(ctx.db, req);

export const suggestPolicy = (ctx: ReadContext, req: ParsedRequestOf<'suggestPolicy'>): PolicySuggestion => suggest(ctx.db, req);
