// The seal: an audit entry, written once per workbook before the first entry
// this version appends, that records every governed row nothing had recorded
// yet — the seeded reason codes and policy, users an older version's imports
// created, rows of import batches written before their content was fingerprinted,
// rows a hand-made workbook holds outside any batch.
//
// Why: from the seal on, `fwb check` can tell a row written outside the app (no
// record at all) from a row an older version wrote (recorded by the seal), so an
// older workbook is never reported as tampered, and a newer one is held to the
// full rule. What happened to a file before its seal cannot be known; the seal
// is where trust in it begins.
import type { Db } from '../db/open';
import { cachedStatement } from '../db/statement-cache';
import { allBatchContents, batchContent, type BatchContent } from './content-digest';
import { insertAuditEntry, lastAuditHash } from './entry';
import {
  importBatchAuditPayload,
  policyAuditPayload,
  reasonCodeRecord,
  userAuditPayload,
  type ImportBatchRow,
  type PolicyRow,
  type ReasonCodeRow,
  type UserRow,
} from './payloads';
import { readGovernedRecords, SEAL, type SealPayload } from './records';
import { takeWrittenContents } from './written-contents';

/** Workbooks known to be sealed: a committed seal is never taken back (the log is append-only). */
const sealed = new WeakSet<Db>();

export function isSealed(db: Db): boolean {
  if (sealed.has(db)) return true;
  const found = cachedStatement(db, 'SELECT 1 FROM audit_log WHERE entity = ? AND entity_id = ? AND action = ? LIMIT 1').get(SEAL.entity, SEAL.entityId, SEAL.action) !== undefined;
  // Only remembered outside a transaction: one that wrote the seal may still roll back.
  if (found && !db.inTransaction) sealed.add(db);
  return found;
}

/** What the seal records: every governed row without a record of its own. */
export function sealPayload(db: Db): SealPayload {
  const records = readGovernedRecords(db);
  const users = (db.prepare('SELECT user_id, display_name, role, created_at FROM users ORDER BY user_id').all() as UserRow[]).filter((u) => !records.users.has(u.user_id));
  const policies = (db.prepare('SELECT * FROM policies ORDER BY policy_id').all() as PolicyRow[]).filter((p) => !records.policies.has(String(p.policy_id)));
  const codes = (db.prepare('SELECT * FROM reason_codes ORDER BY code').all() as ReasonCodeRow[]).filter((c) => !records.reasonCodes.has(c.code));
  const batches = (db.prepare('SELECT * FROM import_batches ORDER BY batch_id').all() as ImportBatchRow[]).filter((b) => !records.batches.get(String(b.batch_id))?.content);
  // Every batch's rows in one pass when older batches need fingerprints (or what a pull computed as it wrote them); otherwise only the rows of no batch.
  const contents: Map<number | null, BatchContent> = batches.length > 0 ? (takeWrittenContents(db) ?? allBatchContents(db)) : new Map([[null, batchContent(db, null)]]);
  return {
    format: 1,
    users: users.map(userAuditPayload),
    policies: policies.map(policyAuditPayload),
    reasonCodes: codes.map(reasonCodeRecord),
    batches: batches.map((b) => ({ ...importBatchAuditPayload(b), content: contents.get(b.batch_id)! })),
    unbatched: contents.get(null)!,
  };
}

/**
 * Writes the seal if the workbook has none; call inside the transaction of the
 * first change, before that change's own rows when it can (an import, so its
 * own rows are not fingerprinted twice).
 */
export function ensureSealed(db: Db, at: string): void {
  if (isSealed(db)) return;
  insertAuditEntry(db, lastAuditHash(db), { at, actor: null, action: SEAL.action, entity: SEAL.entity, entityId: SEAL.entityId, payload: sealPayload(db) });
}
