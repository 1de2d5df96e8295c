// `fwb check` catches every tamper issue 12.4 lists, done the way someone with
// the sqlite3 shell would: drop the append-only triggers first, then change the
// file. The workbook is real: the demo, imports through the importer, decisions,
// an approval, releases and a rollback made through the API.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWorkbook, type CheckReport } from '../../electron/backend/audit/check';
import { allBatchContents } from '../../electron/backend/audit/content-digest';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { importFile } from '../../electron/backend/imports/import-file';
import { ok } from '../helpers/api';
import { FIXED_NOW, tempDir } from '../helpers/workbook';
import { DEMO_PASSPHRASE } from '../../shared/domain';

const ROOT = join(import.meta.dirname, '..', '..');
const fwb = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'fwb.cjs'), ...args], { encoding: 'utf8', cwd: ROOT });

const t = tempDir('fwb-tamper-');
const base = join(t.dir, 'base.sqlite');
/** Ids the tampering below aims at, found while the base workbook is built. */
const target = { supersededDecision: 0, supersededApproval: 0, importBatch: 0, actualsBatch: 0, release: 0 };

async function check(path: string): Promise<CheckReport> {
  const { db } = await openWorkbook(path, { readonly: true });
  try {
    return checkWorkbook(db);
  } finally {
    db.close();
  }
}

let n = 0;
/** A copy of the base workbook, triggers dropped, `sql` run on it: what fwb check then says. */
async function tampered(sql: string): Promise<CheckReport> {
  const copy = join(t.dir, `tampered-${++n}.sqlite`);
  copyFileSync(base, copy);
  const raw = new Database(copy);
  for (const name of raw.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all() as string[]) raw.exec(`DROP TRIGGER "${name}"`);
  raw.exec(sql);
  raw.close();
  return check(copy);
}

