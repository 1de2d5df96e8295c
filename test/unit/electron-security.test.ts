// The desktop shell against Electron's security checklist, driven through a fake
// `electron` module: window settings, navigation, popups, permissions, CSP,
// remote requests, who may call IPC, and what the preload exposes.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BackendHost, BackendStartError } from '../../electron/backend/worker/host';
import { sourceWorkerUrl } from '../../electron/backend/worker/worker-url';
import { type AppLocations, type AppPage, appPageFrom, isAllowedNavigation, isAllowedRequest } from '../../electron/main/app-page';
import { isTrustedSender } from '../../electron/main/ipc';
import { type MainElectron, type RunningApp, runApp } from '../../electron/main/lifecycle';
import { menuTemplate } from '../../electron/main/menu';
import { TEAM_CONNECT_CHANNEL, TEAM_PAGE_METHODS, teamPageChannel } from '../../shared/team-status';
import { secureWebPreferences, withContentSecurityPolicy } from '../../electron/main/security';
import type { Backend, StartBackend } from '../../electron/main/workbook';
import { CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_HEADER } from '../../shared/csp';
import type { BackendEvent, Result, StagedFile } from '../../shared/domain';
import { EVENT_CHANNEL, METHOD_NAMES, STAGE_FILE_CHANNEL, ipcChannel } from '../../shared/methods';
import { defaultStagingDir, stagedPath } from '../../electron/backend/imports/staging';
import { type FakeElectron, createFakeElectron } from '../fakes/electron';

// The preload imports `electron`; give it the fake.
vi.mock('electron', async () => {
  const { createFakeElectron } = await import('../fakes/electron');
  return createFakeElectron();
});

const repo = resolve(import.meta.dirname, '../..');
const outDir = '/opt/Forecast Workbench/resources/app.asar/out';
const locations: AppLocations = {
  preloadPath: join(outDir, 'preload', 'index.cjs'),
  rendererIndex: join(outDir, 'renderer', 'index.html'),
  workerUrl: pathToFileURL(join(outDir, 'main', 'worker.js')),
};
const filePage: AppPage = { kind: 'file', indexPath: locations.rendererIndex };
const appUrl = pathToFileURL(locations.rendererIndex).href;
const appFrame = { url: appUrl, parent: null };

/** A backend that records calls and lets a test emit events. */
class FakeBackend implements Backend {
  readonly calls: { method: string; payload: unknown }[] = [];
  readonly listeners = new Set<(event: BackendEvent) => void>();
  closed = 0;
  constructor(readonly dbPath: string) {}
  async call(method: string, payload: unknown): Promise<Result<unknown>> {
    this.calls.push({ method, payload });
    return { ok: true, value: { method, dbPath: this.dbPath } };
  }
  onEvent(listener: (event: BackendEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: BackendEvent): void {
    for (const listener of this.listeners) listener(event);
  }
  async close(): Promise<void> {
    this.closed++;
  }
}

function fakeBackends(refuse: (dbPath: string) => BackendStartError | null = () => null) {
  const started: FakeBackend[] = [];
  const start: StartBackend = async (init) => {
    const refusal = refuse(init.dbPath);
    if (refusal) throw refusal;
    const backend = new FakeBackend(init.dbPath);
    started.push(backend);
    return backend;
  };
  return { started, start };
}

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'fwb-shell-'));
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

async function startShell(opts: { isPackaged?: boolean; env?: Record<string, string>; start?: StartBackend } = {}) {
  const electron = createFakeElectron({ userData: join(tmp, 'userData'), documents: tmp, isPackaged: opts.isPackaged });
  const backends = fakeBackends();
  const running = await runApp(electron as unknown as MainElectron, {
    locations,
    startBackend: opts.start ?? backends.start,
    env: opts.env ?? {},
    platform: 'linux',
  });
  return { electron, backends, running: running as RunningApp };
}

const firstWindow = (electron: FakeElectron) => {
  const window = electron.BrowserWindow.instances[0];
  if (!window) throw new Error('no window was created');
  return window;
};

