// fwb accuracy against the API on the same demo workbook: the command must print
// exactly the figures the Accuracy screen gets (getAccuracySlice, the overview's
// stairstep), in the JSON shape of the issue, and refuse bad flags with exit 2.
// Also the attribute slice (accuracy/attribute-slice.ts), which reads the lines
// rather than the cube: on an attribute the cube also carries (ABC class) it
// must agree with the cube for every metric.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/backend/api';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { runCli } from '../../electron/cli/main';
import { METRICS, type SliceTable, type SourceRanking } from '../../shared/accuracy';
import type { RequestOf, ResponseOf } from '../../shared/contract';
import type { MethodName } from '../../shared/methods';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

const ROOT = join(import.meta.dirname, '..', '..');

async function ok<M extends MethodName>(ctx: BackendContext, method: M, payload: RequestOf<M>): Promise<ResponseOf<M>> {
  const r = await dispatch(ctx, method, payload);
  if (!r.ok) throw new Error(`${method} failed: ${r.error.code} ${r.error.message}`);
  return r.value as ResponseOf<M>;
}

async function cli(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(['accuracy', ...args], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { status, stdout, stderr };
}

type Row = Record<string, unknown> & { key: string; n: number; value: number | null };
type SliceJson = { metric: string; by: string; rows: Row[] };

describe('fwb accuracy', () => {
  const t = tempDir('fwb-accuracy-cli-');
  let path: string;
  let ctx: BackendContext;

  async function json(...args: string[]): Promise<SliceJson & Record<string, unknown>> {
    const r = await cli('--db', path, '--json', ...args);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return JSON.parse(r.stdout) as SliceJson & Record<string, unknown>;
  }
  const apiSlice = async (by: RequestOf<'getAccuracySlice'>['by'], metric: RequestOf<'getAccuracySlice'>['metric'] = 'wape', filter: RequestOf<'getAccuracySlice'>['filter'] = {}) =>
    ok(ctx, 'getAccuracySlice', { by, metric, filter }) as Promise<SliceTable & SourceRanking>;
  /** The CLI's row shape made from an API slice row. */
  const cliRowOf = (r: SliceTable['rows'][number]) => ({
    key: r.key,
    label: r.label,
    n: r.n,
    excluded: r.excluded,
    value: r.final,
    model: r.model,
    final: r.final,
    fva: r.fva,
    ciLow: r.ci?.low ?? null,
    ciHigh: r.ci?.high ?? null,
    improved: r.improved,
    worsened: r.worsened,
    unchanged: r.unchanged,
  });

  beforeAll(async () => {
    path = join(t.dir, 'demo.sqlite');
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    generateDemo(db, { items: 80, seed: 7 });
    ctx = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
  });
  afterAll(() => {
    ctx.db.close();
    t.cleanup();
  });

  it('--by model ranks every forecast source best first, as the API does', async () => {
    const out = await json('--by', 'model');
    expect(out).toMatchObject({ metric: 'wape', by: 'model' });
    expect(out.rows.map((r) => r.key).sort()).toEqual(['DemandAI', 'final', 'naive', 'sales_input', 'seasonal_naive']);
    for (const r of out.rows) expect(Object.keys(r)).toEqual(['key', 'label', 'n', 'excluded', 'value']);
    const values = out.rows.map((r) => r.value as number);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    const api = await apiSlice('model');
    expect(out.rows).toEqual((api as SourceRanking).rows.map((r) => ({ key: r.key, label: r.label, n: r.n, excluded: r.excluded, value: r.value })));
    // The benchmarks are scored on fewer lines (both must exist); the sales input on the lines that have one.
    const n = Object.fromEntries(out.rows.map((r) => [r.key, r.n]));
    expect(n.final).toBe(n.DemandAI);
    expect(n.naive).toBeLessThanOrEqual(n.final!);
    expect(n.sales_input).toBeLessThan(n.final!);
  });

  it('--by size gives model, final, fva and its interval per size bucket of the overridden lines', async () => {
    const out = await json('--by', 'size');
    expect(out.by).toBe('size');
    expect(out.rows.map((r) => r.label)).toEqual(['< 5 %', '5–10 %', '10–20 %', '20–50 %', '> 50 %']);
    for (const r of out.rows) {
      expect(r.value).toBe(r.final);
      expect(r.fva).toBeCloseTo((r.model as number) - (r.final as number), 9);
      expect(r.ciLow as number).toBeLessThanOrEqual(r.ciHigh as number);
      expect((r.improved as number) + (r.worsened as number) + (r.unchanged as number)).toBe(r.n);
    }
    const api = await apiSlice('size');
    expect(out.rows).toEqual(api.rows.map(cliRowOf));
    // Overridden lines only: the size buckets add up to the two directions.
    const directions = await json('--by', 'direction');
    expect(directions.rows.map((r) => r.key).sort()).toEqual(['down', 'up']);
    const sum = (rows: Row[]) => rows.reduce((s, r) => s + r.n, 0);
    expect(sum(out.rows)).toBe(sum(directions.rows));
    expect(sum(out.rows)).toBeLessThan((await ok(ctx, 'getAccuracyOptions', {})).linesWithActuals);
  });

  it('planner and reason slices, and line slices with filters, carry the API figures', async () => {
    for (const [by, engine] of [['planner', 'planner'], ['reason', 'reason'], ['model-version', 'model_version'], ['lag', 'lag'], ['period', 'period'], ['abc-class', 'abc_class'], ['run', 'run']] as const) {
      const out = await json('--by', by);
      expect(out.by).toBe(by);
      expect(out.rows.length).toBeGreaterThan(0);
      expect(out.rows).toEqual((await apiSlice(engine)).rows.map(cliRowOf));
    }
    // Default: by category, WAPE; and the filters reach the engine unchanged.
    const plain = await json();
    expect(plain).toMatchObject({ metric: 'wape', by: 'category' });
    expect(plain.rows).toEqual((await apiSlice('category')).rows.map(cliRowOf));
    const filtered = await json('--metric', 'mae', '--lag', '2', '--from', '2026-01-01', '--to', '2026-06-01');
    const filter = { lag: 2, fromPeriod: '2026-01-01', toPeriod: '2026-06-01' };
    expect(filtered.rows).toEqual((await apiSlice('category', 'mae', filter)).rows.map(cliRowOf));
    expect(filtered.rows).not.toEqual(plain.rows);
    const runs = (await ok(ctx, 'getAccuracyOptions', {})).runs;
    const runId = runs.at(-1)!.runId;
    const byRun = await json('--run', String(runId), '--by', 'planner', '--metric', 'bias');
    expect(byRun.rows).toEqual((await apiSlice('planner', 'bias', { runId })).rows.map(cliRowOf));
  });

  it('--stairstep prints the overview stairstep: naive → seasonal naive → model → final, sales input in parallel', async () => {
    const out = await json('--stairstep', '--metric', 'mape');
    const api = (await ok(ctx, 'getAccuracyOverview', { metric: 'mape', filter: {} })).stairstep;
    expect(Object.keys(out)).toEqual(['metric', 'filter', 'n', 'points', 'steps', 'salesInput', 'excludedZeroActuals', 'ciMethod']);
    const steps = out.steps as Record<string, number | null | string>[];
    expect(steps.map((s) => s.source)).toEqual(['naive', 'seasonal_naive', 'model', 'final']);
    expect(out).toMatchObject({ metric: 'mape', n: api.n, excludedZeroActuals: api.excludedZeroActuals, ciMethod: api.ciMethod });
    expect(api.excludedZeroActuals).toBeGreaterThan(0);
    const stepOf = (s: (typeof api.steps)[number]) => ({
      source: s.source,
      label: s.label,
      n: s.n,
      excluded: s.excluded,
      value: s.value,
      baseline: s.baseline,
      fva: s.fva,
      ciLow: s.ci?.low ?? null,
      ciHigh: s.ci?.high ?? null,
      improved: s.improved,
      worsened: s.worsened,
      unchanged: s.unchanged,
    });
    expect(steps).toEqual(api.steps.map(stepOf));
    expect(out.salesInput).toEqual(stepOf(api.salesInput!));
    expect(steps[0]!.fva).toBeNull();
    for (let i = 1; i < steps.length; i++) expect(steps[i]!.fva).toBeCloseTo((steps[i - 1]!.value as number) - (steps[i]!.value as number), 9);
  });

  it('an item attribute slices every line with a known actual, from the lines themselves', async () => {
    const total = (await ok(ctx, 'getAccuracyOptions', {})).linesWithActuals;
    expect(total).toBeGreaterThan(1000);
    for (const attr of ['brand', 'supplier', 'channel']) {
      const out = await json('--by', attr);
      expect(out.by).toBe(attr);
      expect(out.rows.reduce((s, r) => s + r.n, 0)).toBe(total);
      expect(out.rows).toEqual((await apiSlice(`attr:${attr}`)).rows.map(cliRowOf));
      for (const r of out.rows) expect(r.fva).toBeCloseTo((r.model as number) - (r.final as number), 9);
    }
    // Only some demo items have a channel: the rest are the "(none)" row.
    const channel = await json('--by', 'channel');
    expect(channel.rows.find((r) => r.key === '')).toMatchObject({ label: '(none)' });
  });

  it('the attribute slice agrees with the cube where both can slice (ABC class), for every metric and with filters', async () => {
    const filters = [{}, { lag: 1, fromPeriod: '2026-03-01' }];
    for (const filter of filters) {
      for (const metric of METRICS) {
        const fromLines = await apiSlice('attr:abcClass', metric, filter);
        const fromCube = await apiSlice('abc_class', metric, filter);
        const byKey = new Map(fromCube.rows.map((r) => [r.key, r]));
        expect(fromLines.rows.length).toBe(fromCube.rows.length);
        for (const r of fromLines.rows) {
          const c = byKey.get(r.key)!;
          expect(c, `${metric} ${r.key}`).toBeDefined();
          expect([r.n, r.improved, r.worsened, r.unchanged]).toEqual([c.n, c.improved, c.worsened, c.unchanged]);
          for (const k of ['model', 'final', 'fva'] as const) expect(r[k], `${metric} ${r.key} ${k}`).toBeCloseTo(c[k]!, 9);
          expect(r.ci!.low).toBeCloseTo(c.ci!.low, 9);
          expect(r.ci!.high).toBeCloseTo(c.ci!.high, 9);
        }
      }
    }
    const unknown = await dispatch(ctx, 'getAccuracySlice', { by: 'attr:colour', filter: {} });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(!unknown.ok && unknown.error.message).toMatch(/colour.*brand, family/);
  });

  it('prints aligned text tables with the metric, n per row, and the stairstep', async () => {
    const r = await cli('--db', path, '--by', 'category');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^WAPE % by category/);
    const header = lines[1]!;
    expect(header).toMatch(/^category\s+n\s+model\s+final\s+FVA\s+95 % CI of FVA\s+improved\s+worsened\s+unchanged$/);
    const api = await apiSlice('category');
    const rows = lines.slice(3, 3 + api.rows.length);
    // Right-aligned columns end where their header ends.
    const nEnd = header.indexOf(' n ') + 2;
    for (const [i, row] of api.rows.entries()) {
      expect(rows[i]!.startsWith(row.label)).toBe(true);
      expect(rows[i]!.slice(0, nEnd).trimEnd().endsWith(row.n.toLocaleString('en-US'))).toBe(true);
      expect(rows[i]).toContain(row.final!.toFixed(2));
    }
    expect(r.stdout).toMatch(/positive means the overrides helped/);

    const s = await cli('--db', path, '--stairstep', '--metric', 'mape');
    expect(s.status).toBe(0);
    expect(s.stdout).toMatch(/^FVA stairstep, MAPE %/);
    // n, then (MAPE leaves lines out) how many it left out, then the value.
    for (const step of ['Naive', 'Seasonal naive', 'Model', 'Final plan', 'Sales input']) expect(s.stdout).toMatch(new RegExp(`\\n${step}( \\([^)]*\\))?\\s+[\\d,]+\\s+[\\d,]+\\s+\\d+\\.\\d\\d`));
    expect(s.stdout).toMatch(/MAPE leaves out [\d,]+ lines whose actual is 0/);
    const m = await cli('--db', path, '--by', 'model');
    expect(m.stdout.split('\n')[1]).toMatch(/^#\s+source\s+n\s+WAPE %$/);
    expect(m.stdout).toMatch(/\n1\s+\S/);
  });

  it('refuses bad flags with exit 2 and a message naming the flag', async () => {
    const cases: [string[], RegExp][] = [
      [['--metric', 'accuracy'], /--metric must be one of wape, mae, bias, mape, smape, mase, rmse/],
      [['--lag', 'two'], /--lag must be a whole number/],
      [['--lag=-1'], /--lag must be a whole number/],
      [['--run', '0'], /--run must be a whole number of at least 1/],
      [['--from', '2026-02-30'], /--from must be a date written YYYY-MM-DD/],
      [['--to', 'June'], /--to must be a date written YYYY-MM-DD/],
      [['--from', '2026-06-01', '--to', '2026-01-01'], /--from 2026-06-01 is after --to 2026-01-01/],
      [['--stairstep', '--by', 'size'], /--stairstep and --by exclude each other/],
      [['--colour', 'red'], /Unknown option '--colour'/],
    ];
    for (const [args, message] of cases) {
      const r = await cli('--db', path, ...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
    const unknown = await cli('--db', path, '--by', 'colour');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/--by "colour" is neither a slice nor an item attribute/);
    expect(unknown.stderr).toMatch(/slices: model, planner, reason, direction, size, category, lag, period, model-version, abc-class, owner, run/);
    expect(unknown.stderr).toMatch(/item attributes in this workbook: brand, family, abcClass, unit, .*supplier/);
    const noDb = await cli('--by', 'size');
    expect(noDb.status).toBe(2);
    expect(noDb.stderr).toMatch(/--db FILE is required/);
  });

  it('rejects input that does not exist with exit 3: a run, a workbook', async () => {
    const run = await cli('--db', path, '--run', '99999', '--json');
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/forecast run 99999 does not exist/);
    expect(run.stdout).toBe('');
    const missing = await cli('--db', join(t.dir, 'nothing-here.sqlite'), '--stairstep');
    expect(missing.status).toBe(3);
    expect(missing.stderr).toMatch(/nothing-here\.sqlite: no such workbook/);
  });

  it('runs as the fwb bin, and fwb --help lists it', () => {
    const fwb = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'fwb.cjs'), ...args], { encoding: 'utf8', cwd: ROOT });
    const r = fwb('accuracy', '--db', path, '--stairstep', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { steps: unknown[] }).steps).toHaveLength(4);
    expect(fwb('--help').stdout).toMatch(/fwb accuracy --db FILE/);
    expect(fwb('accuracy', '--help').stdout).toMatch(/--stairstep/);
  });
});
