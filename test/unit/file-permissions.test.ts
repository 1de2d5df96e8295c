// The files that hold the plan are private to their owner (issue 12.10): a
// workbook, its -wal and -shm, its backups and exports are created 0600 and the
// folders the app makes 0700 on POSIX, whatever the umask; a symbolic link in the
// exports folder is never followed; a workbook with a negative schema version is
// refused like any unknown one.
import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/backend/api';
import { openWorkbook } from '../../electron/backend/db/open';
import { MIGRATIONS } from '../../electron/backend/db/migrations/index';
import { backupWorkbook } from '../../electron/backend/db/backup';
import { exportToFile } from '../../electron/backend/exports/export-file';
import { exportsDirFor } from '../../electron/backend/exports/folder';
import { runExport } from '../../electron/backend/exports/handlers';
import { restoreWorkbook } from '../../electron/backend/db/restore';
import { runCli } from '../../electron/cli/main';
import { startWebHost } from '../../electron/web/server';
import { FIXED_NOW, smallWorkbook, tempDir } from '../helpers/workbook';

const mode = (path: string) => statSync(path).mode & 0o777;

async function cli(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { status, stdout, stderr };
}

describe.skipIf(process.platform === 'win32')('files that hold the plan are private', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir('fwb-perms-');
    // A folder anyone may read, as a home or shared folder often is: the files must not inherit that.
    chmodSync(t.dir, 0o755);
  });
  afterEach(() => t.cleanup());

  it('a new workbook, its -wal and its -shm are 0600', async () => {
    const path = join(t.dir, 'new.sqlite');
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    try {
      db.prepare("INSERT INTO items (item_id, name) VALUES ('SKU-1', 'Water')").run();
      expect(existsSync(`${path}-wal`)).toBe(true);
      expect(mode(path)).toBe(0o600);
      expect(mode(`${path}-wal`)).toBe(0o600);
      expect(mode(`${path}-shm`)).toBe(0o600);
    } finally {
      db.close();
    }
  });

  it('the backup taken before a migration, fwb backup, and a restored workbook are 0600', async () => {
    const path = join(t.dir, 'old.sqlite');
    (await openWorkbook(path, { now: FIXED_NOW })).db.close();
    chmodSync(path, 0o644); // made by an earlier version
    const migrated = await openWorkbook(path, { now: FIXED_NOW, migrations: [...MIGRATIONS, 'CREATE TABLE extra (x INTEGER);'] });
    migrated.db.close();
    expect(mode(migrated.backupPath!)).toBe(0o600);

    const { ctx, path: wb } = await smallWorkbook(t.dir, 'small.sqlite');
    const backup = join(t.dir, 'copy.sqlite');
    await backupWorkbook(ctx.db, backup);
    expect(mode(backup)).toBe(0o600);
    ctx.db.close();

    chmodSync(backup, 0o644); // a backup someone copied around
    const restored = await restoreWorkbook(wb, backup, { now: FIXED_NOW });
    expect(mode(restored.path)).toBe(0o600);
  });

  it('fwb export files (CSV, XLSX, HTML), the app\'s exports and their folder, and fwb demo are private', async () => {
    const { ctx, path } = await smallWorkbook(t.dir);
    for (const format of ['csv', 'xlsx'] as const) {
      const out = join(t.dir, `audit.${format}`);
      await exportToFile(ctx.db, { what: 'audit' }, format, out);
      expect(mode(out), format).toBe(0o600);
    }
    const html = join(t.dir, 'report.html');
    await exportToFile(ctx.db, { what: 'governance' }, 'html', html);
    expect(mode(html)).toBe(0o600);

    const done = await runExport(ctx, { what: 'audit', format: 'csv' } as never);
    expect(mode(exportsDirFor(path))).toBe(0o700);
    expect(mode(done.path)).toBe(0o600);
    ctx.db.close();

    const demo = join(t.dir, 'demo.sqlite');
    const r = await cli('demo', '--db', demo, '--items', '10', '--months', '36');
    expect(r.status, r.stderr).toBe(0);
    expect(mode(demo)).toBe(0o600);
  }, 60_000);
});

describe('a negative schema version', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir('fwb-version-')));
  afterEach(() => t.cleanup());

  it('is refused like any unknown version, with a sentence and no stack, and the file is left alone', async () => {
    const path = join(t.dir, 'odd.sqlite');
    const odd = new Database(path);
    odd.exec('CREATE TABLE items (item_id TEXT)');
    odd.pragma('user_version = -1');
    odd.close();
    for (const readonly of [false, true]) {
      await expect(openWorkbook(path, { readonly })).rejects.toMatchObject({ code: 'NOT_A_WORKBOOK', message: expect.stringMatching(/odd\.sqlite has schema version -1, which no Forecast Workbench writes/) });
    }
    const r = await cli('check', '--db', path);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/schema version -1/);
    expect(r.stderr).not.toMatch(/TypeError|\n\s+at /);
    expect(existsSync(`${path}-wal`)).toBe(false);
    const again = new Database(path, { readonly: true });
    expect(again.pragma('user_version', { simple: true })).toBe(-1);
    again.close();
  });
});

describe.skipIf(process.platform === 'win32')('the exports folder', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir('fwb-exports-links-')));
  afterEach(() => t.cleanup());

  const get = (port: number, path: string, token: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, headers: { Authorization: `Bearer ${token}` } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });

  it('does not follow symbolic links: the browser host never hands out what a link points at', async () => {
    const { ctx, path } = await smallWorkbook(t.dir);
    const exportsDir = exportsDirFor(path);
    mkdirSync(exportsDir);
    writeFileSync(join(t.dir, 'secret.txt'), 'not an export');
    symlinkSync(join(t.dir, 'secret.txt'), join(exportsDir, 'plan.csv'));
    symlinkSync(path, join(exportsDir, 'workbook.csv'));
    const real = await runExport(ctx, { what: 'audit', format: 'csv' } as never);
    const host = await startWebHost({ backend: { call: (m, p) => dispatch(ctx, m, p), onEvent: () => () => {} }, rendererDir: join(t.dir, 'none'), exportsDir });
    try {
      expect((await get(host.port, '/api/exports/plan.csv', host.token)).status).toBe(404);
      expect((await get(host.port, '/api/exports/workbook.csv', host.token)).status).toBe(404);
      const ok = await get(host.port, `/api/exports/${encodeURIComponent(real.fileName)}`, host.token);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatch(/^audit_id,/);
    } finally {
      await host.close();
      ctx.db.close();
    }
  });
});