describe('windows', () => {
  it('every window the app creates is isolated, sandboxed, without Node and with web security on', async () => {
    const { electron } = await startShell();
    // Any other window (a future one, DevTools) would go through the same constructor.
    new electron.BrowserWindow({ webPreferences: secureWebPreferences(locations.preloadPath) });
    expect(electron.BrowserWindow.instances.length).toBe(2);
    for (const window of electron.BrowserWindow.instances) {
      const prefs = window.options.webPreferences;
      expect(prefs.contextIsolation).toBe(true);
      expect(prefs.sandbox).toBe(true);
      expect(prefs.nodeIntegration).toBe(false);
      expect(prefs.nodeIntegrationInWorker).toBe(false);
      expect(prefs.webSecurity).not.toBe(false);
      expect(prefs.allowRunningInsecureContent).toBe(false);
      expect(prefs.experimentalFeatures).toBe(false);
      expect(prefs.webviewTag).not.toBe(true);
      expect(prefs.preload).toBe(locations.preloadPath);
    }
    expect(electron.app.sandboxEnabled).toBe(true);
  });

  it('loads the built page from disk, titled with the workbook, shown when ready', async () => {
    const { electron } = await startShell();
    const window = firstWindow(electron);
    expect(window.loads).toEqual([{ file: locations.rendererIndex }]);
    expect(window.title).toBe('Forecast Workbench — workbook');
    expect(window.options.show).toBe(false);
    window.emit('ready-to-show');
    expect(window.shown).toBe(true);
  });

  it('uses the dev server only when unpackaged and only on loopback', () => {
    expect(appPageFrom({ ELECTRON_RENDERER_URL: 'http://localhost:5173' }, false, locations.rendererIndex)).toEqual({ kind: 'dev', url: 'http://localhost:5173/' });
    expect(appPageFrom({ ELECTRON_RENDERER_URL: 'http://localhost:5173' }, true, locations.rendererIndex)).toEqual(filePage);
    expect(appPageFrom({ ELECTRON_RENDERER_URL: 'https://evil.example' }, false, locations.rendererIndex)).toEqual(filePage);
  });
});

describe('the web-contents-created guard', () => {
  it('prevents navigation to another site or file, allows the app page itself', async () => {
    const { electron } = await startShell();
    const contents = firstWindow(electron).webContents;
    expect(contents.navigate('https://example.com')).toBe(false);
    expect(contents.navigate('file:///etc/passwd')).toBe(false);
    expect(contents.navigate(pathToFileURL(join(outDir, 'renderer', 'other.html')).href)).toBe(false);
    expect(contents.navigate(`${appUrl}#/accuracy`)).toBe(true);
    expect(contents.navigate(appUrl)).toBe(true);
    expect(isAllowedNavigation('javascript:alert(1)', filePage)).toBe(false);
  });

  it('denies window.open and <webview>, on every webContents', async () => {
    const { electron } = await startShell();
    const other = new electron.BrowserWindow({}).webContents;
    for (const contents of [firstWindow(electron).webContents, other]) {
      expect(contents.openWindow('https://example.com')).toEqual({ action: 'deny' });
      expect(contents.openWindow(appUrl)).toEqual({ action: 'deny' });
      expect(contents.attachWebview('https://example.com')).toBe(false);
      expect(contents.navigate('https://example.com')).toBe(false);
    }
  });

  it('denies every permission request and check', async () => {
    const { electron } = await startShell();
    const session = electron.session.defaultSession;
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
      expect(session.requestPermission(permission)).toBe(false);
      expect(session.permissionCheckHandler?.(null, permission, 'file:///', {})).toBe(false);
    }
    expect(session.devicePermissionHandler?.({ deviceType: 'usb' })).toBe(false);
  });

  it('attaches the Content-Security-Policy of shared/csp.ts to responses, replacing any other', async () => {
    const { electron } = await startShell();
    const headers = electron.session.defaultSession.webRequest.respond(appUrl, {
      'content-security-policy': ["default-src *"],
      'Content-Type': ['text/html'],
    });
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY_HEADER]);
    expect(headers['content-security-policy']).toBeUndefined();
    expect(headers['Content-Type']).toEqual(['text/html']);
    expect(withContentSecurityPolicy(undefined)).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY_HEADER] });
  });

  it('cancels every request that is not the app’s own files', async () => {
    const { electron } = await startShell();
    const web = electron.session.defaultSession.webRequest;
    expect(web.request('https://example.com/tracker.js').cancel).toBe(true);
    expect(web.request('http://127.0.0.1:8080/api').cancel).toBe(true);
    expect(web.request('wss://example.com/socket').cancel).toBe(true);
    expect(web.request('file:///etc/passwd').cancel).toBe(true);
    expect(web.request(appUrl.replace('index.html', 'assets/..%2F..%2Fmain/index.js')).cancel).toBe(true);
    expect(web.request(appUrl.replace('index.html', 'assets/%2e%2e/%2e%2e/main/index.js')).cancel).toBe(true);
    expect(web.request(appUrl).cancel).toBe(false);
    expect(web.request(pathToFileURL(join(outDir, 'renderer', 'assets', 'index-abc123.js')).href).cancel).toBe(false);
    expect(web.request('data:image/png;base64,AAAA').cancel).toBe(false);
    expect(web.request('devtools://devtools/bundled/inspector.html').cancel).toBe(false);
  });

  it('in a packaged app refuses DevTools pages; with the dev server allows only its origin', () => {
    expect(isAllowedRequest('devtools://devtools/bundled/inspector.html', filePage, { allowDevtools: false })).toBe(false);
    const dev: AppPage = { kind: 'dev', url: 'http://localhost:5173/' };
    expect(isAllowedRequest('http://localhost:5173/src/main.tsx', dev, { allowDevtools: true })).toBe(true);
    expect(isAllowedRequest('ws://localhost:5173/', dev, { allowDevtools: true })).toBe(true);
    expect(isAllowedRequest('http://localhost:5174/', dev, { allowDevtools: true })).toBe(false);
    expect(isAllowedRequest('https://example.com/', dev, { allowDevtools: true })).toBe(false);
    expect(isAllowedNavigation('http://localhost:5173/#/review', dev)).toBe(true);
    expect(isAllowedNavigation('https://example.com/', dev)).toBe(false);
  });

  it('renderer/index.html carries the same CSP in its meta tag', () => {
    const html = readFileSync(join(repo, 'renderer', 'index.html'), 'utf8');
    const meta = /<meta\s+http-equiv=["']Content-Security-Policy["']\s+content="([^"]*)"/i.exec(html);
    expect(meta, 'renderer/index.html has a Content-Security-Policy meta tag').not.toBeNull();
    expect(meta![1]).toBe(CONTENT_SECURITY_POLICY);
  });
});

