// Two writers on one workbook file (issue 12.9): the desktop app's backend worker
// and fwb in another process, each importing or deciding while the other imports.
// An import holds the write lock only for short moments, the app answers while its
// own import runs, nothing half-written is ever visible, and a workbook held by
// another program for longer than the wait says so in a sentence.
import Database from 'better-sqlite3';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackendHost } from '../../electron/backend/worker/host';
import { openWorkbook } from '../../electron/backend/db/open';
import { fileDigest, importFile } from '../../electron/backend/imports/import-file';
import { stageCopy } from '../../electron/backend/imports/staging';
import { sourceWorkerUrl } from '../../electron/backend/worker/worker-url';
import type { Result } from '../../shared/domain';
import { fillSmallWorkbook, FIXED_NOW, tempDir } from '../helpers/workbook';
import { writeLines } from '../fixtures/import/v_harness';
import { TEST_PASSPHRASE } from '../helpers/people';

const ROOT = join(import.meta.dirname, '..', '..');
/** The workbook's first manager, who may import forecasts and decide lines. */
const MANAGER = { displayName: 'Mia Manager', role: 'manager', newPassphrase: TEST_PASSPHRASE, passphrase: TEST_PASSPHRASE };
const FWB = join(ROOT, 'bin', 'fwb.cjs');
const fwbSync = (...args: string[]) => spawnSync(process.execPath, [FWB, ...args], { encoding: 'utf8', cwd: ROOT });

