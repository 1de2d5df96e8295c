// The hash-chained audit log. Each entry's hash is sha256 over the previous hash
// and the entry's canonical content, so editing or deleting any row is detectable.
// (Whoever holds the file can still rewrite the whole chain consistently: backups
// and exports record its head, so a rewrite shows against them — see check.ts.)
import type { ReadableDb } from '../db/handles';
import type { Db } from '../db/open';
import { GENESIS_HASH, entryHash, insertAuditEntry, lastAuditHash, type AuditEntryInput } from './entry';
import { ensureSealed } from './seal';

export { GENESIS_HASH, canonicalJson, entryHash, type AuditEntryInput } from './entry';

interface AuditRow {
  audit_id: number;
  at: string;
  actor: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  payload: string;
  prev_hash: string;
  hash: string;
}

/**
 * Appends one entry; call inside the transaction that makes the change it records.
 * The workbook's first entry written by this version is preceded by its seal (seal.ts).
 */
export function appendAudit(db: Db, entry: AuditEntryInput): { auditId: number; hash: string } {
  ensureSealed(db, entry.at);
  return insertAuditEntry(db, lastAuditHash(db), entry);
}

/** The newest entry: what a backup or an export records, so a chain rewritten later shows against it. */
export interface ChainHead {
  auditId: number;
  hash: string;
}

export function chainHead(db: ReadableDb): ChainHead | null {
  const row = db.prepare('SELECT audit_id AS auditId, hash FROM audit_log ORDER BY audit_id DESC LIMIT 1').get() as ChainHead | undefined;
  return row ?? null;
}

export interface ChainVerdict {
  ok: boolean;
  entries: number;
  firstBroken: { auditId: number; action: string; entity: string; entityId: string | null; problem: string } | null;
}

export function verifyAuditChain(db: Db): ChainVerdict {
  let prev = GENESIS_HASH;
  let entries = 0;
  for (const row of db.prepare('SELECT * FROM audit_log ORDER BY audit_id').iterate() as IterableIterator<AuditRow>) {
    entries++;
    const broken = (problem: string): ChainVerdict => ({
      ok: false,
      entries,
      firstBroken: { auditId: row.audit_id, action: row.action, entity: row.entity, entityId: row.entity_id, problem },
    });
    if (row.prev_hash !== prev) return broken('its previous-hash does not match the entry before it (an entry was removed or reordered)');
    const expected = entryHash(prev, { at: row.at, actor: row.actor, action: row.action, entity: row.entity, entityId: row.entity_id, payloadJson: row.payload });
    if (expected !== row.hash) return broken('its content does not match its hash (the entry was altered)');
    prev = row.hash;
  }
  return { ok: true, entries, firstBroken: null };
}
