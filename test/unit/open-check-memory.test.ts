// The damage guard without its cost (issue 14): a write open runs SQLite's
// whole-file quick_check unless the file is, to the byte, as we last left it
// after a check that passed or after our own clean close (remembered outside the
// workbook, in the user's cache folder; FWB_CACHE_DIR points it at a temp dir).
// Whether the check ran is read from damage.ts's counter, never from a time.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkMemoryFile, CHECK_AT_LEAST_EVERY_DAYS, fileIdentity } from '../../electron/backend/db/check-memory';
import { quickChecksRun } from '../../electron/backend/db/damage';
import { openWorkbook, type OpenedWorkbook } from '../../electron/backend/db/open';
import { openReadOnly } from '../../electron/backend/db/read-only';
import { openInProcess } from '../../electron/backend/host-entry';
import { BackendHost } from '../../electron/backend/worker/host';
import { sourceWorkerUrl } from '../../electron/backend/worker/worker-url';
import { fillSmallWorkbook, FIXED_NOW, tempDir } from '../helpers/workbook';

const ROOT = join(import.meta.dirname, '..', '..');
const t = tempDir('fwb-check-memory-');
afterAll(() => t.cleanup());
let n = 0;
let cacheDir: string;
const savedCacheDir = process.env.FWB_CACHE_DIR;
beforeEach(() => {
  cacheDir = join(t.dir, `cache-${++n}`);
  process.env.FWB_CACHE_DIR = cacheDir;
});
afterEach(() => {
  process.env.FWB_CACHE_DIR = savedCacheDir;
});

/** How many quick checks `fn` ran. */
async function checksDuring(fn: () => Promise<unknown>): Promise<number> {
  const before = quickChecksRun();
  await fn();
  return quickChecksRun() - before;
}

/** A small workbook of ours, cleanly closed; where forecast_lines' root page starts, to damage it later without opening the file again. */
async function closedWorkbook(name: string): Promise<{ path: string; rootPageAt: number }> {
  const path = join(t.dir, `${name}-${n}.sqlite`);
  const opened = await openWorkbook(path, { now: FIXED_NOW });
  fillSmallWorkbook(opened.db);
  const pageSize = opened.db.pragma('page_size', { simple: true }) as number;
  const root = opened.db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'forecast_lines'").pluck().get() as number;
  opened.close();
  return { path, rootPageAt: (root - 1) * pageSize };
}

const openAndClose = async (path: string) => (await openWorkbook(path)).close();

