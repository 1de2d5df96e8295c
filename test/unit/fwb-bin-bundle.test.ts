// bin/fwb.mjs runs the bundle only while it is current: newer than every file the
// build lists as its sources (out/cli/sources.json). Otherwise, and whenever the
// list is missing or a listed file is gone, it runs the TypeScript sources, so an
// edit is never answered by an older build. Checked on a copy of the bin in a
// folder of its own, with a bundle and sources that only say which of them ran.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/workbook';

const ROOT = join(import.meta.dirname, '..', '..');
const SAYS = (who: string) => `export async function runCli() { process.stdout.write(${JSON.stringify(who)}); return 0; }\n`;

describe('bin/fwb.mjs: the bundle while it is current, the sources otherwise', () => {
  const t = tempDir('fwb-bin-');
  const at = (...parts: string[]) => join(t.dir, ...parts);
  const sources = ['package.json', 'electron/cli/main.ts', 'shared/words.ts'];
  /** Sets a file's modification time, in seconds from now. */
  const age = (path: string, seconds: number) => {
    const when = new Date(Date.now() + seconds * 1000);
    utimesSync(path, when, when);
  };
  const fwb = () => spawnSync(process.execPath, [at('bin', 'fwb.mjs')], { encoding: 'utf8', cwd: t.dir });

  beforeAll(() => {
    for (const dir of ['bin', 'out/cli', 'electron/cli', 'shared']) mkdirSync(at(dir), { recursive: true });
    copyFileSync(join(ROOT, 'bin', 'fwb.mjs'), at('bin', 'fwb.mjs'));
    // tsx, for the sources, from the project's own packages.
    symlinkSync(join(ROOT, 'node_modules'), at('node_modules'), 'dir');
    writeFileSync(at('package.json'), '{ "type": "module" }\n');
    writeFileSync(at('electron', 'cli', 'main.ts'), SAYS('sources'));
    writeFileSync(at('shared', 'words.ts'), 'export const WORD = 1;\n');
    writeFileSync(at('out', 'cli', 'main.js'), SAYS('bundle'));
    writeFileSync(at('out', 'cli', 'sources.json'), JSON.stringify(sources));
  });
  afterAll(() => t.cleanup());

  /** Every listed source an hour old, the bundle a minute old: a current build. */
  function currentBuild() {
    for (const s of sources) age(at(s), -3600);
    age(at('out', 'cli', 'main.js'), -60);
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
});
