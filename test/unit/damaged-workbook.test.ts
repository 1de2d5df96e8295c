// A damaged workbook (bytes flipped in the middle of the file, SQLite's quick
// check fails while the header still reads) is refused for writing by every way
// in, and `fwb check` / `fwb restore` report the damage as a finding, never as a
// stack trace. Read-only commands leave no -wal or -shm beside any workbook.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, openSync, readdirSync, readFileSync, readSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { BackendHost } from '../../electron/backend/worker/host';
import { sourceWorkerUrl } from '../../electron/backend/worker/worker-url';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

const ROOT = join(import.meta.dirname, '..', '..');
const fwb = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'fwb.cjs'), ...args], { encoding: 'utf8', cwd: ROOT });
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const sideFiles = (path: string) => ['-wal', '-shm', '-journal'].filter((s) => existsSync(`${path}${s}`));
/** No stack trace and no raw SQLite error text reach a person. */
const noStack = (text: string) => expect(text).not.toMatch(/SqliteError|\n\s+at |\.ts:\d+/);

/**
 * Copies `from` to `to` and flips 32 bytes at the start of the root page of
 * forecast_lines (its child pointers): page 1 (the header and the schema) still
 * reads, but the table's b-tree is broken, so quick_check fails.
 */
function damagedCopy(from: string, to: string): void {
  // Asked of the source: a read-only look at the copy would leave -wal and -shm beside it.
  const db = new Database(from, { readonly: true });
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const root = db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'forecast_lines'").pluck().get() as number;
  db.close();
  copyFileSync(from, to);
  const fd = openSync(to, 'r+');
  const at = (root - 1) * pageSize + 8;
  const bytes = Buffer.alloc(32);
  readSync(fd, bytes, 0, bytes.length, at);
  for (let i = 0; i < bytes.length; i++) bytes[i]! ^= 0x5a;
  writeSync(fd, bytes, 0, bytes.length, at);
  closeSync(fd);
}

describe('a damaged workbook', () => {
  const t = tempDir('fwb-damaged-');
  const good = join(t.dir, 'good.sqlite');
  const damaged = join(t.dir, 'damaged.sqlite');
  let damagedSha: string;
  beforeAll(async () => {
    const { db } = await openWorkbook(good, { now: FIXED_NOW });
    generateDemo(db, { items: 30, seed: 5 });
    db.close();
    damagedCopy(good, damaged);
    damagedSha = sha(damaged);
    // The fixture is what the issue describes: the header reads, the quick check fails.
    const probePath = join(t.dir, 'probe.sqlite');
    copyFileSync(damaged, probePath);
    const probe = new Database(probePath, { readonly: true });
    expect(probe.pragma('user_version', { simple: true })).toBeGreaterThan(0);
    expect(probe.pragma('quick_check', { simple: true })).not.toBe('ok');
    probe.close();
    for (const s of ['-wal', '-shm']) expect(existsSync(`${damaged}${s}`)).toBe(false);
  }, 60_000);
  afterAll(() => t.cleanup());

  const unchanged = () => {
    expect(sha(damaged)).toBe(damagedSha);
    expect(sideFiles(damaged)).toEqual([]);
  };

  it('is refused for writing on open, saying how to restore it, and left as it was', async () => {
    await expect(openWorkbook(damaged)).rejects.toMatchObject({
      code: 'WORKBOOK_DAMAGED',
      message: expect.stringMatching(/damaged.sqlite is damaged .*Restore it from a backup/s),
      hint: { option: 'restoreBackup' },
    });
    unchanged();
  });

  it('fwb check reports the damage as a finding with exit 1, no stack trace, and leaves no -wal/-shm', () => {
    const human = fwb('check', '--db', damaged);
    expect(human.status).toBe(1);
    expect(human.stdout).toMatch(/FAILED — .*damaged\.sqlite is damaged.*restore it from a backup/is);
    noStack(human.stdout + human.stderr);
    unchanged();
    const json = fwb('check', '--db', damaged, '--json');
    expect(json.status).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ ok: false, damaged: true, firstProblem: { check: 'integrity' } });
    noStack(json.stderr);
    unchanged();
  });

  it('fwb import refuses to write into it (exit 1), naming the damage and the way back', () => {
    const csv = join(ROOT, 'test', 'fixtures', 'import', 'forecast_long.csv');
    const run = fwb('import', '--db', damaged, '--kind', 'forecasts', '--force', csv);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/is damaged.*fwb restore/s);
    noStack(run.stdout + run.stderr);
    unchanged();
  });

  it('fwb restore from a damaged backup fails with exit 1 and a sentence; the current workbook is untouched', () => {
    const current = join(t.dir, 'current.sqlite');
    copyFileSync(good, current);
    const before = sha(current);
    const run = fwb('restore', '--db', current, '--from', damaged);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/damaged\.sqlite is damaged.*not restored/s);
    noStack(run.stdout + run.stderr);
    expect(sha(current)).toBe(before);
    expect(readdirSync(t.dir).filter((f) => f.includes('.restoring-'))).toEqual([]);
    unchanged();
  });

  it('fwb restore puts a sound backup in place of a damaged workbook, keeping the damaged one aside', () => {
    const broken = join(t.dir, 'broken.sqlite');
    damagedCopy(good, broken);
    const backup = join(t.dir, 'backup-of-good.sqlite');
    expect(fwb('backup', '--db', good, '--out', backup).status).toBe(0);
    const run = fwb('restore', '--db', broken, '--from', backup);
    expect(run.status, run.stderr).toBe(0);
    expect(fwb('check', '--db', broken).status).toBe(0);
  });

  it('the browser host refuses to open it, so no call can change it', async () => {
    await expect(BackendHost.start(sourceWorkerUrl, { dbPath: damaged })).rejects.toMatchObject({ error: { code: 'WORKBOOK_DAMAGED' } });
    unchanged();
  });

  it('a read-only open still works, for check, backup and export to read what they can', async () => {
    const { db } = await openWorkbook(damaged, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM items').pluck().get()).toBe(30);
    db.close();
  });
});

describe('read-only commands on a sound workbook', () => {
  const t = tempDir('fwb-readonly-');
  const path = join(t.dir, 'wb.sqlite');
  beforeAll(async () => {
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    generateDemo(db, { items: 20, seed: 2 });
    db.close();
  }, 60_000);
  afterAll(() => t.cleanup());

  it('check, backup and export leave no -wal or -shm beside the workbook and do not change it', () => {
    const before = sha(path);
    expect(fwb('check', '--db', path).status).toBe(0);
    expect(sideFiles(path)).toEqual([]);
    expect(fwb('backup', '--db', path, '--out', join(t.dir, 'b.sqlite')).status).toBe(0);
    expect(sideFiles(path)).toEqual([]);
    expect(fwb('export', '--db', path, '--what', 'audit', '--format', 'csv', '--out', join(t.dir, 'audit.csv')).status).toBe(0);
    expect(sideFiles(path)).toEqual([]);
    expect(sha(path)).toBe(before);
  });
});
