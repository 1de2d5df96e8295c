import { describe, expect, it } from 'vitest';
import type { ForecastLinePage, ForecastLineRow } from '../../shared/domain';
import { formatPeriod } from '../../shared/format';
import { appInBrowser, callApi, screenshot, showLine } from './browser';

describe('deciding lines in the browser', () => {
  const app = appInBrowser({ ready: () => app.page.goto(app.host.url).then(() => undefined) });

  /** The real API, as the page calls it, for finding lines to work on and checking what was stored. */
  const api = <T,>(method: string, payload: unknown) => callApi<T>(app.host, method, payload);

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

  const statusCell = () => app.page.locator('[role=row][aria-rowindex="2"] [role=gridcell]').last();

  it('asks who is working on first start, and shows it', async () => {
    const dialog = app.page.getByRole('dialog', { name: 'Who is working?' });
    await dialog.waitFor();
    await dialog.getByRole('combobox', { name: 'Person' }).selectOption('ana.silva');
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await app.page.getByRole('button', { name: /Signed in as Ana Silva, planner/ }).waitFor();
  });

  it('overrides a line from the keyboard with a reason: saved, in the journal and in the plan', async () => {
    const line = await findLine({ owner: 'ana.silva', status: 'undecided', lag: 3 }, (r) => !r.frozen && r.quantity >= 20);
    await showLine(app.page, line);
    const target = Math.round(line.quantity * 1.1);
    await app.page.keyboard.press('o');
    const quantity = app.page.getByRole('textbox', { name: 'Override quantity' });
    await expect(quantity.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await quantity.fill(String(target));
    await app.page.getByRole('combobox', { name: 'Reason' }).selectOption('promotion');
    await app.page.getByRole('textbox', { name: 'Comment' }).fill('Retailer feature in week 2');
    await app.page.keyboard.press('Enter');
    await app.page.getByRole('status').filter({ hasText: `planned at ${target}` }).waitFor();
    await expect(statusCell().innerText()).resolves.toBe('override');
    const journal = app.page.getByRole('region', { name: 'Decision history of this line' });
    await journal.getByText(`Ana Silva overrode to ${target} · Promotion`).waitFor();

    const stored = await findLine({ text: line.itemId, lag: line.lag }, (r) => r.lineId === line.lineId);
    expect(stored).toMatchObject({ status: 'final', finalQuantity: target, planSource: 'override', reasonCode: 'promotion', decidedBy: 'ana.silva' });
    await screenshot(app.page, 'review-decided');
  });

  it('refuses an override without a reason, in the backend, with a message', async () => {
    const line = await findLine({ owner: 'ana.silva', status: 'undecided', lag: 4 }, (r) => !r.frozen && r.quantity >= 20);
    await showLine(app.page, line);
    await app.page.keyboard.press('o');
    await app.page.getByRole('textbox', { name: 'Override quantity' }).fill(String(Math.round(line.quantity * 1.05)));
    await app.page.getByRole('button', { name: 'Save decision' }).click();
    await app.page.getByRole('alert').filter({ hasText: 'A reason is required for every override' }).waitFor();
    await app.page.keyboard.press('Escape');
    const stored = await findLine({ text: line.itemId, lag: line.lag }, (r) => r.lineId === line.lineId);
    expect(stored.status).toBe('undecided');
  });

  it('refuses a frozen line and says why', async () => {
    const frozen = await findLine({ lag: 1 }, (r) => r.frozen);
    await showLine(app.page, frozen);
    await expect(app.page.getByRole('button', { name: 'Accept', exact: true }).isDisabled()).resolves.toBe(true);
    await app.page.keyboard.press('a'); // the shortcut says no at once, in the backend's words (review-line-rules.test.ts)
    await app.page.getByRole('alert').filter({ hasText: /Line is frozen: lag 1 is inside the freeze window/ }).waitFor();
    await expect(statusCell().innerText()).resolves.toBe('frozen');
  });

  it('accepts with a and undoes with u', async () => {
    const line = await findLine({ owner: 'ana.silva', status: 'undecided', lag: 5 }, (r) => !r.frozen);
    await showLine(app.page, line);
    await app.page.keyboard.press('a');
    await app.page.getByRole('status').filter({ hasText: 'accepted' }).waitFor();
    await app.page.getByRole('searchbox', { name: 'Filter items' }).fill(line.itemId); // keep the line in view
    expect((await findLine({ text: line.itemId, lag: line.lag }, (r) => r.lineId === line.lineId)).status).toBe('final');
    await app.page.getByRole('grid', { name: 'Worklist' }).focus();
    await app.page.keyboard.press('u');
    await app.page.getByRole('status').filter({ hasText: 'Undone' }).waitFor();
    expect((await findLine({ text: line.itemId, lag: line.lag }, (r) => r.lineId === line.lineId)).status).toBe('undecided');
  });

  it('holds a large override for approval without changing the plan', async () => {
    const line = await findLine({ owner: 'ana.silva', status: 'undecided', lag: 6 }, (r) => !r.frozen && r.quantity >= 50);
    await showLine(app.page, line);
    await app.page.keyboard.press('o');
    await app.page.getByRole('textbox', { name: 'Override percent' }).fill('80');
    await app.page.getByRole('combobox', { name: 'Reason' }).selectOption('new_customer');
    await app.page.getByRole('textbox', { name: 'Comment' }).fill('New listing at a national chain');
    await app.page.getByRole('button', { name: 'Save decision' }).click();
    await app.page.getByRole('status').filter({ hasText: 'waits for a manager' }).waitFor();
    await expect(statusCell().innerText()).resolves.toBe('pending');
    const stored = await findLine({ text: line.itemId, lag: line.lag }, (r) => r.lineId === line.lineId);
    expect(stored).toMatchObject({ status: 'pending_approval', finalQuantity: line.quantity });
    await screenshot(app.page, 'review-pending');
    expect(formatPeriod(line.period)).toMatch(/2027|2026/);
  });

  it('raises no console errors', () => {
    expect(app.problems).toEqual([]);
  });
});
