// What `fwb accuracy` loads: only what answering needs. Each call is a process
// of its own, so every module it loads is start-up time (issue 14, target 1): the
// accuracy command must not load the import pipeline, the exports, the
// governance report, the demo recipe, nor the heavy packages (exceljs, ECharts,
// the CSV readers and writers). Node runs fwb with a hook that writes down every
// module it loads (ES modules and CommonJS alike): the sources through tsx, where
// each of our modules is a file of its own; and the fwb command as users start
// it (bin/fwb.cjs, the bundle in out/cli when current), where the bundle must
// keep the packages to the commands that use them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/backend/api';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

const ROOT = join(import.meta.dirname, '..', '..');
/** Where the machine has it (not on CI's): the files a process opens. */
const STRACE = '/usr/bin/strace';

/** Our modules the accuracy command has no use for (repo path prefixes). */
const NOT_OURS_TO_LOAD = [
  'electron/backend/imports/handlers',
  'electron/backend/imports/import-file',
  'electron/backend/imports/undo',
  'electron/backend/imports/read/parse/',
  'electron/backend/imports/read/batch-stream',
  'electron/backend/imports/read/reader-thread',
  'electron/backend/imports/validate/',
  'electron/backend/imports/commit/committer',
  'electron/backend/exports/handlers',
  'electron/backend/exports/write-',
  'electron/backend/governance/',
  'electron/backend/demo/',
  'electron/backend/review/worklist',
  'electron/backend/decisions/decide',
  'electron/cli/commands/import',
  'electron/cli/commands/export',
  // The whole contract: an accuracy call is validated with its own schemas (shared/contract-accuracy.ts).
  'shared/contract.ts',
  // The hosts' file helpers and the worker host: fwb's backend runs in its own thread (backend/in-process.ts).
  'electron/backend/host-entry.ts',
  'electron/backend/worker/host.ts',
  'electron/backend/imports/staging.ts',
  'electron/backend/exports/folder.ts',
  'electron/backend/db/restore-files.ts',
];
/** Node's modules only other work needs: the staging's streams, hashing and random ids (checked as installed: tsx itself loads them). */
const NOT_NODES_TO_LOAD = ['node:stream', 'node:stream/promises', 'node:crypto'];
/** Node's ES module loader at work (an ES module entry runs these; a CommonJS one does not). */
const ES_LOADER_STAGES = ['internal/modules/esm/resolve', 'internal/modules/esm/load', 'internal/modules/esm/translators', 'internal/modules/esm/module_job'];
/** Packages only other commands use. */
const HEAVY_PACKAGES = ['exceljs', 'echarts', 'papaparse', 'csv-stringify', 'csv-parse'];

/**
 * Hooks in Node's module loaders that append each module's file to the file
 * FWB_TEST_MODULE_LOG names: ES modules as they load, CommonJS as required (Node's
 * own modules by their node: names).
 */
const HOOKS = `import { appendFileSync } from 'node:fs';
export async function load(url, context, nextLoad) {
  const loaded = await nextLoad(url, context);
  appendFileSync(process.env.FWB_TEST_MODULE_LOG, url + '\\n');
  return loaded;
}
`;
const REGISTER = (hooks: string) => `import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import { pathToFileURL } from 'node:url';
register(${JSON.stringify(pathToFileURL(hooks).href)});
const load = Module._load;
Module._load = function (request, parent, isMain) {
  const exported = load.call(this, request, parent, isMain);
  try {
    appendFileSync(process.env.FWB_TEST_MODULE_LOG, (request.startsWith('node:') ? request : pathToFileURL(Module._resolveFilename(request, parent, isMain)).href) + '\\n');
  } catch {}
  return exported;
};
`;
/** fwb from its TypeScript sources, as bin/fwb.cjs runs them when there is no current bundle. */
const FROM_SOURCES = `import { runCli } from ${JSON.stringify(pathToFileURL(join(ROOT, 'electron', 'cli', 'main.ts')).href)};
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
`;

/** A loaded module's file as a repo path (node_modules/… for packages). */
const repoPath = (url: string) => (url.startsWith('file:') ? relative(ROOT, fileURLToPath(url)).split(sep).join('/') : url);
const packagesIn = (files: string[]) => HEAVY_PACKAGES.filter((name) => files.some((f) => f.startsWith(`node_modules/${name}/`)));