beforeAll(async () => {
  const { db } = await openWorkbook(base, { now: FIXED_NOW });
  generateDemo(db, { items: 30, seed: 3 });
  const ctx: BackendContext = { db, path: base, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
  const items = db.prepare('SELECT item_id FROM items ORDER BY item_key LIMIT 2').pluck().all() as string[];
  // Imports through the importer, as an analyst a manager added (importing creates nobody: issue 12.1):
  // a new model's run, actuals that supersede, a sales input.
  await ok(ctx, 'signIn', { userId: 'maria.lopez', displayName: 'Maria Lopez', role: 'manager', passphrase: DEMO_PASSPHRASE });
  await ok(ctx, 'signIn', { userId: 'olga.import', displayName: 'olga.import', role: 'analyst', newPassphrase: 'olga passphrase' });
  await ok(ctx, 'signOut', {});
  const file = (name: string, text: string) => {
    writeFileSync(join(t.dir, name), text);
    return join(t.dir, name);
  };
  const fc = await importFile(ctx, file('fc.csv', `item_id,period,forecast,lower,upper\n${items[0]},2026-11-01,50,40,60\n${items[1]},2026-12-01,8,,\nNEW-1,2026-11-01,3,1,5\n`), {
    kind: 'forecasts',
    model: 'Legacy',
    origin: '2026-10-01',
    unknownItems: 'create',
    user: 'olga.import',
  });
  target.importBatch = fc.batchId;
  const act = await importFile(ctx, file('act.csv', `item_id,period,actual\n${items[0]},2026-10-01,999\nNEW-1,2026-10-01,2\n`), { kind: 'actuals', unknownItems: 'create', user: 'olga.import' });
  target.actualsBatch = act.batchId;
  await importFile(ctx, file('si.csv', `sku,period,sales_input,rep\n${items[1]},2026-12-01,77,Key account\n`), { kind: 'sales_inputs', user: 'olga.import' });

  // A decision that a later one replaces, and an approval of a decision a later one replaces.
  const current = db.prepare('SELECT max(run_id) FROM forecast_runs WHERE model_name <> ?').pluck().get('Legacy') as number;
  const lines = db.prepare('SELECT line_id FROM forecast_lines WHERE run_id = ? ORDER BY lag DESC, line_id LIMIT 2').pluck().all(current) as number[];
  await ok(ctx, 'signIn', { userId: 'ana.silva', displayName: 'Ana Silva', role: 'planner' });
  target.supersededDecision = (await ok(ctx, 'decideLine', { lineId: lines[0]!, action: 'accept' })).decision.decisionId;
  await ok(ctx, 'decideLine', { lineId: lines[0]!, action: 'override', quantity: 1, reasonCode: 'lost_business', comment: 'customer gone' });
  const big = await ok(ctx, 'decideLine', { lineId: lines[1]!, action: 'override', percent: 200, reasonCode: 'promotion', comment: 'big promo' });
  expect(big.decision.status).toBe('pending_approval');
  await ok(ctx, 'signIn', { userId: 'maria.lopez', displayName: 'Maria Lopez', role: 'manager', passphrase: DEMO_PASSPHRASE });
  await ok(ctx, 'reviewOverride', { decisionId: big.decision.decisionId, verdict: 'approved', note: 'fine' });
  target.supersededApproval = db.prepare('SELECT max(approval_id) FROM approvals').pluck().get() as number;
  await ok(ctx, 'signIn', { userId: 'ana.silva', displayName: 'Ana Silva', role: 'planner' });
  await ok(ctx, 'decideLine', { lineId: lines[1]!, action: 'accept' });

  // Releases and a rollback of the run before the current one.
  await ok(ctx, 'signIn', { userId: 'maria.lopez', displayName: 'Maria Lopez', role: 'manager', passphrase: DEMO_PASSPHRASE });
  const previous = db.prepare('SELECT run_id FROM forecast_runs WHERE model_name <> ? ORDER BY origin DESC LIMIT 1 OFFSET 1').pluck().get('Legacy') as number;
  await ok(ctx, 'releaseRun', { runId: previous, note: 'September plan' });
  await ok(ctx, 'releaseRun', { runId: previous, note: 'again' });
  target.release = (await ok(ctx, 'rollbackRun', { runId: previous, toVersion: 1, note: 'back to the first' })).releaseId;
  db.close();
}, 120_000);
afterAll(() => t.cleanup());

describe('fwb check on a workbook with imports, decisions, approvals and releases', () => {
  it('passes untouched, sealed, with every governed row compared with its record', async () => {
    const report = await check(base);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, sealed: true, unverified: {}, releasesChecked: 3 });
    expect(report.governedRowsChecked).toBeGreaterThan(40);
  });

  it('records the fingerprints the importer fed as it wrote, equal to the rows read back', () => {
    const db = new Database(base, { readonly: true });
    const entry = JSON.parse(db.prepare("SELECT payload FROM audit_log WHERE entity = 'import_batch' AND entity_id = ?").pluck().get(String(target.importBatch)) as string);
    const actuals = JSON.parse(db.prepare("SELECT payload FROM audit_log WHERE entity = 'import_batch' AND entity_id = ?").pluck().get(String(target.actualsBatch)) as string);
    const now = allBatchContents(db);
    db.close();
    expect(entry.content.lines).toEqual({ rows: 3, sha256: now.get(target.importBatch)!.lines.sha256 });
    expect(entry.content.runs.rows).toBe(1);
    expect(actuals.content.actuals).toEqual({ rows: 2, sha256: now.get(target.actualsBatch)!.actuals.sha256 });
    expect(entry.usersCreated).toEqual([]);
  });
});

