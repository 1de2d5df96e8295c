// fwb accuracy answers from a read-only look when the accuracy cube is current
// (no write open, so no whole-file damage check and no write lock), and opens
// the workbook for writing only when the cube must be brought up to date first.
// The figures are the API's either way; a damaged workbook is still refused, never written.
import Database from 'better-sqlite3';
import { closeSync, copyFileSync, existsSync, openSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { dispatch } from '../../electron/backend/api';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook } from '../../electron/backend/db/open';
import { openInProcess } from '../../electron/backend/host-entry';
import { generateDemo } from '../../electron/backend/demo/generate';
import { runCli } from '../../electron/cli/main';
import type { SliceTable } from '../../shared/accuracy';
import type { RequestOf, ResponseOf } from '../../shared/contract';
import type { MethodName } from '../../shared/methods';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

async function ok<M extends MethodName>(ctx: BackendContext, method: M, payload: RequestOf<M>): Promise<ResponseOf<M>> {
  const r = await dispatch(ctx, method, payload);
  if (!r.ok) throw new Error(`${method} failed: ${r.error.code} ${r.error.message}`);
  return r.value as ResponseOf<M>;
}

async function accuracyJson(path: string, ...args: string[]): Promise<unknown> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(['accuracy', '--db', path, '--json', ...args], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  expect(stderr).toBe('');
  expect(status).toBe(0);
  return JSON.parse(stdout);
}

/** What a read-only look says: can it answer from the cube as it is? */
async function cubeCurrent(path: string): Promise<unknown> {
  const look = await openInProcess({ dbPath: path, access: 'read' });
  try {
    const r = await look.hostCall('accuracyCubeCurrent', {});
    if (!r.ok) throw new Error(`accuracyCubeCurrent failed: ${r.error.code} ${r.error.message}`);
    return r.value;
  } finally {
    await look.close();
  }
}

describe('fwb accuracy on a workbook whose cube is current', () => {
  const t = tempDir('fwb-accuracy-look-');
  let path: string;
  let ctx: BackendContext;

  beforeAll(async () => {
    path = join(t.dir, 'demo.sqlite');
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    generateDemo(db, { items: 60, seed: 11 });
    ctx = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
  });
  afterAll(() => {
    if (ctx.db.open) ctx.db.close();
    t.cleanup();
  });

  it('a read-only look tells a current cube from a stale one, without writing', async () => {
    ctx.db.prepare("DELETE FROM workbook_meta WHERE key = 'accuracy_signature'").run();
    expect(await cubeCurrent(path)).toBe(false);
    await ok(ctx, 'getAccuracySlice', { by: 'category', metric: 'wape', filter: {} });
    expect(await cubeCurrent(path)).toBe(true);
    // A source of the cube moves (an actual for a period far ahead, written by another program): stale again, and the look writes nothing.
    const bytes = () => readFileSync(path);
    ctx.db.prepare("INSERT INTO actuals (item_key, period, quantity, recorded_at) SELECT min(item_key), 9999, 1, '2026-10-31T18:00:00.000Z' FROM items").run();
    ctx.db.pragma('wal_checkpoint(TRUNCATE)');
    const before = bytes();
    expect(await cubeCurrent(path)).toBe(false);
    expect(bytes().equals(before)).toBe(true);
  });

  it('answers from a look that leaves the file as it was, and gives the API figures', async () => {
    const api = (await ok(ctx, 'getAccuracySlice', { by: 'planner', metric: 'wape', filter: {} })) as SliceTable;
    ctx.db.close();
    const bytes = readFileSync(path);
    const mtime = statSync(path).mtimeMs;
    const out = (await accuracyJson(path, '--by', 'planner')) as { rows: { key: string; n: number; model: number | null; final: number | null }[] };
    expect(out.rows.map((r) => [r.key, r.n, r.model, r.final])).toEqual(api.rows.map((r) => [r.key, r.n, r.model, r.final]));
    expect(statSync(path).mtimeMs).toBe(mtime);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(existsSync(`${path}-wal`) || existsSync(`${path}-shm`)).toBe(false);
  });

  it('opens for writing when the cube is stale, so the answer includes the change, and leaves the cube current', async () => {
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    ctx = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
    // Stale, as after a migration that changed what the cube holds.
    db.prepare("DELETE FROM workbook_meta WHERE key = 'accuracy_signature'").run();
    ctx.db.close();
    expect(await cubeCurrent(path)).toBe(false);
    const out = (await accuracyJson(path, '--stairstep')) as { n: number };
    expect(await cubeCurrent(path)).toBe(true);
    const { db: again } = await openWorkbook(path, { now: FIXED_NOW });
    ctx = { db: again, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
    const overview = await ok(ctx, 'getAccuracyOverview', { filter: {}, metric: 'wape' });
    expect(out.n).toBe(overview.stairstep.n);
  });
});

describe('fwb accuracy on a damaged workbook whose cube is current', () => {
  const t = tempDir('fwb-accuracy-damaged-');
  afterAll(() => t.cleanup());

  it('with its forecast lines damaged is refused with the sentence and the way back, and not written to', async () => {
    const good = join(t.dir, 'good.sqlite');
    const damaged = join(t.dir, 'damaged.sqlite');
    const { db } = await openWorkbook(good, { now: FIXED_NOW });
    generateDemo(db, { items: 30, seed: 5 });
    await dispatch({ db, path: good, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir }, 'getAccuracySlice', { by: 'category', metric: 'wape', filter: {} });
    db.close();
    expect(await cubeCurrent(good)).toBe(true);
    // The forecast lines' b-tree broken (its root page's child pointers flipped), as damaged-workbook.test.ts does.
    const probe = new Database(good, { readonly: true });
    const pageSize = probe.pragma('page_size', { simple: true }) as number;
    const root = probe.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'forecast_lines'").pluck().get() as number;
    probe.close();
    copyFileSync(good, damaged);
    const fd = openSync(damaged, 'r+');
    const bytes = Buffer.alloc(32);
    readSync(fd, bytes, 0, bytes.length, (root - 1) * pageSize + 8);
    for (let i = 0; i < bytes.length; i++) bytes[i]! ^= 0x5a;
    writeSync(fd, bytes, 0, bytes.length, (root - 1) * pageSize + 8);
    closeSync(fd);
    const before = readFileSync(damaged);

    let stdout = '';
    let stderr = '';
    const status = await runCli(['accuracy', '--db', damaged, '--stairstep', '--json'], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/is damaged.*fwb restore/s);
    expect(stderr).not.toMatch(/SqliteError|\n\s+at |\.ts:\d+/);
    expect(readFileSync(damaged).equals(before)).toBe(true);
    expect(existsSync(`${damaged}-wal`) || existsSync(`${damaged}-shm`)).toBe(false);
  });
});

describe("fwb's backend in its own process", () => {
  const t = tempDir('fwb-accuracy-parse-');
  afterAll(() => t.cleanup());

  it("parses requests with zod's plain parser (no parser written and compiled per process), and still refuses a bad one in a sentence", async () => {
    const path = join(t.dir, 'demo.sqlite');
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    generateDemo(db, { items: 20, seed: 3 });
    db.close();
    const look = await openInProcess({ dbPath: path, access: 'read' });
    try {
      expect(z.config().jitless).toBe(true);
      const refused = await look.call('getAccuracySlice', { by: 'nothing', metric: 'wape', filter: {} });
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.error.code).toBe('INVALID_REQUEST');
      const answered = await look.call('getAccuracySlice', { by: 'lag', metric: 'wape', filter: {} });
      expect(answered.ok).toBe(true);
    } finally {
      await look.close();
    }
  });
});