describe('IPC', () => {
  it('registers one handler per contract method and no other channel', async () => {
    const { electron } = await startShell();
    // Beside the contract: staging, and the team sync main runs itself (issue 15.3: teamStatus, syncNow, Connect).
    const team = [...TEAM_PAGE_METHODS.map(teamPageChannel), TEAM_CONNECT_CHANNEL];
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual([...METHOD_NAMES.map(ipcChannel), STAGE_FILE_CHANNEL, ...team].sort());
  });

  it('answers a foreign frame with FORBIDDEN without reaching the backend', async () => {
    const { electron, backends } = await startShell();
    const channel = ipcChannel('listRuns');
    for (const frame of [
      { url: 'https://evil.example', parent: null },
      { url: 'file:///tmp/evil.html', parent: null },
      { url: appUrl, parent: { url: appUrl, parent: null } }, // an iframe inside the app
      null, // the frame navigated away or was destroyed
    ]) {
      const result = (await electron.ipcMain.invoke(channel, frame, {})) as Result<unknown>;
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('FORBIDDEN');
    }
    expect(backends.started[0]!.calls).toEqual([]);
  });

  it('relays the app frame’s call, payload untouched, and returns the backend’s Result', async () => {
    const { electron, backends } = await startShell();
    const payload = { runId: 1, limit: 5, '__proto__x': 'not validated here' };
    const result = await electron.ipcMain.invoke(ipcChannel('getRunLines'), appFrame, payload);
    expect(result).toEqual({ ok: true, value: { method: 'getRunLines', dbPath: join(tmp, 'userData', 'workbook.sqlite') } });
    expect(backends.started[0]!.calls).toEqual([{ method: 'getRunLines', payload }]);
    expect(isTrustedSender({ url: `${appUrl}#/review`, parent: null }, filePage)).toBe(true);
  });

  it('stages a file the app window picked, and nothing for anyone else', async () => {
    const { electron } = await startShell();
    const picked = join(tmp, 'forecast 2026-10.csv');
    writeFileSync(picked, 'item_id,period,forecast\nA,2026-11-01,5\n');
    const staged = (await electron.ipcMain.invoke(STAGE_FILE_CHANNEL, appFrame, picked)) as Result<StagedFile>;
    expect(staged).toMatchObject({ ok: true, value: { name: 'forecast 2026-10.csv', size: 39 } });
    if (staged.ok) expect(readFileSync(stagedPath(defaultStagingDir(), staged.value.stagedId), 'utf8')).toContain('A,2026-11-01,5');
    const foreign = (await electron.ipcMain.invoke(STAGE_FILE_CHANNEL, { url: 'https://evil.example', parent: null }, picked)) as Result<unknown>;
    expect(foreign).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    for (const bad of [join(tmp, 'missing.csv'), tmp, 42, null]) {
      expect(await electron.ipcMain.invoke(STAGE_FILE_CHANNEL, appFrame, bad)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    }
  });

  it('forwards backend events to the window on the event channel', async () => {
    const { electron, backends } = await startShell();
    const event: BackendEvent = { type: 'job-progress', jobId: 'demo-1', job: 'demo', phase: 'lines', done: 5, total: 10 };
    backends.started[0]!.emit(event);
    expect(firstWindow(electron).webContents.sent).toEqual([{ channel: EVENT_CHANNEL, args: [event] }]);
  });
});

describe('the preload', () => {
  it('exposes exactly the contract methods, onEvent and transport, and no ipcRenderer', async () => {
    const electron = (await import('electron')) as unknown as FakeElectron;
    await import('../../electron/preload/index');
    const api = electron.contextBridge.exposed.workbench as Record<string, unknown>;
    expect(Object.keys(electron.contextBridge.exposed)).toEqual(['workbench']);
    expect(Object.keys(api).sort()).toEqual([...METHOD_NAMES, 'onEvent', 'stageFile', 'transport', ...TEAM_PAGE_METHODS, 'teamConnect', 'onTeamConnectRequest'].sort());
    expect(api.transport).toBe('desktop');
    for (const [key, value] of Object.entries(api)) {
      if (key !== 'transport') expect(typeof value, key).toBe('function');
      expect(value).not.toBe(electron.ipcRenderer);
    }
    expect(Object.isFrozen(api)).toBe(true);

    // Each method is one invoke on its own channel.
    const result = await (api.getRunLines as (p: unknown) => Promise<unknown>)({ runId: 3 });
    expect(result).toEqual({ ok: true, value: null });
    expect(electron.ipcRenderer.invocations).toEqual([{ channel: ipcChannel('getRunLines'), args: [{ runId: 3 }] }]);

    // Listeners get the backend event only, never the IpcRendererEvent (its sender is ipcRenderer).
    const seen: unknown[][] = [];
    const unsubscribe = (api.onEvent as (l: (...args: unknown[]) => void) => () => void)((...args) => seen.push(args));
    const event = { type: 'workbook-changed', reason: 'import' };
    electron.ipcRenderer.fromMain(EVENT_CHANNEL, event);
    expect(seen).toEqual([[event]]);
    unsubscribe();
    electron.ipcRenderer.fromMain(EVENT_CHANNEL, event);
    expect(seen.length).toBe(1);
    expect(electron.ipcRenderer.listenerCount(EVENT_CHANNEL)).toBe(0);
  });

  const bundle = join(repo, 'out', 'preload', 'index.cjs');
  it.skipIf(!existsSync(bundle))('the built preload requires nothing but electron (a sandboxed preload can require nothing else)', () => {
    const code = readFileSync(bundle, 'utf8');
    const required = [...code.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(code).not.toMatch(/\bzod\b/);

    // Run the bundle as Electron's sandboxed preload would: `require` knows only electron.
    const fake = createFakeElectron();
    const sandboxRequire = (id: string) => {
      if (id !== 'electron') throw new Error(`module not found: ${id}`);
      return fake;
    };
    new Function('require', 'module', 'exports', code)(sandboxRequire, { exports: {} }, {});
    const api = fake.contextBridge.exposed.workbench as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...METHOD_NAMES, 'onEvent', 'stageFile', 'transport', ...TEAM_PAGE_METHODS, 'teamConnect', 'onTeamConnectRequest'].sort());
  });
});

