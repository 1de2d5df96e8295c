// The layers of the app, held by a test (as VS Code's code-layering rule holds its own): every import of every
// source file is an edge, and an edge outside the table below fails, naming the file and what it imported.
//   shared/   the contract and the words: imports nothing of ours, and nothing of Node (the page runs it too)
//   renderer/ the page: shared/ only
//   preload   the bridge: shared/ and Electron
//   cli, main, web: the hosts: their own folder, shared/, and the backend's one host entry
//   backend   the workbook: itself and shared/
//   team      the team workbook on PostgreSQL (electron/team): itself and shared/; the cli, the browser host and main may use it
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..', '..');
const SOURCE = /\.(ts|tsx|mts|mjs|js)$/;

/** The one backend module a host may import: it opens a workbook and answers calls, in process or in the worker. */
export const HOST_ENTRY = 'electron/backend/host-entry.ts';
/** Its in-process part alone (which it re-exports), for fwb: a command loads none of the worker host nor the file helpers. */
export const IN_PROCESS_ENTRY = 'electron/backend/in-process.ts';

type Layer = 'shared' | 'renderer' | 'preload' | 'cli' | 'main' | 'web' | 'backend' | 'team';

const LAYERS: [prefix: string, layer: Layer][] = [
  ['shared/', 'shared'],
  ['renderer/', 'renderer'],
  ['electron/preload/', 'preload'],
  ['electron/cli/', 'cli'],
  ['electron/main/', 'main'],
  ['electron/web/', 'web'],
  ['electron/backend/', 'backend'],
  ['electron/team/', 'team'],
];

const HOST_MAY_USE = (own: Layer) => (to: string, toLayer: Layer | null) => toLayer === own || toLayer === 'shared' || to === HOST_ENTRY || to === IN_PROCESS_ENTRY;

/** Which of our modules a layer may import (a repo path and its layer). */
const ALLOWED: Record<Layer, (to: string, toLayer: Layer | null) => boolean> = {
  shared: (_to, l) => l === 'shared',
  renderer: (_to, l) => l === 'renderer' || l === 'shared',
  preload: (_to, l) => l === 'preload' || l === 'shared',
  cli: (to, l) => HOST_MAY_USE('cli')(to, l) || l === 'team',
  // The desktop app runs a linked workbook's sync and File › Connect (electron/main/team-menu.ts), as the browser host does.
  main: (to, l) => HOST_MAY_USE('main')(to, l) || l === 'team',
  // The browser host runs a linked workbook's sync (electron/team/app-sync.ts), as the cli runs fwb sync.
  web: (to, l) => HOST_MAY_USE('web')(to, l) || l === 'team',
  backend: (_to, l) => l === 'backend' || l === 'shared',
  team: (_to, l) => l === 'team' || l === 'shared',
};

/** Packages (not ours) a layer may not import: Node and Electron have no place in the page's code or the shared words. */
const FORBIDDEN_PACKAGE: Partial<Record<Layer, RegExp>> = {
  shared: /^(node:|electron$|better-sqlite3$|fs$|path$|os$|child_process$|worker_threads$)/,
  renderer: /^(node:|electron$|better-sqlite3$|fs$|path$|os$|child_process$|worker_threads$)/,
  preload: /^(node:|better-sqlite3$)/,
};

function layerOf(path: string): Layer | null {
  return LAYERS.find(([prefix]) => path.startsWith(prefix))?.[1] ?? null;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(path.split(sep).join('/'));
  }
  return out;
}

/** A relative specifier as the repo path it loads (the bundler's and Node's resolution: extension, then index). */
function resolveSpecifier(from: string, spec: string): string | null {
  const base = resolve(ROOT, dirname(from), spec);
  const candidates = [base, ...['.ts', '.tsx', '.mts', '.mjs', '.js'].map((e) => base + e), ...['index.ts', 'index.tsx'].map((i) => join(base, i))];
  const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
  return found ? relative(ROOT, found).split(sep).join('/') : null;
}

/** Every static, re-exported, side-effect and dynamic import of a file, as TypeScript's own pre-processor sees them. */
function importsOf(path: string): string[] {
  const info = ts.preProcessFile(readFileSync(join(ROOT, path), 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

type Edge = { from: string; to: string };

function edges(): { ours: Edge[]; packages: Edge[]; unresolved: Edge[] } {
  const ours: Edge[] = [];
  const packages: Edge[] = [];
  const unresolved: Edge[] = [];
  for (const file of ['shared', 'renderer', 'electron'].flatMap(sourceFiles)) {
    for (const spec of importsOf(file)) {
      if (!spec.startsWith('.')) packages.push({ from: file, to: spec });
      else if (/\.(css|svg|png|html)(\?.*)?$/.test(spec) || /\?(url|raw|worker)/.test(spec)) continue; // assets, bundled by Vite
      else {
        const to = resolveSpecifier(file, spec);
        if (to) ours.push({ from: file, to });
        else unresolved.push({ from: file, to: spec });
      }
    }
  }
  return { ours, packages, unresolved };
}

describe('layering', () => {
  const { ours, packages, unresolved } = edges();

  it('sees the imports (the walk finds the edges a broken rule would be made of)', () => {
    expect(ours.length).toBeGreaterThan(500);
    expect(ours).toContainEqual({ from: 'renderer/api.ts', to: 'shared/contract.ts' });
    expect(existsSync(join(ROOT, HOST_ENTRY))).toBe(true);
    expect(existsSync(join(ROOT, IN_PROCESS_ENTRY))).toBe(true);
    expect(unresolved).toEqual([]);
  });

  it('holds: every edge between our modules is one the table allows', () => {
    const broken = ours
      .filter(({ from, to }) => {
        const layer = layerOf(from);
        return layer !== null && !ALLOWED[layer](to, layerOf(to));
      })
      .map(({ from, to }) => `${from} imports ${to}`);
    expect(broken).toEqual([]);
  });

  it('keeps Node and Electron out of the page and the shared words', () => {
    const broken = packages
      .filter(({ from, to }) => {
        const rule = FORBIDDEN_PACKAGE[layerOf(from) ?? 'backend'];
        return rule !== undefined && rule.test(to);
      })
      .map(({ from, to }) => `${from} imports ${to}`);
    expect(broken).toEqual([]);
  });

  it('would fail on a forbidden edge (the rule table is not vacuous)', () => {
    expect(ALLOWED.renderer('electron/backend/api.ts', 'backend')).toBe(false);
    expect(ALLOWED.shared('renderer/api.ts', 'renderer')).toBe(false);
    expect(ALLOWED.cli('electron/backend/db/open.ts', 'backend')).toBe(false);
    expect(ALLOWED.cli(HOST_ENTRY, 'backend')).toBe(true);
    expect(ALLOWED.main('electron/cli/main.ts', 'cli')).toBe(false);
    expect(ALLOWED.backend('electron/main/ipc.ts', 'main')).toBe(false);
    expect(ALLOWED.team('electron/backend/db/open.ts', 'backend')).toBe(false);
    expect(ALLOWED.cli('electron/team/init.ts', 'team')).toBe(true);
    expect(ALLOWED.web('electron/team/app-sync.ts', 'team')).toBe(true);
    expect(ALLOWED.renderer('electron/team/app-sync.ts', 'team')).toBe(false);
    expect(FORBIDDEN_PACKAGE.renderer?.test('node:fs')).toBe(true);
  });
});
