// A policy changed anywhere (another window, another tab, the API) reaches a
// Review screen that is open: the backend announces it, and the worklist shows
// the new freeze window at once, keeping the planner's filter and line.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ForecastLinePage, ForecastLineRow, PolicySummary, WorkbookInfo } from '../../shared/domain';
import { appInBrowser, callApi, MARIA, screenshot, showLine, worklistReady } from './browser';

describe('Review follows a policy changed elsewhere', () => {
  const app = appInBrowser({
    as: MARIA,
    ready: async () => {
      await app.page.goto(app.host.url);
      await worklistReady(app.page);
    },
  });
  const api = <T,>(method: string, payload: unknown) => callApi<T>(app.host, method, payload);

  const rowCells = (p: Page) => p.locator('[role=row][aria-rowindex="2"] [role=gridcell]');

  it('marks an open line frozen as soon as its policy’s freeze window is widened through the API, without a reload', async () => {
    const { currentRunId } = await api<WorkbookInfo>('getWorkbookInfo', {});
    const lines = await api<ForecastLinePage>('getRunLines', { runId: currentRunId, limit: 2000, filter: { lag: 2 } });
    const line = lines.rows.find((r: ForecastLineRow) => r.lock === null && r.status === 'undecided' && r.policy.freezeLags < 2);
    if (!line) throw new Error('the demo has no open lag-2 line');

    // The planner narrows the worklist to that line and selects it.
    await showLine(app.page, line);
    await app.page.locator('[role=row][aria-rowindex="2"]').click();
    await expect(rowCells(app.page).last().innerText()).resolves.not.toBe('frozen');
    await expect(app.page.getByRole('region', { name: 'Decision' }).getByRole('button', { name: 'Accept', exact: true }).isDisabled()).resolves.toBe(false);

    // Elsewhere, the policy governing the line widens its freeze window to lag 2.
    const { policies } = await api<{ policies: PolicySummary[] }>('listPolicies', {});
    const governing = policies.find((p) => p.segmentType === line.policy.segmentType && p.segmentValue === line.policy.segmentValue)!;
    const { policyId: _id, segmentType, segmentValue, modelRole, approvalPct, approvalUnits, commentPct, driftThresholdPts } = governing;
    await api('savePolicy', { segmentType, segmentValue, modelRole, approvalPct, approvalUnits, freezeLags: 2, commentPct, driftThresholdPts });

    // The open page shows it frozen, the filter and the selection kept, and refuses it in the backend's words.
    await app.page.waitForFunction(() => document.querySelector('[role=row][aria-rowindex="2"] [role=gridcell]:last-child')?.textContent === 'frozen', undefined, { timeout: 10_000 });
    await expect(app.page.getByRole('searchbox', { name: 'Filter items' }).inputValue()).resolves.toBe(line.itemId);
    await expect(rowCells(app.page).nth(2).innerText()).resolves.toBe(line.itemId);
    const accept = app.page.getByRole('region', { name: 'Decision' }).getByRole('button', { name: 'Accept', exact: true });
    await expect.poll(() => accept.isDisabled()).toBe(true);
    await expect(accept.getAttribute('title')).resolves.toMatch(/^Line is frozen: lag 2 is inside the freeze window of 2 /);
    await screenshot(app.page, 'review-policy-changed-elsewhere');
  });

  it('offers a reason code added elsewhere in an open override editor, without a reload', async () => {
    const { currentRunId } = await api<WorkbookInfo>('getWorkbookInfo', {});
    const lines = await api<ForecastLinePage>('getRunLines', { runId: currentRunId, limit: 2000, filter: { lag: 3 } });
    const line = lines.rows.find((r: ForecastLineRow) => r.lock === null && r.status === 'undecided');
    if (!line) throw new Error('the demo has no open lag-3 line');
    await showLine(app.page, line);
    await app.page.locator('[role=row][aria-rowindex="2"]').click();
    await app.page.getByRole('grid', { name: 'Worklist' }).focus();
    await app.page.keyboard.press('o');
    const reason = app.page.getByRole('combobox', { name: 'Reason' });
    await reason.waitFor();
    await expect(reason.locator('option', { hasText: 'Heat wave' }).count()).resolves.toBe(0);

    await api('saveReasonCode', { code: 'heat_wave', label: 'Heat wave', commentRequired: false, active: true });

    await expect.poll(() => reason.locator('option', { hasText: 'Heat wave' }).count(), { timeout: 10_000 }).toBe(1);
    // The planner's filter, line and open editor stay as they were.
    await expect(app.page.getByRole('searchbox', { name: 'Filter items' }).inputValue()).resolves.toBe(line.itemId);
    await expect(rowCells(app.page).nth(2).innerText()).resolves.toBe(line.itemId);
    await expect(app.page.getByRole('textbox', { name: 'Override quantity' }).count()).resolves.toBe(1);
    await screenshot(app.page, 'review-reason-code-added-elsewhere');
    await app.page.keyboard.press('Escape');
  });

  it('raises no console errors', () => {
    expect(app.problems).toEqual([]);
  });
});
