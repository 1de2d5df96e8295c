// Review shows what the team answered (issue 15.3), with a real PostgreSQL, replicas made by
// fwb team join, the browser host and headless Chromium: Ana's override refused by a freeze
// opened on the server (the line, what she asked, the server's reason, when) and a line Ana
// and Ben both overrode offline (item, period, lag, both authors and their values), in
// Review's Team drawer; a click on a row, or on the status bar's conflict entry, opens the line.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInProcess } from '../../electron/backend/host-entry';
import { ROOT, callApi, launchBrowser, startHost, watchConsole, worklistReady, type RunningHost } from '../e2e/browser';
import { fwb } from './fwb';
import { adminClient, startTestServer, type TestServer } from './server';

const PEOPLE = { al: ['Al Ortiz', 'analyst'], ana: ['Ana Lima', 'planner'], ben: ['Ben Ode', 'planner'] } as const;
type Login = keyof typeof PEOPLE;
const passwordOf = (login: string) => `${login}-review-pw-3390`;
const SHOTS = join(ROOT, 'test-results', 'shots');
const FREEZE = `INSERT INTO fwb.policies (segment_type, segment_value, model_role, approval_pct, approval_units, freeze_lags, comment_pct, drift_threshold_pts) VALUES ('all', '*', 'assist', 25, 1000, $1, 20, 5)`;

