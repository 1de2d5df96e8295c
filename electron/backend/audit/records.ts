// What the audit log says the governed rows (users, policies, reason codes,
// import batches and the rows they wrote) should hold: for each row, the latest
// entry that recorded it. Read by `fwb check` to compare, and by the seal to
// find the rows nothing has recorded yet.
import type { ReadableDb } from '../db/handles';
import type { BatchContent } from './content-digest';
import type { UserAuditPayload } from './payloads';

export interface AuditRecord {
  auditId: number;
  payload: Record<string, unknown>;
}

export interface BatchRecord extends AuditRecord {
  /** Fingerprints of what the batch wrote; null in entries written before they were recorded. */
  content: Partial<BatchContent> | null;
  /** The batch was taken back (imports/undo.ts): its rows are gone, and its row says who and when. */
  undone?: { auditId: number; at: string; by: string | null };
}

export interface GovernedRecords {
  /** The seal (seal.ts): from it on, a governed row that nothing recorded was written outside the app. */
  seal: { auditId: number } | null;
  users: Map<string, AuditRecord>;
  policies: Map<string, AuditRecord>;
  reasonCodes: Map<string, AuditRecord>;
  batches: Map<string, BatchRecord>;
  /** Fingerprints of the rows that belong to no import batch, as the seal found them. */
  unbatched: { auditId: number; content: Partial<BatchContent> } | null;
}

export const SEAL = { action: 'integrity.seal', entity: 'workbook', entityId: 'integrity' } as const;

/** The seal's payload: every governed row no entry had recorded when it was written. */
export interface SealPayload {
  format: 1;
  users: UserAuditPayload[];
  policies: Record<string, unknown>[];
  reasonCodes: Record<string, unknown>[];
  batches: (Record<string, unknown> & { batchId: number; content: BatchContent })[];
  unbatched: BatchContent;
}

/**
 * Entries that describe the row as it then stood: by the keys their payload
 * carries, not by the action's name, so a new action that writes the whole row
 * (a role change, say) counts without being listed here. A sign-in's entry
 * (entity 'user', payload { userId, at }) records no row.
 */
const hasKeys = (payload: Record<string, unknown>, keys: string[]) => keys.every((k) => k in payload);
const RECORDS_ROW: Record<string, (action: string, payload: Record<string, unknown>) => boolean> = {
  user: (_a, p) => hasKeys(p, ['userId', 'displayName', 'role', 'createdAt']),
  policy: (_a, p) => hasKeys(p, ['policyId', 'segmentType', 'modelRole']),
  reason_code: (_a, p) => hasKeys(p, ['code', 'label', 'commentRequired']),
  import_batch: (a) => a === 'import',
};

function withoutKeys(payload: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out = { ...payload };
  for (const k of keys) delete out[k];
  return out;
}

export function readGovernedRecords(db: ReadableDb): GovernedRecords {
  const r: GovernedRecords = { seal: null, users: new Map(), policies: new Map(), reasonCodes: new Map(), batches: new Map(), unbatched: null };
  const entries = db
    .prepare(
      `SELECT audit_id, action, entity, entity_id, payload FROM audit_log
        WHERE entity IN ('user', 'policy', 'reason_code', 'import_batch', 'workbook') ORDER BY audit_id`,
    )
    .iterate() as IterableIterator<{ audit_id: number; action: string; entity: string; entity_id: string | null; payload: string }>;
  // In log order: a later record of a row replaces an earlier one.
  for (const e of entries) {
    const auditId = e.audit_id;
    if (e.entity === SEAL.entity) {
      if (e.action !== SEAL.action || e.entity_id !== SEAL.entityId) continue;
      const seal = JSON.parse(e.payload) as SealPayload;
      r.seal ??= { auditId };
      for (const u of seal.users ?? []) r.users.set(u.userId, { auditId, payload: u });
      for (const p of seal.policies ?? []) r.policies.set(String(p.policyId), { auditId, payload: p });
      for (const c of seal.reasonCodes ?? []) r.reasonCodes.set(String(c.code), { auditId, payload: c });
      for (const b of seal.batches ?? []) r.batches.set(String(b.batchId), { auditId, payload: withoutKeys(b, ['content']), content: b.content });
      r.unbatched = { auditId, content: seal.unbatched ?? {} };
      continue;
    }
    if (e.entity_id === null || !RECORDS_ROW[e.entity]) continue;
    const payload = JSON.parse(e.payload) as Record<string, unknown>;
    if (e.entity === 'import_batch' && e.action === 'import.undo') {
      const batch = r.batches.get(e.entity_id);
      if (batch) batch.undone = { auditId, at: String(payload.undoneAt), by: (payload.undoneBy as string | null) ?? null };
      continue;
    }
    // Published to the team (team-replica/later-publication.ts): the workbook's copy left; the team's comes back by the pull, with its own entry.
    if (e.entity === 'import_batch' && e.action === 'import.published') {
      r.batches.delete(e.entity_id);
      continue;
    }
    // A new policy segment or reason code the team refused left the replica (team-replica/changes.ts): its record ends there.
    if ((e.entity === 'policy' || e.entity === 'reason_code') && e.action === `${e.entity}.removed`) {
      (e.entity === 'policy' ? r.policies : r.reasonCodes).delete(e.entity_id);
      continue;
    }
    if (!RECORDS_ROW[e.entity]!(e.action, payload)) continue;
    switch (e.entity) {
      case 'user':
        r.users.set(e.entity_id, { auditId, payload });
        break;
      case 'policy':
        r.policies.set(e.entity_id, { auditId, payload });
        break;
      case 'reason_code':
        r.reasonCodes.set(e.entity_id, { auditId, payload });
        break;
      case 'import_batch': {
        r.batches.set(e.entity_id, { auditId, payload: withoutKeys(payload, ['content', 'usersCreated']), content: (payload.content as Partial<BatchContent> | undefined) ?? null });
        for (const u of (payload.usersCreated as UserAuditPayload[] | undefined) ?? []) r.users.set(u.userId, { auditId, payload: u });
        break;
      }
    }
  }
  return r;
}
