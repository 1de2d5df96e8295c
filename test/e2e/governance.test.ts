import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { RequestOf, ResponseOf } from '../../shared/contract';
import { DEMO_PASSPHRASE, type Result } from '../../shared/domain';
import type { MethodName } from '../../shared/methods';
import { formatRunLabel } from '../../shared/format';
import { appInBrowser, demoWorkbook, screenshot } from './browser';

const MARIA = { displayName: 'Maria Lopez', userId: 'maria.lopez', role: 'manager', passphrase: DEMO_PASSPHRASE } as const;
const ANA = { displayName: 'Ana Silva', userId: 'ana.silva', role: 'planner' } as const;

describe('the Governance screen in a browser, on a demo workbook', () => {
  const app = appInBrowser({
    workbook: (dir) => {
      const db = demoWorkbook(dir);
      // The drift guard that steps a segment down is not built yet: mark one as it will,
      // before the host opens the workbook, so the step-down and its restore can be seen.
      const sqlite = new Database(db);
      sqlite.prepare("UPDATE policies SET stepped_down_at = '2026-11-03T08:00:00.000Z' WHERE segment_type = 'abc_class' AND segment_value = 'C'").run();
      sqlite.close();
      return db;
    },
    ready: async () => {
      await call('signIn', MARIA);
      await app.page.goto(`${app.host.url}#/governance`);
    },
  });

  /** The browser host's API, called as the page calls it (same token), for set-up and checks. */
  async function call<M extends MethodName>(method: M, payload: RequestOf<M>): Promise<ResponseOf<M>> {
    const url = new URL(app.host.url);
    const response = await fetch(`${url.origin}/api/call/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${url.searchParams.get('token')}` },
      body: JSON.stringify(payload),
    });
    const result = (await response.json()) as Result<ResponseOf<M>>;
    if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
    return result.value;
  }

  /** The session lives in the host's backend: sign in through the API, then reload so the page runs as that user. */
  async function signInAs(user: typeof MARIA | typeof ANA): Promise<void> {
    await call('signIn', user);
    await app.page.reload();
    // Managers get editable rows; everyone else a read-only note.
    if (user.role === 'manager') await app.page.getByRole('button', { name: 'Save policy for all items' }).waitFor();
    else await app.page.getByText(/^Read-only: policies, reason codes/).waitFor();
  }

  /** Ana overrides one of her lines of the current run beyond the approval threshold: it waits for a manager. */
  async function pendingOverrideByAna(skip: number): Promise<{ lineId: number; itemId: string; period: string }> {
    await call('signIn', ANA);
    const { currentRunId } = await call('getWorkbookInfo', {});
    const page = await call('getRunLines', { runId: currentRunId!, limit: 20, sort: { column: 'lag', direction: 'desc' }, filter: { owner: 'ana.silva' } });
    const line = page.rows.filter((r) => r.lag >= 3 && r.quantity >= 20)[skip]!;
    const outcome = await call('decideLine', { lineId: line.lineId, action: 'override', percent: 80, reasonCode: 'promotion', comment: 'Retailer confirmed a spring promotion' });
    expect(outcome.lineState.status).toBe('pending_approval');
    return { lineId: line.lineId, itemId: line.itemId, period: line.period };
  }

  const itemName = async (lineId: number) => (await call('getLineJournal', { lineId })).line.itemName;

  const policies = () => app.page.getByRole('table', { name: 'Policies per segment' });
  const reasons = () => app.page.getByRole('table', { name: 'Reason codes' });

  it('lists the demo’s policies per segment with their roles, for a manager to edit', async () => {
    await app.page.getByRole('heading', { name: 'Governance' }).waitFor();
    await app.page.getByRole('button', { name: 'Save policy for all items' }).waitFor();
    await policies().getByRole('row').nth(4).waitFor();
    const segments = await policies().locator('tbody th[scope=row]').allInnerTexts();
    expect(segments).toEqual(['all items', 'category Household', 'category Personal Care', 'ABC class C']);
    const roles = { 'all items': 'assist', 'category Household': 'recommend', 'category Personal Care': 'assist', 'ABC class C': 'decide' };
    for (const [segment, role] of Object.entries(roles)) {
      await expect(app.page.getByRole('combobox', { name: `Model role for ${segment}` }).inputValue()).resolves.toBe(role);
      await expect(app.page.getByRole('button', { name: `Save policy for ${segment}` }).isDisabled()).resolves.toBe(true);
    }
    await expect(app.page.getByRole('spinbutton', { name: 'Approval % for all items' }).inputValue()).resolves.toBe('25');
    await expect(app.page.getByRole('spinbutton', { name: 'Freeze lags for category Household' }).inputValue()).resolves.toBe('1');
  });

  it('marks a segment stepped down by the drift guard, and restores its role', async () => {
    const row = policies().getByRole('row').filter({ has: app.page.getByRole('rowheader', { name: 'ABC class C' }) });
    await expect(row.locator('td').nth(1).innerText()).resolves.toBe('assist ↓');
    const drift = policies().locator('tr.row-drift');
    await expect(drift.innerText()).resolves.toMatch(/^stepped down by drift guard on 2026-11-03 ABC class C runs as assist instead of decide until a manager restores the role\./);
    await app.page.getByRole('button', { name: 'Restore role of ABC class C' }).click();
    await drift.waitFor({ state: 'detached' });
    await expect(row.locator('td').nth(1).innerText()).resolves.toBe('decide');
    const restored = (await call('listPolicies', {})).policies.find((p) => p.segmentValue === 'C')!;
    expect(restored).toMatchObject({ modelRole: 'decide', effectiveRole: 'decide', steppedDownAt: null, updatedBy: 'maria.lopez' });
  });

  it('saves a changed approval threshold, which persists after a reload', async () => {
    const pct = app.page.getByRole('spinbutton', { name: 'Approval % for all items' });
    await pct.fill('30');
    const save = app.page.getByRole('button', { name: 'Save policy for all items' });
    await save.click();
    await policies().getByRole('row').filter({ hasText: 'all items' }).getByText(/maria\.lopez · \d{4}-\d\d-\d\d \d\d:\d\d/).waitFor();
    await expect(save.isDisabled()).resolves.toBe(true);
    const saved = (await call('listPolicies', {})).policies.find((p) => p.segmentType === 'all')!;
    expect(saved).toMatchObject({ approvalPct: 30, approvalUnits: 1000, modelRole: 'assist', updatedBy: 'maria.lopez' });

    await app.page.reload();
    await app.page.getByRole('button', { name: 'Save policy for all items' }).waitFor();
    await expect(app.page.getByRole('spinbutton', { name: 'Approval % for all items' }).inputValue()).resolves.toBe('30');
  });

  it('shows a refusal from the backend next to the row it belongs to', async () => {
    await app.page.getByRole('spinbutton', { name: 'Approval % for ABC class C' }).fill('20000');
    await app.page.getByRole('button', { name: 'Save policy for ABC class C' }).click();
    const alert = policies().getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/^ABC class C: Approval %: .*10000/);
    await app.page.getByRole('button', { name: 'Discard changes to the policy for ABC class C' }).click();
    await expect(app.page.getByRole('spinbutton', { name: 'Approval % for ABC class C' }).inputValue()).resolves.toBe('50');
  });

  it('adds a segment policy for an ABC class', async () => {
    await app.page.getByRole('combobox', { name: 'Segment type of the new policy' }).selectOption('abc_class');
    await app.page.getByRole('combobox', { name: 'Segment value of the new policy' }).selectOption('A');
    await app.page.getByRole('combobox', { name: 'Model role of the new policy' }).selectOption('recommend');
    await app.page.getByRole('button', { name: 'Add policy' }).click();
    await app.page.getByRole('combobox', { name: 'Model role for ABC class A' }).waitFor();
    await expect(app.page.getByRole('combobox', { name: 'Model role for ABC class A' }).inputValue()).resolves.toBe('recommend');
    // It starts from the thresholds of all items, as just changed.
    await expect(app.page.getByRole('spinbutton', { name: 'Approval % for ABC class A' }).inputValue()).resolves.toBe('30');
  });

  it('adds a reason code and retires it, never deleting it', async () => {
    await reasons().getByRole('row').nth(9).waitFor();
    await app.page.getByRole('textbox', { name: 'Code of the new reason' }).fill('weather');
    await app.page.getByRole('textbox', { name: 'Label of the new reason' }).fill('Weather event');
    await app.page.getByRole('button', { name: 'Add reason code' }).click();
    await app.page.getByRole('textbox', { name: 'Label of weather' }).waitFor();
    await expect(app.page.getByRole('textbox', { name: 'Label of weather' }).inputValue()).resolves.toBe('Weather event');
    await expect(app.page.getByRole('checkbox', { name: 'Active: weather' }).isChecked()).resolves.toBe(true);

    // Adding an existing code would silently relabel it: the form refuses.
    await app.page.getByRole('textbox', { name: 'Code of the new reason' }).fill('promotion');
    await app.page.getByRole('textbox', { name: 'Label of the new reason' }).fill('Promo');
    await app.page.getByRole('button', { name: 'Add reason code' }).click();
    await app.page.getByRole('alert').filter({ hasText: 'The code promotion exists already' }).waitFor();
    await app.page.getByRole('textbox', { name: 'Code of the new reason' }).fill('');
    await app.page.getByRole('textbox', { name: 'Label of the new reason' }).fill('');

    await app.page.getByRole('checkbox', { name: 'Active: weather' }).uncheck();
    await app.page.getByRole('button', { name: 'Save reason code weather' }).click();
    await reasons().locator('tr.inactive').filter({ hasText: 'weather' }).waitFor();
    const { reasonCodes } = await call('listReasonCodes', {});
    expect(reasonCodes.find((r) => r.code === 'weather')).toMatchObject({ label: 'Weather event', active: false, commentRequired: false });
    expect(reasonCodes.find((r) => r.code === 'promotion')).toMatchObject({ label: 'Promotion', active: true });
  });

  it('lets a manager reject only with a note, and approve an over-threshold override', async () => {
    await expect(app.page.getByText('No overrides are waiting for approval.').count()).resolves.toBe(1);
    const pending = await pendingOverrideByAna(0);
    await signInAs(MARIA);
    const approvals = app.page.getByRole('table', { name: 'Overrides waiting for approval' });
    const row = approvals.getByRole('row').filter({ hasText: pending.itemId });
    await row.waitFor();
    const cells = (await row.locator('td, th').allInnerTexts()).map((c) => c.replace(/\s*\n\s*/g, ' / '));
    expect(cells[0]).toBe(`${pending.itemId} / ${await itemName(pending.lineId)}`);
    expect(cells[1]).toMatch(/^[A-Z][a-z]{2} \d{4} \/ lag \d+ · DemandAI run [A-Z][a-z]{2} \d{4}$/);
    expect(cells[2]).toMatch(/^[\d,]+ → [\d,.]+ \/ \+80 % · \+[\d,]+$/);
    expect(cells[3]).toBe('Promotion / Retailer confirmed a spring promotion');
    expect(cells[4]).toMatch(/^Ana Silva \/ \d{4}-\d\d-\d\d \d\d:\d\d$/);

    const month = new Date(`${pending.period}T00:00:00Z`).toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
    const what = `${pending.itemId} ${month} ${pending.period.slice(0, 4)}`;
    await app.page.getByRole('button', { name: `Reject override of ${what}` }).click();
    await approvals.getByRole('alert').filter({ hasText: 'Note: a rejection needs a note saying why' }).waitFor();
    await screenshot(app.page, 'governance-manager');

    await app.page.getByRole('textbox', { name: `Note for ${what}` }).fill('Promotion confirmed by key account');
    await app.page.getByRole('button', { name: `Approve override of ${what}` }).click();
    await app.page.getByText('No overrides are waiting for approval.').waitFor();
    const journal = await call('getLineJournal', { lineId: pending.lineId });
    expect(journal.state.status).toBe('approved');
    expect(journal.approvals.at(-1)).toMatchObject({ verdict: 'approved', note: 'Promotion confirmed by key account', decidedBy: 'maria.lopez' });
  });

  it('releases the current run’s plan twice, naming the run, and rolls back to the first version', async () => {
    const { currentRunId } = await call('getWorkbookInfo', {});
    const label = formatRunLabel((await call('listRuns', {})).runs.find((r) => r.runId === currentRunId)!);
    const bar = app.page.getByRole('region', { name: `Plan versions of ${label}` }).getByRole('group', { name: 'Plan release' });
    await bar.getByText('Not released yet').waitFor();
    await bar.getByRole('button', { name: `Release the plan of ${label}` }).click();
    await bar.getByText(`Snapshot the final plan of ${label} as v1.`, { exact: false }).waitFor();
    await bar.getByRole('textbox', { name: 'Release note' }).fill('Cycle plan for S&OP');
    await bar.getByRole('button', { name: 'Release v1' }).click();
    await bar.getByText(`Released ${label} as v1: `, { exact: false }).filter({ hasText: / lines · assist/ }).waitFor();
    await bar.getByText(/^Released v1 · by maria\.lopez · \d{4}-\d\d-\d\d \d\d:\d\d$/).waitFor();

    await bar.getByRole('button', { name: `Release the plan of ${label}` }).click();
    await bar.getByRole('button', { name: 'Release v2' }).click();
    await bar.getByText(/^Released v2 · by maria\.lopez/).waitFor();

    await bar.getByRole('button', { name: /^Versions \(2\)/ }).click();
    const versions = bar.getByRole('table', { name: 'Plan versions' });
    await expect(versions.getByRole('row').count()).resolves.toBe(3);
    await bar.getByRole('button', { name: 'Roll back to v1' }).click();
    const confirm = bar.getByRole('button', { name: 'Confirm rollback to v1' });
    await expect(confirm.isDisabled()).resolves.toBe(true); // a rollback says why
    await bar.getByRole('textbox', { name: 'Why roll back to v1' }).fill('v2 was released before the approvals were in');
    await screenshot(app.page, 'governance-rollback');
    await confirm.click();
    await bar.getByText(/^Released v3 \(rollback to v1\) · by maria\.lopez/).waitFor();
    await bar.getByText(`${label}: v3 restores the plan of v1: `, { exact: false }).waitFor();
    const { releases } = await call('listReleases', { runId: currentRunId! });
    expect(releases.map((r) => [r.version, r.kind, r.restoresVersion, r.current])).toEqual([
      [3, 'rollback', 1, true],
      [2, 'release', null, false],
      [1, 'release', null, false],
    ]);
    expect(releases[2]!.note).toBe('Cycle plan for S&OP');
    await screenshot(app.page, 'governance-releases');
  });

  it('shows a planner everything read-only, with their own overrides waiting for a manager', async () => {
    const pending = await pendingOverrideByAna(1);
    await signInAs(ANA);
    await app.page.getByText(/^Read-only: policies, reason codes/).waitFor();
    await policies().getByRole('row').nth(5).waitFor();
    await expect(policies().locator('tbody th[scope=row]').allInnerTexts()).resolves.toEqual([
      'all items',
      'category Household',
      'category Personal Care',
      'ABC class A',
      'ABC class C',
    ]);
    await expect(app.page.getByRole('button', { name: /^Save / }).count()).resolves.toBe(0);
    await expect(policies().locator('input, select').count()).resolves.toBe(0);
    await expect(reasons().locator('input, select').count()).resolves.toBe(0);
    await expect(app.page.getByRole('button', { name: /^(Add policy|Add reason code|Release the plan|Roll back)/ }).count()).resolves.toBe(0);
    await expect(app.page.getByRole('button', { name: /^(Approve|Reject) override/ }).count()).resolves.toBe(0);
    const mine = app.page.getByRole('table', { name: 'Your overrides waiting for approval' }).getByRole('row').filter({ hasText: pending.itemId });
    await mine.getByText('waiting for a manager').waitFor();
    await expect(policies().getByRole('row').filter({ hasText: 'all items' }).locator('td').nth(2).innerText()).resolves.toBe('30 %');
    await screenshot(app.page, 'governance-planner');
  });

  it('gives every control an accessible name and raises no console errors or CSP violations', async () => {
    for (const user of [ANA, MARIA]) {
      await signInAs(user);
      await policies().getByRole('row').nth(5).waitFor();
      const unnamed = await app.page.evaluate(() =>
        [...document.querySelectorAll('button, input, select, a[href]')]
          .filter((el) => {
            const labelled = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || (el as HTMLInputElement).labels?.length;
            return !labelled && !(el.textContent ?? '').trim();
          })
          .map((el) => el.outerHTML.slice(0, 80)),
      );
      expect(unnamed).toEqual([]);
    }
    expect(app.problems).toEqual([]);
  });
});
