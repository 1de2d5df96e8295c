// Bundles the command line into out/cli with esbuild (part of `npm run build`):
// `fwb` then starts in a fifth of the time tsx needs to compile the sources on
// every run. bin/fwb.mjs uses the bundle only while it is newer than the sources.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

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
  // Dependencies (better-sqlite3's native module above all) load from node_modules as usual.
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
