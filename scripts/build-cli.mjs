// Bundles the command line into out/cli with esbuild (part of `npm run build`):
// `fwb` then starts in a fifth of the time tsx needs to compile the sources on
// every run. bin/fwb.mjs uses the bundle only while it is newer than the sources.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** Dependencies bundled into out/cli rather than loaded from node_modules. */
const BUNDLED = new Set(['zod']);

await build({
  absWorkingDir: root,
  entryPoints: { main: 'electron/cli/main.ts', 'parse-worker': 'electron/backend/imports/read/parse-worker.ts' },
  outdir: 'out/cli',
  bundle: true,
  // Commands load lazily (electron/cli/main.ts); split chunks keep that laziness.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Dependencies (better-sqlite3's native module above all) load from node_modules as usual,
  // except zod: every command validates with it, and from node_modules it is some ninety
  // files to resolve and load on each start (a tenth of a second), in the bundle one chunk.
  external: Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((name) => !BUNDLED.has(name)),
  sourcemap: 'linked',
  logLevel: 'warning',
});
