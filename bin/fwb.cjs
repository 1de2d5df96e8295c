#!/usr/bin/env node
// fwb, the command line. Runs the bundle `npm run build` makes (out/cli) when it
// is newer than every source file; otherwise the TypeScript sources through tsx,
// so it also works right after `npm install` and while sources are being edited.
// CommonJS, like the bundle: Node starts a CommonJS entry without its ES module
// loader (some 7 ms of every call; bin/fwb.mjs is an alias for old habits).
'use strict';
// A Node older than the project's (package.json engines) would fail further on, in words about modules
// and addons or with a stack trace: first a sentence that says which Node is needed and how to get it.
{
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 13)) {
    process.stderr.write(
      `fwb needs Node 22.13 or newer (22 or 24); this is Node ${process.versions.node}, and nothing was done. In the project's folder, \`. scripts/node-lts.sh\` puts the Node it names on the PATH (fetched from the npm registry); then run fwb again.\n`,
    );
    process.exit(1);
  }
}
const { readFileSync, renameSync, statSync, writeFileSync } = process.getBuiltinModule('node:fs');
const module_ = process.getBuiltinModule('node:module');
const { join } = process.getBuiltinModule('node:path');
const vm = process.getBuiltinModule('node:vm');

const root = join(__dirname, '..');
// Node (22.1+) keeps what it compiles of the packages fwb requires and, without a current
// bundle, of the sources; the bundle keeps its own cache (runBundle), so with it Node's is
// turned on by the first package required (requireTurningOnCompileCache): a command that
// requires none (fwb accuracy) spares its start (~0.7 ms). Absent on older Node.
const enableCompileCache = () => module_.enableCompileCache?.();
// Everything fwb creates holds the plan: private to the user (files 0600, folders 0700),
// also while a file is still being written under its temporary name.
if (process.platform !== 'win32') process.umask(0o077);
const cliDir = join(root, 'out', 'cli');
const bundle = join(cliDir, 'main.cjs');

/** The bundle's stat when it is newer than every file it was built from (the build lists them in out/cli/sources.json), else null. */
function currentBundle() {
  const built = statSync(bundle, { throwIfNoEntry: false });
  if (!built) return null;
  let sources;
  try {
    sources = JSON.parse(readFileSync(join(cliDir, 'sources.json'), 'utf8'));
  } catch {
    return null;
  }
  // A source gone or changed since means the sources are what to run. A new file counts
  // once a listed one imports it, which changes that one. (Plain concatenation: path.join
  // on each of ~250 listed files cost more than their stats.)
  const base = `${root}/`;
  return sources.every((source) => (statSync(base + source, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) <= built.mtimeMs) ? built : null;
}

/** The bundle's `require`: Node's own for it, which turns Node's compile cache on before the first package loads (not for Node's modules nor a compiled addon such as better-sqlite3's, which it does not compile). */
function requireTurningOnCompileCache(from) {
  const require_ = module_.createRequire(from);
  let cacheOn = false;
  return (id) => {
    if (!cacheOn && !module_.isBuiltin(id) && !id.endsWith('.node')) {
      cacheOn = true;
      enableCompileCache();
    }
    return require_(id);
  };
}

/**
 * Runs the CommonJS bundle with V8's code cache of what this command ran last time.
 * Each fwb command is a process of its own, and Node's own compile cache keeps only
 * what V8 compiles up front (the file's top level), so every function a call runs
 * would be compiled again on every call. The cache is taken after the command has
 * run, so it holds those functions; one per command (what `accuracy` runs is not
 * what `import` runs), named by Node's version and the bundle's size and time, so
 * a rebuilt bundle or another Node never meets an old one (V8 refuses a damaged
 * one, which is then written again). Where out/cli cannot be written, no cache.
 */
async function runBundle(built, argv) {
  process.env.FWB_PARSE_WORKER = join(cliDir, 'parse-worker.js');
  const command = /^[a-z][a-z-]{0,31}$/.test(argv[0] ?? '') ? argv[0] : null;
  const cachePath = command && join(cliDir, `main.cjs.${command}.${process.version}-${process.arch}.${built.size}-${Math.trunc(built.mtimeMs)}.cache`);
  let cachedData;
  try {
    if (cachePath) cachedData = readFileSync(cachePath);
  } catch {
    // No cache yet: this call writes it.
  }
  // Read as latin1, which for ASCII is the same text without UTF-8's decoding (the read alone: 6.3 ms and
  // 500 fresh pages against 9.9 ms and 680): the build makes the bundle ASCII and refuses one that is not.
  const script = new vm.Script(module_.wrap(readFileSync(bundle, 'latin1')), {
    filename: bundle,
    cachedData,
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const loaded = { exports: {} };
  script.runInThisContext().call(loaded.exports, loaded.exports, requireTurningOnCompileCache(bundle), loaded, bundle, cliDir);
  // Its output goes straight to the process's descriptors (cli/io.ts, processIo), not through process.stdout.
  const code = await loaded.exports.runCli(argv);
  if (cachePath && (cachedData === undefined || script.cachedDataRejected)) {
    try {
      const temporary = `${cachePath}.${process.pid}.tmp`;
      writeFileSync(temporary, script.createCachedData());
      renameSync(temporary, cachePath);
    } catch {
      // A folder fwb may not write (an install of another user's): calls compile as they go.
    }
  }
  return code;
}

async function main(argv) {
  const built = currentBundle();
  if (built) return runBundle(built, argv);
  enableCompileCache();
  const { register } = await import('tsx/esm/api');
  register();
  const { runCli } = await import('../electron/cli/main.ts');
  return runCli(argv);
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
