// Where fwb export, fwb backup and the app may write (issue 12.7): never over the
// workbook, its -wal/-shm or its backups; over another existing file only when
// asked (--force); and fwb demo --force keeps the file it replaces.
import { copyFileSync, existsSync, linkSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { runExport } from '../../electron/backend/exports/handlers';
import { runCli } from '../../electron/cli/main';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

async function cli(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { status, stdout, stderr };
}

/** The workbook still opens and passes fwb check. */
async function stillSound(db: string): Promise<void> {
  const r = await cli('check', '--db', db);
  expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
}

describe('export and backup targets', () => {
  const t = tempDir('fwb-targets-');
  const db = join(t.dir, 'W.sqlite');
  beforeAll(async () => {
    const { db: handle } = await openWorkbook(db, { now: FIXED_NOW });
    generateDemo(handle, { items: 12, seed: 3 });
    handle.close();
  });
  afterAll(() => t.cleanup());

  it('fwb export refuses the workbook itself, even with --force, and leaves it sound', async () => {
    for (const force of [[], ['--force']]) {
      const r = await cli('export', '--db', db, '--what', 'audit', '--format', 'csv', '--out', db, ...force);
      expect(r.status, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/W\.sqlite is the workbook itself/);
    }
    await stillSound(db);
  });

  it('fwb export and backup refuse the workbook\'s -wal, -shm, journal and backups, with or without --force', async () => {
    // While a connection is open the -wal and -shm exist: the moment they matter most.
    const { db: open } = await openWorkbook(db, { now: FIXED_NOW });
    try {
      expect(existsSync(`${db}-wal`)).toBe(true);
      const migrationBackup = `${db}.v1-2026-10-31T18-00-00-000Z.bak`;
      const asideByRestore = `${db}.before-restore-2026-10-31T18-00-00-000Z`;
      copyFileSync(db, migrationBackup);
      copyFileSync(db, asideByRestore);
      for (const target of [`${db}-wal`, `${db}-shm`, `${db}-journal`, migrationBackup, asideByRestore]) {
        for (const force of [[], ['--force']]) {
          const e = await cli('export', '--db', db, '--what', 'audit', '--format', 'csv', '--out', target, ...force);
          expect(e.status, `export ${target} ${force}: ${e.stderr}`).toBe(3);
          expect(e.stderr).toMatch(/belongs to the workbook|is the workbook itself/);
          const b = await cli('backup', '--db', db, '--out', target, ...force);
          expect(b.status, `backup ${target} ${force}: ${b.stderr}`).toBe(3);
          expect(b.stderr).toMatch(/belongs to the workbook|is the workbook itself/);
        }
      }
      expect(readFileSync(migrationBackup)).toEqual(readFileSync(db));
    } finally {
      open.close();
    }
    await stillSound(db);
  });

  it('refuses another name for the same file (a hard link to the workbook)', async () => {
    const alias = join(t.dir, 'alias.sqlite');
    linkSync(db, alias);
    const e = await cli('export', '--db', db, '--what', 'audit', '--format', 'csv', '--out', alias, '--force');
    expect(e.status, e.stderr).toBe(3);
    expect(e.stderr).toMatch(/is the workbook itself/);
    const b = await cli('backup', '--db', db, '--out', alias, '--force');
    expect(b.status).toBe(3);
    await stillSound(db);
  });

  it('fwb export replaces an existing file only with --force', async () => {
    const out = join(t.dir, 'audit.csv');
    writeFileSync(out, 'precious');
    const refused = await cli('export', '--db', db, '--what', 'audit', '--format', 'csv', '--out', out);
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(/audit\.csv already exists; pass --force to replace it/);
    expect(readFileSync(out, 'utf8')).toBe('precious');
    const html = join(t.dir, 'report.html');
    writeFileSync(html, 'precious');
    expect((await cli('export', '--db', db, '--what', 'governance', '--out', html)).status).toBe(3);
    expect(readFileSync(html, 'utf8')).toBe('precious');

    const forced = await cli('export', '--db', db, '--what', 'audit', '--format', 'csv', '--out', out, '--force');
    expect(forced.status, forced.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^audit_id,/);
  });

  it('the app\'s own exports go through the same rules: a workbook in its own exports folder is never a target', async () => {
    // An odd but possible layout: the workbook lives in a folder named exports.
    const dir = join(t.dir, 'exports');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    const inner = join(dir, 'inner.sqlite');
    copyFileSync(db, inner);
    const { db: handle } = await openWorkbook(inner, { now: FIXED_NOW });
    try {
      const ctx = { db: handle, path: inner, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
      const done = await runExport(ctx, { what: 'audit', format: 'csv' } as never);
      expect(done.fileName).toMatch(/^inner-audit-log-\d{8}-\d{6}\.csv$/);
      expect(readFileSync(done.path, 'utf8')).toMatch(/^audit_id,/);
    } finally {
      handle.close();
    }
    await stillSound(inner);
  });

  it('fwb demo --force keeps the replaced workbook aside, and says where', async () => {
    const target = join(t.dir, 'old.sqlite');
    copyFileSync(db, target);
    const before = readFileSync(target);
    const r = await cli('demo', '--db', target, '--items', '10', '--months', '36', '--force');
    expect(r.status, r.stderr).toBe(0);
    const aside = readdirSync(t.dir).filter((f) => f.startsWith('old.sqlite.before-demo-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(t.dir, aside[0]!))).toEqual(before);
    expect(r.stdout).toContain(`The file it replaced is kept as ${join(t.dir, aside[0]!)}.`);
    await stillSound(target);
  });
});
