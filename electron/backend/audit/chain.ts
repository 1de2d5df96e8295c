// The hash-chained audit log. Each entry's hash is sha256 over the previous hash
// and the entry's canonical content, so editing or deleting any row is detectable.
import { createHash } from 'node:crypto';
import type { Db } from '../db/open';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntryInput {
  at: string;
  actor: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  payload: unknown;
}

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
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}

/** Appends one entry; call inside the transaction that makes the change it records. */
export function appendAudit(db: Db, entry: AuditEntryInput): { auditId: number; hash: string } {
  const last = db.prepare('SELECT hash FROM audit_log ORDER BY audit_id DESC LIMIT 1').get() as { hash: string } | undefined;
  const prevHash = last?.hash ?? GENESIS_HASH;
  const payloadJson = canonicalJson(entry.payload);
  const hash = entryHash(prevHash, { ...entry, payloadJson });
  const info = db
    .prepare('INSERT INTO audit_log (at, actor, action, entity, entity_id, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(entry.at, entry.actor, entry.action, entry.entity, entry.entityId, payloadJson, prevHash, hash);
  return { auditId: Number(info.lastInsertRowid), hash };
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
