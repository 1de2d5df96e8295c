// The desktop app's File › Connect to Team Workbook… dialog (renderer/components/TeamConnectDialog.tsx),
// in headless Chromium against the real backend through the browser host, with the page given a
// desktop bridge as the preload would: the contract's methods go to the browser host, and
// teamConnect / onTeamConnectRequest stand in for main (whose side, connectToTeam with a real
// PostgreSQL, is test/team/desktop-team.test.ts). The menu's request opens the dialog; the address
// and the password go to main as typed; main's refusal is shown in its sentence; an accepted
// connect closes the dialog, and a reopened one holds no password.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, launchBrowser, screenshot, startHost, watchConsole, worklistReady, type RunningHost } from './browser';

describe('the Connect to Team Workbook dialog', () => {
  let dir: string;
  let host: RunningHost;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fwb-connect-dialog-'));
    host = await startHost(join(dir, 'plan.sqlite'), ['--seed-demo-if-empty']);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens on the menu’s request, sends the address and password to main, shows its refusal, and closes on success', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = watchConsole(page);
    const token = new URL(host.url).searchParams.get('token');
    await page.addInitScript((token: string) => {
      const w = window as unknown as Record<string, unknown>;
      const asked: unknown[] = [];
      let openDialog: () => void = () => {};
      w.__connect = { asked, open: () => openDialog() };
      const call = (method: string) => async (payload?: unknown) =>
        (await fetch(`/api/call/${method}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(payload ?? {}) })).json();
      const own: Record<string, unknown> = {
        transport: 'desktop',
        onEvent: () => () => {},
        stageFile: async () => ({ ok: false, error: { code: 'INVALID_REQUEST', message: 'not here' } }),
        teamStatus: call('teamStatus'),
        syncNow: call('syncNow'),
        onTeamConnectRequest: (listener: () => void) => {
          openDialog = listener;
          return () => {};
        },
        // Main's answers: refused for a wrong password, linked otherwise.
        teamConnect: async (request: { url: string; password: string }) => {
          asked.push(request);
          return request.password === 'wrong'
            ? { ok: true, value: { ok: false, message: 'The server at 127.0.0.1:5432 refused the login "ana" to database "team": wrong password, or no access for this login.' } }
            : { ok: true, value: { ok: true, how: 'pulled', login: 'ana', role: 'planner', url: request.url, message: 'joined' } };
        },
      };
      w.workbench = new Proxy(own, { get: (target, key: string) => (key in target ? target[key] : call(key)) });
    }, token!);
    await page.goto(new URL(host.url).origin + '/');
    await worklistReady(page);

    const dialog = page.getByRole('dialog', { name: 'Connect to a team workbook' });
    expect(await dialog.isVisible()).toBe(false);
    await page.evaluate(() => (window as unknown as { __connect: { open(): void } }).__connect.open());
    await dialog.waitFor();
    await dialog.getByLabel('Team workbook address').fill('postgres://ana@127.0.0.1:5432/team');
    await dialog.getByLabel('Password of your login').fill('wrong');
    await dialog.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toMatch(/refused the login "ana" .* wrong password/);
    await screenshot(page, 'team-connect-dialog');
    mkdirSync(join(ROOT, 'test-results', 'shots'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results', 'shots', 'team-connect-dialog.png') });

    await dialog.getByLabel('Password of your login').fill('ana-secret');
    await dialog.getByRole('button', { name: 'Connect' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => (window as unknown as { __connect: { asked: unknown[] } }).__connect.asked)).toEqual([
      { url: 'postgres://ana@127.0.0.1:5432/team', password: 'wrong' },
      { url: 'postgres://ana@127.0.0.1:5432/team', password: 'ana-secret' },
    ]);
    // Opened again, it starts empty: no password stays in the page.
    await page.evaluate(() => (window as unknown as { __connect: { open(): void } }).__connect.open());
    await dialog.waitFor();
    expect(await dialog.getByLabel('Password of your login').inputValue()).toBe('');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(problems).toEqual([]);
  });
});
