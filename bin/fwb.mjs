#!/usr/bin/env node
// fwb, the command line. Runs the bundle `npm run build` makes (out/cli) when it
// is newer than every source file; otherwise the TypeScript sources through tsx,
// so it also works right after `npm install` and while sources are being edited.
import { readFileSync, statSync } from 'node:fs';
import module from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Each fwb command is a process of its own: Node (22.1+) keeps the compiled bundle in its
// compile cache, so later calls skip compiling it again (absent on older Node: no cache).
module.enableCompileCache?.();
// Everything fwb creates holds the plan: private to the user (files 0600, folders 0700),
// also while a file is still being written under its temporary name.
if (process.platform !== 'win32') process.umask(0o077);
const bundle = join(root, 'out', 'cli', 'main.js');

/** Whether the bundle is newer than every file it was built from (the build lists them in out/cli/sources.json). */
function bundleIsCurrent() {
  const built = statSync(bundle, { throwIfNoEntry: false });
  if (!built) return false;
  let sources;
  try {
    sources = JSON.parse(readFileSync(join(root, 'out', 'cli', 'sources.json'), 'utf8'));
  } catch {
    return false;
  }
  // A source gone or changed since means the sources are what to run. A new file counts
  // once a listed one imports it, which changes that one.
  return sources.every((source) => (statSync(join(root, source), { throwIfNoEntry: false })?.mtimeMs ?? Infinity) <= built.mtimeMs);
}

let runCli;
if (bundleIsCurrent()) {
  process.env.FWB_PARSE_WORKER = join(root, 'out', 'cli', 'parse-worker.js');
  ({ runCli } = await import('../out/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ runCli } = await import('../electron/cli/main.ts'));
}
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
