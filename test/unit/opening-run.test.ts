// Which run each person's Review opens on: the run they last worked on (or the
// newer cycle of its model that arrived since), else the main model's newest
// run, which a one-off import of another model with a later origin does not
// displace. Remembered per person in the workbook; the current run of the
// workbook (and of an export that names no run) is the main model's newest.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { importFile } from '../../electron/backend/imports/import-file';
import { DEMO_PASSPHRASE, type ForecastRunSummary } from '../../shared/domain';
import { ok } from '../helpers/api';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

describe('the run Review opens on', () => {
  const t = tempDir('fwb-opening-');
  let ctx: BackendContext;
  let demoRuns: ForecastRunSummary[];
  const as = (userId: string, role: 'planner' | 'manager' = 'planner') => ok(ctx, 'signIn', { userId, displayName: userId, role, ...(role === 'planner' ? {} : { passphrase: DEMO_PASSPHRASE }) });
  const opening = async (userId: string, role: 'planner' | 'manager' = 'planner') => (await as(userId, role), (await ok(ctx, 'getSession', {})).openingRun);
  /** A forecast file of one model at one origin, for the demo's first three items, imported as an analyst would. */
  async function importForecast(model: string, origin: string, period: string): Promise<number> {
    const items = ctx.db.prepare('SELECT item_id FROM items ORDER BY item_key LIMIT 3').pluck().all() as string[];
    const path = join(t.dir, `${model}-${origin}.csv`);
    writeFileSync(path, ['item_id,period,forecast', ...items.map((i, k) => `${i},${period},${100 + k}`)].join('\n'));
    const result = await importFile(ctx, path, { kind: 'forecasts', model, modelVersion: '1', origin, user: 'sam.taylor' });
    return result.runs[0]!.runId;
  }

  beforeAll(async () => {
    const path = join(t.dir, 'demo.sqlite');
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    generateDemo(db, { items: 40, seed: 3 });
    ctx = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
    demoRuns = (await ok(ctx, 'listRuns', {})).runs;
  }, 60_000);
  afterAll(() => {
    ctx.db.close();
    t.cleanup();
  });

  it('opens everyone on the main model’s newest run, and a challenger’s later run does not displace it', async () => {
    const newest = demoRuns[0]!;
    expect(await opening('ana.silva')).toEqual({ runId: newest.runId, reason: 'main_model', mainModel: 'DemandAI' });
    const challenger = await importForecast('Challenger', '2026-12-01', '2027-01-01');
    expect((await ok(ctx, 'listRuns', {})).runs[0]!.runId).toBe(challenger); // the newest origin now
    const info = await ok(ctx, 'getWorkbookInfo', {});
    expect(info).toMatchObject({ currentRunId: newest.runId, mainModel: 'DemandAI' });
    expect(await opening('ana.silva')).toMatchObject({ runId: newest.runId, reason: 'main_model' });
    // An export that names no run means the same current run.
    const preview = await ok(ctx, 'previewExport', { what: 'plan', limit: 1 });
    expect(JSON.stringify(preview)).toContain(`${newest.modelName} ${newest.modelVersion}`);
  });

  it('remembers per person the run they last worked on', async () => {
    const older = demoRuns[1]!;
    await as('ana.silva');
    const open = (await ok(ctx, 'getRunLines', { runId: older.runId, filter: { status: 'undecided' }, limit: 200 })).rows.find((r) => r.lock === null)!;
    await ok(ctx, 'decideLine', { lineId: open.lineId, action: 'accept' });
    expect(await opening('ana.silva')).toMatchObject({ runId: older.runId, reason: 'last_worked' });
    // A second person at the same keyboard gets their own.
    expect(await opening('chen.wei')).toMatchObject({ runId: demoRuns[0]!.runId, reason: 'main_model' });
    // A manager's release counts as work on that run, for the manager only.
    await as('maria.lopez', 'manager');
    await ok(ctx, 'releaseRun', { runId: demoRuns[2]!.runId });
    expect(await opening('maria.lopez', 'manager')).toMatchObject({ runId: demoRuns[2]!.runId, reason: 'last_worked' });
    expect(await opening('ana.silva')).toMatchObject({ runId: older.runId, reason: 'last_worked' });
  });

  it('moves a person on to their model’s next cycle once it arrives, not to another model’s run', async () => {
    const nextCycle = await importForecast('DemandAI', '2026-11-01', '2026-12-01');
    expect(await opening('ana.silva')).toEqual({ runId: nextCycle, reason: 'newer_cycle', mainModel: 'DemandAI' });
    expect(await opening('chen.wei')).toMatchObject({ runId: nextCycle, reason: 'main_model' });
    expect((await ok(ctx, 'getWorkbookInfo', {})).currentRunId).toBe(nextCycle);
    // Working on an older run again, after the new cycle arrived, is where she reopens.
    await as('ana.silva');
    await ok(ctx, 'undoLastDecision', { runId: demoRuns[1]!.runId });
    expect(await opening('ana.silva')).toMatchObject({ runId: demoRuns[1]!.runId, reason: 'last_worked' });
    await importForecast('Challenger', '2027-01-01', '2027-02-01');
    expect(await opening('ana.silva')).toMatchObject({ runId: demoRuns[1]!.runId, reason: 'last_worked' });
  });
});
