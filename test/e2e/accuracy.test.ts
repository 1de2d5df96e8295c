// The Accuracy screen in headless Chromium against the browser host on a demo
// workbook: every figure on screen is the backend's (called here through the same
// API and compared), the planted patterns of the demo show, and tables export.
import Papa from 'papaparse';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SIZE_BUCKET_LABELS, leavesLinesOut, type AccuracyFilter, type AccuracyOptions, type AccuracyOverview, type Metric, type SliceTable, type SourceRanking, type StairstepStep, type TrustMap } from '../../shared/accuracy';
import { formatInterval, formatMetricValue, formatPoints, formatShareOf } from '../../shared/accuracy-format';
import { formatCount } from '../../shared/format';
import { appInBrowser, callApi, CHEN, SCREENSHOTS } from './browser';

describe('the Accuracy screen', () => {
  const app = appInBrowser({
    // 500 items: the demo's planted drift on Snacks needs that many to stand out of the noise.
    items: 500,
    as: CHEN,
    acceptDownloads: true,
    ready: async () => {
      await app.page.goto(app.host.url);
      await app.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accuracy' }).click();
    },
  });

  const api = <T,>(method: string, payload: unknown) => callApi<T>(app.host, method, payload);
  const overviewOf = (metric: Metric, filter: AccuracyFilter = {}) => api<AccuracyOverview>('getAccuracyOverview', { filter, metric });
  const region = () => app.page.getByRole('region', { name: 'Accuracy' });
  const stairstepTable = () => region().getByRole('table', { name: 'FVA stairstep' });

  /** The stairstep table's body rows as text: [row header, ...cells]. */
  async function stairstepRows(): Promise<string[][]> {
    const rows = stairstepTable().locator('tbody tr');
    const out: string[][] = [];
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      out.push([(await row.getByRole('rowheader').innerText()).trim(), ...(await row.getByRole('cell').allInnerTexts()).map((c) => c.trim())]);
    }
    return out;
  }

  /** What the table must show for one step of the API's stairstep (MAPE and MASE: how many lines they left out, beside n). */
  const expectedRow = (metric: Metric, s: StairstepStep) => [
    formatMetricValue(metric, s.value),
    formatCount(s.n),
    ...(leavesLinesOut(metric) ? [formatCount(s.excluded)] : []),
    formatPoints(metric, s.fva),
    formatInterval(metric, s.ci),
    formatShareOf(s.improved, s.n),
    formatShareOf(s.worsened, s.n),
    formatShareOf(s.unchanged, s.n),
  ];

  /** Waits until the stairstep table shows the API's figures for this metric and filter, then checks every cell. */
  async function expectStairstep(metric: Metric, filter: AccuracyFilter = {}): Promise<string[][]> {
    const overview = await overviewOf(metric, filter);
    const steps = [...overview.stairstep.steps, overview.stairstep.salesInput!];
    const firstValue = formatMetricValue(metric, steps[0]!.value);
    await stairstepTable().locator('tbody tr').first().locator('td').first().filter({ hasText: new RegExp(`^${firstValue}$`) }).waitFor();
    await app.page.waitForFunction(() => !document.querySelector('.screen.accuracy [aria-busy=true]') && document.querySelector('.screen.accuracy')?.getAttribute('aria-busy') !== 'true');
    const rows = await stairstepRows();
    expect(rows.map((r) => r[0])).toEqual(['Naive', 'Seasonal naive', 'Model', 'Final plan', 'Sales input · vs model']);
    const fvaAt = leavesLinesOut(metric) ? 4 : 3;
    rows.forEach((row, i) => {
      // The FVA cell leads with ▲ or ▼ when its interval excludes 0.
      expect(row.slice(1).map((cell, j) => (j + 1 === fvaAt ? cell.replace(/^[▲▼]/, '') : cell))).toEqual(expectedRow(metric, steps[i]!));
    });
    return rows;
  }

  /** The path a panel's "Saved to …" note names once the backend has written its file. */
  async function savedPath(label: string): Promise<string> {
    const note = region().getByRole('status', { name: `Saved: ${label}` });
    await note.waitFor({ timeout: 30_000 });
    const text = await note.innerText();
    const path = /Saved to\s+(\S+\.csv)/.exec(text)?.[1];
    expect(path, text).toBeDefined();
    expect(dirname(path!)).toBe(join(app.dir, 'exports'));
    return path!;
  }
  /** An accuracy CSV's rows without its last column, the audit chain head every row carries (one token throughout). */
  const csvRows = (path: string) => {
    const rows = Papa.parse<string[]>(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;
    expect(rows[0]!.at(-1)).toBe('audit_chain_head');
    expect(new Set(rows.slice(1).map((r) => r.at(-1))).size).toBe(1);
    return rows.map((r) => r.slice(0, -1));
  };
  /** How the export writes a figure: rounded to 4 decimals, empty when there is none. */
  const rounded = (v: number | null) => (v === null ? '' : String(Number(v.toFixed(4))));

  /** Accessible name of a direction × size cell: "Up 20–50 %: FVA −11.1 pts, …". */
  async function directionSizeCell(label: string): Promise<Locator> {
    const cell = region()
      .getByRole('table', { name: 'Direction × size' })
      .getByRole('cell', { name: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:`) });
    await cell.waitFor();
    return cell;
  }

  it('shows the FVA stairstep, four steps and the sales input, with the API’s figures', async () => {
    await region().waitFor();
    await expectStairstep('wape');
    const overview = await overviewOf('wape');
    // The chart is there and says what it shows; the small print names the interval method and the zero actuals.
    await expect(region().getByRole('img', { name: /^Bar chart of the FVA stairstep in WAPE %/ }).count()).resolves.toBe(1);
    await expect(region().getByText(overview.stairstep.ciMethod).first().isVisible()).resolves.toBe(true);
    await region().getByText(`${formatCount(overview.stairstep.excludedZeroActuals)} lines have an actual of 0`).waitFor();
    await expect(region().getByRole('img', { name: /^Line chart of WAPE % per period/ }).count()).resolves.toBe(1);
    await expect(region().getByRole('img', { name: /^Scatter chart of [\d,]+ overridden lines/ }).count()).resolves.toBe(1);
    // The planted pattern: the final plan loses to the model.
    expect(overview.stairstep.steps[3]!.fva!).toBeLessThan(0);
  });

  it('changing the metric to MAE changes the values, and MAPE says how many zero actuals it left out', async () => {
    const wape = await stairstepRows();
    await region().getByRole('combobox', { name: 'Metric' }).selectOption({ label: 'MAE' });
    const mae = await expectStairstep('mae');
    expect(mae.map((r) => r[1])).not.toEqual(wape.map((r) => r[1]));
    await expect(stairstepTable().getByRole('columnheader').nth(1).innerText()).resolves.toBe('MAE');

    await region().getByRole('combobox', { name: 'Metric' }).selectOption('mape');
    await expectStairstep('mape');
    const mape = await overviewOf('mape');
    await region().getByText(`MAPE leaves out ${formatCount(mape.stairstep.excludedZeroActuals)} lines whose actual is 0.`).waitFor();
    await expect(stairstepTable().getByRole('columnheader').nth(3).innerText()).resolves.toBe('Left out');
    // Every n is the lines MAPE scored: the slice too, with its own left-out column.
    const slice = region().getByRole('table', { name: 'Slice' });
    await slice.getByRole('columnheader', { name: 'Left out' }).waitFor();
    await app.page.waitForFunction(() => document.querySelector('.screen.accuracy')?.getAttribute('aria-busy') !== 'true');
    await app.page.screenshot({ path: join(SCREENSHOTS, 'accuracy-mape.png') });

    await region().getByRole('combobox', { name: 'Metric' }).selectOption('wape');
    await expectStairstep('wape');
  });

  it('a filter reloads every figure for the chosen lines', async () => {
    await region().getByRole('combobox', { name: 'Category' }).selectOption('Snacks');
    await expectStairstep('wape', { category: 'Snacks' });
    const lags = await region().getByRole('combobox', { name: 'Lag' }).locator('option').allInnerTexts();
    expect(lags).toEqual(['All lags', 'Lag 1', 'Lag 2', 'Lag 3', 'Lag 4', 'Lag 5', 'Lag 6']);
    await region().getByRole('combobox', { name: 'Lag' }).selectOption('2');
    await expectStairstep('wape', { category: 'Snacks', lag: 2 });
    // The exported stairstep covers the same filtered lines as the table on screen.
    const filtered = await overviewOf('wape', { category: 'Snacks', lag: 2 });
    await region().getByRole('button', { name: 'Export CSV: FVA stairstep' }).click();
    const file = csvRows(await savedPath('FVA stairstep'));
    expect(file[0]).toEqual(['source', 'n', 'wape', 'fva', 'ci_low', 'ci_high', 'improved', 'worsened', 'unchanged', 'fva_baseline']);
    expect(file.slice(1).map((r) => [r[0], r[1], r[2]])).toEqual(
      [...filtered.stairstep.steps, filtered.stairstep.salesInput!].map((x) => [x.label, String(x.n), rounded(x.value)]),
    );
    await region().getByRole('button', { name: 'Clear filters' }).click();
    await expectStairstep('wape');
  });

  it('the direction × size table shows upward 20–50 % overrides losing accuracy and downward 10–20 % ones adding it', async () => {
    const overview = await overviewOf('wape');
    const api = (label: string) => overview.directionSize.cells.find((c) => c.label === label)!;
    const up = await directionSizeCell('Up 20–50 %');
    const down = await directionSizeCell('Down 10–20 %');
    expect(api('Up 20–50 %').fva!).toBeLessThan(0);
    expect(api('Down 10–20 %').fva!).toBeGreaterThan(0);
    await expect(up.getAttribute('aria-label')).resolves.toContain(`FVA ${formatPoints('wape', api('Up 20–50 %').fva)} pts, 95 % interval ${formatInterval('wape', api('Up 20–50 %').ci)}, n ${formatCount(api('Up 20–50 %').n)}`);
    await expect(down.getAttribute('aria-label')).resolves.toContain(`FVA ${formatPoints('wape', api('Down 10–20 %').fva)} pts`);
    // Negative and positive on screen: a sign and a mark, not colour alone.
    expect(await up.innerText()).toMatch(/^▼−\d/);
    expect(await down.innerText()).toMatch(/^▲\+\d/);
    await expect(up.getAttribute('class')).resolves.toContain('worse');
    await expect(down.getAttribute('class')).resolves.toContain('better');
    const header = await region().getByRole('table', { name: 'Direction × size' }).getByRole('columnheader').allInnerTexts();
    expect(header.map((h) => h.trim())).toEqual(['Direction', '< 5 %', '5–10 %', '10–20 %', '20–50 %', '> 50 %']);

    // Its Export button has the backend write the same cells.
    await region().getByRole('button', { name: 'Export CSV: Direction × size' }).click();
    const file = csvRows(await savedPath('Direction × size'));
    expect(file[0]).toEqual(['direction', 'size', 'n', 'fva', 'ci_low', 'ci_high', 'improved_share']);
    expect(file.slice(1)).toEqual(overview.directionSize.cells.map((c) => [c.direction, SIZE_BUCKET_LABELS[c.sizeBucket]!, String(c.n), rounded(c.fva), rounded(c.ci?.low ?? null), rounded(c.ci?.high ?? null), rounded(c.improvedShare)]));
  });

  it('“Slice by: Reason code” shows each reason with its sample size; the backend writes the table as CSV', async () => {
    const slice = region().getByRole('table', { name: 'Slice' });
    await slice.getByRole('columnheader', { name: 'Planner' }).waitFor();
    await region().getByRole('combobox', { name: 'Slice by' }).selectOption({ label: 'Reason code' });
    await slice.getByRole('columnheader', { name: 'Reason code' }).waitFor();
    const expected = await api<SliceTable>('getAccuracySlice', { filter: {}, metric: 'wape', by: 'reason' });
    expect(expected.rows.length).toBeGreaterThan(3);
    const labels = await slice.locator('tbody').getByRole('rowheader').allInnerTexts();
    expect(labels).toEqual(expected.rows.map((r) => r.label));
    const ns = await slice.locator('tbody tr td:nth-of-type(1)').allInnerTexts();
    expect(ns).toEqual(expected.rows.map((r) => formatCount(r.n)));
    for (const n of expected.rows.map((r) => r.n)) expect(n).toBeGreaterThan(0);

    // The backend writes the file (the same path in the desktop app); the panel says where it went.
    await region().getByRole('button', { name: 'Export CSV: Slice by reason code' }).click();
    const path = await savedPath('Slice by reason code');
    expect(basename(path)).toMatch(/^demo-accuracy-reason-wape-\d{8}-\d{6}(-\d+)?\.csv$/);
    const file = csvRows(path);
    expect(file[0]).toEqual(['reason', 'n', 'model_wape', 'final_wape', 'fva', 'ci_low', 'ci_high', 'improved', 'worsened', 'unchanged']);
    expect(file.slice(1)).toEqual(
      expected.rows.map((r) => [r.label, String(r.n), rounded(r.model), rounded(r.final), rounded(r.fva), rounded(r.ci?.low ?? null), rounded(r.ci?.high ?? null), String(r.improved), String(r.worsened), String(r.unchanged)]),
    );
    // The browser host hands the same file over as a download, behind the token.
    const note = region().getByRole('status', { name: 'Saved: Slice by reason code' });
    const [download] = await Promise.all([app.page.waitForEvent('download'), note.getByRole('button', { name: 'Download a copy' }).click()]);
    expect(download.suggestedFilename()).toBe(basename(path));
    expect(readFileSync((await download.path())!, 'utf8')).toBe(readFileSync(path, 'utf8'));
    // Another slice is another table: the note about the reason file goes.
    await region().getByRole('combobox', { name: 'Slice by' }).selectOption({ label: 'Planner' });
    await slice.getByRole('columnheader', { name: 'Planner' }).waitFor();
    await expect(note.count()).resolves.toBe(0);
    await region().getByRole('combobox', { name: 'Slice by' }).selectOption({ label: 'Reason code' });
    await slice.getByRole('columnheader', { name: 'Reason code' }).waitFor();
    await expect(note.count()).resolves.toBe(0);
  });

  it('“Forecast source” ranks every source that has actuals', async () => {
    await region().getByRole('combobox', { name: 'Slice by' }).selectOption({ label: 'Forecast source' });
    const slice = region().getByRole('table', { name: 'Slice' });
    await slice.getByRole('columnheader', { name: 'Forecast source' }).waitFor();
    const ranking = await api<SourceRanking>('getAccuracySlice', { filter: {}, metric: 'wape', by: 'model' });
    await expect(slice.locator('tbody').getByRole('rowheader').allInnerTexts()).resolves.toEqual(ranking.rows.map((r) => r.label));
    expect(ranking.rows.map((r) => r.key)).toEqual(expect.arrayContaining(['naive', 'seasonal_naive', 'final', 'sales_input']));
    await region().getByRole('combobox', { name: 'Slice by' }).selectOption({ label: 'Reason code' });
    await slice.getByRole('columnheader', { name: 'Reason code' }).waitFor();
  });

  it('the trust map gives a verdict for every category and flags the drift planted on Snacks', async () => {
    const options = await api<AccuracyOptions>('getAccuracyOptions', {});
    const map = await api<TrustMap>('getTrustMap', {});
    const table = region().getByRole('table', { name: 'Trust map' });
    await table.locator('tbody tr').first().waitFor();
    const segments = await table.locator('tbody').getByRole('rowheader').allInnerTexts();
    expect(segments).toEqual(options.categories);
    for (const s of map.segments) {
      const row = table.locator('tbody tr').filter({ has: app.page.getByRole('rowheader', { name: s.segment, exact: true }) });
      const verdict = await row.locator('td.verdict-cell').innerText();
      expect(verdict).toContain(s.text);
      expect(s.text.length).toBeGreaterThan(20);
      const drift = await row.locator('td.drift-cell').innerText();
      if (s.segment === 'Snacks') {
        expect(s.drift!.drifting).toBe(true);
        expect(drift).toMatch(/^Drifting/);
        await expect(row.getAttribute('class')).resolves.toContain('drifting');
      } else {
        expect(drift).not.toContain('Drifting');
      }
    }
    // The backend writes its CSV (the one CSV writer), for the window on screen.
    await region().getByRole('button', { name: 'Export CSV: Trust map' }).click();
    const file = csvRows(await savedPath('Trust map'));
    expect(file[0]!.slice(0, 4)).toEqual(['segment', 'verdict', 'text', 'cycles']);
    expect(file.slice(1).map((r) => [r[0], r[1], r[2], r[3], r[5]])).toEqual(map.segments.map((s) => [s.segment, s.verdict, s.text, String(s.cycles), rounded(s.model)]));
  });

  it('looks calm and complete: screenshots at 1440 wide, no console errors', async () => {
    await region().getByRole('table', { name: 'Trust map' }).waitFor();
    await app.page.waitForFunction(() => document.querySelector('.screen.accuracy')?.getAttribute('aria-busy') !== 'true');
    await app.page.screenshot({ path: join(SCREENSHOTS, 'accuracy-viewport.png') });
    // The screen scrolls inside the app frame: grow the window to the screen's full height for the whole picture.
    const extra = await app.page.evaluate(() => {
      const screen = document.querySelector('.screen.accuracy')!;
      return screen.scrollHeight - screen.clientHeight;
    });
    await app.page.setViewportSize({ width: 1440, height: 900 + Math.max(0, extra) });
    await app.page.waitForTimeout(300); // the charts follow the resize
    await app.page.screenshot({ path: join(SCREENSHOTS, 'accuracy.png') });
    await app.page.setViewportSize({ width: 1440, height: 900 });
    expect(app.problems).toEqual([]);
  });
});