describe('fwb check catches each tamper of issue 12.4 (triggers dropped first)', () => {
  const caught = async (sql: string, message: RegExp) => {
    const report = await tampered(sql);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.message)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
    return report;
  };

  it('a deleted decision that is no longer its line’s current one', async () => {
    const r = await caught(`DELETE FROM decisions WHERE decision_id = ${target.supersededDecision}`, new RegExp(`^decision ${target.supersededDecision}, recorded in audit entry \\d+, is gone from the journal`));
    expect(r.problems.some((p) => p.check === 'line_state')).toBe(false); // the plan did not change: only the entry tells
  });

  it('a deleted approval of a decision a later one replaced', async () => {
    await caught(`DELETE FROM approvals WHERE approval_id = ${target.supersededApproval}`, new RegExp(`^approval ${target.supersededApproval}, recorded in audit entry \\d+, is gone`));
  });

  it('a policy loosened, and a policy deleted', async () => {
    await caught("UPDATE policies SET model_role = 'trigger', approval_pct = NULL WHERE segment_type = 'all'", /^policy \d+ \(all items\) differs from what audit entry \d+ recorded: modelRole is "trigger", recorded "assist"/);
    await caught("DELETE FROM policies WHERE segment_type = 'category' AND policy_id = (SELECT max(policy_id) FROM policies)", /^policy \d+, recorded in audit entry \d+, is gone/);
  });

  it('a user’s role raised, and a manager added behind the app’s back', async () => {
    await caught("UPDATE users SET role = 'manager' WHERE user_id = 'ana.silva'", /^user ana\.silva differs from what audit entry \d+ recorded: role is "manager", recorded "planner"/);
    await caught("UPDATE users SET role = 'manager' WHERE user_id = 'olga.import'", /^user olga\.import differs from what audit entry \d+ recorded: role is "manager"/);
    await caught("INSERT INTO users (user_id, display_name, role, created_at) VALUES ('mallory', 'Mallory', 'manager', '2025-01-01T00:00:00.000Z')", /^user mallory has no audit record/);
  });

  it('a reason code no longer asking for a comment', async () => {
    await caught("UPDATE reason_codes SET comment_required = 0 WHERE code = 'other'", /^reason code other differs from what audit entry \d+ recorded: commentRequired is false, recorded true/);
  });

  it('a forecast line changed, one deleted, one added; a run relabelled', async () => {
    const line = `(SELECT min(l.line_id) FROM forecast_lines l JOIN forecast_runs r USING (run_id) WHERE r.batch_id = ${target.importBatch})`;
    await caught(`UPDATE forecast_lines SET quantity = quantity * 2 WHERE line_id = ${line}`, new RegExp(`^forecast lines of import batch ${target.importBatch} \\(fc\\.csv\\) differ from what audit entry \\d+ recorded \\(3 rows, their values changed\\)`));
    await caught(`DELETE FROM forecast_lines WHERE line_id = ${line}`, /forecast lines of import batch \d+ \(fc\.csv\) differ .*\(3 recorded, 2 there now\)/);
    await caught(
      'INSERT INTO forecast_lines (run_id, item_key, period, lag, quantity) SELECT run_id, item_key, period + 100000, lag + 12, 1 FROM forecast_lines WHERE line_id = (SELECT min(line_id) FROM forecast_lines)',
      /^forecast lines of import batch \d+ \(demo:forecasts-.*\) differ .*recorded, \d+ there now/,
    );
    await caught(`UPDATE forecast_runs SET model_version = '9.9' WHERE batch_id = ${target.importBatch}`, /^forecast runs of import batch \d+ \(fc\.csv\) differ/);
  });

  it('an actual changed, and an old actual made current again', async () => {
    await caught(`UPDATE actuals SET quantity = 5 WHERE batch_id = ${target.actualsBatch} AND superseded_at IS NULL AND quantity = 999`, new RegExp(`^actuals of import batch ${target.actualsBatch} \\(act\\.csv\\) differ`));
    // Swap which of two values of a key is current: each row's own columns stay as they were.
    const r = await caught(
      `UPDATE actuals SET superseded_at = '2026-10-31T18:00:00.000Z' WHERE batch_id = ${target.actualsBatch} AND quantity = 999;
       UPDATE actuals SET superseded_at = NULL WHERE actual_id = (SELECT a.actual_id FROM actuals a JOIN actuals b ON b.item_key = a.item_key AND b.period = a.period AND b.quantity = 999 WHERE a.actual_id < b.actual_id);`,
      /^actual \d+ is current though a later value \(of 2026-10-31T18:00:00\.000Z\) replaced it/,
    );
    expect(r.problems.map((p) => p.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^actual \d+ is marked superseded .* though no later value replaced it/)]));
  });

  it('an actual slipped in outside any import', async () => {
    await caught(
      "INSERT INTO actuals (item_key, period, quantity, recorded_at) SELECT item_key, 20261101, 5, '2026-11-02T00:00:00.000Z' FROM items WHERE item_key = (SELECT min(item_key) FROM items)",
      /^actuals outside any import batch differ from what audit entry 1 recorded \(0 recorded, 1 there now\)/,
    );
  });

  it('a sales input changed', async () => {
    await caught('UPDATE sales_inputs SET quantity = 1 WHERE quantity = 77', /^sales inputs of import batch \d+ \(si\.csv\) differ/);
  });

  it('import provenance rewritten', async () => {
    await caught(`UPDATE import_batches SET file_name = 'clean.csv', sha256 = '${'0'.repeat(64)}', imported_by = 'maria.lopez' WHERE batch_id = ${target.importBatch}`, new RegExp(`^import batch ${target.importBatch} \\(clean\\.csv\\) differs from what audit entry \\d+ recorded: fileName is "clean.csv", recorded "fc.csv"`));
  });

  it('an altered release line, and a deleted release', async () => {
    await caught(
      `UPDATE release_lines SET final_quantity = final_quantity + 10 WHERE release_id = ${target.release} AND line_id = (SELECT min(line_id) FROM release_lines WHERE release_id = ${target.release})`,
      new RegExp(`^release ${target.release} \\(run \\d+, version 3\\) differs from what audit entry \\d+ recorded: its \\d+ lines no longer hash to the sha256 recorded`),
    );
    await caught(`DELETE FROM release_lines WHERE release_id = ${target.release}; DELETE FROM releases WHERE release_id = ${target.release}`, new RegExp(`^release ${target.release}, recorded in audit entry \\d+, is gone`));
  });

  it('on the command line: exit 1 and the finding', () => {
    const copy = join(t.dir, 'cli.sqlite');
    copyFileSync(base, copy);
    const raw = new Database(copy);
    raw.exec("UPDATE users SET role = 'manager' WHERE user_id = 'ana.silva'");
    raw.close();
    const run = fwb('check', '--db', copy);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/FAILED — user ana\.silva differs from what audit entry \d+ recorded: role is "manager", recorded "planner"/);
  });
});

