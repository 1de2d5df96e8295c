// Governance › Value (issue 16 item 4) in headless Chromium against the browser
// host, on the demo workbook: the panel's tables show the figures of
// `fwb value --json` per run and per planner, the chart over time is titled and
// labelled, the tab is reached by keyboard, and the governance report shows the
// same figures under its question 8. Screenshots go to test-results/shots.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOVERNANCE_QUESTIONS } from '../../shared/governance';
import type { ValueMeasures, ValueReport } from '../../shared/value';
import { ANA, appInBrowser, callApi, MARIA, ROOT, type AppInBrowser } from './browser';

const SHOTS = join(ROOT, 'test-results', 'shots');

function fwbValue(db: string, by: 'run' | 'planner'): ValueReport {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'fwb.cjs'), 'value', '--db', db, '--by', by, '--json'], { encoding: 'utf8', cwd: ROOT });
  if (r.status !== 0) throw new Error(`fwb value failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ValueReport;
}

/** A table's rows as { column head → cell text }, read from the page. */
async function tableRows(app: AppInBrowser, name: string): Promise<Record<string, string>[]> {
  return app.page.getByRole('table', { name }).evaluate((table) => {
    const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent!.trim());
    return [...table.querySelectorAll('tbody tr')].map((tr) => Object.fromEntries([...tr.querySelectorAll('td, th')].map((td, i) => [heads[i]!, td.textContent!.trim()])));
  });
}

/** The figure a cell starts with: "1,234.5 h (open)" → 1234.5; "–" → null. */
const figureOf = (cell: string | undefined): number | null => {
  const m = /^(?:median |IQR |±)?([−-]?[\d,]+(?:\.\d+)?)/.exec(cell ?? '');
  return m ? Number(m[1]!.replace(/,/g, '').replace('−', '-')) : null;
};
/** A figure and how many decimals the panel writes it with. */
type Want = { value: number | null; digits: number };
const pct = (rate: number | null): Want => ({ value: rate === null ? null : rate * 100, digits: 1 });
const at = (value: number | null, digits: number): Want => ({ value, digits });

/** What the panel must show for one row of `fwb value --json` (the cycle of an open run moves with the clock). */
function expected(m: ValueMeasures): Record<string, Want> {
  return {
    Lines: at(m.touch.lines, 0),
    'Touch rate': pct(m.touch.rate),
    'Top exceptions': at(m.exceptions.top, 0),
    'Acted on': pct(m.exceptions.hitRate),
    'Acting helped': m.exceptions.known > 0 ? pct(m.exceptions.helpRate) : at(null, 0),
    Consistency: at(m.consistency.iqrPct ?? m.consistency.medianDistancePct, 1),
    'Decision hours': at(m.valuePerHour.hours, 2),
    'Units avoided / h': at(m.valuePerHour.perHour, 1),
    Overrides: at(m.escalation.overrides, 0),
    Escalated: pct(m.escalation.rate),
    Rejected: pct(m.escalation.rejectedRate),
    ...(m.cycle && !m.cycle.open ? { 'Cycle time': at(m.cycle.hours, 1) } : {}),
  };
}

/** The cells that do not show their figure, rounded to the digits shown (half a last digit either way: ties may round up or down). */
function mismatches(row: Record<string, string>, want: Record<string, Want>): string[] {
  return Object.entries(want).flatMap(([k, w]) => {
    const got = figureOf(row[k]);
    const ok = w.value === null ? got === null : got !== null && Math.abs(got - w.value) <= 0.5 * 10 ** -w.digits + 1e-9;
    return ok ? [] : [`${k}: shows ${row[k]}, fwb value says ${w.value}`];
  });
}

async function shot(app: AppInBrowser, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  const extra = await app.page.evaluate(() => {
    const screen = document.querySelector('.screen.governance')!;
    return screen.scrollHeight - screen.clientHeight;
  });
  await app.page.setViewportSize({ width: 1440, height: 900 + Math.max(0, extra) });
  await app.page.waitForTimeout(300); // the chart follows the resize
  await app.page.screenshot({ path: join(SHOTS, `${name}.png`) });
  await app.page.setViewportSize({ width: 1440, height: 900 });
}

describe('the Value panel on the demo workbook', () => {
  const app = appInBrowser({
    items: 120,
    as: MARIA,
    ready: async (a) => {
      // A release, so some run has a cycle time.
      const { runs } = await callApi<{ runs: { runId: number }[] }>(a.host, 'listRuns', {});
      await callApi(a.host, 'releaseRun', { runId: runs[1]!.runId, note: 'value panel test' });
    },
    timeout: 120_000,
  });

  it('shows per run and per planner the figures of fwb value --json', async () => {
    // Through the keyboard: from Policy lab, ArrowRight reaches Value.
    await app.page.goto(`${app.host.url}#/governance`);
    await app.page.getByRole('tab', { name: 'Policy lab' }).click();
    await app.page.getByRole('tab', { name: 'Policy lab' }).focus();
    await app.page.keyboard.press('ArrowRight');
    await expect(app.page.getByRole('tab', { name: 'Value' }).getAttribute('aria-selected')).resolves.toBe('true');
    await expect(app.page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Value');
    await app.page.getByRole('table', { name: 'Value per planner' }).waitFor({ timeout: 60_000 });

    const byRun = fwbValue(app.db, 'run');
    const byPlanner = fwbValue(app.db, 'planner');
    expect(byRun.rows.length).toBeGreaterThan(1);
    expect(byRun.rows.some((r) => r.cycle && !r.cycle.open)).toBe(true);
    expect(byPlanner.rows.length).toBeGreaterThan(1);

    const runRows = await tableRows(app, 'Value per run (origin order)');
    expect(runRows.map((r) => r.Run)).toEqual([...byRun.rows.map((r) => expect.stringMatching(new RegExp(`^run ${r.runId} · `))), 'All']);
    [...byRun.rows, byRun.overall].forEach((m, i) => {
      const want = expected(m);
      if (i === byRun.rows.length) delete want['Cycle time']; // the overall cycle is a median, checked below
      expect(mismatches(runRows[i]!, want), `row ${runRows[i]!.Run}`).toEqual([]);
    });
    expect(mismatches(runRows.at(-1)!, { 'Cycle time': at(byRun.overall.cycle!.hours, 1) })).toEqual([]);

    const plannerRows = await tableRows(app, 'Value per planner');
    expect(plannerRows.map((r) => r.Planner)).toEqual([...byPlanner.rows.map((r) => r.label), 'All']);
    [...byPlanner.rows, byPlanner.overall].forEach((m, i) => {
      const want = expected(m);
      delete want['Cycle time'];
      expect(mismatches(plannerRows[i]!, want), `row ${plannerRows[i]!.Planner}`).toEqual([]);
    });
  }, 120_000);

  it('draws the measures over time in a titled chart with named axes and a legend', async () => {
    const runs = fwbValue(app.db, 'run').rows.length;
    const chart = app.page.getByRole('figure', { name: 'Value per run over time' }).getByRole('img');
    await chart.waitFor();
    await expect(chart.getAttribute('aria-label')).resolves.toMatch(
      new RegExp(`^Line chart over ${runs} runs from .+ to .+: touch rate, top exceptions acted on, acting helped and escalation rate in % on the left axis, cycle time of the released runs in hours as bars on the right axis\\.$`),
    );
    // The canvas is drawn (a blank canvas would mean the chart failed).
    const box = await chart.boundingBox();
    expect(box!.width).toBeGreaterThan(400);
    expect(box!.height).toBeGreaterThan(200);
    const inked = await chart.locator('canvas').first().evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return n;
    });
    expect(inked).toBeGreaterThan(2000);
    await shot(app, 'value-panel-demo');
    expect(app.problems).toEqual([]);
  });

  it('the governance report answers question 8 with the same per-run table', async () => {
    await app.page.goto(`${app.host.url}#/governance`);
    await app.page.getByRole('tab', { name: 'Report' }).click();
    const q8 = app.page.getByRole('region', { name: GOVERNANCE_QUESTIONS[7] });
    await q8.waitFor({ timeout: 60_000 });
    const inReport = await tableRows(app, 'Value per run (origin order)');
    const byRun = fwbValue(app.db, 'run');
    expect(inReport).toHaveLength(byRun.rows.length + 1);
    byRun.rows.forEach((m, i) => expect(mismatches(inReport[i]!, expected(m)), `row ${inReport[i]!.Run}`).toEqual([]));
    await q8.scrollIntoViewIfNeeded();
    mkdirSync(SHOTS, { recursive: true });
    await q8.screenshot({ path: join(SHOTS, 'governance-report-value-demo.png') });
    expect(app.problems).toEqual([]);
  });
});

