// The reconciled plan export against a real demo workbook: every exported CSV and
// XLSX file is read back (papaparse, exceljs) and compared line by line with what
// the workbook says through the Review API (getRunLines), an independent path.
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { exportToFile } from '../../electron/backend/exports/export-file';
import { exportsDirFor } from '../../electron/backend/exports/folder';
import { PLAN_COLUMNS } from '../../electron/backend/exports/plan';
import { DEMO_PASSPHRASE, type BackendEvent, type ForecastLineRow } from '../../shared/domain';
import { FIXED_NOW, tempDir } from '../helpers/workbook';
import { ok, refused } from '../helpers/api';


/** Every line of a run as the Review screen sees it, keyed item|location|period. */
async function runLines(ctx: BackendContext, runId: number): Promise<Map<string, ForecastLineRow>> {
  const lines = new Map<string, ForecastLineRow>();
  for (let offset = 0; ; offset += 2000) {
    const page = await ok(ctx, 'getRunLines', { runId, offset, limit: 2000, sort: { column: 'item', direction: 'asc' } });
    for (const r of page.rows) lines.set(`${r.itemId}|${r.locationId}|${r.period}`, r);
    if (offset + page.rows.length >= page.total) return lines;
  }
}

const HEADER = PLAN_COLUMNS.map((c) => c.key);
type CsvRow = Record<string, string>;
function readCsv(path: string): { header: string[]; rows: CsvRow[]; text: string } {
  const text = readFileSync(path, 'utf8');
  const parsed = Papa.parse<CsvRow>(text, { header: true, skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return { header: parsed.meta.fields ?? [], rows: parsed.data, text };
}

async function readXlsx(path: string): Promise<ExcelJS.Worksheet> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(path);
  // The data, then the Provenance sheet (the workbook's audit chain head at export).
  expect(book.worksheets.map((w) => w.name).slice(1)).toEqual(['Provenance']);
  return book.worksheets[0]!;
}

/** A sheet's data rows as objects keyed by header, each cell with its exceljs type. */
function sheetRows(sheet: ExcelJS.Worksheet): { values: Record<string, unknown>; types: Record<string, ExcelJS.ValueType> }[] {
  const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
  const out: { values: Record<string, unknown>; types: Record<string, ExcelJS.ValueType> }[] = [];
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    const values: Record<string, unknown> = {};
    const types: Record<string, ExcelJS.ValueType> = {};
    header.forEach((key, i) => {
      const cell = row.getCell(i + 1);
      values[key] = cell.value;
      types[key] = cell.type;
    });
    out.push({ values, types });
  });
  return out;
}

const FORMULA_NAMES = ['=HYPERLINK("http://evil.example","click")', '+SUM(A1:A9)', '-2+3', '@cmd|/c calc', '\tTabbed name', '\rCarriage name'];

