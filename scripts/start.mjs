// `npm start`: builds out/ if stale, then runs the desktop app. When the Electron
// runtime is not on this machine (it is downloaded on first launch, and some
// machines cannot), starts the browser host on the same workbook instead, saying
// so in one line on stderr.
//
// Environment:
//   FWB_NO_ELECTRON_DOWNLOAD=1  never try to fetch the Electron runtime
//   FWB_NO_OPEN=1               the browser host does not open a browser
//   FWB_SKIP_BUILD=1            skip the build check (tests only)
//   ELECTRON_OVERRIDE_DIST_PATH an unpacked Electron to use (as the electron package honours it)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './build-if-stale.mjs';
import { PRODUCT_NAME, defaultWorkbookPath } from './user-data-path.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = join(root, 'node_modules', 'electron');
const DOWNLOAD_TIMEOUT_MS = 60_000;

const firstLine = (text) =>
  String(text ?? '')
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '')
    ?.slice(0, 160) ?? '';

const platformExecutable = () =>
  process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : process.platform === 'win32' ? 'electron.exe' : 'electron';

/** Where the electron package would look for its binary, without its index.js (which downloads). */
function electronExecutable() {
  let relative = '';
  try {
    relative = readFileSync(join(electronDir, 'path.txt'), 'utf8').trim();
  } catch {
    // no path.txt: the binary was never fetched
  }
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) return join(override, relative || 'electron');
  return join(electronDir, 'dist', relative || platformExecutable());
}

/** Runs the electron package's own installer once; resolves to a reason on failure, null on success. */
function fetchElectron() {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(electronDir, 'install.js')], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    // Say something only if it is really downloading; a quick failure stays quiet.
    const notice = setTimeout(() => process.stderr.write('Fetching the Electron runtime (once)…\n'), 3000);
    const timeout = setTimeout(() => {
      child.kill();
      resolve(`download timed out after ${DOWNLOAD_TIMEOUT_MS / 1000} s`);
    }, DOWNLOAD_TIMEOUT_MS);
    const done = (reason) => {
      clearTimeout(notice);
      clearTimeout(timeout);
      resolve(reason);
    };
    child.on('error', (err) => done(`download failed: ${err.message}`));
    child.on('exit', (code) => done(code === 0 ? null : `download failed: ${firstLine(stderr) || `exit code ${code}`}`));
  });
}

/** Can this Electron load better-sqlite3? A Node-built binary has the wrong ABI. */
function probeNativeModules(executable) {
  const result = spawnSync(executable, ['-e', "const D = require('better-sqlite3'); new D(':memory:').close()"], {
    cwd: root,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.status === 0) return null;
  const text = `${result.stderr ?? ''}${result.error?.message ?? ''}`;
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(text)) {
    return 'better-sqlite3 is compiled for Node, not for this Electron';
  }
  return `Electron did not run: ${firstLine(text) || `exit code ${result.status}`}`;
}

async function findElectron() {
  if (!existsSync(join(electronDir, 'package.json'))) return { reason: 'the electron package is not installed' };
  let executable = electronExecutable();
  if (!existsSync(executable)) {
    if (process.env.FWB_NO_ELECTRON_DOWNLOAD === '1') return { reason: 'not downloaded, and FWB_NO_ELECTRON_DOWNLOAD=1' };
    const failure = await fetchElectron();
    executable = electronExecutable();
    if (!existsSync(executable)) return { reason: failure ?? `no binary at ${executable}` };
  }
  const unusable = probeNativeModules(executable);
  return unusable ? { reason: unusable } : { executable };
}

function runElectron(executable) {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  // Electron reads package.json "main" (out/main/index.js) from the folder it is given.
  const child = spawn(executable, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

async function runBrowserHost(reason) {
  let productName = PRODUCT_NAME;
  try {
    productName = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).productName || PRODUCT_NAME;
  } catch {
    // keep the default
  }
  const dbPath = defaultWorkbookPath({ productName });
  process.stderr.write(`Electron runtime not available (${reason}); starting the browser host on ${dbPath} instead.\n`);
  mkdirSync(dirname(dbPath), { recursive: true, mode: 0o700 }); // the plan is private to its user
  // What scripts/web.mjs does, minus its build check (done above).
  const { register } = await import('tsx/esm/api');
  register();
  const open = process.env.FWB_NO_OPEN === '1' ? [] : ['--open'];
  process.argv = [process.argv[0], join(root, 'scripts', 'web.mjs'), '--db', dbPath, '--seed-demo-if-empty', ...open];
  await import('../electron/web/main.ts');
}

if (process.env.FWB_SKIP_BUILD !== '1') ensureBuilt();
const electron = await findElectron();
if (electron.executable) runElectron(electron.executable);
else await runBrowserHost(electron.reason);
