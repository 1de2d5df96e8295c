import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openWorkbook } from '../../electron/backend/db/open';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../electron/backend/db/migrations/index';
import { ensureAccuracyCube } from '../../electron/backend/accuracy/cube';
import { FIXED_NOW, fillSmallWorkbook, tempDir } from '../helpers/workbook';

const SPEC_TABLES = [
  'users', 'items', 'locations', 'import_batches', 'quarantine_rows', 'column_mappings', 'forecast_runs', 'forecast_lines',
  'actuals', 'sales_inputs', 'reason_codes', 'decisions', 'approvals', 'policies', 'drift_alerts', 'releases',
  'release_lines', 'audit_log', 'workbook_meta',
];

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('opening a workbook', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it('creates every table of the spec, in WAL mode with foreign keys on', async () => {
    const { db } = await openWorkbook(join(t.dir, 'new.sqlite'), { now: FIXED_NOW });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(SPEC_TABLES));
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    expect(db.prepare('SELECT count(*) FROM reason_codes').pluck().get()).toBe(9);
    expect(() => db.prepare("INSERT INTO forecast_lines (run_id, item_key, period, lag, quantity) VALUES (99, 12345, 20260101, 1, 5)").run()).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('refuses a workbook written by a newer version and leaves its bytes alone', async () => {
    const path = join(t.dir, 'future.sqlite');
    const future = new Database(path);
    future.exec('CREATE TABLE items (item_id TEXT)');
    future.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    future.close();
    const before = sha(path);
    await expect(openWorkbook(path)).rejects.toMatchObject({ code: 'WORKBOOK_TOO_NEW', message: expect.stringMatching(/newer Forecast Workbench/) });
    expect(sha(path)).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('refuses files that are not workbooks without changing them', async () => {
    const text = join(t.dir, 'notes.sqlite');
    writeFileSync(text, 'item_id,period,forecast\nA,2026-01-01,5\n');
    await expect(openWorkbook(text)).rejects.toMatchObject({ code: 'NOT_A_WORKBOOK' });
    expect(readFileSync(text, 'utf8')).toContain('item_id,period');

    const other = join(t.dir, 'other-app.sqlite');
    const foreign = new Database(other);
    foreign.exec('CREATE TABLE notes (body TEXT)');
    foreign.close();
    const before = sha(other);
    await expect(openWorkbook(other)).rejects.toMatchObject({ code: 'NOT_A_WORKBOOK', message: expect.stringMatching(/not a Forecast Workbench workbook/) });
    expect(sha(other)).toBe(before);
  });

  it('backs up an older workbook with the online backup API before migrating, and keeps its data', async () => {
    const path = join(t.dir, 'old.sqlite');
    const v1 = await openWorkbook(path, { now: FIXED_NOW });
    v1.db.prepare("INSERT INTO items (item_id, name, category) VALUES ('SKU-1', 'Water', 'Beverages')").run();
    v1.db.close();

    const next = [...MIGRATIONS, "ALTER TABLE items ADD COLUMN shelf_life_days INTEGER; UPDATE items SET shelf_life_days = 365;"];
    const v2 = await openWorkbook(path, { now: FIXED_NOW, migrations: next });
    expect(v2.migratedFrom).toBe(MIGRATIONS.length);
    expect(v2.backupPath).not.toBeNull();
    expect(v2.db.pragma('user_version', { simple: true })).toBe(next.length);
    expect(v2.db.prepare("SELECT name, shelf_life_days AS days FROM items WHERE item_id = 'SKU-1'").get()).toEqual({ name: 'Water', days: 365 });
    v2.db.close();

    const backup = new Database(v2.backupPath!, { readonly: true });
    expect(backup.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(backup.prepare('SELECT name FROM items').pluck().all()).toEqual(['Water']);
    backup.close();
    expect(readdirSync(t.dir).filter((f) => f.endsWith('.bak'))).toHaveLength(1);
  });

  it('migrates a workbook made by schema 1 (before the accuracy cube) and its runs get accuracy figures', async () => {
    const path = join(t.dir, 'schema1.sqlite');
    const v1 = await openWorkbook(path, { now: FIXED_NOW, migrations: MIGRATIONS.slice(0, 1) });
    fillSmallWorkbook(v1.db);
    v1.db.prepare("INSERT INTO actuals (item_key, period, quantity, recorded_at) SELECT item_key, period, quantity + 1, 'x' FROM forecast_lines").run();
    v1.db.close();

    const v2 = await openWorkbook(path, { now: FIXED_NOW });
    expect(v2.migratedFrom).toBe(1);
    expect(v2.db.prepare('SELECT count(*) FROM forecast_lines').pluck().get()).toBe(9);
    expect(ensureAccuracyCube(v2.db)).toBe(1);
    expect(v2.db.prepare('SELECT sum(n), sum(m_abs) FROM accuracy_cells').raw().get()).toEqual([9, 9]);
    v2.db.close();
  });

  it('rolls a failing migration back whole, leaving the file at its old version', async () => {
    const path = join(t.dir, 'broken.sqlite');
    (await openWorkbook(path)).db.close();
    const bad = [...MIGRATIONS, 'CREATE TABLE half_done (x INTEGER); SELECT no_such_function();'];
    await expect(openWorkbook(path, { migrations: bad })).rejects.toThrow(/no such function/);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").pluck().get()).toBe(0);
    db.close();
  });

  it('keeps the decisions journal and the audit log append-only', async () => {
    const { db } = await openWorkbook(join(t.dir, 'journal.sqlite'));
    db.exec("INSERT INTO audit_log (at, action, entity, payload, prev_hash, hash) VALUES ('t', 'x', 'y', '{}', 'p', 'h')");
    expect(() => db.exec("UPDATE audit_log SET action = 'z'")).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM audit_log')).toThrow(/append-only/);
    db.close();
  });
});
