// One way to say it (issue 13.4): the governance report's HTML gives the answers
// the Governance screen gives, from the one sentence builder in shared/, with
// the figures written by the one formatting module; run labels are made in
// shared/ from the run's parts, never concatenated in SQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/backend/api';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { governanceHtml } from '../../electron/backend/governance/html';
import type { AccuracyOptions, SliceTable } from '../../shared/accuracy';
import { formatPeriod, formatRunLabel } from '../../shared/format';
import type { GovernanceReport } from '../../shared/governance';
import { governanceSections, phraseText } from '../../shared/governance-sections';
import { periodFromKey } from '../../shared/period';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

const t = tempDir('fwb-display-words-');
let ctx: BackendContext;
let report: GovernanceReport;
let html: string;

async function ok<T>(method: Parameters<typeof dispatch>[1], payload: unknown): Promise<T> {
  const r = await dispatch(ctx, method, payload as never);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

beforeAll(async () => {
  const path = `${t.dir}/demo.sqlite`;
  const { db } = await openWorkbook(path, { now: FIXED_NOW });
  generateDemo(db, { items: 80, seed: 7 });
  ctx = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
  await ok('signIn', { userId: 'maria.lopez', passphrase: 'demo' });
  const runId = db.prepare('SELECT run_id FROM forecast_runs ORDER BY origin DESC LIMIT 1 OFFSET 1').pluck().get() as number;
  await ok('releaseRun', { runId, note: 'September plan' });
  await ok('releaseRun', { runId });
  await ok('rollbackRun', { runId, toVersion: 1, note: 'back to the first' });
  report = await ok<GovernanceReport>('getGovernanceReport', {});
  html = governanceHtml(report);
}, 60_000);
afterAll(() => {
  ctx.db.close();
  t.cleanup();
});

const unescape = (s: string) => s.replace(/<[^>]+>/g, '').replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e]!);
const htmlAnswers = () => [...html.matchAll(/<p class="answer">([^]*?)<\/p>/g)].map((m) => unescape(m[1]!));
/** The cells of the HTML table with this caption, row by row, as text. */
const htmlTable = (caption: string) => {
  const body = new RegExp(`<caption>${caption.replace(/[()]/g, '\\$&')}</caption>[^]*?<tbody>([^]*?)</tbody>`).exec(html)![1]!;
  return [...body.matchAll(/<tr>([^]*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<td[^>]*>([^]*?)<\/td>/g)].map((c) => unescape(c[1]!)));
};

describe('the governance report in words', () => {
  it('the HTML report answers each question in the words the screen shows, from the shared sections', () => {
    const sections = governanceSections(report);
    expect(sections.map((s) => s.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(htmlAnswers()).toEqual(sections.map((s) => phraseText(s.answer)));
    for (const s of sections) for (const b of s.blocks) if ('caption' in b) expect(html).toContain(`<caption>${b.caption.replace(/[()]/g, (c) => c)}</caption>`);
  });

  it('writes periods by the workbook grain, versions as v1, runs by their label, and the en dash for no value', () => {
    expect(report.quality.lastActualPeriod).toBe('2026-10-01');
    expect(htmlAnswers()[1]).toContain(`Latest actuals: ${formatPeriod('2026-10-01', 'month')},`);
    const models = htmlTable('Model versions');
    expect(models.map((r) => r[3])).toEqual(report.provenance.models.map((m) => formatPeriod(m.firstOrigin, 'month')));
    const run = ctx.db.prepare('SELECT model_name AS modelName, model_version AS modelVersion, origin, grain FROM forecast_runs ORDER BY origin DESC LIMIT 1 OFFSET 1').get() as { modelName: string; modelVersion: string; origin: number; grain: 'month' };
    const label = formatRunLabel({ ...run, origin: periodFromKey(run.origin) });
    expect(label).toMatch(/^DemandAI \S+ · origin [A-Z][a-z]{2} \d{4}$/);
    expect(htmlTable('Recent releases and rollbacks').map((r) => r.slice(0, 3))).toEqual([
      [label, 'v3', 'rollback to v1'],
      [label, 'v2', 'release'],
      [label, 'v1', 'release'],
    ]);
    // A missing figure is the en dash, as on screen; the em dash only separates words.
    expect(html).not.toMatch(/>—</);
    expect(htmlTable('Recent releases and rollbacks')[1]![5]).toBe('');
    const policies = htmlTable('Policies');
    expect(policies.some((r) => r[5] === '–')).toBe(report.roles.some((r) => r.driftThresholdPts === null));
  });

  it('writes a negative bias with the minus sign and groups thousands, as the screen does', () => {
    const q5 = htmlAnswers()[4]!;
    expect(q5).toMatch(/^Over \d{1,3}(,\d{3})+ lines with known actuals: /);
    const written = (v: number) => `${v <= -0.05 ? '\u2212' : ''}${Math.abs(v).toFixed(1)} %`;
    const m = report.monitoring;
    expect(q5).toContain(`bias ${written(m.modelBias!)} (model) and ${written(m.finalBias!)} (final, positive = over-forecast)`);
    const biases = htmlTable('By category').map((r) => r[4]);
    expect(biases).toEqual(m.byCategory.map((c) => written(c.modelBias!)));
    expect(m.byCategory.some((c) => c.modelBias! <= -0.05) || m.modelBias! <= -0.05).toBe(true);
    expect(html).not.toMatch(/>-\d|[ (]-\d[\d.,]* %/);
  });
});

describe('run labels', () => {
  it('are made in shared/ from the run’s parts: the accuracy options, the run slice and the report agree', async () => {
    const runs = ctx.db.prepare('SELECT run_id AS runId, model_name AS modelName, model_version AS modelVersion, origin, grain FROM forecast_runs').all() as {
      runId: number;
      modelName: string;
      modelVersion: string;
      origin: number;
      grain: 'month';
    }[];
    const labelOf = new Map(runs.map((r) => [r.runId, formatRunLabel({ ...r, origin: periodFromKey(r.origin) })]));
    const options = await ok<AccuracyOptions>('getAccuracyOptions', {});
    expect(options.runs.length).toBeGreaterThan(5);
    for (const r of options.runs) expect(r.label).toBe(labelOf.get(r.runId));
    const slice = await ok<SliceTable>('getAccuracySlice', { by: 'run', metric: 'wape', filter: {} });
    expect(slice.rows.length).toBeGreaterThan(5);
    for (const row of slice.rows) expect(row.label).toBe(labelOf.get(Number(row.key)));
    expect(slice.rows[0]!.label).toMatch(/ · origin [A-Z][a-z]{2} \d{4}$/);
  });
});
