// Review follows the backend's rules before anything is saved: keys and buttons
// refuse a frozen or closed line at once, in the backend's words; closed lines of
// past runs are marked closed and are not "Not decided"; the editor marks what a
// save will require and warns that an override will wait for a manager; and a
// notice belongs to the line and the moment it describes.
import { describe, expect, it } from 'vitest';
import type { ForecastLinePage, ForecastLineRow, ForecastRunSummary } from '../../shared/domain';
import { ANA, appInBrowser, callApi, screenshot, signIn, worklistReady } from './browser';

describe('Review follows the decision rules before saving', () => {
  const app = appInBrowser({
    as: ANA,
    ready: async () => {
      runs = (await api<{ runs: ForecastRunSummary[] }>('listRuns', {})).runs;
      app.page.on('request', (r) => {
        if (r.url().includes('/api/call/decideLine')) decideCalls.push(r.url());
      });
      await app.page.goto(app.host.url);
      await worklistReady(app.page);
    },
  });
  let runs: ForecastRunSummary[];
  /** decideLine calls the page made: a refused key must not reach the backend. */
  const decideCalls: string[] = [];

  const api = <T,>(method: string, payload: unknown) => callApi<T>(app.host, method, payload);
  const currentRun = () => runs[0]!.runId;

  async function findLine(runId: number, filter: object, pick: (r: ForecastLineRow) => boolean): Promise<ForecastLineRow> {
    const lines = await api<ForecastLinePage>('getRunLines', { runId, limit: 2000, filter });
    const line = lines.rows.find(pick);
    if (!line) throw new Error(`no line matches ${JSON.stringify(filter)}`);
    return line;
  }

  /** Narrows the worklist to one line and selects it. */
  async function showLine(line: ForecastLineRow): Promise<void> {
    await app.page.getByRole('searchbox', { name: 'Filter items' }).fill(line.itemId);
    await app.page.getByRole('combobox', { name: 'Lag' }).selectOption(String(line.lag));
    await app.page.waitForFunction(
      (item: string) => {
        const cells = [...document.querySelectorAll('[role=row][aria-rowindex="2"] [role=gridcell]')].map((c) => c.textContent);
        return cells.includes(item) && document.querySelectorAll('[role=row][aria-rowindex]').length === 2;
      },
      line.itemId,
    );
    await app.page.locator('[role=row][aria-rowindex="2"]').click();
    await app.page.getByRole('grid', { name: 'Worklist' }).focus();
  }

  const decision = () => app.page.getByRole('region', { name: 'Decision' });
  const statusCell = () => app.page.locator('[role=row][aria-rowindex="2"] [role=gridcell]').last();
  const alertText = () => decision().getByRole('alert').innerText();

  it('refuses a frozen line from the keys and the buttons at once, in the backend’s words', async () => {
    const frozen = await findLine(currentRun(), { lag: 1 }, (r) => r.lock?.kind === 'frozen' && r.status === 'undecided' && r.salesInput !== null);
    await showLine(frozen);
    await expect(statusCell().innerText()).resolves.toBe('frozen');
    for (const name of ['Accept', 'Override', 'Adopt sales input']) {
      const button = decision().getByRole('button', { name, exact: true });
      await expect(button.isDisabled()).resolves.toBe(true);
      await expect(button.getAttribute('title')).resolves.toBe(frozen.lock!.message);
    }
    for (const key of ['a', 'o', 's']) {
      await app.page.keyboard.press(key);
      await expect(alertText()).resolves.toBe(frozen.lock!.message);
      await expect(app.page.getByRole('textbox', { name: 'Override quantity' }).count()).resolves.toBe(0);
    }
    expect(decideCalls).toEqual([]);
    // The backend says the same, word for word.
    await expect(api('decideLine', { lineId: frozen.lineId, action: 'accept' })).rejects.toThrow(`decideLine: ${frozen.lock!.message}`);
    await screenshot(app.page, 'review-frozen-line');
  });

  it('marks the closed lines of a past run closed, leaves them out of "Not decided" and refuses them', async () => {
    const past = runs.at(-1)!;
    await app.page.getByRole('searchbox', { name: 'Filter items' }).fill('');
    await app.page.getByRole('combobox', { name: 'Forecast run' }).selectOption(String(past.runId));
    const grid = app.page.getByRole('grid', { name: 'Worklist' });
    await grid.locator('.grid-foot').filter({ hasText: `${past.lines.toLocaleString('en-US')} lines` }).waitFor();
    // Every line of the oldest run has its actual: none is left to decide.
    await app.page.getByRole('combobox', { name: 'Status' }).selectOption('undecided');
    await grid.getByText('No lines match.').waitFor();
    await app.page.getByRole('combobox', { name: 'Status' }).selectOption('closed');
    await grid.locator('.grid-foot').filter({ hasText: `${past.lines.toLocaleString('en-US')} lines` }).waitFor();

    const closed = await findLine(past.runId, { status: 'closed' }, (r) => r.status === 'undecided');
    expect(closed.lock?.kind).toBe('closed');
    await showLine(closed);
    await expect(statusCell().innerText()).resolves.toBe('closed');
    await expect(decision().locator('.decision-head .status').innerText()).resolves.toMatch(/^Closed: the actual \([\d,]+\) is known/);
    await expect(decision().getByRole('button', { name: 'Accept', exact: true }).isDisabled()).resolves.toBe(true);
    await expect(decision().getByRole('button', { name: 'Override', exact: true }).isDisabled()).resolves.toBe(true);
    await app.page.keyboard.press('a');
    await expect(alertText()).resolves.toBe(closed.lock!.message);
    await app.page.keyboard.press('o');
    await expect(app.page.getByRole('textbox', { name: 'Override quantity' }).count()).resolves.toBe(0);
    expect(decideCalls).toEqual([]);
    await expect(api('decideLine', { lineId: closed.lineId, action: 'accept' })).rejects.toThrow(`decideLine: ${closed.lock!.message}`);
    await screenshot(app.page, 'review-past-run-line');
    await app.page.getByRole('combobox', { name: 'Status' }).selectOption('');
    await app.page.getByRole('combobox', { name: 'Forecast run' }).selectOption(String(currentRun()));
  });

  it('marks reason and comment required and warns of the manager’s approval as the quantity is typed', async () => {
    const line = await findLine(
      currentRun(),
      { owner: 'ana.silva', status: 'undecided', lag: 5 },
      (r) => r.lock === null && r.quantity >= 100 && r.policy.commentPct !== null && r.policy.approvalPct !== null && r.policy.commentPct < r.policy.approvalPct,
    );
    const { commentPct, approvalPct } = line.policy;
    await showLine(line);
    await app.page.keyboard.press('o');
    const editor = app.page.locator('form.override');
    await expect(editor.locator('label').filter({ has: app.page.getByRole('combobox', { name: 'Reason' }) }).innerText()).resolves.toMatch(/Reason\s+required/);
    await expect(app.page.getByRole('combobox', { name: 'Reason' }).getAttribute('aria-required')).resolves.toBe('true');

    // A small change: a reason, no comment, no approval.
    const small = Math.max(1, Math.floor(((commentPct! / 2) * line.quantity) / 100));
    await app.page.getByRole('textbox', { name: 'Override quantity' }).fill(String(line.quantity + small));
    await expect(editor.locator('label').filter({ has: app.page.getByRole('textbox', { name: 'Comment' }) }).innerText()).resolves.toMatch(/Comment\s+optional/);
    await expect(editor.getByRole('note').count()).resolves.toBe(0);

    // Past the comment threshold but not the approval one: the comment is marked required, with the policy's reason.
    const middle = Math.round(line.quantity * (1 + (commentPct! + approvalPct!) / 200));
    await app.page.getByRole('textbox', { name: 'Override quantity' }).fill(String(middle));
    await expect(app.page.getByRole('textbox', { name: 'Comment' }).getAttribute('aria-required')).resolves.toBe('true');
    await expect(editor.locator('label').filter({ has: app.page.getByRole('textbox', { name: 'Comment' }) }).innerText()).resolves.toMatch(/Comment\s+required/);
    await expect(editor.getByRole('note').count()).resolves.toBe(0);

    // Past the approval threshold: said before saving.
    const large = Math.round(line.quantity * (1 + (approvalPct! + 15) / 100));
    await app.page.getByRole('textbox', { name: 'Override quantity' }).fill(String(large));
    await expect(editor.getByRole('note').innerText()).resolves.toMatch(new RegExp(`^This will need a manager’s approval \\(above ${approvalPct} %`));
    const commentWhy = await editor.locator('#override-comment-why').innerText();
    expect(commentWhy).toMatch(new RegExp(`more than the ${commentPct} % the policy allows`));
    await app.page.getByRole('combobox', { name: 'Reason' }).selectOption('promotion');
    await app.page.locator('[aria-label="Override guidance"][aria-busy="false"]').waitFor();
    await screenshot(app.page, 'review-editor-required');

    // The sentence shown is the one the backend refuses a comment-less save with.
    await app.page.getByRole('button', { name: 'Save decision' }).click();
    await expect(alertText()).resolves.toBe(commentWhy);
    expect(decideCalls).toHaveLength(1);
    await app.page.getByRole('textbox', { name: 'Comment' }).fill('Regional promotion confirmed');
    await app.page.getByRole('button', { name: 'Save decision' }).click();
    await decision().getByRole('status').filter({ hasText: 'waits for a manager’s approval' }).waitFor();
    const stored = await findLine(currentRun(), { text: line.itemId, lag: line.lag }, (r) => r.lineId === line.lineId);
    expect(stored.status).toBe('pending_approval');
  });

  it('ties the “waits for approval” notice to its line and moment: another line, an approval or another person ends it', async () => {
    const notice = () => decision().getByRole('status').filter({ hasText: 'waits for a manager’s approval' });
    await expect(notice().count()).resolves.toBe(1);
    // Another line: the notice does not follow, nor come back.
    await app.page.getByRole('searchbox', { name: 'Filter items' }).fill('');
    await app.page.getByRole('combobox', { name: 'Lag' }).selectOption('');
    await app.page.getByRole('grid', { name: 'Worklist' }).focus();
    await app.page.keyboard.press('j');
    await expect(notice().count()).resolves.toBe(0);
    await app.page.keyboard.press('k');
    await expect(notice().count()).resolves.toBe(0);

    // A manager approves elsewhere: the notice about the wait goes with it.
    const line = await findLine(currentRun(), { owner: 'ana.silva', status: 'undecided', lag: 6 }, (r) => r.lock === null && r.quantity >= 100 && r.policy.approvalPct !== null);
    await showLine(line);
    await app.page.keyboard.press('o');
    await app.page.getByRole('textbox', { name: 'Override quantity' }).fill(String(Math.round(line.quantity * (1 + (line.policy.approvalPct! + 20) / 100))));
    await app.page.getByRole('combobox', { name: 'Reason' }).selectOption('new_customer');
    await app.page.getByRole('textbox', { name: 'Comment' }).fill('New listing');
    await app.page.getByRole('button', { name: 'Save decision' }).click();
    await notice().waitFor();
    const [pending] = (await api<{ approvals: { decisionId: number; lineId: number }[] }>('listPendingApprovals', { runId: currentRun() })).approvals.filter((a) => a.lineId === line.lineId);
    await signIn(app.host, 'maria.lopez', 'Maria Lopez', 'manager');
    await api('reviewOverride', { decisionId: pending!.decisionId, verdict: 'approved', note: 'ok' });
    await signIn(app.host, 'ana.silva', 'Ana Silva', 'planner');
    await expect.poll(() => statusCell().innerText()).toBe('approved');
    await expect(notice().count()).resolves.toBe(0);

    // Another person at the keyboard: the last person's notice is not theirs.
    await app.page.getByRole('grid', { name: 'Worklist' }).focus();
    await app.page.keyboard.press('u');
    await decision().getByRole('status').filter({ hasText: 'Undone' }).waitFor();
    await app.page.getByRole('button', { name: /Signed in as Ana Silva/ }).click();
    const dialog = app.page.getByRole('dialog', { name: 'Who is working?' });
    await dialog.getByRole('combobox', { name: 'Person' }).selectOption('chen.wei');
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await app.page.getByRole('button', { name: /Signed in as Chen Wei/ }).waitFor();
    await expect(decision().getByRole('status').count()).resolves.toBe(0);
    await signIn(app.host, 'ana.silva', 'Ana Silva', 'planner');
  });

  it('raises no console errors', () => {
    expect(app.problems).toEqual([]);
  });
});