describe('the Value panel on a workbook with items but no forecast yet', () => {
  const app = appInBrowser({
    workbook: (dir) => {
      const db = join(dir, 'items-only.sqlite');
      const csv = join(dir, 'items.csv');
      writeFileSync(csv, 'item_id,name,category\nSKU-1,Cola,Beverages\nSKU-2,Crisps,Snacks\n');
      const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'fwb.cjs'), 'import', '--db', db, '--kind', 'items', csv], { encoding: 'utf8', cwd: ROOT });
      if (r.status !== 0) throw new Error(`the items could not be imported: ${r.stderr}`);
      return db;
    },
    as: ANA,
    timeout: 60_000,
  });

  it('says in sentences that there is nothing to measure yet, with no table or chart', async () => {
    await app.page.goto(`${app.host.url}#/governance`);
    await app.page.getByRole('tab', { name: 'Value' }).click();
    const panel = app.page.locator('.governance-value');
    await panel.getByText('No forecast run yet: import a forecast and decide its lines to measure the value of planning.').waitFor({ timeout: 30_000 });
    await expect(panel.locator('.value-answer').innerText()).resolves.toBe('No forecast lines yet: the value of planning is measured once a run has been imported and decided.');
    await expect(panel.getByRole('table').count()).resolves.toBe(0);
    await expect(panel.getByRole('figure').count()).resolves.toBe(0);
    expect(app.problems).toEqual([]);
  });
});