/** fwb in a process of its own, its output collected; `exited` resolves with its status when it ends. */
function fwbAsync(...args: string[]): { child: ChildProcess; exited: Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; at: number }> } {
  const child = spawn(process.execPath, [FWB, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = once(child, 'exit').then(([status, signal]) => ({ status: status as number | null, signal: signal as NodeJS.Signals | null, stdout, stderr, at: Date.now() }));
  return { child, exited };
}

/** A forecast file of `items` new items × `months` periods after 2026-06 (50 months: 50 lines per item). */
async function bigForecastFile(path: string, items: number, { months = 50, prefix = 'NEW', badRowAt = 0 } = {}): Promise<number> {
  const out = createWriteStream(path);
  out.write('item_id,period,forecast,lower,upper\n');
  let n = 0;
  let chunk = '';
  for (let i = 1; i <= items; i++) {
    const id = `${prefix}-${String(i).padStart(6, '0')}`;
    for (let m = 0; m < months; m++) {
      const idx = 2026 * 12 + 6 + m;
      const period = `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, '0')}-01`;
      n++;
      const q = 100 + ((i * 7 + m * 13) % 900);
      chunk += n === badRowAt ? `${id},${period},not-a-number,,\n` : `${id},${period},${q},${q - 10},${q + 10}\n`;
    }
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return n;
}

/** Waits until `cond` holds, polling; fails the test after `ms`. */
async function until(cond: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The workbook as another program sees it (a connection of its own, read-only). */
function peek<T>(path: string, sql: string): T {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).pluck().get() as T;
  } finally {
    db.close();
  }
}

const walBytes = (path: string) => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
/** An import is under way in some process: its rows have started reaching the workbook's log. */
const importWriting = (path: string) => walBytes(path) > 2 << 20;

function expectNoStack(text: string): void {
  expect(text).not.toMatch(/\n\s+at /);
  expect(text).not.toMatch(/unexpectedly|SqliteError|SQLITE_BUSY/);
}

describe('two writers on one workbook', () => {
  let t: ReturnType<typeof tempDir>;
  let path: string;
  let host: BackendHost | null = null;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    t = tempDir('fwb-writers-');
    path = join(t.dir, 'wb.sqlite');
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    fillSmallWorkbook(db);
    db.close();
  });
  afterEach(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    children.length = 0;
    await host?.close();
    host = null;
    t.cleanup();
  });

  const startApp = async () => (host = await BackendHost.start(sourceWorkerUrl, { dbPath: path, stagingDir: join(t.dir, 'staging') }));
  const firstLine = () => peek<number>(path, 'SELECT min(line_id) FROM forecast_lines');

  it('lets the app decide while fwb imports a large file in another process, and both land', async () => {
    const app = await startApp();
    expect(await app.call('signIn', { userId: 'ana' })).toMatchObject({ ok: true });
    const file = join(t.dir, 'big.csv');
    const lines = await bigForecastFile(file, 6000);
    const batchesBefore = peek<number>(path, 'SELECT count(*) FROM import_batches');

    const cli = fwbAsync('import', '--db', path, '--kind', 'forecasts', '--model', 'Big', '--origin', '2026-06-01', '--create-items', '--json', file);
    children.push(cli.child);
    await until(() => importWriting(path) || cli.child.exitCode !== null, 'fwb is writing');
    // A few decisions in a row, each between two of the import's commits.
    const decided: Result<unknown>[] = [];
    let longestWait = 0;
    for (let k = 0; k < 3; k++) {
      const started = Date.now();
      decided.push((await app.call('decideLine', { lineId: firstLine() + k, action: 'accept' })) as Result<unknown>);
      longestWait = Math.max(longestWait, Date.now() - started);
    }
    const importCommittedBeforeDecision = peek<number>(path, 'SELECT count(*) FROM import_batches') > batchesBefore;

    expect(decided).toMatchObject([{ ok: true }, { ok: true }, { ok: true }]);
    // The decisions did not wait for the whole import: it was still running when they went through,
    // each after at most one of its short transactions (with room for a slow, shared machine).
    expect(importCommittedBeforeDecision).toBe(false);
    expect(longestWait).toBeLessThan(2000);
    const done = await cli.exited;
    expect(done.stderr).toBe('');
    expect(done.status).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ rowsAccepted: lines });
    expect(fwbSync('check', '--db', path)).toMatchObject({ status: 0 });
  });

  it('answers the app’s reads and decisions while its own import runs, showing nothing of it until it is done', async () => {
    const app = await startApp();
    // A manager both imports forecasts (shared/import-rules.ts) and decides lines: the workbook's first.
    expect(await app.call('signIn', MANAGER)).toMatchObject({ ok: true });
    const file = join(t.dir, 'big.csv');
    const lines = await bigForecastFile(file, 6000);
    const before = ((await app.call('getWorkbookInfo', {})) as { value: { counts: Record<string, number> } }).value.counts as Record<'items' | 'runs' | 'forecastLines' | 'importBatches', number>;
    const runsBefore = ((await app.call('listRuns', {})) as { value: unknown }).value;

    const { stagedId } = await stageCopy(join(t.dir, 'staging'), file);
    let importDone = false;
    const importing = app.call('runImport', { stagedId, kind: 'forecasts', model: 'Big', origin: '2026-06-01', unknownItems: 'create' }).then((r) => {
      importDone = true;
      return r;
    });
    await until(() => importWriting(path) || importDone, 'the app is importing');
    const info = (await app.call('getWorkbookInfo', {})) as { ok: boolean; value: { counts: Record<string, number> } };
    const runs = ((await app.call('listRuns', {})) as { value: unknown }).value;
    const decided = await app.call('decideLine', { lineId: firstLine(), action: 'accept' });
    const answeredWhileImporting = !importDone;

    expect(answeredWhileImporting).toBe(true);
    expect(decided).toMatchObject({ ok: true });
    // Nothing of the import is visible while it runs: not its items, runs, lines or batch.
    expect(info.value.counts).toMatchObject({ items: before.items, runs: before.runs, forecastLines: before.forecastLines, importBatches: before.importBatches });
    expect(runs).toEqual(runsBefore);
    expect(await importing).toMatchObject({ ok: true, value: { rowsAccepted: lines } });
    const after = ((await app.call('getWorkbookInfo', {})) as { value: { counts: Record<string, number> } }).value.counts as Record<'items' | 'runs' | 'forecastLines' | 'importBatches', number>;
    expect(after).toMatchObject({ items: before.items + 6000, runs: before.runs + 1, forecastLines: before.forecastLines + lines, importBatches: before.importBatches + 1 });
  });

  it('lets the app import a file while fwb imports a large one in another process, without a busy error', async () => {
    const app = await startApp();
    const file = join(t.dir, 'big.csv');
    const lines = await bigForecastFile(file, 6000);
    const small = writeLines(t.dir, 'small.csv', ['item_id,period,forecast', 'SKU-1,2026-07-01,10', 'SKU-2,2026-07-01,20']);
    const batchesBefore = peek<number>(path, 'SELECT count(*) FROM import_batches');
    // The app is ready before fwb starts: signed in, the file staged and previewed (which loads the import
    // pipeline), so that what races fwb's 300,000 lines (~1 s) is the app's import alone, not its set-up.
    const { stagedId } = await stageCopy(join(t.dir, 'staging'), small);
    expect(await app.call('signIn', MANAGER)).toMatchObject({ ok: true });
    expect(await app.call('previewImport', { stagedId, kind: 'forecasts' })).toMatchObject({ ok: true });
    const cli = fwbAsync('import', '--db', path, '--kind', 'forecasts', '--model', 'Big', '--origin', '2026-06-01', '--create-items', '--json', file);
    children.push(cli.child);
    await until(() => importWriting(path) || cli.child.exitCode !== null, 'fwb is writing');
    const imported = await app.call('runImport', { stagedId, kind: 'forecasts', model: 'Small', origin: '2026-06-01' });
    const bigCommitted = peek<number>(path, "SELECT count(*) FROM import_batches WHERE file_name = 'big.csv'") > 0;

    expect(imported).toMatchObject({ ok: true, value: { rowsAccepted: 2 } });
    // The app's import did not wait for fwb's whole import.
    expect(bigCommitted).toBe(false);
    const done = await cli.exited;
    expectNoStack(done.stderr);
    expect(done.stderr).toBe('');
    expect(done.status).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ rowsAccepted: lines });
    expect(peek<number>(path, 'SELECT count(*) FROM import_batches')).toBe(batchesBefore + 2);
    await app.close();
    host = null;
    expect(fwbSync('check', '--db', path)).toMatchObject({ status: 0 });
  });

  it('imports two files that create the same new items from two processes at once, each item once', async () => {
    const a = join(t.dir, 'a.csv');
    const b = join(t.dir, 'b.csv');
    const la = await bigForecastFile(a, 3000);
    // Not a multiple of a thousand lines: the last ones wait in the writer's buffer until the final transaction.
    const lb = await bigForecastFile(b, 2999, { months: 49 });
    const one = fwbAsync('import', '--db', path, '--kind', 'forecasts', '--model', 'A', '--origin', '2026-06-01', '--create-items', '--json', a);
    const two = fwbAsync('import', '--db', path, '--kind', 'forecasts', '--model', 'B', '--origin', '2026-06-01', '--create-items', '--json', b);
    children.push(one.child, two.child);
    const [ra, rb] = await Promise.all([one.exited, two.exited]);
    expect([ra.stderr, rb.stderr]).toEqual(['', '']);
    expect([ra.status, rb.status]).toEqual([0, 0]);
    expect(peek<number>(path, "SELECT count(*) FROM items WHERE item_id LIKE 'NEW-%'")).toBe(3000);
    expect(peek<number>(path, 'SELECT count(*) FROM forecast_lines')).toBe(9 + la + lb);
    // Every line of both runs points at its own item.
    expect(peek<number>(path, "SELECT count(*) FROM v_forecast_lines WHERE item_id LIKE 'NEW-%'")).toBe(la + lb);
    expect(fwbSync('check', '--db', path)).toMatchObject({ status: 0 });
  });

  it('leaves nothing of an import killed halfway: the next opening clears what it had staged, and fwb check passes', async () => {
    const file = join(t.dir, 'big.csv');
    await bigForecastFile(file, 6000);
    const counts = () => peek<string>(path, "SELECT json_array((SELECT count(*) FROM items), (SELECT count(*) FROM forecast_runs), (SELECT count(*) FROM forecast_lines), (SELECT count(*) FROM import_batches), (SELECT count(*) FROM quarantine_rows))");
    const before = counts();
    const cli = fwbAsync('import', '--db', path, '--kind', 'forecasts', '--model', 'Big', '--origin', '2026-06-01', '--create-items', '--json', file);
    children.push(cli.child);
    await until(() => importWriting(path) || cli.child.exitCode !== null, 'fwb is writing');
    cli.child.kill('SIGKILL');
    expect((await cli.exited).signal).toBe('SIGKILL');
    // It died halfway: its record says so (and its staged lines are in the file, unseen).
    expect(peek<number>(path, 'SELECT count(*) FROM imports_in_progress')).toBe(1);

    // Read-only, before anything opens it for writing: nothing of the import is there to see.
    const check = fwbSync('check', '--db', path, '--json');
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    const { db } = await openWorkbook(path);
    db.close();
    expect(counts()).toBe(before);
    expect(peek<number>(path, 'SELECT count(*) FROM imports_in_progress')).toBe(0);
    expect(fwbSync('check', '--db', path)).toMatchObject({ status: 0 });
  });

  it('takes a backup during an import that holds nothing of it', async () => {
    const file = join(t.dir, 'big.csv');
    await bigForecastFile(file, 6000);
    const raw = (p: string) => peek<string>(p, 'SELECT json_array((SELECT count(*) FROM forecast_lines), (SELECT count(*) FROM forecast_runs), (SELECT count(*) FROM items))');
    const before = raw(path);
    const cli = fwbAsync('import', '--db', path, '--kind', 'forecasts', '--model', 'Big', '--origin', '2026-06-01', '--create-items', '--json', file);
    children.push(cli.child);
    await until(() => importWriting(path) || cli.child.exitCode !== null, 'fwb is writing');
    // Held mid-way while the backup is taken: on a loaded machine the import could
    // otherwise finish before the backup's own process has started, and the copy
    // would rightly hold all of it (the race this test once lost).
    expect(cli.child.kill('SIGSTOP')).toBe(true);
    const copy = join(t.dir, 'copy.sqlite');
    try {
      // Under way, its run not created yet (its lines so far are staged, seen by nobody): what the backup is taken during.
      expect(peek<number>(path, "SELECT count(*) FROM forecast_runs WHERE model_name = 'Big'")).toBe(0);
      expect(peek<number>(path, 'SELECT count(*) FROM imports_in_progress')).toBe(1);
      expect(fwbSync('backup', '--db', path, '--out', copy)).toMatchObject({ status: 0 });
    } finally {
      cli.child.kill('SIGCONT');
    }
    expect((await cli.exited).status).toBe(0);
    // The import went on to the end after the backup.
    expect(raw(path)).not.toBe(before);
    expect(raw(copy)).toBe(before);
    expect(peek<number>(copy, 'SELECT count(*) FROM imports_in_progress')).toBe(0);
    expect(fwbSync('check', '--db', copy)).toMatchObject({ status: 0 });
  });

  it('writes nothing when strict mode refuses a file whose bad row comes after much was read', async () => {
    const file = join(t.dir, 'big.csv');
    const lines = await bigForecastFile(file, 3000, { badRowAt: 149_000 });
    expect(lines).toBe(150_000);
    const raw = () => peek<string>(path, "SELECT json_array((SELECT count(*) FROM items), (SELECT count(*) FROM forecast_runs), (SELECT count(*) FROM forecast_lines), (SELECT count(*) FROM import_batches), (SELECT count(*) FROM quarantine_rows))");
    const before = raw();
    const r = fwbSync('import', '--db', path, '--kind', 'forecasts', '--model', 'Big', '--origin', '2026-06-01', '--create-items', '--strict', file);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/refused \(strict\): row 149001, column forecast/);
    expect(raw()).toBe(before);
    expect(fwbSync('check', '--db', path)).toMatchObject({ status: 0 });
  });
});

