// `npm start` without an Electron runtime: the same workbook location Electron
// would use, and a browser host started in its place with one line saying why.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appDataDir, defaultWorkbookPath, userDataDir } from '../../scripts/user-data-path.mjs';

const repo = resolve(import.meta.dirname, '../..');

describe('the default workbook path (Electron userData)', () => {
  const home = '/home/ada';
  it('Linux: $XDG_CONFIG_HOME, else ~/.config', () => {
    expect(defaultWorkbookPath({ platform: 'linux', env: { XDG_CONFIG_HOME: '/xdg' }, home })).toBe('/xdg/Forecast Workbench/workbook.sqlite');
    expect(defaultWorkbookPath({ platform: 'linux', env: {}, home })).toBe('/home/ada/.config/Forecast Workbench/workbook.sqlite');
    expect(defaultWorkbookPath({ platform: 'linux', env: { XDG_CONFIG_HOME: '' }, home })).toBe('/home/ada/.config/Forecast Workbench/workbook.sqlite');
  });
  it('macOS: ~/Library/Application Support', () => {
    expect(userDataDir({ platform: 'darwin', env: { XDG_CONFIG_HOME: '/ignored' }, home: '/Users/ada' })).toBe('/Users/ada/Library/Application Support/Forecast Workbench');
  });
  it('Windows: %APPDATA%, else the roaming profile folder', () => {
    expect(defaultWorkbookPath({ platform: 'win32', env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, home: 'C:\\Users\\ada' })).toBe(
      'C:\\Users\\ada\\AppData\\Roaming\\Forecast Workbench\\workbook.sqlite',
    );
    expect(appDataDir({ platform: 'win32', env: {}, home: 'C:\\Users\\ada' })).toBe('C:\\Users\\ada\\AppData\\Roaming');
  });
  it('follows the product name', () => {
    expect(userDataDir({ platform: 'linux', env: {}, home, productName: 'Other' })).toBe('/home/ada/.config/Other');
  });
});

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

let tmp: string;
let running: Started | null = null;

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'fwb-start-'));
});

afterEach(async () => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    killTree(running.child, 'SIGKILL');
    await running.exited;
  }
  running = null;
  rmSync(tmp, { recursive: true, force: true });
});

function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (process.platform === 'win32') child.kill(signal);
    else process.kill(-child.pid!, signal); // the whole process group
  } catch {
    // already gone
  }
}

