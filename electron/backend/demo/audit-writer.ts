// Appends audit entries in bulk. Same chain as appendAudit (same canonical JSON,
// same entryHash, verified by verifyAuditChain), but with one prepared statement
// and the previous hash kept in memory: appendAudit looks both up per call, which
// would cost more than the rest of the demo for tens of thousands of decisions.
// Use only inside one transaction in which nothing else appends audit entries.
import { canonicalJson, entryHash, GENESIS_HASH, type AuditEntryInput } from '../audit/chain';
import type { Db } from '../db/open';

export type AuditAppender = (entry: AuditEntryInput) => void;

export function bulkAuditAppender(db: Db): AuditAppender {
  const last = db.prepare('SELECT hash FROM audit_log ORDER BY audit_id DESC LIMIT 1').get() as { hash: string } | undefined;
  let prevHash = last?.hash ?? GENESIS_HASH;
  const insert = db.prepare('INSERT INTO audit_log (at, actor, action, entity, entity_id, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  return (entry) => {
    const payloadJson = canonicalJson(entry.payload);
    const hash = entryHash(prevHash, { ...entry, payloadJson });
    insert.run(entry.at, entry.actor, entry.action, entry.entity, entry.entityId, payloadJson, prevHash, hash);
    prevHash = hash;
  };
}