describe('a write open of a workbook we left as it is', () => {
  it('runs no quick check the second time, nor after a session that wrote', async () => {
    const { path } = await closedWorkbook('untouched');
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(await checksDuring(() => openAndClose(path))).toBe(0);
    // A session that writes and closes cleanly leaves a file we know.
    let opened!: OpenedWorkbook;
    expect(await checksDuring(async () => (opened = await openWorkbook(path)))).toBe(0);
    opened.db.prepare("INSERT OR REPLACE INTO workbook_meta (key, value) VALUES ('note', 'written by us')").run();
    opened.close();
    expect(await checksDuring(() => openAndClose(path))).toBe(0);
  });

  it('runs none after read-only looks (fwb check, export, accuracy with its cube current), which leave the file as it was', async () => {
    const { path } = await closedWorkbook('looked-at');
    const look = await openReadOnly(path);
    look.db.prepare('SELECT count(*) FROM forecast_lines').get();
    look.close();
    expect(await checksDuring(() => openAndClose(path))).toBe(0);
  });

  it('runs one when nothing is remembered (a workbook made elsewhere), and not again after it passed', async () => {
    const { path } = await closedWorkbook('made-elsewhere');
    process.env.FWB_CACHE_DIR = join(t.dir, `other-cache-${n}`);
    // Closed by a host that does no bookkeeping (as the bench's probes do), having written nothing: the check that passed is remembered.
    let first!: OpenedWorkbook;
    expect(await checksDuring(async () => (first = await openWorkbook(path)))).toBe(1);
    first.db.close();
    expect(await checksDuring(() => openAndClose(path))).toBe(0);
  });

  it('fwb (the backend in-process) and the app (in its worker) remember their clean close', async () => {
    const { path } = await closedWorkbook('hosts');
    // Each session writes (it brings the accuracy cube current), so the file it leaves is one no earlier close remembered.
    let before = fileIdentity(path);
    const fwb = await openInProcess({ dbPath: path, access: 'write' });
    expect((await fwb.call('getAccuracyOptions', {})).ok).toBe(true);
    await fwb.close();
    expect(fileIdentity(path)).not.toEqual(before);
    expect(await checksDuring(() => openAndClose(path))).toBe(0);

    const other = (await closedWorkbook('hosts-app')).path;
    before = fileIdentity(other);
    const app = await BackendHost.start(sourceWorkerUrl, { dbPath: other });
    expect((await app.call('getAccuracyOptions', {})).ok).toBe(true);
    await app.close();
    expect(fileIdentity(other)).not.toEqual(before);
    expect(await checksDuring(() => openAndClose(other))).toBe(0);
  });

  it('the fwb command, in a process of its own, leaves a workbook the next open need not check', async () => {
    const { path } = await closedWorkbook('fwb-process');
    const csv = join(t.dir, `actuals-${n}.csv`);
    writeFileSync(csv, 'item_id,period,actual\nSKU-1,2026-07-01,123\n');
    const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'fwb.cjs'), 'import', '--db', path, '--kind', 'actuals', csv], { encoding: 'utf8', cwd: ROOT });
    expect(run.status, run.stderr).toBe(0);
    expect(await checksDuring(() => openAndClose(path))).toBe(0);
  });

  it(`checks again once the last check is over ${CHECK_AT_LEAST_EVERY_DAYS} days old, however often the file was closed cleanly since`, async () => {
    const { path } = await closedWorkbook('periodic');
    const file = checkMemoryFile();
    const memory = JSON.parse(readFileSync(file, 'utf8'));
    for (const entry of Object.values(memory.workbooks) as { checkedAt: number }[]) entry.checkedAt -= (CHECK_AT_LEAST_EVERY_DAYS + 1) * 86_400_000;
    writeFileSync(file, JSON.stringify(memory));
    expect(await checksDuring(() => openAndClose(path))).toBe(1);
    expect(await checksDuring(() => openAndClose(path))).toBe(0);
  });
});

