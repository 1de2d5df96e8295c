// Workbooks written before fwb check compared the governed tables with audit
// records: never reported as tampered; their first change by this version seals
// them (audit/seal.ts), and from then on they are held to the full rule.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkWorkbook, type CheckReport } from '../../electron/backend/audit/check';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook } from '../../electron/backend/db/open';
import { ok } from '../helpers/api';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'workbooks', 'before-content-records.sqlite');
const fwb = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'fwb.cjs'), ...args], { encoding: 'utf8', cwd: ROOT });

const t = tempDir('fwb-older-');
afterAll(() => t.cleanup());
let n = 0;
const copyOfFixture = () => {
  const path = join(t.dir, `older-${++n}.sqlite`);
  copyFileSync(FIXTURE, path);
  return path;
};
async function check(path: string): Promise<CheckReport> {
  const { db } = await openWorkbook(path, { readonly: true });
  try {
    return checkWorkbook(db);
  } finally {
    db.close();
  }
}
function tamper(path: string, sql: string): void {
  const raw = new Database(path);
  for (const name of raw.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all() as string[]) raw.exec(`DROP TRIGGER "${name}"`);
  raw.exec(sql);
  raw.close();
}

describe('a workbook written by the version before content records', () => {
  it('checks clean, its unrecorded rows counted as unverified, not as tampered', async () => {
    const path = copyOfFixture();
    const cli = fwb('check', '--db', path, '--json');
    expect(cli.status).toBe(0);
    const report = JSON.parse(cli.stdout) as CheckReport;
    expect(report).toMatchObject({ ok: true, sealed: false, problems: [] });
    // Users its imports created, the seeded reason codes, rows of batches without fingerprints.
    expect(report.unverified).toMatchObject({ user: expect.any(Number), reason_code: 9, batch_rows: expect.any(Number) });
    expect(report.releasesChecked).toBe(3);
  });

  it('still catches, unsealed, a change to what its entries did record', async () => {
    const policy = copyOfFixture();
    tamper(policy, "UPDATE policies SET freeze_lags = 0, model_role = 'trigger' WHERE segment_type = 'all'");
    expect((await check(policy)).firstProblem?.message).toMatch(/^policy \d+ \(all items\) differs from what audit entry \d+ recorded/);
    const release = copyOfFixture();
    tamper(release, 'UPDATE release_lines SET final_quantity = final_quantity + 1 WHERE release_id = 1');
    expect((await check(release)).firstProblem?.message).toMatch(/^release 1 .* no longer hash to the sha256 recorded/);
    const batch = copyOfFixture();
    tamper(batch, "UPDATE import_batches SET file_name = 'other.csv' WHERE file_name = 'old-actuals.csv'");
    expect((await check(batch)).firstProblem?.message).toMatch(/^import batch \d+ \(other\.csv\) differs .*fileName is "other\.csv", recorded "old-actuals\.csv"/);
  });

  it('is sealed by its first change here; then checks clean, and a row nothing recorded before is held to the seal', async () => {
    const path = copyOfFixture();
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    const ctx: BackendContext = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
    await ok(ctx, 'signIn', { userId: 'ana.silva', displayName: 'Ana Silva', role: 'planner' });
    expect(db.prepare("SELECT count(*) FROM audit_log WHERE action = 'integrity.seal'").pluck().get()).toBe(1);
    db.close();
    const sealed = await check(path);
    expect(sealed).toMatchObject({ ok: true, sealed: true, unverified: {}, problems: [] });

    // A user an older import created (no record of its own until the seal), and a line of an older batch.
    const role = join(t.dir, 'sealed-role.sqlite');
    copyFileSync(path, role);
    tamper(role, "UPDATE users SET role = 'manager' WHERE user_id = 'olga.analyst'");
    expect((await check(role)).firstProblem?.message).toMatch(/^user olga\.analyst differs from what audit entry \d+ recorded: role is "manager", recorded "analyst"/);
    const line = join(t.dir, 'sealed-line.sqlite');
    copyFileSync(path, line);
    tamper(line, 'UPDATE forecast_lines SET quantity = quantity + 1 WHERE line_id = 1');
    expect((await check(line)).firstProblem?.message).toMatch(/^forecast lines of import batch \d+ \(demo:forecasts-.*\) differ from what audit entry \d+ recorded \(\d+ rows, their values changed\)/);
    const intruder = join(t.dir, 'sealed-intruder.sqlite');
    copyFileSync(path, intruder);
    tamper(intruder, "INSERT INTO users (user_id, display_name, role, created_at) VALUES ('mallory', 'Mallory', 'manager', '2025-10-15T08:00:00.000Z')");
    expect((await check(intruder)).firstProblem?.message).toMatch(/^user mallory has no audit record/);
  });
});
