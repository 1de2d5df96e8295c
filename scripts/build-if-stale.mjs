// Rebuilds out/ with electron-vite when any source is newer than the last build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['renderer', 'shared', 'electron/main', 'electron/preload', 'electron/backend', 'electron.vite.config.ts', 'package.json'];
const STAMP = join(root, 'out', 'renderer', 'index.html');

function newestMtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function ensureBuilt() {
  const builtAt = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
  const sourcesAt = Math.max(...SOURCES.map((s) => join(root, s)).filter(existsSync).map(newestMtime));
  if (builtAt >= sourcesAt) return;
  process.stderr.write('Building the app (electron-vite build)…\n');
  const bin = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite');
  const result = spawnSync(bin, ['build'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) {
    process.stderr.write('The build failed; see above.\n');
    process.exit(1);
  }
}
