#!/usr/bin/env node
// fwb, the command line. Runs the bundle `npm run build` makes (out/cli) when it
// is newer than every source file; otherwise the TypeScript sources through tsx,
// so it also works right after `npm install` and while sources are being edited.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Everything fwb creates holds the plan: private to the user (files 0600, folders 0700),
// also while a file is still being written under its temporary name.
if (process.platform !== 'win32') process.umask(0o077);
const bundle = join(root, 'out', 'cli', 'main.js');

function newerThan(path, time) {
  const st = statSync(path);
  if (st.mtimeMs > time) return true;
  return st.isDirectory() && readdirSync(path).some((entry) => newerThan(join(path, entry), time));
}

function bundleIsCurrent() {
  if (!existsSync(bundle)) return false;
  const builtAt = statSync(bundle).mtimeMs;
  return !['electron/cli', 'electron/backend', 'electron/team', 'shared', 'package.json'].some((p) => newerThan(join(root, p), builtAt));
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
