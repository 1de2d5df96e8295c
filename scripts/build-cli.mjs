// Bundles the command line into out/cli with esbuild (part of `npm run build`):
// `fwb` then starts in a fifth of the time tsx needs to compile the sources on
// every run. bin/fwb.cjs uses the bundle only while it is newer than the sources.
//
// Each fwb call is a process of its own, so what it loads is start-up time. The
// bundle is one file per entry (main.cjs, and parse-worker.js for the import's
// reading thread): Node 20 loads an ES module in a series of asynchronous steps
// (resolve, read, compile, link), and one file of ~1 MB starts some 100 ms sooner
// than the fifty-odd chunks code splitting made for one `fwb accuracy`. The
// bundle keeps the sources' laziness all the same: a module behind a dynamic
// import (each command, each API handler) runs only when first called. Packages
// and Node's modules are required at that moment too, rather than imported at
// the top of the file, where ES modules would load every one of them on every
// start (exceljs, ECharts, the CSV libraries for `fwb accuracy`). In the CommonJS
// main.cjs that is esbuild's own way with them; the plugin below makes it so in the
// worker's ES module.
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** Dependencies bundled into out/cli rather than loaded from node_modules: every command validates with zod. */
const BUNDLED = new Set(['zod']);
const EXTERNAL = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((name) => !BUNDLED.has(name));
const isExternal = (specifier) => specifier.startsWith('node:') || EXTERNAL.some((name) => specifier === name || specifier.startsWith(`${name}/`));

/**
 * Each import of a package or of a Node module becomes a small CommonJS module in
 * the bundle that requires it; esbuild runs that module when the module importing
 * it first runs, so the package loads then, not at start. (An ES import of it would
 * be hoisted to the top of the file.) Through require, a package with both builds
 * gives its CommonJS one (ECharts' dist/echarts.js, csv-stringify's dist/cjs):
 * the same release of the same code.
 */
const requiredWhenUsed = {
  name: 'required-when-used',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (!isExternal(args.path)) return undefined;
      return args.namespace === 'required-when-used' ? { path: args.path, external: true } : { path: args.path, namespace: 'required-when-used' };
    });
    b.onLoad({ filter: /.*/, namespace: 'required-when-used' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

// Nothing of an earlier layout (its chunks folder) stays behind to be mistaken for this one.
rmSync(join(root, 'out', 'cli'), { recursive: true, force: true });

const shared = { absWorkingDir: root, outdir: 'out/cli', bundle: true, splitting: false, platform: 'node', target: 'node20', sourcemap: 'linked', metafile: true, logLevel: 'warning' };
// The command line is CommonJS, compiled by bin/fwb.cjs itself so that it can keep V8's
// code cache of what a command ran (Node's compile cache keeps only a file's top level).
// `import.meta.url` (the worker files' places) is the bundle's own file URL there.
// Packages and Node's modules stay plain externals: esbuild requires each where the module
// importing it first runs, and names taken from them are read off the module itself (the
// plugin's wrapper would copy every property of each, and copying node:util's loads its
// diff, whose colours make process.stderr, and with it Node's streams).
// better-sqlite3's JavaScript goes into main.cjs too (its compiled addon stays a file of its own, loaded
// by its path: db/sqlite-addon.ts): its eleven small modules cost an accuracy call more to find, read and
// link one by one than the rest of its start. Its `bindings` lookup, which fwb never takes, stays outside.
const MAIN_BUNDLED = new Set([...BUNDLED, 'better-sqlite3']);
const main = await build({
  ...shared,
  entryPoints: { main: 'electron/cli/main.ts' },
  external: [...EXTERNAL.filter((name) => !MAIN_BUNDLED.has(name)), 'bindings'].flatMap((name) => [name, `${name}/*`]),
  format: 'cjs',
  // Smaller to read and to check against its code cache on every call (0.74 MB instead of 1.2 MB);
  // main.cjs.map maps it back. Names are not kept: keeping them cost every call some 1 700
  // defineProperty calls at load, and the errors that say their name set it themselves.
  minify: true,
  outExtension: { '.js': '.cjs' },
  // No import() left in the bundle: a function V8 brings back from the code cache has lost the
  // script's dynamic-import callback (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING on the second call of
  // a command), so Node's modules and packages imported lazily are required, as the rest are.
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__fwbBundleUrl' },
  // The bundle's code is ES modules' (strict), so the directive comes before the banner's line.
  banner: { js: "'use strict';\nconst __fwbBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
// The import's reading thread: an ES module a Worker starts by its path.
const worker = await build({
  ...shared,
  entryPoints: { 'parse-worker': 'electron/backend/imports/read/parse-worker.ts' },
  plugins: [requiredWhenUsed],
  format: 'esm',
  // The `require` the modules above call: Node's own, for this file.
  banner: { js: "import { createRequire as __fwbCreateRequire } from 'node:module';\nconst require = __fwbCreateRequire(import.meta.url);" },
});
// bin/fwb.cjs reads main.cjs as latin1, the same text as UTF-8 only while every byte is ASCII (esbuild's
// default charset writes any other character as an escape): a bundle that is not would garble fwb's messages.
const mainBytes = readFileSync(join(root, 'out', 'cli', 'main.cjs'));
const notAscii = mainBytes.findIndex((byte) => byte > 0x7f);
if (notAscii !== -1) throw new Error(`out/cli/main.cjs has a byte that is not ASCII at offset ${notAscii}: bin/fwb.cjs reads it as latin1, so keep esbuild's charset 'ascii'.`);
const metafile = { inputs: { ...main.metafile.inputs, ...worker.metafile.inputs } };

// The files the bundle was built from, for bin/fwb.cjs to tell whether it is current with one
// look at each (a scan of the source folders took longer than the rest of its start).
const sources = Object.keys(metafile.inputs).filter((input) => !input.includes(':') && !input.startsWith('node_modules/'));
writeFileSync(join(root, 'out', 'cli', 'sources.json'), `${JSON.stringify(['package.json', ...sources.sort()], null, 0)}\n`);
