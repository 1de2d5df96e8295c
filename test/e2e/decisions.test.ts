import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForecastLinePage, ForecastLineRow } from '../../shared/domain';
import { formatPeriod } from '../../shared/format';
import { tempDir } from '../helpers/workbook';
import { callApi, launchBrowser, makeDemoWorkbook, screenshot, startHost, watchConsole, type RunningHost } from './browser';

describe('deciding lines in the browser', () => {
  const t = tempDir('fwb-e2e-decide-');
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  /** The real API, as the page calls it, for finding lines to work on and checking what was stored. */
  const api = <T,>(method: string, payload: unknown) => callApi<T>(host, method, payload);

  async function runId(): Promise<number> {
    const info = await api<{ currentRunId: number }>('getWorkbookInfo', {});
    return info.currentRunId;
  }

  async function findLine(filter: object, pick: (r: ForecastLineRow) => boolean): Promise<ForecastLineRow> {
    const lines = await api<ForecastLinePage>('getRunLines', { runId: await runId(), limit: 500, filter });
    const line = lines.rows.find(pick);
    if (!line) throw new Error(`no line matches ${JSON.stringify(filter)}`);
    return line;
  }

  /** Narrows the worklist to one line and selects it. */
  async function showLine(line: ForecastLineRow): Promise<void> {
    await page.getByRole('searchbox', { name: 'Filter items' }).fill(line.itemId);
    await page.getByRole('combobox', { name: 'Lag' }).selectOption(String(line.lag));
    await page.locator('[role=row][aria-rowindex="2"][aria-selected=true]').waitFor();
    await page.waitForFunction(
      (item: string) => {
        const cells = [...document.querySelectorAll('[role=row][aria-rowindex="2"] [role=gridcell]')].map((c) => c.textContent);
        return cells.includes(item) && document.querySelectorAll('[role=row][aria-rowindex]').length === 2;
      },
      line.itemId,
    );
    await page.getByRole('grid', { name: 'Worklist' }).focus();
  }

  const statusCell = () => page.locator('[role=row][aria-rowindex="2"] [role=gridcell]').last();

  beforeAll(async () => {
    const db = join(t.dir, 'demo.sqlite');
    makeDemoWorkbook(db, 120);
    host = await startHost(db);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    problems = watchConsole(page);
    await page.goto(host.url);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    t.cleanup();
  });

  it('asks who is working on first start, and shows it', async () => {
    const dialog = page.getByRole('dialog', { name: 'Who is working?' });
    await dialog.waitFor();
    await dialog.getByRole('combobox', { name: 'Person' }).selectOption('ana.silva');
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: /Signed in as Ana Silva, planner/ }).waitFor();
  });

  it('overrides a line from the keyboard with a reason: saved, in the journal and in the plan', async () => {
    const line = await findLine({ owner: 'ana.silva', status: 'undecided', lag: 3 }, (r) => !r.frozen && r.quantity >= 20);
    await showLine(line);
    const target = Math.round(line.quantity * 1.1);
    await page.keyboard.press('o');
    const quantity = page.getByRole('textbox', { name: 'Override quantity' });
    await expect(quantity.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await quantity.fill(String(target));
    await page.getByRole('combobox', { name: 'Reason' }).selectOption('promotion');
    await page.getByRole('textbox', { name: 'Comment' }).fill('Retailer feature in week 2');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: `planned at ${target}` }).waitFor();
    await expect(statusCell().innerText()).resolves.toBe('override');
    const journal = page.getByRole('region', { name: 'Decision history of this line' });
    await journal.getByText(`Ana Silva overrode to ${target} · Promotion`).waitFor();

    const stored = await findLine({ text: line.itemId, lag: line.lag }, (r) => r.lineId === line.lineId);
    expect(stored).toMatchObject({ status: 'final', finalQuantity: target, planSource: 'override', reasonCode: 'promotion', decidedBy: 'ana.silva' });
    await screenshot(page, 'review-decided');
  });

  it('refuses an override without a reason, in the backend, with a message', async () => {
    const line = await findLine({ owner: 'ana.silva', status: 'undecided', lag: 4 }, (r) => !r.frozen && r.quantity >= 20);
    await showLine(line);
    await page.keyboard.press('o');
    await page.getByRole('textbox', { name: 'Override quantity' }).fill(String(Math.round(line.quantity * 1.05)));
    await page.getByRole('button', { name: 'Save decision' }).click();
    await page.getByRole('alert').filter({ hasText: 'A reason is required for every override' }).waitFor();
    await page.keyboard.press('Escape');
    const stored = await findLine({ text: line.itemId, lag: line.lag }, (r) => r.lineId === line.lineId);
    expect(stored.status).toBe('undecided');
  });

  it('refuses a frozen line and says why', async () => {
    const frozen = await findLine({ lag: 1 }, (r) => r.frozen);
    await showLine(frozen);
    await expect(page.getByRole('button', { name: 'Accept', exact: true }).isDisabled()).resolves.toBe(true);
    await page.keyboard.press('a'); // the shortcut says no at once, in the backend's words (review-line-rules.test.ts)
    await page.getByRole('alert').filter({ hasText: /Line is frozen: lag 1 is inside the freeze window/ }).waitFor();
    await expect(statusCell().innerText()).resolves.toBe('frozen');
  });

  it('accepts with a and undoes with u', async () => {
    const line = await findLine({ owner: 'ana.silva', status: 'undecided', lag: 5 }, (r) => !r.frozen);
    await showLine(line);
    await page.keyboard.press('a');
    await page.getByRole('status').filter({ hasText: 'accepted' }).waitFor();
    await page.getByRole('searchbox', { name: 'Filter items' }).fill(line.itemId); // keep the line in view
    expect((await findLine({ text: line.itemId, lag: line.lag }, (r) => r.lineId === line.lineId)).status).toBe('final');
    await page.getByRole('grid', { name: 'Worklist' }).focus();
    await page.keyboard.press('u');
    await page.getByRole('status').filter({ hasText: 'Undone' }).waitFor();
    expect((await findLine({ text: line.itemId, lag: line.lag }, (r) => r.lineId === line.lineId)).status).toBe('undecided');
  });

  it('holds a large override for approval without changing the plan', async () => {
    const line = await findLine({ owner: 'ana.silva', status: 'undecided', lag: 6 }, (r) => !r.frozen && r.quantity >= 50);
    await showLine(line);
    await page.keyboard.press('o');
    await page.getByRole('textbox', { name: 'Override percent' }).fill('80');
    await page.getByRole('combobox', { name: 'Reason' }).selectOption('new_customer');
    await page.getByRole('textbox', { name: 'Comment' }).fill('New listing at a national chain');
    await page.getByRole('button', { name: 'Save decision' }).click();
    await page.getByRole('status').filter({ hasText: 'waits for a manager' }).waitFor();
    await expect(statusCell().innerText()).resolves.toBe('pending');
    const stored = await findLine({ text: line.itemId, lag: line.lag }, (r) => r.lineId === line.lineId);
    expect(stored).toMatchObject({ status: 'pending_approval', finalQuantity: line.quantity });
    await screenshot(page, 'review-pending');
    expect(formatPeriod(line.period)).toMatch(/2027|2026/);
  });

  it('raises no console errors', () => {
    expect(problems).toEqual([]);
  });
});
