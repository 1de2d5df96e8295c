// Accuracy tables and the governance report as exports: the files, re-read,
// hold exactly what the API answers for the same slice, metric and filter.
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/backend/api';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook, type Db } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { runCli } from '../../electron/cli/main';
import { SIZE_BUCKET_LABELS, type DirectionSizeTable, type SliceTable, type SourceRanking, type Stairstep, type TrustMap } from '../../shared/accuracy';
import type { ExportOutcome } from '../../shared/exports';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

const t = tempDir('fwb-export-acc-');
const path = join(t.dir, 'demo.sqlite');
let db: Db;
let ctx: BackendContext;

beforeAll(async () => {
  db = (await openWorkbook(path, { now: FIXED_NOW })).db;
  generateDemo(db, { items: 120, seed: 42 });
  ctx = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
}, 60_000);
afterAll(() => {
  db.close();
  t.cleanup();
});

async function call<T>(method: string, payload: unknown): Promise<T> {
  const r = await dispatch(ctx, method, payload);
  if (!r.ok) throw new Error(r.error.message);
  return r.value as T;
}

const rounded = (v: number | null) => (v === null ? '' : String(Number(v.toFixed(4))));

describe('accuracy exports', () => {
  it('a slice as CSV holds the API’s rows, figure by figure', async () => {
    const filter = { lag: 2 };
    const api = await call<SliceTable>('getAccuracySlice', { by: 'reason', metric: 'mae', filter });
    const out = await call<ExportOutcome>('runExport', { what: 'accuracy', by: 'reason', metric: 'mae', filter, format: 'csv' });
    expect(out.path.startsWith(join(t.dir, 'exports'))).toBe(true);
    const parsed = Papa.parse<string[]>(readFileSync(out.path, 'utf8'), { skipEmptyLines: true }).data;
    // The last column is the workbook's audit chain head at export (provenance).
    expect(parsed[0]).toEqual(['reason', 'n', 'model_mae', 'final_mae', 'fva', 'ci_low', 'ci_high', 'improved', 'worsened', 'unchanged', 'audit_chain_head']);
    expect(parsed.slice(1).map((r) => r.slice(0, -1))).toEqual(
      api.rows.map((r) => [r.label, String(r.n), rounded(r.model), rounded(r.final), rounded(r.fva), rounded(r.ci?.low ?? null), rounded(r.ci?.high ?? null), String(r.improved), String(r.worsened), String(r.unchanged)]),
    );
    expect(out.rows).toBe(api.rows.length);
  });

  it('the stairstep and the source ranking as XLSX keep numbers as numbers', async () => {
    const steps = await call<{ stairstep: Stairstep }>('getAccuracyOverview', { metric: 'wape', filter: {} });
    const out = await call<ExportOutcome>('runExport', { what: 'accuracy', by: 'stairstep', format: 'xlsx' });
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out.path);
    const sheet = book.worksheets[0]!;
    const values = (r: number) => (sheet.getRow(r).values as unknown[]).slice(1);
    expect(values(1)[2]).toBe('wape');
    const expected = [...steps.stairstep.steps, steps.stairstep.salesInput!];
    expect(sheet.rowCount).toBe(expected.length + 1);
    expected.forEach((step, i) => {
      const row = values(i + 2);
      expect(row[0]).toBe(step.label);
      expect(row[1]).toBe(step.n);
      expect(row[2]).toBeCloseTo(step.value!, 4);
    });

    const ranking = await call<SourceRanking>('getAccuracySlice', { by: 'model', metric: 'wape', filter: {} });
    const r = await runCli(['export', '--db', path, '--what', 'accuracy', '--by', 'model', '--format', 'csv', '--out', join(t.dir, 'rank.csv')], { stdout: { write: () => true }, stderr: { write: () => true } });
    expect(r).toBe(0);
    const rows = Papa.parse<string[]>(readFileSync(join(t.dir, 'rank.csv'), 'utf8'), { skipEmptyLines: true }).data.slice(1);
    expect(rows.map((x) => x[0])).toEqual(ranking.rows.map((x) => x.label));
  });

  it('the direction × size of overrides as CSV holds the overview’s cells, and fwb export writes the same file', async () => {
    const filter = { lag: 1 };
    const { directionSize } = await call<{ directionSize: DirectionSizeTable }>('getAccuracyOverview', { metric: 'mae', filter });
    const out = await call<ExportOutcome>('runExport', { what: 'accuracy', by: 'direction_size', metric: 'mae', filter, format: 'csv' });
    expect(out.fileName).toMatch(/-accuracy-direction-size-mae-/);
    const parsed = Papa.parse<string[]>(readFileSync(out.path, 'utf8'), { skipEmptyLines: true }).data;
    expect(parsed[0]).toEqual(['direction', 'size', 'n', 'fva', 'ci_low', 'ci_high', 'improved_share', 'audit_chain_head']);
    expect(parsed.slice(1).map((r) => r.slice(0, -1))).toEqual(
      directionSize.cells.map((c) => [c.direction, SIZE_BUCKET_LABELS[c.sizeBucket]!, String(c.n), rounded(c.fva), rounded(c.ci?.low ?? null), rounded(c.ci?.high ?? null), rounded(c.improvedShare)]),
    );
    expect(parsed.slice(1).some((r) => Number(r[2]) > 0)).toBe(true);
    const cli = join(t.dir, 'ds.csv');
    const quiet = { stdout: { write: () => true }, stderr: { write: () => true } };
    expect(await runCli(['export', '--db', path, '--what', 'accuracy', '--by', 'direction-size', '--metric', 'mae', '--lag', '1', '--format', 'csv', '--out', cli], quiet)).toBe(0);
    expect(readFileSync(cli, 'utf8')).toBe(readFileSync(out.path, 'utf8'));
  });

  it('the trust map is written by the backend: the CSV holds getTrustMap’s segments for the window, and fwb export writes the same file', async () => {
    const map = await call<TrustMap>('getTrustMap', { windowCycles: 6 });
    const out = await call<ExportOutcome>('runExport', { what: 'accuracy', by: 'trust_map', windowCycles: 6, format: 'csv' });
    expect(out.fileName).toMatch(/-accuracy-trust-map-6-cycles-/);
    const parsed = Papa.parse<string[]>(readFileSync(out.path, 'utf8'), { skipEmptyLines: true }).data;
    expect(parsed[0]!.slice(0, 7)).toEqual(['segment', 'verdict', 'text', 'cycles', 'naive_wape', 'model_wape', 'final_wape']);
    expect(parsed.slice(1).map((r) => r.slice(0, 9))).toEqual(
      map.segments.map((x) => [x.segment, x.verdict, x.text, String(x.cycles), rounded(x.naive), rounded(x.model), rounded(x.final), rounded(x.modelVsNaive), rounded(x.finalVsModel)]),
    );
    // The last column is the audit chain head (audit/chain-head.ts); drifting comes before it.
    expect(parsed[0]!.slice(-2)).toEqual(['drifting', 'audit_chain_head']);
    expect(parsed.slice(1).map((r) => r.at(-2))).toEqual(map.segments.map((x) => (x.drift!.drifting ? 'yes' : 'no')));
    const cli = join(t.dir, 'trust.csv');
    const quiet = { stdout: { write: () => true }, stderr: { write: () => true } };
    expect(await runCli(['export', '--db', path, '--what', 'accuracy', '--by', 'trust-map', '--window', '6', '--format', 'csv', '--out', cli], quiet)).toBe(0);
    expect(readFileSync(cli, 'utf8')).toBe(readFileSync(out.path, 'utf8'));
    // The trust map is WAPE over every run and lag: a metric, a filter or a window elsewhere is refused.
    expect((await dispatch(ctx, 'runExport', { what: 'accuracy', by: 'trust_map', metric: 'mape', format: 'csv' })).ok).toBe(false);
    expect((await dispatch(ctx, 'runExport', { what: 'accuracy', by: 'trust_map', filter: { lag: 1 }, format: 'csv' })).ok).toBe(false);
    expect((await dispatch(ctx, 'runExport', { what: 'accuracy', by: 'category', windowCycles: 6, format: 'csv' })).ok).toBe(false);
    expect(await runCli(['export', '--db', path, '--what', 'accuracy', '--by', 'category', '--window', '6', '--format', 'csv', '--out', cli], quiet)).toBe(2);
  });

  it('refuses an accuracy export without a table, or a table as HTML', async () => {
    expect((await dispatch(ctx, 'runExport', { what: 'accuracy', format: 'csv' })).ok).toBe(false);
    expect((await dispatch(ctx, 'runExport', { what: 'plan', format: 'html' })).ok).toBe(false);
    expect((await dispatch(ctx, 'runExport', { what: 'audit', by: 'size', format: 'csv' })).ok).toBe(false);
  });
});

describe('governance export', () => {
  it('writes the HTML report into the exports folder, and previews its headline figures', async () => {
    const preview = await call<{ columns: { key: string }[]; rows: (string | number | null)[][] }>('previewExport', { what: 'governance' });
    expect(preview.columns.map((c) => c.key)).toEqual(['question', 'figure', 'value']);
    const report = await call<{ monitoring: { modelWape: number } }>('getGovernanceReport', {});
    expect(preview.rows.find((r) => r[1] === 'Model WAPE %')![2]).toBeCloseTo(report.monitoring.modelWape, 2);
    const out = await call<ExportOutcome>('runExport', { what: 'governance', format: 'html' });
    expect(out.fileName).toMatch(/^demo-governance-report-\d{8}-\d{6}\.html$/);
    const html = readFileSync(out.path, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html.match(/<h2>/g)).toHaveLength(8); // the seven questions and the value of planning (issue 16 item 4)
  });
});
