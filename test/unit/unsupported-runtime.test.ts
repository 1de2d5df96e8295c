// A clumsy start: fwb run by a Node older than the project's, or with an SQLite engine
// (better-sqlite3's compiled addon) built for another Node. Each gets a sentence saying
// what to do, no stack trace, exit 1, and no file left behind at --db.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../helpers/workbook';

const ROOT = join(import.meta.dirname, '..', '..');

describe('fwb under a Node older than the project’s', () => {
  const t = tempDir('fwb-old-node-');
  afterAll(() => t.cleanup());
  // Node's version as fwb reads it, set before fwb's first line runs.
  const pretend = (version: string) => {
    const file = join(t.dir, `node-${version}.cjs`);
    writeFileSync(file, `Object.defineProperty(process.versions, 'node', { value: ${JSON.stringify(version)} });\n`);
    return file;
  };
  const fwbAs = (version: string, ...args: string[]) =>
    spawnSync(process.execPath, ['-r', pretend(version), join(ROOT, 'bin', 'fwb.cjs'), ...args], { encoding: 'utf8', cwd: ROOT });

  it.each(['20.11.0', '22.12.0', '18.19.1'])('Node %s: a sentence naming the Node needed and the way to it, exit 1, no file at --db', (version) => {
    const db = join(t.dir, `wb-${version}.sqlite`);
    const r = fwbAs(version, 'demo', '--db', db);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`fwb needs Node 22.13 or newer (22 or 24); this is Node ${version}, and nothing was done.`);
    expect(r.stderr).toContain('. scripts/node-lts.sh');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
    expect(existsSync(db)).toBe(false);
  });

  it('Node 22.13 and later run', () => {
    for (const version of ['22.13.0', '24.1.0']) {
      const r = fwbAs(version, '--help');
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/fwb demo --db FILE/);
    }
  });
});

describe('an SQLite engine built for another Node', () => {
  const t = tempDir('fwb-addon-');
  afterAll(() => t.cleanup());
  afterEach(() => {
    vi.doUnmock('better-sqlite3');
    vi.resetModules();
  });

  /** What Node throws when the addon was compiled for another Node (its words, its code). */
  const mismatch = () =>
    Object.assign(
      new Error(
        "The module '/x/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 127. This version of Node.js requires\nNODE_MODULE_VERSION 115. Please try re-compiling or re-installing\nthe module (for instance, using `npm rebuild` or `npm install`).",
      ),
      { code: 'ERR_DLOPEN_FAILED' },
    );
  /** The backend's modules, fresh, with better-sqlite3 failing to load as it does under another Node. */
  const withFailingEngine = async () => {
    vi.resetModules();
    vi.doMock('better-sqlite3', () => ({
      default: class {
        constructor() {
          throw mismatch();
        }
      },
    }));
    const { openWorkbook } = await import('../../electron/backend/db/open');
    const { openInProcess, BackendStartError } = await import('../../electron/backend/in-process');
    return { openWorkbook, openInProcess, BackendStartError };
  };

  it('a new workbook: nothing is left at the path, and the refusal is a sentence that says what to do', async () => {
    const { openWorkbook, openInProcess, BackendStartError } = await withFailingEngine();
    const path = join(t.dir, 'new.sqlite');
    await expect(openWorkbook(path)).rejects.toMatchObject({ code: 'ERR_DLOPEN_FAILED' });
    expect(existsSync(path)).toBe(false);

    const refused = await openInProcess({ dbPath: path, access: 'write' }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(BackendStartError);
    const error = (refused as InstanceType<typeof BackendStartError>).error;
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toContain(`built for another version of Node than this one (${process.versions.node})`);
    expect(error.message).toContain('npm rebuild better-sqlite3');
    expect(error.message).not.toContain('NODE_MODULE_VERSION');
    expect(existsSync(path)).toBe(false);
  });

  it('an empty file that was there before is left there', async () => {
    const { openWorkbook } = await withFailingEngine();
    const path = join(t.dir, 'empty-before.sqlite');
    writeFileSync(path, '');
    await expect(openWorkbook(path)).rejects.toMatchObject({ code: 'ERR_DLOPEN_FAILED' });
    expect(existsSync(path)).toBe(true);
  });

  it('an existing workbook is left as it was', async () => {
    const path = join(t.dir, 'existing.sqlite');
    // A real workbook, made before the engine "fails".
    const { openWorkbook: openForReal } = await import('../../electron/backend/db/open');
    (await openForReal(path)).close();
    const before = readFileSync(path);
    const { openInProcess } = await withFailingEngine();
    for (const access of ['write', 'read'] as const) {
      await expect(openInProcess({ dbPath: path, access })).rejects.toMatchObject({ error: { code: 'BACKEND_UNAVAILABLE' } });
    }
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(existsSync(`${path}-wal`) || existsSync(`${path}-shm`)).toBe(false);
  });
});