describe('a workbook another program holds longer than the wait', () => {
  let t: ReturnType<typeof tempDir>;
  let path: string;
  beforeEach(async () => {
    t = tempDir('fwb-busy-');
    path = join(t.dir, 'wb.sqlite');
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    fillSmallWorkbook(db);
    db.close();
  });
  afterEach(() => t.cleanup());

  /** Another program's import, recorded as under way (as every import records itself), holding the write lock. */
  function holdAsImport(at: string): () => void {
    const other = new Database(path);
    // Started at `at`, and at work still (it touched its record just now).
    other
      .prepare("INSERT INTO imports_in_progress (batch_id, kind, file_name, sha256, started_at, started_by, program, pid, host, heartbeat_at) VALUES (12, 'forecasts', 'forecasts.csv', 'abc', ?, NULL, 'fwb', ?, ?, ?)")
      .run(at, process.pid, hostname(), new Date().toISOString());
    other.exec('BEGIN IMMEDIATE');
    other.prepare("INSERT INTO workbook_meta (key, value) VALUES ('held', 'yes')").run();
    return () => {
      other.exec('ROLLBACK');
      other.close();
    };
  }

  it('fwb says what holds it, in a sentence, and exits 1', () => {
    const at = new Date(new Date().setHours(10, 31, 0, 0)).toISOString();
    const release = holdAsImport(at);
    try {
      const small = writeLines(t.dir, 'small.csv', ['item_id,period,forecast', 'SKU-1,2026-07-01,10']);
      const r = fwbSync('import', '--db', path, '--kind', 'forecasts', '--model', 'Small', '--origin', '2026-06-01', small);
      expectNoStack(r.stderr);
      expect(r.stderr).toMatch(/^fwb import: The workbook is busy with the import of forecasts\.csv \(batch 12\), started 10:31 by fwb; try again in a moment\.\n$/);
      expect(r.status).toBe(1);
    } finally {
      release();
    }
    expect(peek<number>(path, 'SELECT count(*) FROM import_batches')).toBe(1);
  });

  it('the app answers a decision with WORKBOOK_BUSY naming the holder, never INTERNAL', async () => {
    const app = await BackendHost.start(sourceWorkerUrl, { dbPath: path, stagingDir: join(t.dir, 'staging') });
    try {
      expect(await app.call('signIn', { userId: 'ana' })).toMatchObject({ ok: true });
      const release = holdAsImport(new Date(new Date().setHours(9, 5, 0, 0)).toISOString());
      let r: Result<unknown>;
      try {
        r = await app.call('decideLine', { lineId: peek<number>(path, 'SELECT min(line_id) FROM forecast_lines'), action: 'accept' });
      } finally {
        release();
      }
      expect(r).toMatchObject({ ok: false, error: { code: 'WORKBOOK_BUSY' } });
      if (!r.ok) expect(r.error.message).toBe('The workbook is busy with the import of forecasts.csv (batch 12), started 09:05 by fwb; try again in a moment.');
      // Once the other program lets go, the same decision goes through.
      expect(await app.call('decideLine', { lineId: peek<number>(path, 'SELECT min(line_id) FROM forecast_lines'), action: 'accept' })).toMatchObject({ ok: true });
    } finally {
      await app.close();
    }
  });

  it('says another program holds it when nothing recorded what', () => {
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    other.prepare("INSERT INTO workbook_meta (key, value) VALUES ('held', 'yes')").run();
    try {
      const small = writeLines(t.dir, 'small.csv', ['item_id,period,forecast', 'SKU-1,2026-07-01,10']);
      const r = fwbSync('import', '--db', path, '--kind', 'forecasts', '--model', 'Small', '--origin', '2026-06-01', small);
      expectNoStack(r.stderr);
      expect(r.stderr).toMatch(/^fwb import: The workbook is busy: another program is writing to it; try again in a moment\.\n$/);
      expect(r.status).toBe(1);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  });
});

describe('the same file imported twice at once', () => {
  it('is refused while the first import of it is under way, naming it', async () => {
    const t = tempDir('fwb-twin-');
    try {
      const path = join(t.dir, 'wb.sqlite');
      const { db } = await openWorkbook(path, { now: FIXED_NOW });
      fillSmallWorkbook(db);
      const file = writeLines(t.dir, 'forecasts.csv', ['item_id,period,forecast', 'SKU-1,2026-07-01,10']);
      const { sha256 } = await fileDigest(file);
      // Another program (alive: this very process) is importing the same bytes.
      const startedAt = new Date(new Date().setHours(8, 15, 0, 0)).toISOString();
      db.prepare("INSERT INTO imports_in_progress (batch_id, kind, file_name, sha256, started_at, program, pid, host, thread, heartbeat_at) VALUES (7, 'forecasts', 'forecasts.csv', ?, ?, 'fwb', ?, ?, -1, ?)").run(sha256, startedAt, process.pid, hostname(), new Date().toISOString());
      const ctx = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: '' };
      await expect(importFile(ctx, file, { kind: 'forecasts', model: 'm', origin: '2026-06-01' })).rejects.toMatchObject({
        code: 'INPUT_REJECTED',
        message: 'forecasts.csv: already being imported as batch 7 (started 08:15 by fwb)',
        hint: { option: 'force' },
      });
      expect(db.prepare('SELECT count(*) FROM import_batches').pluck().get()).toBe(1);
      // Forced, it goes in as a batch of its own.
      expect(await importFile(ctx, file, { kind: 'forecasts', model: 'm', origin: '2026-06-01', force: true })).toMatchObject({ batchId: 8, rowsAccepted: 1 });
      db.close();
    } finally {
      t.cleanup();
    }
  });
});

