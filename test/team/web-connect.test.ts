// Connect to and Disconnect from a team workbook in the browser host (issue 15.3), with a
// real PostgreSQL, a real browser host and headless Chromium. The host has no keychain:
// the password typed in the page's dialog is used for the join and kept in the host
// process's memory only, for its syncs until it stops. A wrong password is told in a
// sentence; the password's bytes are never in the workbook, its WAL, the host's output
// or the page's status. Screenshot: test-results/shots/web-team-connect.png.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, callApi, launchBrowser, startHost, watchConsole, type RunningHost } from '../e2e/browser';
import { fwb } from './fwb';
import { startTestServer, type TestServer } from './server';

const PASSWORD = 'web-connect-pw-6029';
const WRONG = 'not-the-password-3318';
const SHOTS = join(ROOT, 'test-results', 'shots');

describe('Connect and Disconnect in the browser host', () => {
  let server: TestServer;
  let dir: string;
  let browser: Browser;
  let host: RunningHost | undefined;
  let output = '';
  const problems: string[] = [];
  const anaDb = () => join(dir, 'ana.db');
  const read = <T>(sql: string): T[] => {
    const db = new Database(anaDb(), { readonly: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    server = await startTestServer();
    dir = mkdtempSync(join(tmpdir(), 'fwb-web-connect-'));
    expect(fwb(['team', 'init', '--url', server.url], { password: server.password }).status).toBe(0);
    for (const [login, name, role, pw] of [['al', 'Al Ortiz', 'analyst', 'al-pw-1'], ['ana', 'Ana Lima', 'planner', PASSWORD]] as const) {
      const run = fwb(['team', 'add-user', '--url', server.url, '--user', login, '--name', name, '--role', role, '--password-stdin'], { password: server.password, input: `${pw}\n` });
      expect(run.status, run.stderr).toBe(0);
    }
    // The analyst publishes the team's data; Ana starts from a new, empty workbook.
    expect(fwb(['demo', '--db', join(dir, 'al.db'), '--items', '20', '--months', '36', '--seed', '3']).status).toBe(0);
    const join_ = fwb(['team', 'join', '--db', join(dir, 'al.db'), '--url', server.urlFor('al')], { password: 'al-pw-1' });
    expect(join_.status, join_.stderr).toBe(0);
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    server?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const teamMenu = async (page: Page, item: RegExp) => {
    await page.getByRole('button', { name: 'Team workbook' }).click();
    await page.getByRole('menuitem', { name: item }).click();
  };

  it('connects an empty workbook from the page with the password kept in the host’s memory only, syncs, and disconnects', async () => {
    // No PGPASSWORD, no ~/.pgpass: only the dialog can give the password.
    const env: NodeJS.ProcessEnv = { ...process.env, PGPASSFILE: '/nonexistent/pgpass', FWB_SYNC_EVERY_S: '600' };
    delete env.PGPASSWORD;
    delete env.PGSERVICE;
    host = await startHost(anaDb(), [], { env });
    host.process.stdout!.on('data', (c) => (output += c));
    host.process.stderr!.on('data', (c) => (output += c));
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    problems.push(...watchConsole(page));
    await page.goto(host.url);
    // A new workbook asks who is working; it may instead join a team, from that dialog.
    const signIn = page.locator('dialog.sign-in[open]').filter({ has: page.locator('#sign-in-title') });
    await signIn.getByRole('button', { name: 'Connect to a Team Workbook…' }).click({ timeout: 30_000 });

    // A wrong password: a sentence, without the password, and nothing linked.
    const dialog = page.getByRole('dialog', { name: 'Connect to a team workbook' });
    await dialog.getByLabel('Team workbook address').fill(server.urlFor('ana'));
    await dialog.getByLabel('Password of your login').fill(WRONG);
    await dialog.getByRole('button', { name: 'Connect' }).click();
    const alert = dialog.getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toMatch(/refused the login "ana".*wrong password/);
    expect(await alert.textContent()).not.toContain(WRONG);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'web-team-connect-refused.png') });
    expect(read('SELECT count(*) AS n FROM team_link')).toEqual([{ n: 0 }]);

    // The right one: the workbook joins, pulls the team's data and syncs with the password from memory.
    await dialog.getByLabel('Password of your login').fill(PASSWORD);
    await dialog.getByRole('button', { name: 'Connect' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 60_000 });
    await expect.poll(() => page.locator('.app-header .user').textContent(), { timeout: 20_000 }).toMatch(/Ana Lima · planner · team login ana/);
    expect(await page.locator('dialog[open]').count()).toBe(0);
    expect(read<{ n: number }>('SELECT count(*) AS n FROM forecast_lines')[0]!.n).toBeGreaterThan(100);
    const synced = await callApi<{ linked: boolean; offline: string | null; lastSync: { ok: boolean } | null }>(host, 'syncNow', {});
    expect(synced).toMatchObject({ linked: true, offline: null, lastSync: { ok: true } });
    await expect.poll(() => page.locator('.team-sync-text').textContent(), { timeout: 20_000 }).toMatch(/^0 to send · synced \d\d:\d\d$/);
    // The team's data is on screen.
    await expect.poll(() => page.getByRole('contentinfo', { name: 'Status bar' }).textContent(), { timeout: 20_000 }).toMatch(/20 items/);
    await page.getByRole('button', { name: 'Team workbook' }).click();
    await page.screenshot({ path: join(SHOTS, 'web-team-connect.png') });
    await page.keyboard.press('Escape');

    // The password is nowhere but the host's memory: not the workbook, its WAL, the host's output or the status.
    for (const file of [anaDb(), `${anaDb()}-wal`]) if (existsSync(file)) expect(readFileSync(file).includes(Buffer.from(PASSWORD)), file).toBe(false);
    expect(output).not.toContain(PASSWORD);
    expect(JSON.stringify(synced)).not.toContain(PASSWORD);
    expect(read<{ url: string }>('SELECT url FROM team_link')[0]!.url).not.toContain(PASSWORD);

    // A decision the team has not received yet: Disconnect asks a second time.
    const open = read<{ line_id: number }>(
      `SELECT l.line_id FROM forecast_lines l WHERE l.run_id = (SELECT max(run_id) FROM forecast_runs) AND l.lag >= 2
          AND NOT EXISTS (SELECT 1 FROM actuals a WHERE a.item_key = l.item_key AND a.location_key = l.location_key AND a.period = l.period) ORDER BY l.line_id LIMIT 1`,
    );
    await callApi(host, 'decideLine', { lineId: open[0]!.line_id, action: 'accept' });

    // Disconnect: asked in the page, then the workbook is single-seat again and stops syncing.
    await teamMenu(page, /^Disconnect from Team Workbook/);
    const ask = page.getByRole('dialog', { name: /^Disconnect ana\.db from the team workbook\?/ });
    await ask.waitFor();
    await page.screenshot({ path: join(SHOTS, 'web-team-disconnect.png') });
    await ask.getByRole('button', { name: 'Disconnect' }).click();
    const again = page.getByRole('dialog', { name: 'Disconnect with decisions the team has not received?' });
    await again.waitFor({ timeout: 20_000 });
    expect(await again.textContent()).toMatch(/1 decision/);
    // The browser host has no File menu: the sentence, and the status bar's Sync now, name its own Team workbook › Sync Now.
    expect(await page.locator('.team-sync-now').getAttribute('title')).toBe('Team workbook › Sync Now (Ctrl+Shift+S)');
    expect(await again.textContent()).toContain('sync first (Team workbook › Sync Now)');
    await page.screenshot({ path: join(SHOTS, 'web-team-disconnect-unsent.png') });
    expect(read('SELECT count(*) AS n FROM team_link')).toEqual([{ n: 1 }]);
    await again.getByRole('button', { name: 'Disconnect Anyway' }).click();
    await expect.poll(() => read('SELECT count(*) AS n FROM team_link'), { timeout: 20_000 }).toEqual([{ n: 0 }]);
    await expect.poll(() => page.locator('.app-header .user').textContent(), { timeout: 20_000 }).not.toMatch(/team login/);
    expect(await callApi<{ linked: boolean }>(host, 'teamStatus', {})).toMatchObject({ linked: false });
    expect(output).not.toContain(PASSWORD);
    expect(problems).toEqual([]);
  }, 240_000);

  it('refuses the host-level team calls without the session token', async () => {
    const origin = new URL(host!.url).origin;
    for (const method of ['teamConnect', 'teamDisconnect']) {
      const response = await fetch(`${origin}/api/call/${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ url: server.urlFor('ana'), password: PASSWORD }) });
      expect(response.status).toBe(401);
    }
  });
});
