// Which run Review opens on, in the browser: not the latest import of any model,
// but the run this person last worked on, else the main model's newest; a second
// person at the same keyboard gets their own. Governance names the run a release
// is for, and releases that run.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ForecastLinePage, ForecastRunSummary, ReleaseSummary } from '../../shared/domain';
import { formatRunLabel } from '../../shared/format';
import { ANA, appInBrowser, callApi, demoWorkbook, ROOT, screenshot, signIn, worklistReady } from './browser';

describe('the run Review and Governance open on', () => {
  const app = appInBrowser({
    workbook: (dir) => {
      const db = demoWorkbook(dir);
      // An analyst loads a challenger model's forecast with a later origin than the team's current cycle.
      const csv = join(dir, 'challenger.csv');
      writeFileSync(csv, ['item_id,period,forecast', 'SKU-10001,2027-01-01,120', 'SKU-10002,2027-01-01,80', 'SKU-10003,2027-02-01,95'].join('\n'));
      const imported = spawnSync(process.execPath, [join(ROOT, 'bin', 'fwb.cjs'), 'import', '--db', db, '--kind', 'forecasts', '--model', 'Challenger', '--model-version', '0.1', '--origin', '2026-12-01', csv], { encoding: 'utf8' });
      expect(imported.status, imported.stderr).toBe(0);
      return db;
    },
    as: ANA,
    ready: async () => {
      runs = (await api<{ runs: ForecastRunSummary[] }>('listRuns', {})).runs;
      challenger = runs[0]!;
      main = runs.find((r) => r.modelName === 'DemandAI')!;
      expect(challenger.modelName).toBe('Challenger');
    },
  });
  let runs: ForecastRunSummary[];
  let main: ForecastRunSummary;
  let challenger: ForecastRunSummary;

  const api = <T,>(method: string, payload: unknown) => callApi<T>(app.host, method, payload);
  const runPicker = () => app.page.getByRole('combobox', { name: 'Forecast run' });
  const firstLineLoaded = () => worklistReady(app.page);

  async function switchPerson(userId: string, name: string): Promise<void> {
    await app.page.getByRole('button', { name: /^Signed in as/ }).click();
    const dialog = app.page.getByRole('dialog', { name: 'Who is working?' });
    await dialog.getByRole('combobox', { name: 'Person' }).selectOption(userId);
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await app.page.getByRole('button', { name: new RegExp(`^Signed in as ${name}`) }).waitFor();
  }

  it('opens on the main model’s newest run, not on another model’s later import', async () => {
    await app.page.goto(app.host.url);
    await firstLineLoaded();
    await expect(runPicker().inputValue()).resolves.toBe(String(main.runId));
    await expect(runPicker().locator('option:checked').innerText()).resolves.toContain(formatRunLabel(main));
  });

  it('reopens on the run this person last worked on; another person at the keyboard opens on their own', async () => {
    const older = runs.find((r) => r.modelName === 'DemandAI' && r.runId !== main.runId)!;
    await runPicker().selectOption(String(older.runId));
    const open = (await api<ForecastLinePage>('getRunLines', { runId: older.runId, limit: 500, filter: { status: 'undecided', owner: 'ana.silva' } })).rows.find((r) => r.lock === null)!;
    await app.page.getByRole('searchbox', { name: 'Filter items' }).fill(open.itemId);
    await app.page.getByRole('combobox', { name: 'Lag' }).selectOption(String(open.lag));
    await app.page.waitForFunction(() => document.querySelectorAll('[role=row][aria-rowindex]').length === 2);
    await app.page.getByRole('grid', { name: 'Worklist' }).focus();
    await app.page.keyboard.press('a');
    await app.page.getByRole('region', { name: 'Decision' }).getByRole('status').filter({ hasText: 'accepted' }).waitFor();

    await app.page.reload();
    await firstLineLoaded();
    await expect(runPicker().inputValue()).resolves.toBe(String(older.runId));

    await switchPerson('chen.wei', 'Chen Wei');
    await expect.poll(() => runPicker().inputValue()).toBe(String(main.runId));
    await switchPerson('ana.silva', 'Ana Silva');
    await expect.poll(() => runPicker().inputValue()).toBe(String(older.runId));
  });

  it('names the run Governance releases, and releases that one', async () => {
    await signIn(app.host, 'maria.lopez', 'Maria Lopez', 'manager');
    await app.page.goto(`${app.host.url}#/governance`);
    const label = formatRunLabel(main);
    const panel = app.page.getByRole('region', { name: `Plan versions of ${label}` });
    await panel.waitFor();
    await expect(panel.getByRole('combobox', { name: 'Run to release' }).inputValue()).resolves.toBe(String(main.runId));
    const bar = panel.getByRole('group', { name: 'Plan release' });
    await bar.getByRole('button', { name: `Release the plan of ${label}` }).click();
    await bar.getByText(`Snapshot the final plan of ${label} as v1.`, { exact: false }).waitFor();
    await screenshot(app.page, 'governance-release-named');
    await bar.getByRole('button', { name: 'Release v1' }).click();
    await bar.getByText(new RegExp(`^Released ${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} as v1: [\\d,]+ lines`)).waitFor();
    const released = await api<{ releases: ReleaseSummary[] }>('listReleases', { runId: main.runId });
    expect(released.releases.map((r) => r.version)).toEqual([1]);
    expect((await api<{ releases: ReleaseSummary[] }>('listReleases', { runId: challenger.runId })).releases).toEqual([]);

    // Choosing another run names it, everywhere the release is offered.
    await panel.getByRole('combobox', { name: 'Run to release' }).selectOption(String(challenger.runId));
    await app.page.getByRole('region', { name: `Plan versions of ${formatRunLabel(challenger)}` }).getByRole('button', { name: `Release the plan of ${formatRunLabel(challenger)}` }).waitFor();
  });

  it('raises no console errors', () => {
    expect(app.problems).toEqual([]);
  });
});
