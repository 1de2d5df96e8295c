// Backup through SQLite's online backup API while another connection writes, and
// restore that checks the backup first and keeps the current file aside.
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/backend/api';
import { checkWorkbook } from '../../electron/backend/audit/check';
import type { BackendContext } from '../../electron/backend/context';
import { decideLine } from '../../electron/backend/decisions/decide';
import { BackendHost } from '../../electron/backend/worker/host';
import { openWorkbook } from '../../electron/backend/db/open';
import { backupWorkbook } from '../../electron/backend/db/backup';
import { restoreWorkbook } from '../../electron/backend/db/restore';
import { sourceWorkerUrl } from '../../electron/backend/worker/worker-url';
import { FIXED_NOW, smallWorkbook, tempDir } from '../helpers/workbook';

/** What `fwb check` says about a file, opened the way fwb check opens it. */
async function check(path: string) {
  const { db } = await openWorkbook(path, { readonly: true });
  try {
    return checkWorkbook(db);
  } finally {
    db.close();
  }
}
const count = (path: string, sql: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).pluck().get() as number;
  } finally {
    db.close();
  }
};

describe('backup and restore', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: BackendContext;
  let path: string;
  beforeEach(async () => {
    t = tempDir('fwb-backup-');
    ({ ctx, path } = await smallWorkbook(t.dir));
    // Some bulk, so the copy takes many steps.
    const pad = ctx.db.prepare("INSERT INTO column_mappings (source_key, kind, mapping, updated_at) VALUES (?, 'forecasts', ?, 'then')");
    ctx.db.transaction(() => {
      for (let i = 0; i < 400; i++) pad.run(`pad-${i}`, JSON.stringify({ note: 'x'.repeat(2000) }));
    })();
  });
  afterEach(() => {
    if (ctx.db.open) ctx.db.close();
    t.cleanup();
  });

  it('takes a consistent backup while another connection writes decisions between its steps', async () => {
    // A second connection, as a second window or `fwb import` would have, deciding lines through the backend.
    const { db: other } = await openWorkbook(path, { now: FIXED_NOW });
    const otherCtx: BackendContext = { ...ctx, db: other };
    await dispatch(otherCtx, 'signIn', { userId: 'ana', displayName: 'Ana', role: 'planner' });
    const lineIds = other.prepare('SELECT line_id FROM forecast_lines ORDER BY line_id').pluck().all() as number[];
    let written = 0;
    const out = join(t.dir, 'backup.sqlite');
    const done = await backupWorkbook(ctx.db, out, {
      pagesPerStep: 8,
      onProgress: () => {
        if (written < lineIds.length) {
          decideLine(otherCtx, { lineId: lineIds[written]!, action: 'override', quantity: 1 + written, reasonCode: 'promotion', comment: 'written mid-backup' });
          written++;
        }
      },
    });
    other.close();

    expect(written).toBeGreaterThan(0);
    expect(done.restarts).toBeGreaterThan(0); // the writes did land between steps
    expect(done).toMatchObject({ path: out, schemaVersion: ctx.db.pragma('user_version', { simple: true }) });
    expect(readdirSync(t.dir).filter((f) => f.startsWith('.backup') || f.startsWith('backup.sqlite-'))).toEqual([]);
    const report = await check(out);
    expect(report.firstProblem).toBeNull();
    expect(report.ok).toBe(true);
    // One consistent state: every decision in the copy has its audit entry and its line_state row.
    const decisions = count(out, 'SELECT count(*) FROM decisions');
    expect(decisions).toBeGreaterThanOrEqual(1);
    expect(count(out, "SELECT count(*) FROM audit_log WHERE entity = 'decision'")).toBe(decisions);
    expect(count(out, 'SELECT count(*) FROM line_state')).toBe(decisions);
    expect(count(out, 'SELECT count(*) FROM column_mappings')).toBe(400);
  });

  it('leaves out what an open transaction of another connection has not committed', async () => {
    const pending = new Database(path);
    pending.prepare('BEGIN').run();
    for (let i = 0; i < 200; i++) pending.prepare("INSERT INTO column_mappings (source_key, kind, mapping, updated_at) VALUES (?, 'items', '{}', 'now')").run(`uncommitted-${i}`);
    const out = join(t.dir, 'during-transaction.sqlite');
    await backupWorkbook(ctx.db, out, { pagesPerStep: 4 });
    pending.prepare('COMMIT').run();
    pending.close();
    expect((await check(out)).ok).toBe(true);
    expect(count(out, "SELECT count(*) FROM column_mappings WHERE source_key LIKE 'uncommitted-%'")).toBe(0);
    expect(count(path, "SELECT count(*) FROM column_mappings WHERE source_key LIKE 'uncommitted-%'")).toBe(200);
  });

  it('refuses to replace a file unless asked, the workbook itself, and a missing folder', async () => {
    const out = join(t.dir, 'b.sqlite');
    writeFileSync(out, 'precious');
    await expect(backupWorkbook(ctx.db, out)).rejects.toMatchObject({ code: 'INPUT_REJECTED', message: expect.stringMatching(/already exists/) });
    expect(readFileSync(out, 'utf8')).toBe('precious');
    await expect(backupWorkbook(ctx.db, path, { overwrite: true })).rejects.toMatchObject({ message: expect.stringMatching(/is the workbook itself/) });
    await expect(backupWorkbook(ctx.db, join(t.dir, 'nope', 'b.sqlite'))).rejects.toMatchObject({ code: 'INPUT_REJECTED', message: expect.stringMatching(/does not exist/) });
    const replaced = await backupWorkbook(ctx.db, out, { overwrite: true });
    expect((await check(replaced.path)).ok).toBe(true);
  });

  it('restores a backup, keeping the current workbook aside', async () => {
    const out = join(t.dir, 'before-change.sqlite');
    await backupWorkbook(ctx.db, out);
    await dispatch(ctx, 'signIn', { userId: 'ana', displayName: 'Ana', role: 'planner' });
    const line = ctx.db.prepare('SELECT min(line_id) FROM forecast_lines').pluck().get() as number;
    const r = await dispatch(ctx, 'decideLine', { lineId: line, action: 'override', quantity: 5, reasonCode: 'promotion', comment: 'after the backup' });
    expect(r).toMatchObject({ ok: true });
    ctx.db.close();
    expect(count(path, 'SELECT count(*) FROM decisions')).toBe(1);

    const restored = await restoreWorkbook(path, out, { now: FIXED_NOW });
    expect(restored).toMatchObject({ path, restoredFrom: out, keptAside: `${path}.before-restore-2026-10-31T18-00-00-000Z` });
    expect(count(path, 'SELECT count(*) FROM decisions')).toBe(0);
    expect(count(restored.keptAside!, 'SELECT count(*) FROM decisions')).toBe(1);
    expect((await check(restored.keptAside!)).ok).toBe(true);
    // The restored workbook opens in the app (WAL again) and checks clean.
    const reopened = await openWorkbook(path);
    expect(reopened.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(checkWorkbook(reopened.db).ok).toBe(true);
    reopened.db.close();
    expect(readdirSync(t.dir).filter((f) => f.includes('.restoring-'))).toEqual([]);
  });

  it('refuses a backup that is not a workbook, a damaged one, or a workbook still open elsewhere, changing nothing', async () => {
    // Something audited, for the tampering below to break.
    await dispatch(ctx, 'signIn', { userId: 'ana', displayName: 'Ana', role: 'planner' });
    const line = ctx.db.prepare('SELECT min(line_id) FROM forecast_lines').pluck().get() as number;
    expect(await dispatch(ctx, 'decideLine', { lineId: line, action: 'accept' })).toMatchObject({ ok: true });
    const good = join(t.dir, 'good.sqlite');
    await backupWorkbook(ctx.db, good);
    const files = () => readdirSync(t.dir).sort();

    // Still open here: the app (or fwb) has it.
    await expect(restoreWorkbook(path, good)).rejects.toMatchObject({ code: 'INPUT_REJECTED', message: expect.stringMatching(/is open in another program/) });
    ctx.db.close();
    const snapshot = files();
    const before = readFileSync(path);

    const text = join(t.dir, 'notes.csv');
    writeFileSync(text, 'a,b\n1,2\n');
    await expect(restoreWorkbook(path, text)).rejects.toMatchObject({ code: 'NOT_A_WORKBOOK', message: expect.stringMatching(/^notes\.csv is not a Forecast Workbench workbook/) });

    const tampered = join(t.dir, 'tampered.sqlite');
    copyFileSync(good, tampered);
    const db = new Database(tampered);
    db.exec('DROP TRIGGER audit_log_append_only_update');
    db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE audit_id = (SELECT min(audit_id) FROM audit_log)").run();
    db.close();
    await expect(restoreWorkbook(path, tampered)).rejects.toMatchObject({ code: 'INPUT_REJECTED', message: expect.stringMatching(/^tampered\.sqlite fails the workbook check, so it was not restored: audit entry/) });

    const future = join(t.dir, 'future.sqlite');
    copyFileSync(good, future);
    const f = new Database(future);
    f.pragma('user_version = 999');
    f.close();
    await expect(restoreWorkbook(path, future)).rejects.toMatchObject({ code: 'WORKBOOK_TOO_NEW' });
    await expect(restoreWorkbook(path, join(t.dir, 'missing.sqlite'))).rejects.toMatchObject({ message: expect.stringMatching(/There is no backup file/) });

    expect(readFileSync(path).equals(before)).toBe(true);
    expect(files()).toEqual([...snapshot, 'future.sqlite', 'notes.csv', 'tampered.sqlite'].sort());
  });
});

