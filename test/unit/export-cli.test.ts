// fwb export, backup and restore: exit codes 0 done, 1 failed, 2 usage error,
// 3 input rejected, and the files they leave (or do not leave) behind.
import Papa from 'papaparse';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { runCli } from '../../electron/cli/main';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

const ROOT = join(import.meta.dirname, '..', '..');
async function cli(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { status, stdout, stderr };
}

describe('fwb export, backup, restore', () => {
  const t = tempDir('fwb-cli-export-');
  const db = join(t.dir, 'demo.sqlite');
  beforeAll(async () => {
    const { db: handle } = await openWorkbook(db, { now: FIXED_NOW });
    generateDemo(handle, { items: 20, seed: 4 });
    handle.close();
  });
  afterAll(() => t.cleanup());

  it('exports the plan as CSV with the real bin, JSON on stdout', () => {
    const out = join(t.dir, 'plan.csv');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'fwb.cjs'), 'export', '--db', db, '--what', 'plan', '--run', '12', '--format', 'csv', '--out', out, '--json'], { encoding: 'utf8', cwd: ROOT });
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { rows: number; path: string; bytes: number };
    expect(result).toMatchObject({ what: 'plan', format: 'csv', path: out, title: expect.stringMatching(/^Plan of run 12 /) });
    const rows = Papa.parse(readFileSync(out, 'utf8'), { header: true, skipEmptyLines: true }).data;
    expect(rows).toHaveLength(result.rows);
    expect(result.rows).toBeGreaterThan(100);
    expect(result.bytes).toBe(readFileSync(out).length);
  });

  it('exports XLSX, quarantine and audit, and the current run by default', async () => {
    const x = await cli('export', '--db', db, '--what', 'plan', '--format', 'xlsx', '--out', join(t.dir, 'plan.xlsx'));
    expect(x.status, x.stderr).toBe(0);
    expect(x.stdout).toMatch(/^Plan of run 13 \(.*\): \d+ rows written to .*plan\.xlsx \(\d+ KB\)\.\n$/);
    const a = await cli('export', '--db', db, '--what', 'audit', '--format', 'csv', '--out', join(t.dir, 'audit.csv'), '--json');
    expect(a.status).toBe(0);
    expect(JSON.parse(a.stdout).rows).toBeGreaterThan(100);
    const q = await cli('export', '--db', db, '--what', 'quarantine', '--batch', '1', '--format', 'csv', '--out', join(t.dir, 'q.csv'));
    expect(q.status, q.stderr).toBe(0);
    expect(readFileSync(join(t.dir, 'q.csv'), 'utf8').split('\r\n')[0]).toBe('batch_id,row_number,column,reason,raw_text');
  });

  it('answers usage errors with exit 2, naming the problem', async () => {
    const cases: [string[], RegExp][] = [
      [['export', '--db', db, '--format', 'csv', '--out', 'x.csv'], /--what is required/],
      [['export', '--db', db, '--what', 'accuracy', '--by', 'nope', '--format', 'csv', '--out', 'x.csv'], /unknown --by "nope"/],
      [['export', '--db', db, '--what', 'accuracy', '--metric', 'r2', '--format', 'csv', '--out', 'x.csv'], /unknown --metric "r2"/],
      [['export', '--db', db, '--what', 'accuracy', '--from', '2026-13-01', '--format', 'csv', '--out', 'x.csv'], /--from must be a date/],
      [['export', '--db', db, '--what', 'plan', '--by', 'size', '--format', 'csv', '--out', 'x.csv'], /--by goes with --what accuracy/],
      [['export', '--db', db, '--what', 'governance', '--format', 'csv', '--out', 'x.csv'], /the governance report is written as HTML/],
      [['export', '--db', db, '--what', 'plans', '--format', 'csv', '--out', 'x.csv'], /unknown --what "plans"/],
      [['export', '--db', db, '--what', 'plan', '--format', 'pdf', '--out', 'x.pdf'], /unknown --format "pdf"/],
      [['export', '--db', db, '--what', 'plan', '--format', 'html', '--out', 'x.html'], /--format html is for --what governance/],
      [['export', '--db', db, '--what', 'plan', '--format', 'csv'], /--out FILE is required/],
      [['export', '--db', db, '--what', 'plan', '--run', 'abc', '--format', 'csv', '--out', 'x.csv'], /--run must be a positive whole number/],
      [['export', '--db', db, '--what', 'audit', '--run', '3', '--format', 'csv', '--out', 'x.csv'], /--run and --version go with --what plan/],
      [['export', '--db', db, '--what', 'quarantine', '--format', 'csv', '--out', 'x.csv'], /--what quarantine needs --batch ID/],
      [['export', '--db', db, '--what', 'plan', '--bogus', '--format', 'csv', '--out', 'x.csv'], /Unknown option '--bogus'/],
      [['backup', '--db', db], /--out FILE is required/],
      [['restore', '--db', db], /--from BACKUP is required/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    expect(existsSync(join(ROOT, 'x.csv'))).toBe(false);
  });

  it('rejects input that is not there with exit 3, writing nothing', async () => {
    const before = readdirSync(t.dir).sort();
    const cases: [string[], RegExp][] = [
      [['export', '--db', db, '--what', 'plan', '--run', '99', '--format', 'csv', '--out', join(t.dir, 'r.csv')], /Forecast run 99 does not exist/],
      [['export', '--db', db, '--what', 'plan', '--run', '12', '--version', '2', '--format', 'csv', '--out', join(t.dir, 'r.csv')], /Run 12 has no plan version 2/],
      [['export', '--db', db, '--what', 'quarantine', '--batch', '77', '--format', 'csv', '--out', join(t.dir, 'r.csv')], /Import batch 77 does not exist/],
      [['export', '--db', db, '--what', 'audit', '--format', 'csv', '--out', join(t.dir, 'missing', 'r.csv')], /the folder .*missing does not exist/],
      [['export', '--db', join(t.dir, 'nope.sqlite'), '--what', 'audit', '--format', 'csv', '--out', join(t.dir, 'r.csv')], /No workbook at/],
      [['backup', '--db', join(t.dir, 'nope.sqlite'), '--out', join(t.dir, 'b.sqlite')], /No workbook at/],
      [['restore', '--db', db, '--from', join(t.dir, 'nope.sqlite')], /There is no backup file/],
      [['restore', '--db', db, '--from', join(t.dir, 'plan.csv')], /plan\.csv is not a Forecast Workbench workbook/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(...args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toMatch(message);
    }
    expect(readdirSync(t.dir).sort()).toEqual(before);
  });

  it('backs up (refusing to replace a file without --force), and restores keeping the current file aside', async () => {
    const backup = join(t.dir, 'backup.sqlite');
    const b = await cli('backup', '--db', db, '--out', backup, '--json');
    expect(b.status, b.stderr).toBe(0);
    expect(JSON.parse(b.stdout)).toMatchObject({ path: backup, schemaVersion: expect.any(Number) });
    expect(await cli('check', '--db', backup)).toMatchObject({ status: 0 });
    const again = await cli('backup', '--db', db, '--out', backup);
    expect(again.status).toBe(3);
    expect(again.stderr).toMatch(/already exists/);
    expect((await cli('backup', '--db', db, '--out', backup, '--force')).status).toBe(0);

    writeFileSync(join(t.dir, 'marker'), '');
    const r = await cli('restore', '--db', db, '--from', backup, '--json');
    expect(r.status, r.stderr).toBe(0);
    const restored = JSON.parse(r.stdout) as { keptAside: string };
    expect(restored.keptAside).toMatch(/demo\.sqlite\.before-restore-\d{4}-\d{2}-\d{2}T/);
    expect(existsSync(restored.keptAside)).toBe(true);
    expect(await cli('check', '--db', db)).toMatchObject({ status: 0 });
    expect(await cli('check', '--db', restored.keptAside)).toMatchObject({ status: 0 });
  });
});