describe('an actuals file of many chunks', () => {
  it('quarantines its bad rows as they are read and makes its values current in one final transaction', async () => {
    const t = tempDir('fwb-chunks-');
    try {
      const path = join(t.dir, 'wb.sqlite');
      const { db } = await openWorkbook(path, { now: FIXED_NOW });
      fillSmallWorkbook(db);
      const rows = ['item_id,period,actual'];
      const bad: number[] = [];
      for (let i = 0; i < 7000; i++) {
        for (let m = 0; m < 10; m++) {
          const rowNumber = rows.length + 1;
          const broken = rowNumber % 1000 === 0;
          if (broken) bad.push(rowNumber);
          rows.push(`${i === 0 ? 'SKU-1' : `NEW-${i}`},2024-${String(m + 1).padStart(2, '0')}-01,${broken ? 'lots' : i + m}`);
        }
      }
      const file = writeLines(t.dir, 'actuals.csv', rows);
      const ctx = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: '' };
      const r = await importFile(ctx, file, { kind: 'actuals', unknownItems: 'create' });
      expect(r).toMatchObject({ rowsRead: 70_000, rowsAccepted: 70_000 - bad.length, rowsQuarantined: bad.length });
      expect(db.prepare('SELECT row_number FROM quarantine_rows WHERE batch_id = ? ORDER BY row_number').pluck().all(r.batchId)).toEqual(bad);
      expect(db.prepare('SELECT count(*) FROM actuals WHERE batch_id = ? AND superseded_at IS NULL').pluck().get(r.batchId)).toBe(70_000 - bad.length);
      expect(db.prepare('SELECT count(*) FROM imports_in_progress').pluck().get()).toBe(0);
      const { checkWorkbook } = await import('../../electron/backend/audit/check');
      expect(checkWorkbook(db).problems).toEqual([]);
      db.close();
    } finally {
      t.cleanup();
    }
  });
});

