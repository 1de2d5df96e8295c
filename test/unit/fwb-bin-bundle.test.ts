// bin/fwb.cjs runs the bundle only while it is current: newer than every file the
// build lists as its sources (out/cli/sources.json). Otherwise, and whenever the
// list is missing or a listed file is gone, it runs the TypeScript sources, so an
// edit is never answered by an older build. Checked on a copy of the bin in a
// folder of its own, with a bundle and sources that only say which of them ran.
// The bundle's compiled code is kept beside it after a call (one cache per
// command), for the next call to skip compiling what it runs.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/workbook';

const ROOT = join(import.meta.dirname, '..', '..');
const SAYS = (who: string) => `export async function runCli() { process.stdout.write(${JSON.stringify(who)}); return 0; }\n`;
/** The bundle is CommonJS (scripts/build-cli.mjs): bin/fwb.cjs compiles it itself, to keep its compiled code. */
const BUNDLE_SAYS = (who: string) => `exports.runCli = async function runCli() { process.stdout.write(${JSON.stringify(who)}); return 0; };\n`;

describe('bin/fwb.cjs: the bundle while it is current, the sources otherwise', () => {
  const t = tempDir('fwb-bin-');
  const at = (...parts: string[]) => join(t.dir, ...parts);
  const sources = ['package.json', 'electron/cli/main.ts', 'shared/words.ts'];
  /** Sets a file's modification time, in seconds from now. */
  const age = (path: string, seconds: number) => {
    const when = new Date(Date.now() + seconds * 1000);
    utimesSync(path, when, when);
  };
  const fwb = (...args: string[]) => spawnSync(process.execPath, [at('bin', 'fwb.cjs'), ...args], { encoding: 'utf8', cwd: t.dir });
  /** The old name, kept as an alias of the command. */
  const fwbMjs = (...args: string[]) => spawnSync(process.execPath, [at('bin', 'fwb.mjs'), ...args], { encoding: 'utf8', cwd: t.dir });
  const caches = () => readdirSync(at('out', 'cli')).filter((f) => f.endsWith('.cache'));

  beforeAll(() => {
    for (const dir of ['bin', 'out/cli', 'electron/cli', 'shared']) mkdirSync(at(dir), { recursive: true });
    for (const bin of ['fwb.cjs', 'fwb.mjs']) copyFileSync(join(ROOT, 'bin', bin), at('bin', bin));
    // tsx, for the sources, from the project's own packages.
    symlinkSync(join(ROOT, 'node_modules'), at('node_modules'), 'dir');
    writeFileSync(at('package.json'), '{ "type": "module" }\n');
    writeFileSync(at('electron', 'cli', 'main.ts'), SAYS('sources'));
    writeFileSync(at('shared', 'words.ts'), 'export const WORD = 1;\n');
    writeFileSync(at('out', 'cli', 'main.cjs'), BUNDLE_SAYS('bundle'));
    writeFileSync(at('out', 'cli', 'sources.json'), JSON.stringify(sources));
  });
  afterAll(() => t.cleanup());

  /** Every listed source an hour old, the bundle a minute old: a current build. */
  function currentBuild() {
    for (const s of sources) age(at(s), -3600);
    age(at('out', 'cli', 'main.cjs'), -60);
  }

  it('runs the bundle when every listed source is older than it', () => {
    currentBuild();
    const r = fwb();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('bundle');
  });

  it('runs the sources when a listed source changed after the build', () => {
    currentBuild();
    age(at('shared', 'words.ts'), -10);
    expect(fwb().stdout).toBe('sources');
  });

  it('is the package\'s command, and bin/fwb.mjs, its old name, runs the same', () => {
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).bin).toEqual({ fwb: 'bin/fwb.cjs' });
    currentBuild();
    const r = fwbMjs();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('bundle');
    age(at('shared', 'words.ts'), -10);
    expect(fwbMjs().stdout).toBe('sources');
  });

  it('runs the sources when a listed source is gone, or the list is', () => {
    currentBuild();
    rmSync(at('shared', 'words.ts'));
    expect(fwb().stdout).toBe('sources');
    writeFileSync(at('shared', 'words.ts'), 'export const WORD = 1;\n');
    currentBuild();
    expect(fwb().stdout).toBe('bundle');
    rmSync(at('out', 'cli', 'sources.json'));
    expect(fwb().stdout).toBe('sources');
    writeFileSync(at('out', 'cli', 'sources.json'), JSON.stringify(sources));
  });

  it("keeps the bundle's compiled code per command for the next call, and replaces a damaged cache instead of trusting it", () => {
    currentBuild();
    for (const f of caches()) rmSync(at('out', 'cli', f));
    expect(fwb('accuracy').stdout).toBe('bundle');
    const [accuracy, ...others] = caches();
    expect(others).toEqual([]);
    expect(accuracy).toMatch(/^main\.cjs\.accuracy\./);
    const kept = readFileSync(at('out', 'cli', accuracy!));
    expect(kept.length).toBeGreaterThan(0);
    // The next call of the same command reads it and leaves it as it is; another command keeps its own.
    expect(fwb('accuracy').stdout).toBe('bundle');
    expect(readFileSync(at('out', 'cli', accuracy!)).equals(kept)).toBe(true);
    expect(fwb('export').stdout).toBe('bundle');
    expect(caches().filter((f) => f.startsWith('main.cjs.export.'))).toHaveLength(1);
    // A damaged cache: V8 refuses it, the call compiles the bundle and writes a sound one.
    writeFileSync(at('out', 'cli', accuracy!), Buffer.alloc(kept.length, 7));
    const r = fwb('accuracy');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('bundle');
    const rewritten = readFileSync(at('out', 'cli', accuracy!));
    expect(rewritten.equals(Buffer.alloc(kept.length, 7))).toBe(false);
    // Sound: the call after accepts it and leaves it be.
    expect(fwb('accuracy').stdout).toBe('bundle');
    expect(readFileSync(at('out', 'cli', accuracy!)).equals(rewritten)).toBe(true);
  });

  it('writes no cache for the sources, nor for a command name that is not one', () => {
    currentBuild();
    for (const f of caches()) rmSync(at('out', 'cli', f));
    expect(fwb('../../x').stdout).toBe('bundle');
    expect(caches()).toEqual([]);
    age(at('shared', 'words.ts'), -10);
    expect(fwb('accuracy').stdout).toBe('sources');
    expect(caches()).toEqual([]);
  });
});

describe('the built bundle (npm run build, which npm test runs first)', () => {
  it('has no import() left: a function V8 brings back from a command’s code cache could not run one', () => {
    const bundle = join(ROOT, 'out', 'cli', 'main.cjs');
    const code = readFileSync(bundle, 'utf8');
    expect(code.length).toBeGreaterThan(100_000);
    // What esbuild writes for a lazy import of a package or of Node's modules when import() is allowed.
    expect(code.match(/\bimport\(["'`][^"'`]+["'`]\)/g) ?? []).toEqual([]);
  });

  it('names no function at load: esbuild\'s keepNames helper (a defineProperty per function, some 1 700 a call) is not in it', () => {
    const code = readFileSync(join(ROOT, 'out', 'cli', 'main.cjs'), 'utf8');
    expect(code.match(/"name",\{value:[\w$]+,configurable:!0\}/g) ?? []).toEqual([]);
  });
});