describe('a write open of a workbook changed since we left it', () => {
  it('refuses a page damaged by hand with the size and the modification time kept (only ctime tells), and remembers nothing of it', async () => {
    const { path, rootPageAt } = await closedWorkbook('damaged');
    // Its modification time set to a whole second, which utimes can put back exactly; one
    // clean session later, that is the time remembered (an open that writes nothing leaves it).
    const second = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    utimesSync(path, second, second);
    expect(await checksDuring(() => openAndClose(path))).toBe(1);
    expect(await checksDuring(() => openAndClose(path))).toBe(0);
    const before = statSync(path, { bigint: true });
    expect(before.mtimeMs).toBe(BigInt(second.getTime()));

    const fd = openSync(path, 'r+');
    const bytes = Buffer.alloc(32);
    readSync(fd, bytes, 0, bytes.length, rootPageAt + 8);
    for (let i = 0; i < bytes.length; i++) bytes[i]! ^= 0x5a;
    writeSync(fd, bytes, 0, bytes.length, rootPageAt + 8);
    closeSync(fd);
    utimesSync(path, second, second);
    const after = statSync(path, { bigint: true });
    expect([after.dev, after.ino, after.size, after.mtimeNs]).toEqual([before.dev, before.ino, before.size, before.mtimeNs]);
    expect(existsSync(`${path}-wal`)).toBe(false);

    for (let attempt = 0; attempt < 2; attempt++) {
      const checks = quickChecksRun();
      await expect(openWorkbook(path)).rejects.toMatchObject({ code: 'WORKBOOK_DAMAGED', hint: { option: 'restoreBackup' } });
      expect(quickChecksRun() - checks).toBe(1);
    }
  });

  it('checks a file another connection wrote to after our clean close', async () => {
    const { path } = await closedWorkbook('other-connection');
    const other = new Database(path);
    other.prepare("INSERT OR REPLACE INTO workbook_meta (key, value) VALUES ('note', 'written by another program')").run();
    other.close();
    expect(await checksDuring(() => openAndClose(path))).toBe(1);
    expect(await checksDuring(() => openAndClose(path))).toBe(0);
  });

  it('checks a file another program holds open with writes still in its -wal', async () => {
    const { path } = await closedWorkbook('open-elsewhere');
    const other = new Database(path);
    other.pragma('wal_autocheckpoint = 0'); // its writes stay in the -wal: the main file keeps its bytes and times
    const mainBefore = statSync(path, { bigint: true }).ctimeNs;
    other.prepare("INSERT OR REPLACE INTO workbook_meta (key, value) VALUES ('note', 'in the wal')").run();
    expect(statSync(path, { bigint: true }).ctimeNs).toBe(mainBefore);
    expect(await checksDuring(async () => (await openWorkbook(path)).db.close())).toBe(1);
    other.close();
  });

  const sqlite3 = ['/usr/bin/sqlite3', '/usr/local/bin/sqlite3'].find((p) => existsSync(p));
  it.skipIf(!sqlite3)('checks a file the sqlite3 shell changed', async () => {
    const { path } = await closedWorkbook('shell');
    const run = spawnSync(sqlite3!, [path, "INSERT OR REPLACE INTO workbook_meta (key, value) VALUES ('note', 'shell');"], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(await checksDuring(() => openAndClose(path))).toBe(1);
  });

  it('checks a workbook replaced by a copy of itself (a new file at the same path)', async () => {
    const { path } = await closedWorkbook('replaced');
    const bytes = readFileSync(path);
    const st = statSync(path);
    writeFileSync(`${path}.new`, bytes);
    utimesSync(`${path}.new`, st.atime, st.mtime);
    renameSync(`${path}.new`, path);
    expect(await checksDuring(() => openAndClose(path))).toBe(1);
  });

  it('does not remember, at our close, a file put in the workbook\'s place while we held it open (a sync tool\'s copy)', async () => {
    const { path } = await closedWorkbook('replaced-while-open');
    const copy = readFileSync(path);
    const opened = await openWorkbook(path);
    writeFileSync(`${path}.synced`, copy);
    renameSync(`${path}.synced`, path);
    opened.close();
    expect(await checksDuring(() => openAndClose(path))).toBe(1);
  });
});

describe('the memory of checks, when it cannot be trusted or used', () => {
  it('a corrupt memory file means "check as before", and the next clean close writes a sound one', async () => {
    const { path } = await closedWorkbook('corrupt-memory');
    for (const junk of ['{"workbooks": {"', 'null', '[1,2]', '{"version":1,"workbooks":{"x":{"identity":7}}}', '\u0000\u0001']) {
      writeFileSync(checkMemoryFile(), junk);
      expect(await checksDuring(() => openAndClose(path))).toBe(1);
      expect(await checksDuring(() => openAndClose(path))).toBe(0);
    }
  });

  it('an unreadable or unwritable memory never stops a workbook opening or closing', async () => {
    const { path } = await closedWorkbook('unusable-memory');
    // The memory file is a folder: it can be neither read nor replaced.
    rmSync(checkMemoryFile());
    mkdirSync(checkMemoryFile());
    expect(await checksDuring(() => openAndClose(path))).toBe(1);
    expect(await checksDuring(() => openAndClose(path))).toBe(1);
    // The cache folder is a file.
    process.env.FWB_CACHE_DIR = join(t.dir, `a-file-${n}`);
    writeFileSync(process.env.FWB_CACHE_DIR, 'not a folder');
    expect(await checksDuring(() => openAndClose(path))).toBe(1);
    expect(await checksDuring(() => openAndClose(path))).toBe(1);
  });

  it('a damaged page met during a session means its close is not remembered', async () => {
    const { path } = await closedWorkbook('met-damage');
    const opened = await openWorkbook(path);
    opened.db.prepare("INSERT OR REPLACE INTO workbook_meta (key, value) VALUES ('note', 'a session')").run();
    const { toApiError } = await import('../../electron/backend/errors');
    // What SQLite throws on a page that does not hold together, as a call meets it.
    toApiError(Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' }));
    opened.close();
    expect(await checksDuring(() => openAndClose(path))).toBe(1);
  });
});