describe('fwb accuracy loads only what it answers with', () => {
  const t = tempDir('fwb-accuracy-modules-');
  let path: string;
  const hooks = join(t.dir, 'hooks.mjs');
  const register = join(t.dir, 'register.mjs');
  const fromSources = join(t.dir, 'fwb-from-sources.mjs');

  beforeAll(async () => {
    path = join(t.dir, 'demo.sqlite');
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    generateDemo(db, { items: 40, seed: 5 });
    // The cube brought current, as after the app's first look: the command then answers from a read-only look.
    const r = await dispatch({ db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir }, 'getAccuracySlice', { by: 'category', metric: 'wape', filter: {} });
    expect(r.ok).toBe(true);
    db.close();
    writeFileSync(hooks, HOOKS);
    writeFileSync(register, REGISTER(hooks));
    writeFileSync(fromSources, FROM_SOURCES);
  });
  afterAll(() => t.cleanup());

  let calls = 0;
  /** The files (repo paths) one fwb call loaded, with its exit status: `node ...nodeArgs ...args`. */
  function loadedBy(nodeArgs: string[], args: string[]): { status: number | null; stderr: string; files: string[] } {
    const log = join(t.dir, `modules-${++calls}.log`);
    writeFileSync(log, '');
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, ...nodeArgs, ...args], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, FWB_TEST_MODULE_LOG: log } });
    const files = [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean).map(repoPath))];
    return { status: r.status, stderr: r.stderr, files };
  }
  const sources = (...args: string[]) => loadedBy(['--import', 'tsx/esm', fromSources], args);
  const asInstalled = (...args: string[]) => loadedBy([join(ROOT, 'bin', 'fwb.cjs')], args);

  it.each([
    ['a slice', ['--by', 'planner']],
    ['the stairstep', ['--stairstep']],
  ])('%s, from the sources: the accuracy engine and the workbook, not the import pipeline, the exports nor the heavy packages', (_what, args) => {
    const { status, stderr, files } = sources('accuracy', '--db', path, '--json', ...args);
    expect(status, stderr).toBe(0);
    // The hook sees what the command runs on (so an empty list cannot pass for a slim one).
    expect(files).toEqual(expect.arrayContaining(['electron/cli/commands/accuracy.ts', 'electron/backend/in-process.ts', 'electron/backend/accuracy/handlers.ts', 'shared/contract-accuracy.ts']));
    expect(files.some((f) => f.startsWith('node_modules/better-sqlite3/'))).toBe(true);
    expect(files.filter((f) => NOT_OURS_TO_LOAD.some((prefix) => f.startsWith(prefix))).sort()).toEqual([]);
    expect(packagesIn(files)).toEqual([]);
    expect(files.filter((f) => f.startsWith('node_modules/bindings/'))).toEqual([]);
  });

  it('as installed (bin/fwb.cjs): the packages of other commands stay unloaded', () => {
    const { status, stderr, files } = asInstalled('accuracy', '--db', path, '--json', '--by', 'reason');
    expect(status, stderr).toBe(0);
    expect(files.some((f) => f.startsWith('node_modules/better-sqlite3/'))).toBe(true);
    expect(packagesIn(files)).toEqual([]);
    // better-sqlite3's addon by its path (db/sqlite-addon.ts), not found by the bindings package's trial requires,
    // and its JavaScript from the bundle (scripts/build-cli.mjs), not module by module from node_modules.
    expect(files).toContain('node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    expect(files.filter((f) => f.startsWith('node_modules/bindings/'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('node_modules/better-sqlite3/lib/'))).toEqual([]);
    expect(files).toContain('node:fs');
    expect(files.filter((f) => NOT_NODES_TO_LOAD.includes(f))).toEqual([]);
    // From the bundle (under `npm test`, built first), which bin/fwb.cjs compiles itself (to keep its code cache):
    // no file of out/cli is a module load of its own (a chunk would be, scripts/build-cli.mjs).
    expect(files.filter((f) => f.startsWith('out/cli/'))).toEqual([]);
  });

  /** The workbook files (the workbook itself, its -wal and -shm) one call opened, in order, as strace saw them. */
  function workbookOpens(args: string[]): { status: number | null; stderr: string; opens: string[] } {
    const log = join(t.dir, `strace-${++calls}.log`);
    const r = spawnSync(STRACE, ['-f', '-qq', '-e', 'trace=openat', '-o', log, process.execPath, join(ROOT, 'bin', 'fwb.cjs'), ...args], { encoding: 'utf8', cwd: ROOT });
    const opens = readFileSync(log, 'utf8')
      .split('\n')
      .map((line) => /openat\([^,]+, "([^"]+)"/.exec(line)?.[1])
      .filter((file): file is string => file !== undefined && file.startsWith(path))
      .map((file) => file.slice(path.length) || 'workbook');
    return { status: r.status, stderr: r.stderr, opens };
  }

  it.skipIf(!existsSync(STRACE))('as installed: the look opens the workbook once (no separate probe of its version), and once more only to tidy the -wal and -shm it made', () => {
    const { status, stderr, opens } = workbookOpens(['accuracy', '--db', path, '--json', '--by', 'planner']);
    expect(status, stderr).toBe(0);
    expect(opens.filter((file) => file === 'workbook')).toHaveLength(2);
    // The strace log would show more: the look made the side files, so the tidying opened the workbook too.
    expect(opens).toContain('-wal');
  });

  /** Node's own internal modules one process loaded (process.moduleLoadList at its exit), without loader hooks: their thread loads Node's streams itself. */
  function nodeInternals(args: string[]): { status: number | null; stderr: string; internals: string[] } {
    const list = join(t.dir, `internals-${++calls}.txt`);
    const preload = join(t.dir, 'internals.cjs');
    writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join('\\n')));\n`);
    const r = spawnSync(process.execPath, ['--require', preload, ...args], { encoding: 'utf8', cwd: ROOT });
    const internals = readFileSync(list, 'utf8').split('\n').filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length));
    return { status: r.status, stderr: r.stderr, internals };
  }
  /** Node's stream modules a process loaded beyond those every Node process loads (`node -e 0`). */
  const streams = (internals: string[]) => {
    const always = new Set(nodeInternals(['-e', '0']).internals);
    return internals.filter((m) => m.startsWith('internal/streams/') && !always.has(m));
  };

  it("as installed: not even Node's streams (the answer goes straight to standard output; worker threads and hashing load when used)", () => {
    const { status, stderr, internals } = nodeInternals([join(ROOT, 'bin', 'fwb.cjs'), 'accuracy', '--db', path, '--json', '--by', 'category']);
    expect(status, stderr).toBe(0);
    expect(internals).toContain('internal/util/parse_args/parse_args');
    expect(streams(internals)).toEqual([]);
    expect(internals.filter((m) => m === 'worker_threads' || m === 'crypto')).toEqual([]);
    // The list would show them: a process that makes its standard output a stream loads them.
    expect(streams(nodeInternals(['-e', 'process.stdout.write("")']).internals).length).toBeGreaterThan(0);
  });

  /** The stages of Node's ES module loader (resolving, loading, translating, linking) a process ran. */
  const esLoaderStages = (internals: string[]) => internals.filter((m) => ES_LOADER_STAGES.includes(m));
  it("as installed: a CommonJS entry, so Node never starts its ES module loader (some 7 ms of every call)", () => {
    const { status, stderr, internals } = nodeInternals([join(ROOT, 'bin', 'fwb.cjs'), 'accuracy', '--db', path, '--json', '--stairstep']);
    expect(status, stderr).toBe(0);
    expect(internals).toContain('internal/util/parse_args/parse_args');
    expect(esLoaderStages(internals)).toEqual([]);
    // The list would show them: an ES module entry (the old name, bin/fwb.mjs, an alias) runs them.
    const alias = nodeInternals([join(ROOT, 'bin', 'fwb.mjs'), 'accuracy', '--db', path, '--json', '--stairstep']);
    expect(alias.status, alias.stderr).toBe(0);
    expect(esLoaderStages(alias.internals).length).toBeGreaterThan(0);
  });

  it("as installed: Node's compile cache is turned on by the first package a command requires, so not by fwb accuracy", () => {
    // Node puts its compile cache under the temporary folder as it turns it on.
    const cacheMadeBy = (name: string, args: string[]) => {
      const tmp = join(t.dir, `tmp-${name}`);
      mkdirSync(tmp);
      const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'fwb.cjs'), ...args], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, TMPDIR: tmp } });
      expect(r.status, r.stderr).toBe(0);
      return existsSync(join(tmp, 'node-compile-cache'));
    };
    expect(cacheMadeBy('accuracy', ['accuracy', '--db', path, '--json', '--by', 'planner'])).toBe(false);
    // An export to XLSX requires exceljs, which Node then compiles from its cache.
    expect(cacheMadeBy('export', ['export', '--db', path, '--what', 'accuracy', '--by', 'planner', '--format', 'xlsx', '--out', join(t.dir, 'compile-cache.xlsx')])).toBe(true);
  });

  it('the hooks would see them: an export to XLSX loads exceljs, and from the sources the exports', () => {
    const fromSources = sources('export', '--db', path, '--what', 'accuracy', '--by', 'planner', '--format', 'xlsx', '--out', join(t.dir, 'from-sources.xlsx'));
    expect(fromSources.status, fromSources.stderr).toBe(0);
    expect(packagesIn(fromSources.files)).toContain('exceljs');
    expect(fromSources.files).toContain('electron/backend/exports/handlers.ts');
    const installed = asInstalled('export', '--db', path, '--what', 'accuracy', '--by', 'planner', '--format', 'xlsx', '--out', join(t.dir, 'as-installed.xlsx'));
    expect(installed.status, installed.stderr).toBe(0);
    expect(packagesIn(installed.files)).toContain('exceljs');
  });
});
