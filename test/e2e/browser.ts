// Shared set-up of the browser tests: a demo workbook, the real browser host
// (`npm run web`) and headless Debian Chromium driven by playwright-core.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { DEMO_PASSPHRASE } from '../../shared/domain';

export const ROOT = join(import.meta.dirname, '..', '..');
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

export function makeDemoWorkbook(path: string, items = 120): void {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'fwb.cjs'), 'demo', '--db', path, '--items', String(items), '--force'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`fwb demo failed: ${result.stderr}`);
}

export interface RunningHost {
  /** An address that opens the app in any number of pages: it carries the session token (see startHost), unless the launch code was kept. */
  url: string;
  /** The line's address as printed: a one-time launch code, spent once traded. */
  printedUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Trades a launch code for the session token, as the page does (POST /api/session). */
async function sessionToken(printedUrl: string): Promise<string> {
  const url = new URL(printedUrl);
  const response = await fetch(`${url.origin}/api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: url.searchParams.get('code') }) });
  const result = (await response.json()) as { ok: boolean; value?: { token: string }; error?: { message: string } };
  if (!result.ok) throw new Error(`the launch code was refused: ${result.error?.message}`);
  return result.value!.token;
}

/**
 * Starts `node scripts/web.mjs --db FILE` and waits for its one line. The line's
 * launch code opens the app once; tests open many pages and call the API, so the
 * helper trades it for the session token and gives pages `/?token=…`, which the
 * page takes as it is (and moves out of the address bar).
 */
export function startHost(db: string, extraArgs: string[] = [], options: { tradeLaunchCode?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<RunningHost> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'web.mjs'), '--db', db, ...extraArgs], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  let started = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser host did not start: ${stderr}`)), 60_000);
    child.stdout!.on('data', async (chunk) => {
      stdout += chunk;
      const m = /^Forecast Workbench at (http:\/\/127\.0\.0\.1:\d+\/\?code=\S+)\n/.exec(stdout);
      if (m && !started) {
        started = true;
        clearTimeout(timer);
        const printedUrl = m[1]!;
        let url = printedUrl;
        if (options.tradeLaunchCode !== false) {
          try {
            url = `${new URL(printedUrl).origin}/?token=${await sessionToken(printedUrl)}`;
          } catch (err) {
            reject(err as Error);
            return;
          }
        }
        resolve({
          url,
          printedUrl,
          process: child,
          stop: () =>
            new Promise((done) => {
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`browser host exited with ${code}: ${stderr}`)));
  });
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Collects console errors and CSP violations, which a test then expects to be none. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return problems;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Calls the browser host's API as the page would (the token is in the printed URL). */
export async function callApi<T>(host: RunningHost, method: string, payload: unknown): Promise<T> {
  const url = new URL(host.url);
  const response = await fetch(`${url.origin}/api/call/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${url.searchParams.get('token')}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(payload),
  });
  const result = (await response.json()) as { ok: boolean; value: T; error?: { message: string } };
  if (!result.ok) throw new Error(`${method}: ${result.error!.message}`);
  return result.value;
}

/**
 * Chooses who is working before the page opens, so the first-start dialog does not ask.
 * The host's backend keeps the session; the demo's managers and analysts give its passphrase.
 */
export async function signIn(host: RunningHost, userId: string, displayName: string, role: 'planner' | 'manager' | 'analyst'): Promise<void> {
  await callApi(host, 'signIn', { userId, displayName, role, ...(role === 'planner' ? {} : { passphrase: DEMO_PASSPHRASE }) });
}

export type Person = [userId: string, displayName: string, role: 'planner' | 'manager' | 'analyst'];
export const CHEN: Person = ['chen.wei', 'Chen Wei', 'planner'];
export const ANA: Person = ['ana.silva', 'Ana Silva', 'planner'];
export const MARIA: Person = ['maria.lopez', 'Maria Lopez', 'manager'];
export const SAM: Person = ['sam.taylor', 'Sam Taylor', 'analyst'];

/** What a browser test works with: its folder, the workbook, the host on it, Chromium and its one page, and the page's console problems. */
export interface AppInBrowser {
  readonly dir: string;
  db: string;
  host: RunningHost;
  browser: Browser;
  page: Page;
  problems: string[];
}

export interface AppInBrowserOptions {
  /** Makes the workbook in the test's folder and returns its path; by default the demo workbook of `items` items. */
  workbook?: (dir: string) => string;
  items?: number;
  /** Who is signed in before the page opens (else the first-start dialog asks). */
  as?: Person;
  hostArgs?: string[];
  /** False keeps the printed one-time address for the page to use, as a person would. */
  tradeLaunchCode?: boolean;
  viewport?: { width: number; height: number };
  acceptDownloads?: boolean;
  /** What the test needs before its first step: API calls, opening a screen. */
  ready?: (app: AppInBrowser) => Promise<void>;
  /** How long the set-up may take (a large workbook takes longer to make). */
  timeout?: number;
}

/**
 * The set-up every browser test shares, as hooks of the calling `describe`: a workbook in a fresh folder, the
 * browser host on it, Chromium with one page watching its console; closed and removed afterwards. The fields are
 * there from the first test on.
 */
export function appInBrowser(options: AppInBrowserOptions = {}): AppInBrowser {
  const t = mkdtempSync(join(tmpdir(), 'fwb-e2e-'));
  const app = { dir: t } as AppInBrowser;
  beforeAll(async () => {
    app.db = options.workbook ? options.workbook(t) : demoWorkbook(t, options.items ?? 120);
    app.host = await startHost(app.db, options.hostArgs ?? [], { tradeLaunchCode: options.tradeLaunchCode });
    if (options.as) await signIn(app.host, ...options.as);
    app.browser = await launchBrowser();
    app.page = await app.browser.newPage({ viewport: options.viewport ?? { width: 1440, height: 900 }, acceptDownloads: options.acceptDownloads ?? false });
    app.problems = watchConsole(app.page);
    await options.ready?.(app);
  }, options.timeout);
  afterAll(async () => {
    await app.browser?.close();
    await app.host?.stop();
    rmSync(t, { recursive: true, force: true });
  });
  return app;
}

/** The demo workbook of `items` items at `dir`/demo.sqlite. */
export function demoWorkbook(dir: string, items = 120): string {
  const db = join(dir, 'demo.sqlite');
  makeDemoWorkbook(db, items);
  return db;
}

/** Waits for the worklist's first row of lines. */
export async function worklistReady(page: Page): Promise<void> {
  await page.getByRole('grid', { name: 'Worklist' }).getByRole('row').nth(1).getByRole('gridcell').nth(2).filter({ hasText: /^SKU-/ }).waitFor();
}

/** Narrows the worklist to one line (its item and lag) and selects it, the grid focused for the keyboard. */
export async function showLine(page: Page, line: { itemId: string; lag: number }): Promise<void> {
  await page.getByRole('searchbox', { name: 'Filter items' }).fill(line.itemId);
  await page.getByRole('combobox', { name: 'Lag' }).selectOption(String(line.lag));
  await page.locator('[role=row][aria-rowindex="2"][aria-selected=true]').waitFor();
  await page.waitForFunction(
    (item: string) => {
      const cells = [...document.querySelectorAll('[role=row][aria-rowindex="2"] [role=gridcell]')].map((c) => c.textContent);
      return cells.includes(item) && document.querySelectorAll('[role=row][aria-rowindex]').length === 2;
    },
    line.itemId,
  );
  await page.getByRole('grid', { name: 'Worklist' }).focus();
}
