// Guidance while deciding, in the browser: as a planner types an override, the
// decision panel shows how similar past overrides did (the backend's answer for
// the typed quantity's direction and size bucket, and the chosen reason).
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { OverrideGuidance } from '../../shared/accuracy';
import type { ForecastLinePage, ForecastLineRow } from '../../shared/domain';
import { ANA, appInBrowser, callApi, screenshot, showLine } from './browser';

describe('override guidance in the decision panel', () => {
  const app = appInBrowser({
    as: ANA,
    ready: async () => {
      const { currentRunId } = await api<{ currentRunId: number }>('getWorkbookInfo', {});
      const lines = await api<ForecastLinePage>('getRunLines', { runId: currentRunId, limit: 500, filter: { owner: 'ana.silva', status: 'undecided', lag: 3, category: 'Beverages' } });
      line = lines.rows.find((r) => !r.frozen && r.quantity >= 100)!;
      expect(line).toBeDefined();
      await app.page.goto(app.host.url);
      await app.page.locator('[role=row][aria-rowindex="2"]').waitFor();
      await showLine(app.page, line);
    },
  });
  let line: ForecastLineRow;

  const api = <T,>(method: string, payload: unknown) => callApi<T>(app.host, method, payload);
  const guidanceBox = (): Locator => app.page.getByRole('status', { name: 'Override guidance' });
  const quantityInput = () => app.page.getByRole('textbox', { name: 'Override quantity' });

  /** The backend's guidance for what the quantity field holds now. */
  async function expectedGuidance(reasonCode?: string): Promise<OverrideGuidance> {
    const quantity = Number(await quantityInput().inputValue());
    return api<OverrideGuidance>('getOverrideGuidance', { lineId: line.lineId, quantity, ...(reasonCode ? { reasonCode } : {}) });
  }

  /** Waits for the box to say exactly what the backend says for the typed quantity. */
  async function expectBoxToShow(expected: OverrideGuidance): Promise<string> {
    await guidanceBox().getByText(expected.text, { exact: true }).waitFor();
    const text = await guidanceBox().innerText();
    await expect(guidanceBox().getAttribute('class')).resolves.toContain(expected.verdict);
    return text;
  }

  it('shows guidance as the planner types, and it follows the quantity into another size bucket', async () => {
    await app.page.keyboard.press('o');
    const percent = app.page.getByRole('textbox', { name: 'Override percent' });

    await percent.fill('3');
    const small = await expectedGuidance();
    expect([small.direction, small.sizeLabel]).toEqual(['up', '< 5 %']);
    const smallText = await expectBoxToShow(small);
    expect(smallText).toContain(`n ${small.n}`);

    await percent.fill('30');
    const large = await expectedGuidance();
    expect([large.direction, large.sizeLabel]).toEqual(['up', '20–50 %']);
    const largeText = await expectBoxToShow(large);
    expect(largeText).not.toBe(smallText);
    expect(large.text).not.toBe(small.text);
    // The demo's pattern: larger upward overrides have lost accuracy, and the box says so with its numbers.
    expect(large.verdict).toBe('hurt');
    expect(largeText).toContain('Improved');
    expect(largeText).toContain('Net FVA');
    await screenshot(app.page, 'guidance');
  });

  it('the latest typed quantity wins over answers to earlier keystrokes', async () => {
    const target = String(Math.round(line.quantity * 0.8));
    await quantityInput().fill('');
    await quantityInput().pressSequentially(target, { delay: 40 });
    const down = await expectedGuidance();
    expect(down.direction).toBe('down');
    await expectBoxToShow(down);
    await app.page.waitForTimeout(400); // any answer still on its way for an earlier keystroke must not replace it
    await expect(guidanceBox().innerText()).resolves.toContain(down.text);
  });

  it('narrows to the chosen reason and says plainly when there are too few to tell', async () => {
    await app.page.getByRole('textbox', { name: 'Override percent' }).fill('30');
    await app.page.getByRole('combobox', { name: 'Reason' }).selectOption('lost_business');
    const rare = await expectedGuidance('lost_business');
    expect(rare.verdict).toBe('too_few');
    const text = await expectBoxToShow(rare);
    expect(text).toMatch(/Too few to tell/);
    expect(text).toContain('for lost business');
    await screenshot(app.page, 'guidance-too-few');
  });

  it('leaves the line as it was when the editor is cancelled, and raises no console errors', async () => {
    await app.page.keyboard.press('Escape');
    await expect(guidanceBox().count()).resolves.toBe(0);
    const { currentRunId } = await api<{ currentRunId: number }>('getWorkbookInfo', {});
    const after = await api<ForecastLinePage>('getRunLines', { runId: currentRunId, limit: 50, filter: { text: line.itemId, lag: line.lag } });
    expect(after.rows.find((r) => r.lineId === line.lineId)!.status).toBe('undecided');
    expect(app.problems).toEqual([]);
  });
});
