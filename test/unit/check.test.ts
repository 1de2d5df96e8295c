import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, entryHash } from '../../electron/backend/audit/chain';
import { checkWorkbook } from '../../electron/backend/audit/check';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

const ROOT = join(import.meta.dirname, '..', '..');
const fwb = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'fwb.cjs'), ...args], { encoding: 'utf8', cwd: ROOT });
const SQLITE3 = '/usr/bin/sqlite3';

/** Alters the file from outside the app, as someone with the sqlite3 shell would. */
function tamper(path: string, sql: string): void {
  if (existsSync(SQLITE3)) {
    const run = spawnSync(SQLITE3, [path, sql], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(run.stderr);
  } else {
    const db = new Database(path);
    db.exec(sql);
    db.close();
  }
}

describe('checking a workbook', () => {
  const t = tempDir('fwb-check-');
  const path = join(t.dir, 'demo.sqlite');
  beforeAll(async () => {
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    generateDemo(db, { items: 40, seed: 3 });
    db.close();
  });
  afterAll(() => t.cleanup());

  it('passes on a clean demo workbook, checking every journal row', async () => {
    const { db } = await openWorkbook(path, { readonly: true });
    const report = checkWorkbook(db);
    const decisions = db.prepare('SELECT (SELECT count(*) FROM decisions) + (SELECT count(*) FROM approvals)').pluck().get();
    db.close();
    expect(report).toMatchObject({ ok: true, integrity: ['ok'], foreignKeyViolations: 0, firstProblem: null, journalRowsChecked: decisions });
    const cli = fwb('check', '--db', path);
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/: ok — integrity ok, \d+ audit entries chained/);
  });

  it('fails, naming the decision and its audit entry, after a decision row is altered outside the app', () => {
    const copy = join(t.dir, 'tampered.sqlite');
    tamper(path, `VACUUM INTO '${copy}'`);
    tamper(copy, 'DROP TRIGGER decisions_append_only_update; UPDATE decisions SET quantity = quantity + 1 WHERE decision_id = 7;');
    const cli = fwb('check', '--db', copy, '--json');
    expect(cli.status).toBe(1);
    const report = JSON.parse(cli.stdout);
    expect(report.ok).toBe(false);
    expect(report.firstProblem).toMatchObject({ check: 'journal', entity: 'decision', entityId: '7', message: expect.stringMatching(/decision 7 differs from what audit entry \d+ recorded/) });
    const human = fwb('check', '--db', copy);
    expect(human.status).toBe(1);
    expect(human.stdout).toMatch(/FAILED — decision 7 differs/);
  });

  it('fails on an edited or deleted audit entry, naming the first broken one', () => {
    const copy = join(t.dir, 'audit-edited.sqlite');
    tamper(path, `VACUUM INTO '${copy}'`);
    tamper(copy, "DROP TRIGGER audit_log_append_only_delete; DELETE FROM audit_log WHERE audit_id = 10;");
    const report = JSON.parse(fwb('check', '--db', copy, '--json').stdout);
    expect(report.firstProblem).toMatchObject({ check: 'audit_chain', auditId: 11 });
  });

  it('reports a decision written behind the app’s back (no audit entry)', () => {
    const copy = join(t.dir, 'sneaky.sqlite');
    tamper(path, `VACUUM INTO '${copy}'`);
    tamper(copy, "INSERT INTO decisions (line_id, action, quantity, source, decided_at, status) VALUES (1, 'accept', 5, 'model', '2026-10-31T00:00:00Z', 'final');");
    const report = JSON.parse(fwb('check', '--db', copy, '--json').stdout);
    expect(report.firstProblem.message).toMatch(/has no audit entry/);
  });

  it('fails when an undo is pointed at another decision (what is in force would change)', () => {
    const copy = join(t.dir, 'undo-moved.sqlite');
    tamper(path, `VACUUM INTO '${copy}'`);
    tamper(copy, 'DROP TRIGGER decisions_append_only_update; UPDATE decisions SET undoes_decision_id = 3 WHERE decision_id = 9;');
    const report = JSON.parse(fwb('check', '--db', copy, '--json').stdout);
    expect(report.firstProblem).toMatchObject({ check: 'journal', entity: 'decision', entityId: '9' });
  });

  it('accepts decision entries written before their payload recorded the undo and the batch', async () => {
    const { db } = await openWorkbook(path, { readonly: true });
    const entry = db.prepare("SELECT payload FROM audit_log WHERE entity = 'decision' ORDER BY audit_id LIMIT 1").pluck().get() as string;
    db.close();
    const older = JSON.parse(entry) as Record<string, unknown>;
    expect(older).toHaveProperty('undoesDecisionId');
    delete older.undoesDecisionId;
    delete older.batchId;
    // Rewrite the first decision entry (and re-chain from there) as an older release wrote it.
    const copy = join(t.dir, 'older-payload.sqlite');
    tamper(path, `VACUUM INTO '${copy}'`);
    const raw = new Database(copy);
    raw.exec('DROP TRIGGER audit_log_append_only_update');
    const first = raw.prepare("SELECT audit_id FROM audit_log WHERE entity = 'decision' ORDER BY audit_id LIMIT 1").pluck().get() as number;
    raw.prepare('UPDATE audit_log SET payload = ? WHERE audit_id = ?').run(canonicalJson(older), first);
    let prev = raw.prepare('SELECT hash FROM audit_log WHERE audit_id < ? ORDER BY audit_id DESC LIMIT 1').pluck().get(first) as string;
    const update = raw.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE audit_id = ?');
    // Thousands of rows: one transaction, or each UPDATE is its own sync to disk (a minute on a slow disk).
    raw.transaction(() => {
      for (const e of raw.prepare('SELECT * FROM audit_log WHERE audit_id >= ? ORDER BY audit_id').all(first) as { audit_id: number; at: string; actor: string | null; action: string; entity: string; entity_id: string | null; payload: string }[]) {
        const hash = entryHash(prev, { at: e.at, actor: e.actor, action: e.action, entity: e.entity, entityId: e.entity_id, payloadJson: e.payload });
        update.run(prev, `${hash}~`, e.audit_id); // a unique placeholder first: hashes are UNIQUE
        update.run(prev, hash, e.audit_id);
        prev = hash;
      }
    })();
    raw.close();
    const report = JSON.parse(fwb('check', '--db', copy, '--json').stdout);
    expect(report.ok).toBe(true);
  });
});
