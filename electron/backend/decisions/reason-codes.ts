// The reason codes planners choose from. Codes are never deleted, only
// deactivated: past decisions keep pointing at them, and the accuracy slices by
// reason must still name them.
import type { ParsedRequestOf } from '../../../shared/contract';
import type { ReasonCode } from '../../../shared/domain';
import { appendAudit } from '../audit/chain';
import type { ReadContext, WriteContext } from '../context';
import type { Db } from '../db/open';
import { requireManager } from '../people/session';
import type { ReasonCodeRow } from '../audit/payloads';
import { keepReasonCodeChange } from '../team-replica/changes';

interface ReasonRow {
  code: string;
  label: string;
  comment_required: number;
  active: number;
  sort_order: number;
}

const toReason = (r: ReasonRow): ReasonCode => ({ code: r.code, label: r.label, commentRequired: r.comment_required === 1, active: r.active === 1, sortOrder: r.sort_order });

export function reasonCode(db: Db, code: string): ReasonCode | null {
  const row = db.prepare('SELECT * FROM reason_codes WHERE code = ?').get(code) as ReasonRow | undefined;
  return row ? toReason(row) : null;
}

export function listReasonCodes({ db }: ReadContext): { reasonCodes: ReasonCode[] } {
  return { reasonCodes: (db.prepare('SELECT * FROM reason_codes ORDER BY sort_order, code').all() as ReasonRow[]).map(toReason) };
}

export function saveReasonCode(ctx: WriteContext, req: ParsedRequestOf<'saveReasonCode'>): ReasonCode {
  const { db } = ctx;
  const user = requireManager(db, 'change reason codes');
  const at = ctx.now().toISOString();
  return db
    .transaction(() => {
      const before = db.prepare('SELECT * FROM reason_codes WHERE code = ?').get(req.code) as ReasonCodeRow | undefined;
      // A new code goes to the end of the list; an edited one keeps its place.
      db.prepare(
        `INSERT INTO reason_codes (code, label, comment_required, active, sort_order)
         VALUES (@code, @label, @commentRequired, @active, (SELECT coalesce(max(sort_order), 0) + 1 FROM reason_codes))
         ON CONFLICT (code) DO UPDATE SET label = excluded.label, comment_required = excluded.comment_required, active = excluded.active`,
      ).run({ code: req.code, label: req.label, commentRequired: req.commentRequired ? 1 : 0, active: req.active ? 1 : 0 });
      const saved = reasonCode(db, req.code)!;
      appendAudit(db, { at, actor: user.userId, action: 'reason_code.change', entity: 'reason_code', entityId: saved.code, payload: { ...saved, updatedBy: user.userId, updatedAt: at } });
      // In a team's replica the next sync sends it; the team's server checks the manager again.
      keepReasonCodeChange(db, db.prepare('SELECT * FROM reason_codes WHERE code = ?').get(req.code) as ReasonCodeRow, before, user.userId, at);
      return saved;
    })
    .immediate();
}
