// decideLine: accept a line, or override it (to a quantity, by a percent of the
// model, or to the sales input) with a reason. Every rule is enforced here, not
// in the renderer: freeze, reason, comment, approval threshold, and the policy a
// manager adopted in the lab (adopted-policy.ts): the decision's quantity is what
// applies, the planner's own figure is kept beside it where the policy changed it.
import type { ParsedRequestOf } from '../../../shared/contract';
import type { DecideOutcome, PlanSource } from '../../../shared/domain';
import type { WriteContext } from '../context';
import type { Db } from '../db/open';
import { WorkbenchError } from '../errors';
import { appendDecision } from './journal';
import { enforceOverride, governingAdoption } from './adopted-policy';
import { commentRequirement, needsApproval } from '../../../shared/decision-rules';
import { assertOpenForDecision, loadLine, type LineFacts } from './lines';
import { governingPolicy, type ResolvedPolicy } from './policy';
import { refreshLineState } from './projection';
import { reasonCode } from './reason-codes';
import { requireDecider } from '../people/session';
import { rememberWorkingRun } from '../review/opening-run';

type DecideRequest = ParsedRequestOf<'decideLine'>;

const invalid = (message: string) => new WorkbenchError('INVALID_REQUEST', message);

/** Percent overrides are rounded to 6 decimals so that +10 % of 121 is 133.1, not 133.10000000000002. */
const tidy = (q: number) => Math.round(q * 1e6) / 1e6;

function overrideTarget(db: Db, line: LineFacts, req: DecideRequest): { quantity: number; source: PlanSource } {
  const given = [req.quantity !== undefined, req.percent !== undefined, req.useSalesInput === true].filter(Boolean).length;
  if (given !== 1) throw invalid('An override needs exactly one of quantity, percent or useSalesInput.');
  let quantity: number;
  let source: PlanSource = 'override';
  if (req.quantity !== undefined) quantity = req.quantity;
  else if (req.percent !== undefined) quantity = tidy(line.modelQuantity * (1 + req.percent / 100));
  else {
    const sales = db
      .prepare('SELECT quantity FROM sales_inputs WHERE item_key = ? AND location_key = ? AND period = ? AND superseded_at IS NULL')
      .get(line.itemKey, line.locationKey, line.period) as { quantity: number } | undefined;
    if (!sales) throw invalid('There is no sales input for this line to adopt.');
    quantity = sales.quantity;
    source = 'sales_input';
  }
  if (!Number.isFinite(quantity) || quantity < 0) throw invalid(`An override quantity must be a number of at least 0 (got ${quantity}).`);
  if (quantity === line.modelQuantity) throw invalid(`The override equals the model quantity ${line.modelQuantity}; accept the line instead.`);
  return { quantity, source };
}

function checkReasonAndComment(db: Db, line: LineFacts, policy: ResolvedPolicy, req: DecideRequest, quantity: number): { code: string; comment: string | null } {
  const code = req.reasonCode?.trim();
  if (!code) throw invalid('A reason is required for every override.');
  const reason = reasonCode(db, code);
  if (!reason) throw invalid(`Unknown reason code "${code}".`);
  if (!reason.active) throw invalid(`The reason "${reason.label}" is no longer in use; choose another.`);
  const comment = req.comment?.trim() || null;
  // The same rule marks the editor's Comment field required while the quantity is typed.
  const required = commentRequirement(policy, line.modelQuantity, quantity, reason);
  if (comment === null && required !== null) throw invalid(required);
  return { code: reason.code, comment };
}

export function decideLine(ctx: WriteContext, req: DecideRequest): DecideOutcome {
  const { db } = ctx;
  const user = requireDecider(db);
  const decidedAt = ctx.now().toISOString();
  return db
    .transaction((): DecideOutcome => {
      const line = loadLine(db, req.lineId);
      const policy = governingPolicy(db, line.itemKey);
      assertOpenForDecision(db, line, policy);
      rememberWorkingRun(db, user.userId, line.runId);
      if (req.action === 'accept') {
        if (req.quantity !== undefined || req.percent !== undefined || req.useSalesInput) throw invalid('An accept takes the model quantity; use an override to change it.');
        if (req.reasonCode) throw invalid('An accept takes no reason code; reasons explain overrides.');
        const decision = appendDecision(db, {
          lineId: line.lineId,
          action: 'accept',
          quantity: line.modelQuantity,
          source: 'model',
          reasonCode: null,
          comment: req.comment?.trim() || null,
          decidedBy: user.userId,
          decidedAt,
          status: 'final',
        });
        return { decision, lineState: refreshLineState(db, line.lineId) };
      }
      const { quantity: asked, source } = overrideTarget(db, line, req);
      const enforced = enforceOverride(governingAdoption(db, line), line.modelQuantity, asked, policy);
      const quantity = enforced.applied;
      // The comment explains the planner's own figure, so it is judged on what was asked.
      const { code, comment } = checkReasonAndComment(db, line, policy, req, asked);
      const decision = appendDecision(db, {
        lineId: line.lineId,
        action: 'override',
        quantity,
        askedQuantity: enforced.askedKept,
        policyVersion: enforced.policyVersion,
        source,
        reasonCode: code,
        comment,
        decidedBy: user.userId,
        decidedAt,
        // Over the threshold it waits for a manager and does not move the plan until approved.
        // An override the policy brought back to the model changes nothing, so nothing waits.
        status: quantity !== line.modelQuantity && needsApproval(enforced.thresholds, line.modelQuantity, quantity) ? 'pending_approval' : 'final',
      });
      return { decision, lineState: refreshLineState(db, line.lineId) };
    })
    .immediate();
}