describe('lifecycle', () => {
  it('quits without a window when another instance holds the lock', async () => {
    const electron = createFakeElectron({ singleInstance: false });
    const running = await runApp(electron as unknown as MainElectron, { locations, startBackend: fakeBackends().start, env: {} });
    expect(running).toBeNull();
    expect(electron.app.quitCalls).toBe(1);
    expect(electron.BrowserWindow.instances.length).toBe(0);
  });

  it('seeds the demo into the default workbook under userData on first start', async () => {
    const seen: unknown[] = [];
    const backends = fakeBackends();
    await startShell({ start: (init) => (seen.push(init), backends.start(init)) });
    expect(seen).toEqual([{ dbPath: join(tmp, 'userData', 'workbook.sqlite'), seedDemoIfEmpty: true }]);
  });

  it.skipIf(process.platform === 'win32')('makes the userData folder private (0700) when it makes it', async () => {
    await startShell();
    expect(statSync(join(tmp, 'userData')).mode & 0o777).toBe(0o700);
  });

  it('quit waits for the backend to close', async () => {
    const { electron, backends } = await startShell();
    electron.app.quit();
    expect(electron.app.quitted).toBe(false); // held while the backend closes
    await vi.waitFor(() => expect(electron.app.quitted).toBe(true));
    expect(backends.started[0]!.closed).toBe(1);
  });

  it('File › Open switches the backend and reloads the window; a refused file keeps the current workbook', async () => {
    const refused = join(tmp, 'too-new.sqlite');
    const backends = fakeBackends((dbPath) =>
      dbPath === refused ? new BackendStartError({ code: 'WORKBOOK_TOO_NEW', message: 'too-new.sqlite was written by a newer Forecast Workbench.' }) : null,
    );
    const { electron, running } = await startShell({ start: backends.start });
    const window = firstWindow(electron);

    electron.dialog.openResults.push({ canceled: false, filePaths: [join(tmp, 'other.sqlite')] });
    await running.openWorkbook();
    expect(electron.dialog.openDialogs[0]!.filters).toEqual([{ name: 'Workbook', extensions: ['sqlite'] }]);
    expect(backends.started.map((b) => b.closed)).toEqual([1, 0]);
    expect(window.title).toBe('Forecast Workbench — other');
    expect(window.loads.length).toBe(2);
    await electron.ipcMain.invoke(ipcChannel('listRuns'), appFrame, {});
    expect(backends.started[1]!.calls.length).toBe(1);

    electron.dialog.openResults.push({ canceled: false, filePaths: [refused] });
    await running.openWorkbook();
    expect(electron.dialog.errors).toEqual([{ title: 'Cannot open too-new.sqlite', content: 'too-new.sqlite was written by a newer Forecast Workbench.' }]);
    expect(running.workbook.path).toBe(join(tmp, 'other.sqlite'));
    expect(backends.started[1]!.closed).toBe(0);
  });

  it('File › New never replaces an existing file', async () => {
    const { electron, running, backends } = await startShell();
    const existing = join(tmp, 'precious.sqlite');
    writeFileSync(existing, 'not mine to empty');
    electron.dialog.saveResults.push({ canceled: false, filePath: existing });
    await running.newWorkbook();
    expect(electron.dialog.errors[0]!.title).toBe('That file already exists');
    expect(readFileSync(existing, 'utf8')).toBe('not mine to empty');
    expect(backends.started.length).toBe(1);

    electron.dialog.saveResults.push({ canceled: false, filePath: join(tmp, 'fresh') });
    await running.newWorkbook();
    expect(running.workbook.path).toBe(join(tmp, 'fresh.sqlite'));
  });

  it('a workbook from a newer version is reported, offered an alternative, and left byte for byte as it was', async () => {
    const userData = join(tmp, 'userData');
    mkdirSync(userData, { recursive: true });
    const path = join(userData, 'workbook.sqlite');
    const db = new Database(path);
    db.exec('CREATE TABLE future (x)');
    db.pragma('user_version = 999');
    db.close();
    const before = createHash('sha256').update(readFileSync(path)).digest('hex');

    const electron = createFakeElectron({ userData, documents: tmp });
    electron.dialog.messageBoxResponses.push(2); // Quit
    const running = await runApp(electron as unknown as MainElectron, {
      locations,
      startBackend: (init) => BackendHost.start(sourceWorkerUrl, init),
      env: {},
    });

    expect(running).toBeNull();
    expect(electron.dialog.errors.length).toBe(1);
    expect(electron.dialog.errors[0]!.content).toMatch(/newer/i);
    expect(electron.dialog.messageBoxes[0]!.buttons).toEqual(['Open Workbook…', 'New Workbook…', 'Quit']);
    expect(electron.BrowserWindow.instances.length).toBe(0);
    expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});

describe('menu', () => {
  const actions = { newWorkbook() {}, openWorkbook() {}, revealWorkbook() {}, showAbout() {}, backupWorkbook() {}, restoreFromBackup() {} };
  const labels = (template: ReturnType<typeof menuTemplate>) => JSON.stringify(template);
  it('offers DevTools only in an unpackaged app', () => {
    expect(labels(menuTemplate({ platform: 'linux', isPackaged: false, actions }))).toContain('toggleDevTools');
    expect(labels(menuTemplate({ platform: 'linux', isPackaged: true, actions }))).not.toContain('toggleDevTools');
  });
  it('has File, Edit, View and Help', () => {
    expect(menuTemplate({ platform: 'linux', isPackaged: true, actions }).map((m) => m.label ?? m.role)).toEqual(['File', 'Edit', 'View', 'help']);
  });
});
