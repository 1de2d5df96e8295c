// A big import's checkpoint runs on another thread while the importing one goes on
// writing the new run's scores (db/checkpoint-thread.ts, issue 14). What must hold:
// the thread copies the log into the file; this connection writes meanwhile without
// waiting; closing the workbook waits for the thread and leaves one whole file, no
// -wal beside it, with every line and score in it; a small import checkpoints in place.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import { awaitCheckpointThread, checkpointInThread, checkpointThreadFrom, checkpointThreadStarted } from '../../electron/backend/db/checkpoint-thread';
import { carryOut } from '../../electron/backend/declarations';
import { openWorkbook, type OpenedWorkbook } from '../../electron/backend/db/open';
import { IMPORT_EFFECTS } from '../../electron/backend/imports/effects';
import { importFile } from '../../electron/backend/imports/import-file';
import type { ImportOutcome } from '../../shared/domain';
import { writeLines } from '../fixtures/import/v_harness';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

function forecastFile(dir: string, items: number): string {
  const rows = ['item_id,period,forecast,lower,upper'];
  for (let n = 0; n < items; n++) for (let h = 1; h <= 12; h++) rows.push(`SKU-${n},2025-${String(h).padStart(2, '0')}-01,${(n * 7 + h) % 500},${(n % 50) + 1},${(n % 50) + 900}`);
  return writeLines(dir, `f-${items}.csv`, rows);
}

describe("an import's checkpoint on another thread", () => {
  let t: ReturnType<typeof tempDir>;
  let opened: OpenedWorkbook;
  let ctx: BackendContext;
  let path: string;
  beforeEach(async () => {
    t = tempDir('fwb-ckpt-thread-');
    path = join(t.dir, 'w.sqlite');
    opened = await openWorkbook(path, { now: FIXED_NOW });
    ctx = { db: opened.db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
  });
  afterEach(() => {
    checkpointThreadFrom(16 << 20);
    opened.close();
    t.cleanup();
  });

  const importWithEffects = (file: string) =>
    carryOut(ctx, IMPORT_EFFECTS, (c) => importFile(c, file, { kind: 'forecasts', model: 'Ckpt', origin: '2024-12-01', unknownItems: 'create', worker: true }), {}) as Promise<ImportOutcome>;

  it('copies the log while the scores are written, and the close waits for it and leaves one whole file', async () => {
    checkpointThreadFrom(0);
    const out = await importWithEffects(forecastFile(t.dir, 3_000));
    expect(out.batchId).not.toBeNull();
    const { runId, lines } = out.runs[0]!;
    expect(lines).toBeGreaterThan(30_000);
    expect(checkpointThreadStarted(opened.db)).toBe(true);
    // The scores were written on this connection while the thread checkpointed: all there.
    expect(opened.db.prepare('SELECT count(*) FROM line_exceptions WHERE run_id = ?').pluck().get(runId)).toBe(lines);
    expect(opened.db.prepare('SELECT count(*) FROM line_exception_order WHERE run_id = ?').pluck().get(runId)).toBe(lines);
    opened.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    const check = new Database(path, { readonly: true });
    try {
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(check.prepare('SELECT count(*) FROM forecast_lines WHERE run_id = ?').pluck().get(runId)).toBe(lines);
      expect(check.prepare('SELECT count(*) FROM line_exceptions WHERE run_id = ?').pluck().get(runId)).toBe(lines);
    } finally {
      check.close();
    }
  });

  it('lets this connection write while the thread copies, and has copied every frame it saw once awaited', () => {
    checkpointThreadFrom(0);
    const db = opened.db;
    // As an import holds them: only the thread copies the log.
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE pad (x BLOB)');
    const pad = db.prepare('INSERT INTO pad VALUES (randomblob(4000))');
    db.transaction(() => {
      for (let i = 0; i < 3_000; i++) pad.run();
    })();
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(10 << 20);
    expect(statSync(path).size).toBeLessThan(2 << 20);
    expect(checkpointInThread(db, 1)).toBe(true);
    // A second one while the first runs is not started: the caller checkpoints itself.
    expect(checkpointInThread(db, 1)).toBe(false);
    // Written at once, never refused as busy by the thread's checkpoint.
    db.transaction(() => {
      for (let i = 0; i < 200; i++) pad.run();
    })();
    awaitCheckpointThread(db);
    // The thread copied the log into the file (at least what was committed before it began).
    expect(statSync(path).size).toBeGreaterThan(10 << 20);
    expect(db.prepare('SELECT count(*) FROM pad').pluck().get()).toBe(3_200);
    db.pragma('wal_autocheckpoint = 1000');
  });

  it('hands each big import of a workbook kept open its own thread, once the one before has ended', async () => {
    checkpointThreadFrom(0);
    const db = opened.db;
    db.exec('CREATE TABLE pad (x BLOB)');
    db.prepare('INSERT INTO pad VALUES (randomblob(4000))').run();
    expect(checkpointInThread(db, 1)).toBe(true);
    // The app keeps the workbook open across imports: once the first thread has ended, the next import gets one too.
    let again = false;
    for (let tries = 0; tries < 200 && !again; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      again = checkpointInThread(db, 1);
    }
    expect(again).toBe(true);
    awaitCheckpointThread(db);
    expect(checkpointThreadStarted(db)).toBe(false);
  });

  it("leaves a small import's checkpoint, or a small log, to be done in place, with no thread", async () => {
    const db = opened.db;
    db.exec('CREATE TABLE pad (x BLOB)');
    db.prepare('INSERT INTO pad VALUES (randomblob(100000))').run();
    expect(checkpointInThread(db, 1_000_000)).toBe(false);
    // A big log, as another program's import leaves it, but a small import of this connection's.
    db.pragma('wal_autocheckpoint = 0');
    const pad = db.prepare('INSERT INTO pad VALUES (randomblob(4000))');
    db.transaction(() => {
      for (let i = 0; i < 5_000; i++) pad.run();
    })();
    checkpointThreadFrom(1 << 20, 100_000);
    expect(checkpointInThread(db, 99_999)).toBe(false);
    const out = await importWithEffects(forecastFile(t.dir, 20));
    expect(out.rowsAccepted).toBeGreaterThan(0);
    expect(checkpointThreadStarted(db)).toBe(false);
    db.pragma('wal_autocheckpoint = 1000');
  });
});