describe('the reconciled plan export', () => {
  const t = tempDir('fwb-export-plan-');
  let ctx: BackendContext;
  const events: BackendEvent[] = [];
  /** The run of the demo with decisions of every kind (overrides, sales inputs, approvals, rejections). */
  const runId = 12;
  let lines: Map<string, ForecastLineRow>;

  beforeAll(async () => {
    const path = join(t.dir, 'Demand plan.sqlite');
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    generateDemo(db, { items: 30, seed: 3 });
    ctx = { db, path, now: FIXED_NOW, emit: (e) => events.push(e), stagingDir: join(t.dir, 'staging') };
    // Item names a spreadsheet would take for formulas, on items that have lines in the run.
    const keys = db.prepare('SELECT DISTINCT item_key FROM forecast_lines WHERE run_id = ? ORDER BY item_key LIMIT ?').pluck().all(runId, FORMULA_NAMES.length) as number[];
    keys.forEach((key, i) => db.prepare('UPDATE items SET name = ? WHERE item_key = ?').run(FORMULA_NAMES[i], key));
    lines = await runLines(ctx, runId);
  });
  afterAll(() => {
    ctx.db.close();
    t.cleanup();
  });

  it('has decisions of every kind in the run under test (else the comparison proves little)', () => {
    const sources = new Set([...lines.values()].map((l) => l.planSource));
    const statuses = new Set([...lines.values()].map((l) => l.status));
    expect(sources).toEqual(new Set(['model', 'override', 'sales_input']));
    for (const s of ['undecided', 'final', 'approved', 'rejected']) expect(statuses).toContain(s);
  });

  it('writes the run as CSV that matches the workbook line by line', async () => {
    const out = join(t.dir, 'plan.csv');
    const done = await exportToFile(ctx.db, { what: 'plan', runId }, 'csv', out);
    expect(done).toMatchObject({ path: out, rows: lines.size, warnings: [] });
    const { header, rows, text } = readCsv(out);
    expect(header).toEqual([...HEADER, 'audit_chain_head']); // provenance: one more column on every row
    expect(rows).toHaveLength(lines.size);
    expect(text.startsWith('item_id,item_name,')).toBe(true); // UTF-8 without a BOM, header first
    expect(text.split('\r\n')).toHaveLength(lines.size + 2); // CRLF records, a final line break
    const seen = new Set<string>();
    for (const r of rows) {
      const key = `${r.item_id}|${r.location}|${r.period}`;
      const line = lines.get(key);
      expect(line, key).toBeDefined();
      seen.add(key);
      expect(Number(r.lag)).toBe(line!.lag);
      expect(Number(r.model_quantity)).toBe(line!.quantity);
      expect(Number(r.final_quantity)).toBe(line!.finalQuantity);
      expect(r.source).toBe(line!.planSource);
      expect(r.approval_status).toBe(line!.status);
      expect(r.reason_code).toBe(line!.reasonCode ?? '');
      expect(r.decided_by).toBe(line!.decidedBy ?? '');
    }
    expect(seen.size).toBe(lines.size);
    // Each line carries the role its segment's policy gives the model (category, else ABC class, else all).
    const items = new Map(
      (ctx.db.prepare('SELECT item_id, category, abc_class FROM items').all() as { item_id: string; category: string; abc_class: string }[]).map((i) => [i.item_id, i]),
    );
    const roleOf = (itemId: string) => {
      const i = items.get(itemId)!;
      const p = (ctx.db.prepare("SELECT model_role, stepped_down_at FROM policies WHERE (segment_type = 'category' AND segment_value = ?) OR (segment_type = 'abc_class' AND segment_value = ?) OR segment_type = 'all' ORDER BY CASE segment_type WHEN 'category' THEN 0 WHEN 'abc_class' THEN 1 ELSE 2 END LIMIT 1").get(i.category, i.abc_class)) as { model_role: string; stepped_down_at: string | null };
      return p.stepped_down_at ? 'assist' : p.model_role;
    };
    for (const r of rows) expect(r.model_role, r.item_id).toBe(roleOf(r.item_id!));
    expect(new Set(rows.map((r) => r.model_role))).toEqual(new Set(['assist', 'recommend', 'decide']));
    // A rejected override: the plan keeps the quantity before it, and the reviewer is named.
    const rejected = rows.find((r) => r.approval_status === 'rejected')!;
    expect(rejected.approver).not.toBe('');
    expect(rejected.final_quantity).not.toBe('');
  });

  it('neutralises formula-looking item names in CSV, and keeps them as text', async () => {
    const out = join(t.dir, 'plan-injection.csv');
    await exportToFile(ctx.db, { what: 'plan', runId }, 'csv', out);
    const { rows } = readCsv(out);
    for (const name of FORMULA_NAMES) {
      const row = rows.find((r) => r.item_name === `'${name}`);
      expect(row, `item named ${JSON.stringify(name)}`).toBeDefined();
      // The quantities on the same row stay plain numbers.
      expect(row!.model_quantity).toMatch(/^\d+(\.\d+)?$/);
    }
    // Nothing else starts like a formula.
    for (const r of rows) for (const [k, v] of Object.entries(r)) expect(v, `${k}: ${v}`).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('writes the run as XLSX with typed cells, a bold frozen header and widths', async () => {
    const out = join(t.dir, 'plan.xlsx');
    const done = await exportToFile(ctx.db, { what: 'plan', runId }, 'xlsx', out);
    expect(done.rows).toBe(lines.size);
    const sheet = await readXlsx(out);
    expect(sheet.name).toBe(`Plan run ${runId}`);
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(HEADER);
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    for (const [i, column] of sheet.columns.entries()) expect(column.width, HEADER[i]).toBeGreaterThanOrEqual(HEADER[i]!.length);
    const rows = sheetRows(sheet);
    expect(rows).toHaveLength(lines.size);
    for (const { values: v, types } of rows) {
      const period = v.period as Date;
      expect(period).toBeInstanceOf(Date);
      const key = `${v.item_id}|${v.location}|${period.toISOString().slice(0, 10)}`;
      const line = lines.get(key)!;
      expect(line, key).toBeDefined();
      expect(types.model_quantity).toBe(ExcelJS.ValueType.Number);
      expect(types.final_quantity).toBe(ExcelJS.ValueType.Number);
      expect(types.lag).toBe(ExcelJS.ValueType.Number);
      expect(v.final_quantity).toBe(line.finalQuantity);
      expect(v.model_quantity).toBe(line.quantity);
      expect(v.source).toBe(line.planSource);
      if (line.decidedBy) expect(v.decided_at).toBeInstanceOf(Date);
      for (const t of Object.values(types)) expect(t).not.toBe(ExcelJS.ValueType.Formula);
    }
    // Formula-looking names are string cells holding the name as it is (no prefix in XLSX);
    // XML reads a bare CR in text as a line feed, which is how a spreadsheet shows it too.
    for (const name of FORMULA_NAMES) {
      const row = rows.find((r) => r.values.item_name === name.replace('\r', '\n'));
      expect(row, JSON.stringify(name)).toBeDefined();
      expect(row!.types.item_name).toBe(ExcelJS.ValueType.String);
    }
  });

  it('exports a released version from release_lines, not the plan as it stands', async () => {
    await ok(ctx, 'signIn', { displayName: 'Maria Lopez', role: 'manager', passphrase: DEMO_PASSPHRASE });
    const current = (await ok(ctx, 'listRuns', {})).runs[0]!.runId;
    const release = await ok(ctx, 'releaseRun', { runId: current, note: 'cycle plan' });
    // A decision after the release changes the plan, not version 1.
    await ok(ctx, 'signIn', { userId: 'ana.silva', displayName: 'Ana Silva', role: 'planner' });
    const line = (await ok(ctx, 'getRunLines', { runId: current, limit: 200, sort: { column: 'lag', direction: 'desc' } })).rows.find((r) => !r.frozen && r.status === 'undecided')!;
    await ok(ctx, 'decideLine', { lineId: line.lineId, action: 'override', quantity: line.quantity + 7, reasonCode: 'promotion', comment: 'after the release' });

    const out = join(t.dir, 'version.csv');
    const done = await exportToFile(ctx.db, { what: 'plan', runId: current, version: release.version }, 'csv', out);
    expect(done.title).toMatch(new RegExp(`Plan version ${release.version} of run ${current}`));
    const released = ctx.db
      .prepare(
        `SELECT i.item_id || '|' || printf('%04d-%02d-%02d', fl.period / 10000, fl.period / 100 % 100, fl.period % 100) AS k, rl.final_quantity AS q, rl.source AS s
           FROM release_lines rl JOIN forecast_lines fl USING (line_id) JOIN items i USING (item_key) WHERE rl.release_id = ?`,
      )
      .all(release.releaseId) as { k: string; q: number; s: string }[];
    const { rows } = readCsv(out);
    expect(rows).toHaveLength(released.length);
    expect(rows.length).toBe(release.lines);
    const byKey = new Map(released.map((r) => [r.k, r]));
    for (const r of rows) {
      const want = byKey.get(`${r.item_id}|${r.period}`)!;
      expect(Number(r.final_quantity)).toBe(want.q);
      expect(r.source).toBe(want.s);
    }
    const overridden = rows.find((r) => r.item_id === line.itemId && r.period === line.period)!;
    expect(Number(overridden.final_quantity)).toBe(line.quantity);
    // …while the run's own plan has the later override.
    const now = await exportToFile(ctx.db, { what: 'plan', runId: current }, 'csv', join(t.dir, 'now.csv'));
    const after = readCsv(now.path).rows.find((r) => r.item_id === line.itemId && r.period === line.period)!;
    expect(after).toMatchObject({ final_quantity: String(line.quantity + 7), source: 'override', comment: 'after the release' });
  });

  it('previews the first rows and the total, as the file will hold them', async () => {
    const preview = await ok(ctx, 'previewExport', { what: 'plan', runId, limit: 5 });
    expect(preview.total).toBe(lines.size);
    expect(preview.rows).toHaveLength(5);
    expect(preview.columns.map((c) => c.key)).toEqual(HEADER);
    expect(preview.columns.find((c) => c.key === 'period')!.type).toBe('date');
    const { rows } = readCsv(join(t.dir, 'plan.csv'));
    preview.rows.forEach((row, i) => {
      expect(row[0]).toBe(rows[i]!.item_id);
      expect(row[6]).toBe(Number(rows[i]!.final_quantity));
    });
    // Without a run: the current run.
    const current = await ok(ctx, 'previewExport', { what: 'plan', limit: 1 });
    expect(current.title).toMatch(/^Plan of run 13 /);
  });

  it('runExport writes into the workbook’s exports folder and reports progress', async () => {
    events.length = 0;
    const done = await ok(ctx, 'runExport', { what: 'plan', runId, format: 'xlsx' });
    expect(done.path).toBe(join(exportsDirFor(ctx.path), done.fileName));
    expect(done.fileName).toMatch(/^Demand plan-plan-run12-\d{8}-\d{6}\.xlsx$/);
    expect(done).toMatchObject({ what: 'plan', format: 'xlsx', rows: lines.size });
    expect(done.bytes).toBe(readFileSync(done.path).length);
    const again = await ok(ctx, 'runExport', { what: 'plan', runId, format: 'xlsx' });
    expect(again.fileName).not.toBe(done.fileName); // same second: a second name, not a replaced file
    const progress = events.filter((e) => e.type === 'job-progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ job: 'export', done: lines.size, total: lines.size });
    expect(events.filter((e) => e.type === 'job-finished')).toEqual([
      expect.objectContaining({ job: 'export', ok: true }),
      expect.objectContaining({ job: 'export', ok: true }),
    ]);
  });

  it('refuses unknown runs, versions and batches by name, and a path it cannot write, leaving no file', async () => {
    expect(await refused(ctx, 'previewExport', { what: 'plan', runId: 999 })).toMatchObject({ code: 'NOT_FOUND', message: 'Forecast run 999 does not exist.' });
    expect(await refused(ctx, 'runExport', { what: 'plan', runId: runId, version: 3, format: 'csv' })).toMatchObject({
      code: 'NOT_FOUND',
      message: `Run ${runId} has no plan version 3 (it was never released).`,
    });
    expect(await refused(ctx, 'runExport', { what: 'quarantine', batchId: 4242, format: 'csv' })).toMatchObject({ code: 'NOT_FOUND', message: 'Import batch 4242 does not exist.' });
    expect(await refused(ctx, 'runExport', { what: 'quarantine', format: 'csv' })).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/batchId: say which import batch/) });
    expect(await refused(ctx, 'runExport', { what: 'audit', runId: 1, format: 'csv' })).toMatchObject({ code: 'INVALID_REQUEST' });
    // The page cannot name a path: the request has no such field.
    expect(await refused(ctx, 'runExport', { what: 'audit', format: 'csv', outPath: '/etc/passwd' })).toMatchObject({ code: 'INVALID_REQUEST' });
    const before = readdirSync(t.dir).sort();
    await expect(exportToFile(ctx.db, { what: 'plan', runId }, 'csv', join(t.dir, 'no-such-folder', 'plan.csv'))).rejects.toMatchObject({
      code: 'INPUT_REJECTED',
      message: expect.stringMatching(/the folder .*no-such-folder does not exist/),
    });
    await expect(exportToFile(ctx.db, { what: 'plan', runId }, 'csv', t.dir)).rejects.toMatchObject({ code: 'INPUT_REJECTED', message: expect.stringMatching(/is a folder/) });
    expect(readdirSync(t.dir).sort()).toEqual(before);
    expect(existsSync(join(t.dir, 'no-such-folder'))).toBe(false);
    // The connection is not left busy by a table that was made but never written.
    expect((await ok(ctx, 'listRuns', {})).runs.length).toBe(13);
  });
});
