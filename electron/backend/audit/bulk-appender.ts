// Appends audit entries in bulk. Same chain as appendAudit (same canonical JSON,
// same entryHash, verified by verifyAuditChain, sealed first the same way), but
// with one prepared statement and the previous hash kept in memory: appendAudit
// looks both up per call, which would cost more than the rest of the write for
// tens of thousands of entries (an import, a bulk accept, the demo's decisions).
// Use only inside one transaction in which nothing else appends audit entries.
import { canonicalJson, entryHash, lastAuditHash, type AuditEntryInput } from './entry';
import { ensureSealed } from './seal';
import type { Db } from '../db/open';

export type AuditAppender = (entry: AuditEntryInput) => void;

export function bulkAuditAppender(db: Db): AuditAppender {
  let prevHash: string | null = null;
  const insert = db.prepare('INSERT INTO audit_log (at, actor, action, entity, entity_id, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  return (entry) => {
    if (prevHash === null) {
      ensureSealed(db, entry.at);
      prevHash = lastAuditHash(db);
    }
    const payloadJson = canonicalJson(entry.payload);
    const hash = entryHash(prevHash, { ...entry, payloadJson });
    insert.run(entry.at, entry.actor, entry.action, entry.entity, entry.entityId, payloadJson, prevHash, hash);
    prevHash = hash;
  };
}
