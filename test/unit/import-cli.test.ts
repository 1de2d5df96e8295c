import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openWorkbook } from '../../electron/backend/db/open';
import { runCli } from '../../electron/cli/main';
import { tempDir } from '../helpers/workbook';
import { writeLines } from '../fixtures/import/v_harness';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'import');
const fwb = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'fwb.cjs'), 'import', ...args], { encoding: 'utf8', cwd: ROOT });
/** The same command in this process: most cases need not pay a process start each. */
async function cli(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(['import', ...args], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { status, stdout, stderr };
}
const jsonLines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('fwb import', () => {
  const t = tempDir('fwb-cli-import-');
  afterAll(() => t.cleanup());
  const good = writeLines(t.dir, 'good.csv', ['sku,month,fcst,lo,hi', 'A,2026-07-01,10,8,12', 'B,2026-07-01,5,,']);
  const mixed = writeLines(t.dir, 'mixed.csv', ['sku,month,fcst', 'A,2026-08-01,10', 'B,2026-08-15,5', 'C,2026-08-01,x']);

  it('imports files, printing one JSON object per file, exit 0 (quarantined rows allowed)', () => {
    const db = join(t.dir, 'ok.sqlite');
    const r = fwb('--db', db, '--kind', 'forecasts', '--model', 'ets', '--origin', '2026-06-01', '--create-items', '--json', good, mixed);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const [a, b] = jsonLines(r.stdout);
    expect(Object.keys(a!)).toEqual(['batchId', 'kind', 'file', 'rowsRead', 'rowsAccepted', 'rowsQuarantined', 'runs', 'errors', 'warnings']);
    expect(a).toMatchObject({ batchId: 1, kind: 'forecasts', file: 'good.csv', rowsRead: 2, rowsAccepted: 2, rowsQuarantined: 0, errors: [] });
    expect(a!.runs).toEqual([{ runId: 1, model: 'ets', modelVersion: '', origin: '2026-06-01', lines: 2 }]);
    expect(b).toMatchObject({ batchId: 2, file: 'mixed.csv', rowsRead: 3, rowsAccepted: 1, rowsQuarantined: 2 });
    expect(b!.errors).toEqual([
      { row: 3, column: 'month', reason: 'period 2026-08-15 is not the first day of a month' },
      { row: 4, column: 'fcst', reason: "not a number: 'x'" },
    ]);
    const sql = new Database(db, { readonly: true });
    expect(sql.prepare('SELECT count(*) FROM forecast_lines').pluck().get()).toBe(3);
    expect(sql.prepare("SELECT value FROM workbook_meta WHERE key = 'grain'").pluck().get()).toBe('month');
    sql.close();
  });

  it('prints a short summary and file:row:column: reason lines without --json', async () => {
    const r = await cli('--db', join(t.dir, 'human.sqlite'), '--kind', 'forecasts', '--model', 'ets', '--origin', '2026-06-01', '--create-items', mixed);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^mixed\.csv: batch 1, 3 rows read, 1 accepted, 2 quarantined; run 1 ets \(origin 2026-06-01, 1 lines\)/);
    expect(r.stderr).toBe("mixed.csv:3:month: period 2026-08-15 is not the first day of a month\nmixed.csv:4:fcst: not a number: 'x'\n");
  });

  it('exits 3 when no row of a file was accepted, saying where its rows went, and still imports the other files', async () => {
    const allBad = writeLines(t.dir, 'all-bad.csv', ['sku,month,fcst', 'A,2026-09-15,10', 'B,2026-09-01,y']);
    const db = join(t.dir, 'all-bad.sqlite');
    const r = await cli('--db', db, '--kind', 'forecasts', '--model', 'ets', '--origin', '2026-06-01', '--create-items', allBad, good);
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/^all-bad\.csv: batch 1, 2 rows read, 0 accepted, 2 quarantined\n/m);
    expect(r.stdout).toMatch(/^good\.csv: batch 2, 2 rows read, 2 accepted, 0 quarantined/m);
    expect(r.stderr).toContain('all-bad.csv:2:month: period 2026-09-15 is not the first day of a month\n');
    expect(r.stderr).toContain('fwb import: no row of all-bad.csv was accepted: its 2 rows are in quarantine (batch 1). See them with fwb export --db');
    expect(r.stderr).toContain('--what quarantine --batch 1');
    const json = await cli('--db', join(t.dir, 'all-bad-json.sqlite'), '--kind', 'forecasts', '--model', 'ets', '--origin', '2026-06-01', '--create-items', '--json', allBad);
    expect(json.status).toBe(3);
    expect(jsonLines(json.stdout)[0]).toMatchObject({ rowsRead: 2, rowsAccepted: 0, rowsQuarantined: 2 });
  });

  it('exits 3 when a file is refused: strict mode with a bad row, or a file imported before', async () => {
    const db = join(t.dir, 'strict.sqlite');
    const strict = fwb('--db', db, '--kind', 'forecasts', '--model', 'ets', '--origin', '2026-06-01', '--create-items', '--strict', '--json', mixed);
    expect(strict.status).toBe(3);
    const [out] = jsonLines(strict.stdout);
    expect(out).toMatchObject({ batchId: null, kind: 'forecasts', file: 'mixed.csv', rowsRead: 3, rowsAccepted: 0, rowsQuarantined: 2, runs: [], warnings: [] });
    expect(out!.errors).toHaveLength(2);
    expect(strict.stderr).toContain('mixed.csv:3:month: period 2026-08-15 is not the first day of a month');
    expect(strict.stderr).toContain('fwb import: mixed.csv: refused (strict): row 3, column month:');
    const sql = new Database(db, { readonly: true });
    expect(sql.prepare('SELECT count(*) FROM import_batches').pluck().get()).toBe(0);
    sql.close();

    expect((await cli('--db', db, '--kind', 'forecasts', '--model', 'ets', '--origin', '2026-06-01', '--create-items', good)).status).toBe(0);
    const again = await cli('--db', db, '--kind', 'forecasts', '--model', 'ets', '--origin', '2026-06-01', '--json', good);
    expect(again.status).toBe(3);
    expect(jsonLines(again.stdout)[0]).toMatchObject({ batchId: null, errors: [], refused: { code: 'INPUT_REJECTED', message: expect.stringMatching(/already imported as batch 1 on \d{4}-\d\d-\d\d; pass --force to import it again$/) } });
    expect((await cli('--db', db, '--kind', 'forecasts', '--model', 'ets', '--origin', '2026-06-01', '--force', good)).status).toBe(0);
    // A file that cannot be read at all is refused too.
    const empty = await cli('--db', db, '--kind', 'forecasts', join(FIXTURES, 'empty.csv'));
    expect(empty.status).toBe(3);
    // So is a file with a header and no data rows, with nothing written.
    const batches = () => {
      const sql = new Database(db, { readonly: true });
      const n = sql.prepare('SELECT count(*) FROM import_batches').pluck().get();
      sql.close();
      return n;
    };
    const before = batches();
    const headerOnly = await cli('--db', db, '--kind', 'forecasts', '--origin', '2026-06-01', join(FIXTURES, 'header_only.csv'));
    expect(headerOnly.status).toBe(3);
    expect(headerOnly.stderr).toBe('fwb import: header_only.csv: the file has a header but no data rows\n');
    expect(batches()).toBe(before);
  });

  it('quarantines rows of unknown items by default; --create-items creates them', async () => {
    const db = join(t.dir, 'unknown.sqlite');
    const byDefault = await cli('--db', db, '--kind', 'forecasts', '--model', 'ets', '--origin', '2026-06-01', '--json', good);
    expect(byDefault.status).toBe(3);
    expect(jsonLines(byDefault.stdout)[0]).toMatchObject({
      rowsAccepted: 0,
      rowsQuarantined: 2,
      errors: [{ row: 2, column: 'sku', reason: "unknown item 'A' (not in the workbook: import the item master first); or pass --create-items to create unknown items" }, expect.anything()],
    });
    const created = await cli('--db', db, '--kind', 'forecasts', '--model', 'ets', '--origin', '2026-06-01', '--create-items', '--force', '--json', good);
    expect(jsonLines(created.stdout)[0]).toMatchObject({ rowsAccepted: 2, rowsQuarantined: 0 });
  });

  it('refuses an actuals file given as forecasts, saying which --kind to use (exit 3)', async () => {
    const actuals = writeLines(t.dir, 'history.csv', ['item_id,period,actual', 'A,2026-05-01,7']);
    const r = await cli('--db', join(t.dir, 'kind.sqlite'), '--kind', 'forecasts', '--origin', '2026-06-01', actuals);
    expect(r.status).toBe(3);
    expect(r.stderr).toBe('fwb import: history.csv: this looks like actuals, not forecasts: no column holds forecasts; found columns: item_id, period, actual; import it with --kind actuals\n');
  });

  it('exits 2 on usage errors, before touching the workbook', async () => {
    const db = join(t.dir, 'usage.sqlite');
    const cases: [string[], RegExp][] = [
      [['--kind', 'forecasts', good], /--db FILE is required/],
      [['--db', db, '--kind', 'forecast', good], /unknown --kind "forecast"/],
      [['--db', db, good], /--kind is required/],
      [['--db', db, '--kind', 'forecasts'], /no FILE to import/],
      [['--db', db, '--kind', 'forecasts', '--map', 'forecast', good], /--map expects field=column/],
      [['--db', db, '--kind', 'actuals', '--map', 'forecast=x', good], /unknown field "forecast" for actuals/],
      [['--db', db, '--kind', 'forecasts', '--grain', 'day', good], /--grain must be one of/],
      [['--db', db, '--kind', 'forecasts', '--origin', '1/6/2026', good], /--origin must be a date/],
      [['--db', db, '--kind', 'forecasts', '--create-items', '--reject-unknown-items', good], /exclude each other/],
      [['--db', db, '--kind', 'forecasts', '--bogus', good], /bogus/],
    ];
    // One through a real process (the exit code as a shell sees it), the rest in this process.
    const spawned = fwb('--db', db, '--kind', 'forecast', good);
    expect(spawned.status).toBe(2);
    expect(spawned.stderr).toMatch(/unknown --kind "forecast"/);
    for (const [args, message] of cases) {
      const r = await cli(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(db)).toBe(false);
  });

  it('creates a new workbook with the grain given and maps columns with --map (sales inputs, weeks)', async () => {
    const db = join(t.dir, 'weekly.sqlite');
    const file = writeLines(t.dir, 'si.csv', ['article,wk,units,who', 'A,2026-03-02,5,rep1', 'A,2026-03-04,6,rep1']);
    const r = await cli('--db', db, '--kind', 'sales-inputs', '--grain', 'week', '--create-items', '--map', 'quantity=units', '--map', 'source=who', '--map', 'period=wk', '--json', file);
    expect(r.status).toBe(0);
    expect(jsonLines(r.stdout)[0]).toMatchObject({ kind: 'sales_inputs', rowsAccepted: 1, errors: [{ row: 3, column: 'wk', reason: 'period 2026-03-04 is not a Monday (the first day of a week)' }] });
    const sql = new Database(db, { readonly: true });
    expect(sql.prepare("SELECT value FROM workbook_meta WHERE key = 'grain'").pluck().get()).toBe('week');
    expect(sql.prepare('SELECT source FROM sales_inputs').pluck().get()).toBe('rep1');
    expect(JSON.parse(sql.prepare('SELECT mapping FROM column_mappings').pluck().get() as string)).toEqual({ quantity: 'units', source: 'who', period: 'wk' });
    sql.close();
  });

  it('leaves no trace when killed mid-import', async () => {
    const lines = ['sku,month,fcst'];
    for (let i = 0; i < 400_000; i++) lines.push(`I${i % 20_000},${2027 + Math.floor(i / 20_000 / 12)}-${String((Math.floor(i / 20_000) % 12) + 1).padStart(2, '0')}-01,${i}`);
    const big = writeLines(t.dir, 'big.csv', lines);
    const db = join(t.dir, 'killed.sqlite');
    expect((await cli('--db', db, '--kind', 'items', writeLines(t.dir, 'items.csv', ['sku', 'KEEP']))).status).toBe(0);
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'fwb.cjs'), 'import', '--db', db, '--kind', 'forecasts', '--model', 'm', '--origin', '2026-12-01', '--create-items', big], { cwd: ROOT, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Mid-import: the open transaction has begun spilling pages into the WAL.
    const wal = `${db}-wal`;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !(existsSync(wal) && statSync(wal).size > 1_000_000)) await new Promise((r) => setTimeout(r, 5));
    expect(existsSync(wal) && statSync(wal).size > 1_000_000).toBe(true);
    child.kill('SIGKILL');
    await exited;
    const sql = new Database(db);
    expect(sql.prepare('SELECT count(*) FROM import_batches').pluck().get()).toBe(1);
    // Issue 12.9: lines go in chunks under runs that do not exist yet, so none is visible…
    expect(sql.prepare('SELECT count(*) FROM v_forecast_lines').pluck().get()).toBe(0);
    expect(sql.prepare('SELECT count(*) FROM forecast_runs').pluck().get()).toBe(0);
    expect(sql.prepare('SELECT item_id FROM items').pluck().all()).toEqual(['KEEP']);
    expect(sql.pragma('integrity_check', { simple: true })).toBe('ok');
    sql.close();
    // …and the next opening clears them.
    (await openWorkbook(db)).db.close();
    const after = new Database(db, { readonly: true });
    expect(after.prepare('SELECT count(*) FROM forecast_lines').pluck().get()).toBe(0);
    expect(after.prepare('SELECT count(*) FROM imports_in_progress').pluck().get()).toBe(0);
    after.close();
  }, 60_000);
});
