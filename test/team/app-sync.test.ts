// The team sync in the browser host (issue 15.3), with a real PostgreSQL, real replicas
// made by fwb team join, two browser hosts and headless Chromium. A planner's override
// over the approval threshold waits; the manager, on another browser host and replica,
// approves it; the planner presses Sync now and sees it approved. The server stopped:
// the status bar says offline with the reason, the app stays usable, and Sync now
// recovers once the server is back. Screenshots: offline, syncing, in conflict.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../electron/team/local-server';
import { ROOT, callApi, launchBrowser, startHost, watchConsole, worklistReady, type RunningHost } from '../e2e/browser';
import { fwb } from './fwb';
import { adminClient, startTestServer, type TestServer } from './server';

const PEOPLE = { al: ['Al Ortiz', 'analyst'], ana: ['Ana Lima', 'planner'], max: ['Max Berg', 'manager'] } as const;
type Login = keyof typeof PEOPLE;
const passwordOf = (login: string) => `${login}-app-pw-7713`;
const SHOTS = join(ROOT, 'test-results', 'shots');

describe('the team sync in the browser host', () => {
  let server: TestServer;
  let restarted: LocalServer | undefined;
  let admin: pg.Client;
  let dir: string;
  let browser: Browser;
  const hosts: Partial<Record<Login, RunningHost>> = {};
  const pages: Partial<Record<Login, Page>> = {};
  const problems: string[] = [];
  const dbOf = (login: Login) => join(dir, `${login}.db`);
  let open: { line_id: number; quantity: number; item_id: string }[];
  const read = <T>(login: Login, sql: string, ...params: unknown[]): T[] => {
    const db = new Database(dbOf(login), { readonly: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  };
  const teamStatus = (p: Page) => p.getByRole('contentinfo', { name: 'Status bar' }).locator('.team-sync-text');
  const shot = async (p: Page, name: string) => {
    mkdirSync(SHOTS, { recursive: true });
    await p.screenshot({ path: join(SHOTS, `${name}.png`) });
  };

  async function openApp(login: Login): Promise<Page> {
    // The password through PGPASSWORD, as libpq takes it: never in the page, the workbook or an argument.
    hosts[login] = await startHost(dbOf(login), [], { env: { ...process.env, PGPASSWORD: passwordOf(login), PGPASSFILE: '/nonexistent/pgpass' } });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    problems.push(...watchConsole(page));
    await page.goto(hosts[login]!.url);
    pages[login] = page;
    return page;
  }

  beforeAll(async () => {
    server = await startTestServer();
    admin = await adminClient(server);
    dir = mkdtempSync(join(tmpdir(), 'fwb-app-sync-'));
    expect(fwb(['team', 'init', '--url', server.url], { password: server.password }).status).toBe(0);
    for (const [login, [name, role]] of Object.entries(PEOPLE)) {
      const run = fwb(['team', 'add-user', '--url', server.url, '--user', login, '--name', name, '--role', role, '--password-stdin'], { password: server.password, input: `${passwordOf(login)}\n` });
      expect(run.status, run.stderr).toBe(0);
    }
    expect(fwb(['demo', '--db', dbOf('al'), '--items', '40', '--months', '36', '--seed', '5']).status).toBe(0);
    for (const login of ['al', 'ana', 'max'] as const) {
      const run = fwb(['team', 'join', '--db', dbOf(login), '--url', server.urlFor(login), '--json'], { password: passwordOf(login) });
      expect(run.status, run.stderr).toBe(0);
    }
    open = read(
      'ana',
      `SELECT l.line_id, l.quantity, i.item_id FROM forecast_lines l JOIN items i ON i.item_key = l.item_key
        WHERE l.run_id = (SELECT max(run_id) FROM forecast_runs) AND l.lag >= 2 AND l.quantity >= 50
          AND NOT EXISTS (SELECT 1 FROM actuals a WHERE a.item_key = l.item_key AND a.location_key = l.location_key AND a.period = l.period)
        ORDER BY l.line_id`,
    );
    expect(open.length).toBeGreaterThan(5);
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    for (const h of Object.values(hosts)) await h?.stop();
    await admin?.end().catch(() => {});
    restarted?.stop();
    server?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('takes the person from the login, and carries a planner’s waiting override to the manager’s host and the approval back on Sync now', async () => {
    const ana = await openApp('ana');
    // No sign-in dialog: the person is the link's login, shown with its role.
    await expect.poll(() => ana.locator('.app-header .user').textContent(), { timeout: 20_000 }).toMatch(/Ana Lima · planner · team login ana/);
    expect(await ana.locator('dialog[open]').count()).toBe(0);
    await expect.poll(() => teamStatus(ana).textContent(), { timeout: 20_000 }).toMatch(/^0 to send · synced \d\d:\d\d$/);

    const line = open[0]!;
    const made = await callApi<{ decision: { decidedBy: string; status: string } }>(hosts.ana!, 'decideLine', { lineId: line.line_id, action: 'override', percent: 60, reasonCode: 'promotion', comment: 'launch week' });
    expect(made.decision).toMatchObject({ decidedBy: 'ana', status: 'pending_approval' });
    await expect.poll(() => teamStatus(ana).textContent(), { timeout: 10_000 }).toMatch(/^1 to send · synced/);
    // File → Sync now, by its shortcut.
    await ana.keyboard.press('Control+Shift+S');
    await expect.poll(() => teamStatus(ana).textContent(), { timeout: 30_000 }).toMatch(/^0 to send · synced/);
    expect(Number((await admin.query("SELECT count(*) AS n FROM fwb.decisions WHERE line_id = $1 AND status = 'pending_approval' AND decided_by = 'ana'", [line.line_id])).rows[0].n)).toBe(1);

    // The manager opens the app on their own replica: it syncs on open and lists the waiting override.
    const max = await openApp('max');
    await expect.poll(() => max.locator('.app-header .user').textContent(), { timeout: 20_000 }).toMatch(/Max Berg · manager · team login max/);
    await max.getByText('Overrides waiting for your approval').click();
    const approve = max.getByRole('button', { name: new RegExp(`^Approve override of ${line.item_id} `) });
    await approve.first().waitFor({ timeout: 30_000 });
    await approve.first().click();
    await expect.poll(() => teamStatus(max).textContent(), { timeout: 10_000 }).toMatch(/^1 to send/);
    await max.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => teamStatus(max).textContent(), { timeout: 30_000 }).toMatch(/^0 to send · synced/);
    expect((await admin.query("SELECT a.verdict, a.decided_by FROM fwb.approvals a JOIN fwb.decisions d USING (decision_id) WHERE d.line_id = $1", [line.line_id])).rows).toEqual([{ verdict: 'approved', decided_by: 'max' }]);
    // A planner is offered no approval actions.
    await ana.getByText('My overrides waiting for approval').click();
    expect(await ana.getByRole('button', { name: /^Approve override/ }).count()).toBe(0);

    // Not yet on the planner's replica; Sync now brings the approval.
    expect(read('ana', 'SELECT status FROM line_state WHERE line_id = ?', line.line_id)).toEqual([{ status: 'pending_approval' }]);
    await ana.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => read('ana', 'SELECT status FROM line_state WHERE line_id = ?', line.line_id), { timeout: 30_000 }).toEqual([{ status: 'approved' }]);
    const journal = await callApi<{ entries?: unknown[] }>(hosts.ana!, 'getLineJournal', { lineId: line.line_id });
    expect(JSON.stringify(journal)).toMatch(/approved/);
  });

  it('shows syncing while the server is slow to answer, offline with the reason while it is stopped (the app still usable), and recovers', async () => {
    const ana = pages.ana!;
    // A lock on the journal holds the pull: the status bar says syncing… meanwhile.
    const holder = await adminClient(server);
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE fwb.approvals IN ACCESS EXCLUSIVE MODE');
    await ana.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => teamStatus(ana).textContent(), { timeout: 10_000 }).toBe('syncing…');
    expect(await ana.getByRole('button', { name: 'Sync now' }).isDisabled()).toBe(true);
    // The sync waiting on the server never holds the page: the worklist answers meanwhile.
    await worklistReady(ana);
    expect(await teamStatus(ana).textContent()).toBe('syncing…');
    await shot(ana, 'team-status-syncing');
    await holder.query('COMMIT');
    await holder.end();
    await expect.poll(() => teamStatus(ana).textContent(), { timeout: 30_000 }).toMatch(/^0 to send · synced/);

    await admin.end();
    server.stop();
    await ana.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => teamStatus(ana).textContent(), { timeout: 30_000 }).toMatch(/^offline — No PostgreSQL server answers at 127\.0\.0\.1:\d+ .* · 0 to send$/);
    // Still usable: a decision is made and waits, counted as unsent.
    const line = open[1]!;
    const made = await callApi<{ decision: { decidedBy: string } }>(hosts.ana!, 'decideLine', { lineId: line.line_id, action: 'override', percent: 8, reasonCode: 'promotion' });
    expect(made.decision.decidedBy).toBe('ana');
    await expect.poll(() => teamStatus(ana).textContent(), { timeout: 10_000 }).toMatch(/^offline — .* · 1 to send$/);
    const text = (await teamStatus(ana).textContent()) ?? '';
    expect(text).not.toContain(passwordOf('ana'));
    await shot(ana, 'team-status-offline');

    restarted = await startLocalServer({ dir: server.dir, port: server.port, throwaway: true });
    admin = await adminClient(server);
    await ana.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => teamStatus(ana).textContent(), { timeout: 30_000 }).toMatch(/^0 to send · synced/);
    expect(Number((await admin.query("SELECT count(*) AS n FROM fwb.decisions WHERE line_id = $1 AND decided_by = 'ana'", [line.line_id])).rows[0].n)).toBe(1);
  });

  it('shows a line two people decided without seeing each other as in conflict, listed on a click', async () => {
    const [ana, max] = [pages.ana!, pages.max!];
    const line = open[2]!;
    await callApi(hosts.ana!, 'decideLine', { lineId: line.line_id, action: 'override', percent: 10, reasonCode: 'promotion' });
    await callApi(hosts.max!, 'decideLine', { lineId: line.line_id, action: 'override', percent: 15, reasonCode: 'promotion' });
    await ana.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => teamStatus(ana).textContent(), { timeout: 30_000 }).toMatch(/^0 to send · synced/);
    await max.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => teamStatus(max).textContent(), { timeout: 30_000 }).toMatch(/^0 to send · synced/);
    await ana.getByRole('button', { name: 'Sync now' }).click();
    const conflicts = ana.getByRole('button', { name: '1 line in conflict' });
    await conflicts.waitFor({ timeout: 30_000 });
    await conflicts.click();
    await expect.poll(() => ana.getByRole('dialog', { name: 'Lines in conflict' }).textContent()).toContain(`Line ${line.line_id}: ana and max`);
    await shot(ana, 'team-status-conflict');
    expect(problems).toEqual([]);
  });
});