describe('two imports creating the same new items', () => {
  it('lets the one that finishes second use the items the first created, lines written before and after alike', async () => {
    const t = tempDir('fwb-same-items-');
    try {
      const path = join(t.dir, 'wb.sqlite');
      const opened = await openWorkbook(path, { now: FIXED_NOW });
      fillSmallWorkbook(opened.db);
      const other = await openWorkbook(path, { now: FIXED_NOW });
      // A: one chunk's worth of rows (one of them bad, so the last few hundred lines wait in the writer's buffer).
      const a = join(t.dir, 'a.csv');
      const la = await bigForecastFile(a, 680, { badRowAt: 10 });
      const b = join(t.dir, 'b.csv');
      const lb = await bigForecastFile(b, 680, { months: 49 });
      const reserved = () => (opened.db.prepare("SELECT count(*) FROM imports_in_progress WHERE run_ids <> '[]'").pluck().get() as number) > 0;
      let bResult: Awaited<ReturnType<typeof importFile>> | null = null;
      // A lets B run from start to end once it has written its chunk (new items' keys taken, not yet created).
      const ctxA = {
        db: opened.db,
        path,
        now: FIXED_NOW,
        emit: () => {},
        stagingDir: '',
        yieldWhile: async <T,>(work: () => Promise<T>): Promise<T> => {
          if (bResult === null && reserved()) bResult = await importFile({ db: other.db, path, now: FIXED_NOW, stagingDir: '' }, b, { kind: 'forecasts', model: 'B', origin: '2026-06-01', unknownItems: 'create', worker: false });
          return work();
        },
      };
      const aResult = await importFile(ctxA, a, { kind: 'forecasts', model: 'A', origin: '2026-06-01', unknownItems: 'create', worker: false });
      expect(bResult).toMatchObject({ rowsAccepted: lb, warnings: expect.arrayContaining([expect.objectContaining({ code: 'items_created', message: expect.stringMatching(/^created 680 new items/) })]) });
      expect(aResult).toMatchObject({ rowsAccepted: la - 1, rowsQuarantined: 1 });
      expect(aResult.warnings.map((w) => w.code)).not.toContain('items_created');
      const db = opened.db;
      expect(db.prepare("SELECT count(*) FROM items WHERE item_id LIKE 'NEW-%'").pluck().get()).toBe(680);
      expect(db.prepare("SELECT count(*) FROM v_forecast_lines WHERE item_id LIKE 'NEW-%'").pluck().get()).toBe(la - 1 + lb);
      expect(db.prepare('SELECT count(*) FROM forecast_lines').pluck().get()).toBe(9 + la - 1 + lb);
      const { checkWorkbook } = await import('../../electron/backend/audit/check');
      expect(checkWorkbook(db).problems).toEqual([]);
      other.db.close();
      db.close();
    } finally {
      t.cleanup();
    }
  });
});