describe('Review’s Team drawer', () => {
  let server: TestServer;
  let admin: pg.Client;
  let dir: string;
  let browser: Browser;
  let host: RunningHost;
  const problems: string[] = [];
  const dbOf = (login: Login) => join(dir, `${login}.db`);
  type Line = { line_id: number; run_id: number; quantity: number; item_id: string; period: number; lag: number };
  let conflicted: Line;
  let refused: Line;
  const sync = (login: Login, status = 0) => {
    const run = fwb(['sync', '--db', dbOf(login), '--json'], { password: passwordOf(login) });
    expect(run.status, run.stderr).toBe(status);
    return JSON.parse(run.stdout);
  };
  const decide = async (login: Login, payload: Record<string, unknown>) => {
    const b = await openInProcess({ dbPath: dbOf(login), access: 'write', program: 'test' });
    try {
      const r = await b.call('decideLine', payload);
      expect(r.ok, JSON.stringify(r)).toBe(true);
    } finally {
      await b.close();
    }
  };

  beforeAll(async () => {
    server = await startTestServer();
    admin = await adminClient(server);
    dir = mkdtempSync(join(tmpdir(), 'fwb-review-team-'));
    expect(fwb(['team', 'init', '--url', server.url], { password: server.password }).status).toBe(0);
    for (const [login, [name, role]] of Object.entries(PEOPLE)) {
      const run = fwb(['team', 'add-user', '--url', server.url, '--user', login, '--name', name, '--role', role, '--password-stdin'], { password: server.password, input: `${passwordOf(login)}\n` });
      expect(run.status, run.stderr).toBe(0);
    }
    expect(fwb(['demo', '--db', dbOf('al'), '--items', '30', '--months', '36', '--seed', '9']).status).toBe(0);
    for (const login of ['al', 'ana', 'ben'] as const) {
      const run = fwb(['team', 'join', '--db', dbOf(login), '--url', server.urlFor(login)], { password: passwordOf(login) });
      expect(run.status, run.stderr).toBe(0);
    }
    const db = new Database(dbOf('ana'), { readonly: true });
    const open = db
      .prepare(
        `SELECT l.line_id, l.run_id, l.quantity, i.item_id, l.period, l.lag FROM forecast_lines l JOIN items i ON i.item_key = l.item_key
          WHERE l.run_id = (SELECT max(run_id) FROM forecast_runs) AND l.lag >= 2 AND l.quantity >= 50
            AND NOT EXISTS (SELECT 1 FROM actuals a WHERE a.item_key = l.item_key AND a.location_key = l.location_key AND a.period = l.period)
          ORDER BY l.line_id`,
      )
      .all() as Line[];
    db.close();
    [conflicted, refused] = [open[0]!, open.find((l) => l.item_id !== open[0]!.item_id)!];

    // Ana and Ben override one line offline; Ana's arrives first, Ben's is current.
    await decide('ana', { lineId: conflicted.line_id, action: 'override', percent: 10, reasonCode: 'promotion' });
    await decide('ben', { lineId: conflicted.line_id, action: 'override', percent: 15, reasonCode: 'price_change' });
    sync('ana');
    expect(sync('ben').conflicts.map((c: { lineId: number }) => c.lineId)).toEqual([conflicted.line_id]);
    // Ana overrides another line while a freeze window opens on the server: refused there.
    await decide('ana', { lineId: refused.line_id, action: 'override', percent: 12, reasonCode: 'promotion', comment: 'trade fair' });
    await admin.query(FREEZE, [99]);
    expect(sync('ana', 3).refused).toHaveLength(1);
    await admin.query(FREEZE, [0]);
    sync('ana');

    host = await startHost(dbOf('ana'), [], { env: { ...process.env, PGPASSWORD: passwordOf('ana'), PGPASSFILE: '/nonexistent/pgpass' } });
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await admin?.end().catch(() => {});
    server?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The worklist index of a line under the Team drawer's filter (its item's lines, ungrouped). */
  const indexOf = async (line: Line) => {
    const page = await callApi<{ rows: { lineId: number }[] }>(host, 'getRunLines', { runId: line.run_id, offset: 0, limit: 200, filter: { text: line.item_id }, groupByItem: false });
    return page.rows.findIndex((r) => r.lineId === line.line_id);
  };
  const selectedRowIndex = (page: Page) => page.getByRole('grid', { name: 'Worklist' }).locator('[role=row][aria-selected=true]').getAttribute('aria-rowindex');

  it('lists the refusal and the conflict with their lines, values and reasons, and opens a line on a click', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    problems.push(...watchConsole(page));
    await page.goto(host.url);
    await worklistReady(page);
    const drawer = page.locator('details.team-drawer');
    await expect.poll(() => drawer.locator('summary').textContent(), { timeout: 20_000 }).toMatch(/Team: conflicts and refusals \(1 in conflict · 1 refused\)/);
    await drawer.locator('summary').click();

    const conflictRow = page.getByRole('table', { name: 'Lines in conflict' }).getByRole('row').nth(1);
    const conflictText = await conflictRow.textContent();
    expect(conflictText).toContain(conflicted.item_id);
    expect(conflictText).toContain(`lag ${conflicted.lag}`);
    const q = (pct: number) => (Math.round(conflicted.quantity * (1 + pct / 100) * 1e6) / 1e6).toLocaleString('en-US', { maximumFractionDigits: 0 });
    expect(conflictText).toContain(`ana: ${q(10)} (promotion)`);
    expect(conflictText).toContain(`ben: ${q(15)} (price_change)`);

    const refusalRow = page.getByRole('table', { name: 'Refused by the team' }).getByRole('row').nth(1);
    const refusalText = await refusalRow.textContent();
    expect(refusalText).toContain(refused.item_id);
    expect(refusalText).toMatch(/Override to [\d,]+ \(promotion\) — “trade fair”/);
    expect(refusalText).toMatch(/Line is frozen: lag \d+ is inside the freeze window of 99/);
    expect(refusalText).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d/);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'review-team-drawer.png') });

    // A click opens the refused line: its item's lines, the line selected.
    await refusalRow.click();
    await expect.poll(() => page.getByRole('searchbox', { name: 'Filter items' }).inputValue()).toBe(refused.item_id);
    const refusedIndex = await indexOf(refused);
    expect(refusedIndex).toBeGreaterThanOrEqual(0);
    await expect.poll(() => selectedRowIndex(page), { timeout: 10_000 }).toBe(String(refusedIndex + 2));

    // The status bar's conflict entry opens its line too, also from another screen.
    await page.keyboard.press('Alt+3');
    await page.getByRole('heading', { name: 'Review', level: 2 }).waitFor({ state: 'detached' });
    await page.getByRole('contentinfo', { name: 'Status bar' }).getByRole('button', { name: /1 line in conflict/ }).click();
    const entry = page.getByRole('dialog', { name: 'Lines in conflict' }).getByRole('button', { name: `Line ${conflicted.line_id}` });
    expect(await entry.getAttribute('title')).toMatch(new RegExp(`^Open ${conflicted.item_id} · \\w{3} \\d{4} · lag ${conflicted.lag} in Review$`));
    await entry.click();
    await expect.poll(() => page.getByRole('searchbox', { name: 'Filter items' }).inputValue(), { timeout: 10_000 }).toBe(conflicted.item_id);
    const conflictIndex = await indexOf(conflicted);
    await expect.poll(() => selectedRowIndex(page), { timeout: 10_000 }).toBe(String(conflictIndex + 2));
    // The item's detail beside it is the opened line's item's, not the one shown before.
    await expect.poll(() => page.getByRole('complementary', { name: 'Item detail' }).locator('header h3').textContent(), { timeout: 10_000 }).toMatch(new RegExp(`^${conflicted.item_id} · `));
    await page.screenshot({ path: join(SHOTS, 'review-team-opened.png') });
    expect(problems).toEqual([]);
  }, 120_000);
});