describe('an altered release snapshot does not roll forward or go out', () => {
  it('rollback to it and export of it are refused, naming the release entry', async () => {
    const copy = join(t.dir, 'release-altered.sqlite');
    copyFileSync(base, copy);
    const raw = new Database(copy);
    const { runId, releaseId } = raw.prepare('SELECT run_id AS runId, release_id AS releaseId FROM releases WHERE version = 1').get() as { runId: number; releaseId: number };
    raw.exec('DROP TRIGGER IF EXISTS release_lines_append_only_update');
    raw.prepare('UPDATE release_lines SET final_quantity = final_quantity + 10 WHERE release_id = ? AND line_id = (SELECT min(line_id) FROM release_lines WHERE release_id = ?)').run(releaseId, releaseId);
    raw.close();
    const { db } = await openWorkbook(copy, { now: FIXED_NOW });
    const ctx: BackendContext = { db, path: copy, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
    await ok(ctx, 'signIn', { userId: 'maria.lopez', displayName: 'Maria Lopez', role: 'manager', passphrase: DEMO_PASSPHRASE });
    const releasesBefore = db.prepare('SELECT count(*) FROM releases').pluck().get();
    await expect(ok(ctx, 'rollbackRun', { runId, toVersion: 1, note: 'back again' })).rejects.toThrow(/Version 1 of run \d+ no longer matches what its release recorded \(audit entry \d+\).*not rolled back to/);
    expect(db.prepare('SELECT count(*) FROM releases').pluck().get()).toBe(releasesBefore);
    await expect(ok(ctx, 'runExport', { what: 'plan', runId, version: 1, format: 'csv' })).rejects.toThrow(/no longer matches what its release recorded .*not exported/);
    db.close();
  });
});