describe('host-only calls', () => {
  const t = tempDir('fwb-host-calls-');
  afterEach(() => undefined);

  it('back up through the worker for the shell, and are not part of the page’s API', async () => {
    const { ctx, path } = await smallWorkbook(t.dir);
    ctx.db.close();
    const host = await BackendHost.start(sourceWorkerUrl, { dbPath: path });
    try {
      const out = join(t.dir, 'menu-backup.sqlite');
      const r = await host.hostCall('backupWorkbook', { outPath: out });
      expect(r).toMatchObject({ ok: true, value: { path: out } });
      expect((await check(out)).ok).toBe(true);
      expect(await host.hostCall('backupWorkbook', { outPath: out })).toMatchObject({ ok: false, error: { code: 'INPUT_REJECTED' } });
      expect(await host.hostCall('backupWorkbook', { outPath: 7 })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
      // The page's way in (IPC relay, browser host) only knows the contract's methods.
      expect(await host.call('backupWorkbook', { outPath: join(t.dir, 'x.sqlite') })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
      expect(await host.call('verifyRestoreCopy', { path: out, displayName: 'x' })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
      expect(existsSync(join(t.dir, 'x.sqlite'))).toBe(false);
    } finally {
      await host.close();
      t.cleanup();
    }
  });
});
