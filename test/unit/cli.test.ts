import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/workbook';

const ROOT = join(import.meta.dirname, '..', '..');
const fwb = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'fwb.cjs'), ...args], { encoding: 'utf8', cwd: ROOT });

/** A digest of every table's rows in key order: equal digests mean equal data. */
function contentDigest(path: string): string {
  const db = new Database(path, { readonly: true });
  const hash = createHash('sha256');
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
  for (const table of tables) {
    hash.update(table);
    for (const row of db.prepare(`SELECT * FROM "${table}" ORDER BY 1`).raw().iterate()) hash.update(JSON.stringify(row));
  }
  db.close();
  return hash.digest('hex');
}

describe('fwb', () => {
  const t = tempDir('fwb-cli-');
  afterAll(() => t.cleanup());

  it('prints help with exit 0, and exit 2 for no or unknown commands', () => {
    const help = fwb('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/fwb demo --db FILE/);
    expect(fwb().status).toBe(2);
    const unknown = fwb('frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
    expect(fwb('demo', '--help').stdout).toMatch(/--seed S/);
  });

  it('rejects bad demo options as usage errors (exit 2)', () => {
    expect(fwb('demo').stderr).toMatch(/--db FILE is required/);
    expect(fwb('demo').status).toBe(2);
    expect(fwb('demo', '--db', join(t.dir, 'x.sqlite'), '--items', 'many').status).toBe(2);
    expect(fwb('demo', '--db', join(t.dir, 'x.sqlite'), '--months', '12').stderr).toMatch(/at least 36/);
    expect(fwb('demo', '--db', join(t.dir, 'x.sqlite'), '--bogus').status).toBe(2);
    expect(existsSync(join(t.dir, 'x.sqlite'))).toBe(false);
  });

  it('writes the same demo workbook twice for the same seed, and another for another seed', () => {
    const a = join(t.dir, 'a.sqlite');
    const b = join(t.dir, 'b.sqlite');
    const c = join(t.dir, 'c.sqlite');
    for (const [path, seed] of [[a, '7'], [b, '7'], [c, '8']] as const) {
      const run = fwb('demo', '--db', path, '--items', '60', '--seed', seed, '--json');
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ db: path, items: 60, runs: 13 });
    }
    expect(contentDigest(a)).toBe(contentDigest(b));
    expect(contentDigest(a)).not.toBe(contentDigest(c));
    // No partial files left behind.
    expect(readdirSync(t.dir).filter((f) => f.includes('.partial-'))).toEqual([]);

    const db = new Database(a, { readonly: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['items', 'forecast_runs', 'forecast_lines', 'actuals', 'sales_inputs', 'decisions', 'audit_log']));
    db.close();
  });

  it('refuses to overwrite an existing file unless forced (exit 3)', () => {
    const path = join(t.dir, 'keep.sqlite');
    writeFileSync(path, 'precious');
    const refused = fwb('demo', '--db', path, '--items', '20');
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(/already exists; pass --force/);
    expect(fwb('demo', '--db', path, '--items', '20', '--force').status).toBe(0);
    expect(contentDigest(path)).toMatch(/^[0-9a-f]{64}$/);
  });
});
