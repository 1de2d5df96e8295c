// Who is working, in a browser against the real host (issue 12.2): a planner
// cannot become the manager without her passphrase, a manager cannot approve her
// own override, a person changes their own passphrase, and an empty workbook
// asks for its first manager.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ForecastLinePage, Session } from '../../shared/domain';
import { appInBrowser, callApi, screenshot, startHost } from './browser';

describe('signing in, in a browser', () => {
  const app = appInBrowser({ viewport: { width: 1280, height: 860 } });
  const dialog = () => app.page.getByRole('dialog', { name: 'Who is working?' });
  const userButton = () => app.page.locator('header button.user');
  const session = () => callApi<Session>(app.host, 'getSession', {});

  it('keeps a planner who picks the manager out without her passphrase, and states the demo’s passphrase', async () => {
    await app.page.goto(app.host.url);
    await dialog().waitFor();
    await dialog().getByRole('note').filter({ hasText: 'Demo workbook: its managers and analysts sign in with the passphrase demo.' }).waitFor();
    await dialog().getByRole('combobox', { name: 'Person' }).selectOption('chen.wei');
    await expect(dialog().getByLabel('Passphrase', { exact: true }).count()).resolves.toBe(0);
    await dialog().getByRole('button', { name: 'Continue' }).click();
    await userButton().filter({ hasText: 'Chen Wei · planner' }).waitFor();

    // Chen reopens the dialog: he may add planners only, and the manager asks for her passphrase.
    await userButton().click();
    await dialog().waitFor();
    const roles = dialog().getByRole('combobox', { name: 'Role' });
    await expect(roles.locator('option:not([disabled])').allInnerTexts()).resolves.toEqual(['Planner']);
    await dialog().getByText('Only a signed-in manager adds managers and analysts.').waitFor();
    await dialog().getByRole('combobox', { name: 'Person' }).selectOption('maria.lopez');
    const passphrase = dialog().getByLabel('Passphrase', { exact: true });
    await expect(passphrase.getAttribute('type')).resolves.toBe('password');
    await expect(dialog().getByRole('button', { name: 'Continue' }).isDisabled()).resolves.toBe(true);
    await passphrase.fill('maria2026');
    await dialog().getByRole('button', { name: 'Continue' }).click();
    await dialog().getByRole('alert').filter({ hasText: 'Wrong passphrase for Maria Lopez. Type it again; passphrases are case-sensitive.' }).waitFor();
    await expect(passphrase.inputValue()).resolves.toBe('');
    await screenshot(app.page, 'identity-wrong-passphrase');
    expect((await session()).user?.userId).toBe('chen.wei');

    await passphrase.fill('demo');
    await app.page.keyboard.press('Enter');
    await dialog().waitFor({ state: 'hidden' });
    await userButton().filter({ hasText: 'Maria Lopez · manager' }).waitFor();
    expect((await session()).user?.userId).toBe('maria.lopez');
  });

  it('does not offer a manager the approval of her own override, and the backend refuses it', async () => {
    const { currentRunId } = await callApi<{ currentRunId: number }>(app.host, 'getWorkbookInfo', {});
    const lines = await callApi<ForecastLinePage>(app.host, 'getRunLines', { runId: currentRunId, limit: 40, sort: { column: 'lag', direction: 'desc' } });
    const line = lines.rows.filter((r) => r.lag >= 3 && r.quantity >= 20)[0]!;
    const own = await callApi<{ decision: { decisionId: number }; lineState: { status: string } }>(app.host, 'decideLine', {
      lineId: line.lineId,
      action: 'override',
      percent: 80,
      reasonCode: 'promotion',
      comment: 'Retailer confirmed a spring promotion',
    });
    expect(own.lineState.status).toBe('pending_approval');

    await app.page.goto(`${app.host.url}#/governance`);
    const approvals = app.page.getByRole('table', { name: 'Overrides waiting for approval' });
    const month = new Date(`${line.period}T00:00:00Z`).toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
    const what = `${line.itemId} ${month} ${line.period.slice(0, 4)}`;
    const approve = app.page.getByRole('button', { name: `Approve override of ${what}` });
    await approve.waitFor();
    await expect(approve.isDisabled()).resolves.toBe(true);
    await approvals.getByText(`${what} is your own override: another manager must approve it.`).waitFor();
    // At 1280 wide the whole row shows, its Approve and Reject buttons included: nothing to scroll sideways for.
    const fits = await approvals.evaluate((table) => table.parentElement!.scrollWidth <= table.parentElement!.clientWidth);
    expect(fits).toBe(true);
    await screenshot(app.page, 'identity-own-override');
    await expect(callApi(app.host, 'reviewOverride', { decisionId: own.decision.decisionId, verdict: 'approved' })).rejects.toThrow(/cannot approve your own override/);
    const journal = await callApi<{ state: { status: string } }>(app.host, 'getLineJournal', { lineId: line.lineId });
    expect(journal.state.status).toBe('pending_approval');
  });

  it('lets the signed-in manager change her passphrase, asking for the old one, then sign out', async () => {
    await userButton().click();
    await dialog().waitFor();
    await dialog().getByRole('button', { name: 'Change my passphrase…' }).click();
    const change = app.page.getByRole('dialog', { name: 'Change your passphrase' });
    await change.getByLabel('Current passphrase').fill('not it');
    await change.getByLabel('New passphrase').fill('harbour lights 7');
    await change.getByLabel('Repeat the passphrase').fill('harbour lights 7');
    await change.getByRole('button', { name: 'Change passphrase' }).click();
    await change.getByRole('alert').filter({ hasText: /^Wrong passphrase for Maria Lopez/ }).waitFor();
    await change.getByLabel('Current passphrase').fill('demo');
    await change.getByLabel('New passphrase').fill('harbour lights 7');
    await change.getByLabel('Repeat the passphrase').fill('harbour lights 8');
    await change.getByRole('button', { name: 'Change passphrase' }).click();
    await change.getByRole('alert').filter({ hasText: 'The two new passphrases differ' }).waitFor();
    await change.getByLabel('Repeat the passphrase').fill('harbour lights 7');
    await screenshot(app.page, 'identity-change-passphrase');
    await change.getByRole('button', { name: 'Change passphrase' }).click();
    await dialog().getByRole('status').filter({ hasText: 'Your passphrase was changed' }).waitFor();

    await dialog().getByRole('button', { name: 'Sign out' }).click();
    await userButton().filter({ hasText: 'Who are you?' }).waitFor();
    expect((await session()).user).toBeNull();
    await expect(callApi(app.host, 'signIn', { userId: 'maria.lopez', passphrase: 'demo' })).rejects.toThrow(/Wrong passphrase/);
    expect((await callApi<Session>(app.host, 'signIn', { userId: 'maria.lopez', passphrase: 'harbour lights 7' })).user?.userId).toBe('maria.lopez');
  });

  it('asks an empty workbook’s first start for its first manager, with a passphrase', async () => {
    const empty = await startHost(join(app.dir, 'empty.sqlite'));
    try {
      await app.page.goto(empty.url);
      await dialog().getByText('This workbook has no manager yet: create the first one here, with a passphrase.').waitFor();
      await expect(dialog().getByRole('note').count()).resolves.toBe(0); // not a demo: no passphrase is stated
      await expect(dialog().getByRole('combobox', { name: 'Role' }).inputValue()).resolves.toBe('manager');
      await dialog().getByLabel('Your name').fill('Olga Berg');
      await dialog().getByLabel('Passphrase for the new manager').fill('north star 12');
      await dialog().getByLabel('Repeat the passphrase').fill('north star 21');
      await dialog().getByRole('button', { name: 'Continue' }).click();
      await dialog().getByRole('alert').filter({ hasText: 'The two passphrases differ' }).waitFor();
      await dialog().getByLabel('Passphrase for the new manager').fill('north star 12');
      await dialog().getByLabel('Repeat the passphrase').fill('north star 12');
      await screenshot(app.page, 'identity-first-manager');
      await dialog().getByRole('button', { name: 'Continue' }).click();
      await userButton().filter({ hasText: 'Olga Berg · manager' }).waitFor();
      const people = await callApi<Session>(empty, 'getSession', {});
      expect(people.users).toEqual([{ userId: 'olga.berg', displayName: 'Olga Berg', role: 'manager', signInWith: 'passphrase' }]);
    } finally {
      await empty.stop();
    }
    expect(app.problems).toEqual([]);
  });
});
