// One audit entry and its hash: the canonical form both the writers and the
// chain's verifier use, and the INSERT of an entry after a known previous hash.
import type { Db } from '../db/open';
import { cachedStatement } from '../db/statement-cache';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntryInput {
  at: string;
  actor: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  payload: unknown;
}

/** Key order fixed by sorting, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function entryHash(prevHash: string, e: { at: string; actor: string | null; action: string; entity: string; entityId: string | null; payloadJson: string }): string {
  const content = canonicalJson([e.at, e.actor, e.action, e.entity, e.entityId, e.payloadJson]);
  // node:crypto taken when an entry is hashed, not when this module loads: fwb accuracy, a process per call, hashes none.
  return process.getBuiltinModule('node:crypto').createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}

export function lastAuditHash(db: Db): string {
  const last = cachedStatement(db, 'SELECT hash FROM audit_log ORDER BY audit_id DESC LIMIT 1').get() as { hash: string } | undefined;
  return last?.hash ?? GENESIS_HASH;
}

/** Inserts one entry after `prevHash`; returns its id and hash. */
export function insertAuditEntry(db: Db, prevHash: string, entry: AuditEntryInput): { auditId: number; hash: string } {
  const payloadJson = canonicalJson(entry.payload);
  const hash = entryHash(prevHash, { ...entry, payloadJson });
  const info = cachedStatement(db, 'INSERT INTO audit_log (at, actor, action, entity, entity_id, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(entry.at, entry.actor, entry.action, entry.entity, entry.entityId, payloadJson, prevHash, hash);
  return { auditId: Number(info.lastInsertRowid), hash };
}
