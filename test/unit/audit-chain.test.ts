import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit, canonicalJson, GENESIS_HASH, verifyAuditChain } from '../../electron/backend/audit/chain';
import { openWorkbook } from '../../electron/backend/db/open';
import { tempDir } from '../helpers/workbook';

describe('audit hash chain', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it('canonical JSON does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, 2] }, b: 1 }));
  });

  it('compiles an entry’s statements once per connection, not once per entry (a pull appends one per decision), in a transaction too', async () => {
    const { db } = await openWorkbook(join(t.dir, 'compiled.sqlite'));
    const append = (i: number) => appendAudit(db, { at: `2026-11-01T10:00:${String(i).padStart(2, '0')}Z`, actor: 'ana', action: 'decision.accept', entity: 'decision', entityId: String(i), payload: { i } });
    db.transaction(() => append(0))();
    const compile = db.prepare.bind(db);
    let compiled = 0;
    db.prepare = ((sql: string) => {
      compiled++;
      return compile(sql);
    }) as typeof db.prepare;
    db.transaction(() => {
      for (let i = 1; i <= 40; i++) append(i);
    })();
    db.prepare = compile;
    expect(compiled).toBe(0);
    expect(verifyAuditChain(db)).toMatchObject({ ok: true, entries: 42 });
    db.close();
  });

  it('chains entries and detects an altered or removed entry, naming it', async () => {
    const path = join(t.dir, 'audit.sqlite');
    const { db } = await openWorkbook(path);
    for (let i = 1; i <= 4; i++) {
      appendAudit(db, { at: `2026-11-0${i}T10:00:00Z`, actor: 'ana', action: 'decision.override', entity: 'decision', entityId: String(i), payload: { quantity: i * 10 } });
    }
    const rows = db.prepare('SELECT action, prev_hash, hash FROM audit_log ORDER BY audit_id').all() as { action: string; prev_hash: string; hash: string }[];
    // The first append seals the workbook (audit/seal.ts): the seal is entry 1, the four follow it.
    expect(rows.map((r) => r.action)).toEqual(['integrity.seal', 'decision.override', 'decision.override', 'decision.override', 'decision.override']);
    expect(rows[0]!.prev_hash).toBe(GENESIS_HASH);
    expect(rows[2]!.prev_hash).toBe(rows[1]!.hash);
    expect(verifyAuditChain(db)).toEqual({ ok: true, entries: 5, firstBroken: null });
    db.close();

    // Tamper the way an outsider would: drop the guard triggers and edit a row.
    const raw = new Database(path);
    raw.exec('DROP TRIGGER audit_log_append_only_update');
    raw.prepare("UPDATE audit_log SET payload = '{\"quantity\":999}' WHERE entity_id = '3'").run();
    const verdict = verifyAuditChain(raw);
    expect(verdict.ok).toBe(false);
    expect(verdict.firstBroken).toMatchObject({ entityId: '3', problem: expect.stringMatching(/altered/) });

    raw.exec('DROP TRIGGER audit_log_append_only_delete');
    raw.prepare("UPDATE audit_log SET payload = '{\"quantity\":30}' WHERE entity_id = '3'").run();
    expect(verifyAuditChain(raw).ok).toBe(true);
    raw.prepare("DELETE FROM audit_log WHERE entity_id = '2'").run();
    expect(verifyAuditChain(raw).firstBroken).toMatchObject({ entityId: '3', problem: expect.stringMatching(/removed or reordered/) });
    raw.close();
  });
});