function startApp(extraEnv: Record<string, string>): Started {
  const env: Record<string, string | undefined> = {
    ...process.env,
    HOME: tmp,
    USERPROFILE: tmp,
    XDG_CONFIG_HOME: tmp,
    APPDATA: tmp,
    FWB_SKIP_BUILD: '1',
    FWB_NO_OPEN: '1',
    FWB_NO_ELECTRON_DOWNLOAD: '1',
    ...extraEnv,
  };
  for (const name of ['DISPLAY', 'WAYLAND_DISPLAY', 'ELECTRON_RUN_AS_NODE']) if (!(name in extraEnv)) delete env[name];
  const child = spawn(process.execPath, [join(repo, 'scripts', 'start.mjs')], { cwd: repo, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  running = { child, stdout: () => stdout, stderr: () => stderr, exited };
  return running;
}

async function waitFor(started: Started, what: () => boolean, timeoutMs = 45_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!what()) {
    if (started.child.exitCode !== null) throw new Error(`start.mjs exited (${started.child.exitCode}).\nstdout: ${started.stdout()}\nstderr: ${started.stderr()}`);
    if (Date.now() > until) throw new Error(`timed out.\nstdout: ${started.stdout()}\nstderr: ${started.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const URL_LINE = /Forecast Workbench at http:\/\/127\.0\.0\.1:(\d+)\/\?code=\S+/;
const fallbackLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('Electron runtime not available'));

describe('npm start', () => {
  it('without an Electron runtime, says so in one line and starts the browser host on the userData workbook', async () => {
    const started = startApp({ ELECTRON_OVERRIDE_DIST_PATH: join(tmp, 'no-electron-here') });
    await waitFor(started, () => URL_LINE.test(started.stdout()));
    const workbook = join(tmp, 'Forecast Workbench', 'workbook.sqlite');

    const lines = fallbackLines(started.stderr());
    expect(lines).toEqual([`Electron runtime not available (not downloaded, and FWB_NO_ELECTRON_DOWNLOAD=1); starting the browser host on ${workbook} instead.`]);
    expect(existsSync(workbook)).toBe(true);
    if (process.platform !== 'win32') {
      // The plan is private: the folder made for it 0700, the workbook 0600.
      expect(statSync(join(tmp, 'Forecast Workbench')).mode & 0o777).toBe(0o700);
      expect(statSync(workbook).mode & 0o777).toBe(0o600);
    }

    // The host really answers on loopback.
    const port = Number(URL_LINE.exec(started.stdout())![1]);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    // The page itself, or (when out/renderer was never built) a sentence saying to build it.
    if (existsSync(join(repo, 'out', 'renderer', 'index.html'))) expect(page.status).toBe(200);
    else expect([page.status, await page.text()]).toEqual([503, expect.stringContaining('run npm run build')]);

    killTree(started.child, 'SIGTERM');
    await started.exited;
  }, 60_000);

  it.skipIf(process.platform === 'win32')('opens the browser on a private launch file: the opener\'s arguments hold no token and no launch code', async () => {
    const bin = join(tmp, 'bin');
    mkdirSync(bin);
    const argvLog = join(tmp, 'opener-argv');
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > "${argvLog}"\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const started = startApp({ ELECTRON_OVERRIDE_DIST_PATH: join(tmp, 'no-electron-here'), FWB_NO_OPEN: '0', DISPLAY: ':0', PATH: `${bin}:${process.env.PATH}` });
    // The opener's shell creates the file before it writes the line: wait for the line.
    await waitFor(started, () => URL_LINE.test(started.stdout()) && existsSync(argvLog) && readFileSync(argvLog, 'utf8').includes('\n'));
    const opened = readFileSync(argvLog, 'utf8').trim();
    expect(opened).toMatch(/^file:\/\/\S+\.html$/);
    expect(opened).not.toMatch(/token|code=/);
    killTree(started.child, 'SIGTERM');
    await started.exited;
  }, 60_000);

  describe.skipIf(process.platform === 'win32')('with an Electron executable (a stand-in script)', () => {
    function fakeElectron(script: string): string {
      const dist = join(tmp, 'electron-dist');
      mkdirSync(dist, { recursive: true });
      const executable = join(dist, 'electron');
      writeFileSync(executable, `#!/bin/sh\n${script}\n`);
      chmodSync(executable, 0o755);
      return dist;
    }

    it('runs it on the repo root when it can load better-sqlite3', async () => {
      // As Node (ELECTRON_RUN_AS_NODE) it is node itself, so the native-module probe passes.
      const dist = fakeElectron(`if [ "$ELECTRON_RUN_AS_NODE" = 1 ]; then exec "${process.execPath}" "$@"; fi\necho "FAKE-ELECTRON $*"`);
      const started = startApp({ ELECTRON_OVERRIDE_DIST_PATH: dist });
      expect(await started.exited).toBe(0);
      expect(started.stdout().trim()).toBe(`FAKE-ELECTRON ${repo}`);
      expect(fallbackLines(started.stderr())).toEqual([]);
    }, 60_000);

    it('falls back to the browser host when better-sqlite3 is built for another ABI', async () => {
      const dist = fakeElectron(
        `if [ "$ELECTRON_RUN_AS_NODE" = 1 ]; then echo "was compiled against a different Node.js version using NODE_MODULE_VERSION 115" >&2; exit 1; fi\necho "FAKE-ELECTRON $*"`,
      );
      const started = startApp({ ELECTRON_OVERRIDE_DIST_PATH: dist });
      await waitFor(started, () => URL_LINE.test(started.stdout()));
      expect(fallbackLines(started.stderr())).toEqual([
        `Electron runtime not available (better-sqlite3 is compiled for Node, not for this Electron); starting the browser host on ${join(tmp, 'Forecast Workbench', 'workbook.sqlite')} instead.`,
      ]);
      expect(started.stdout()).not.toContain('FAKE-ELECTRON');
      killTree(started.child, 'SIGTERM');
      await started.exited;
    }, 60_000);
  });
});
