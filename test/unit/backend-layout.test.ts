// The backend's modules stay where a newcomer looks for them (issue 13.3):
// electron/backend/README.md names every folder and every top-level module and
// nothing that is gone; the demo recipe is a leaf production code never reaches
// into (only the seeding is called from outside it); the import pipeline's
// modules depend on each other one way, with no loop, type imports included.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const BACKEND = resolve(import.meta.dirname, '..', '..', 'electron', 'backend');

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (/\.(ts|mjs)$/.test(name)) yield path;
  }
}

function* folders(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      yield path;
      yield* folders(path);
    }
  }
}

/** The backend modules a module imports (statically, dynamically or as types), as absolute paths. */
function importsOf(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of code.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)'(\.\.?\/[^']+)'/g)) {
    const target = resolve(dirname(file), m[1]!);
    const hit = [target, `${target}.ts`, `${target}.mjs`].find((p) => existsSync(p) && statSync(p).isFile());
    if (hit?.startsWith(BACKEND)) found.push(hit);
  }
  return found;
}

const rel = (path: string) => relative(BACKEND, path);

/** The paths the README's tree names: one entry a line, nested by two spaces of indentation. */
function readmeTree(): string[] {
  const text = readFileSync(join(BACKEND, 'README.md'), 'utf8');
  const block = /```\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
  const named: string[] = [];
  const parents: string[] = [];
  for (const line of block.split('\n')) {
    const m = /^( *)(\S+)/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 2;
    parents.length = depth;
    const path = [...parents, m[2]!].join('');
    named.push(path.replace(/\/$/, ''));
    if (m[2]!.endsWith('/')) parents.push(m[2]!);
  }
  return named;
}

describe('the backend layout', () => {
  it('electron/backend/README.md names every folder and top-level module, and only what exists', () => {
    const named = readmeTree();
    const topFiles = readdirSync(BACKEND).filter((n) => /\.(ts|mjs)$/.test(n));
    const expected = [...[...folders(BACKEND)].map(rel), ...topFiles];
    expect(expected.filter((p) => !named.includes(p))).toEqual([]);
    expect(named.filter((p) => !existsSync(join(BACKEND, p)))).toEqual([]);
  });

  it('nothing outside the demo recipe reaches into it but for the seeding', () => {
    const demo = join(BACKEND, 'demo') + '/';
    const reaches: string[] = [];
    for (const file of sources(BACKEND)) {
      if (file.startsWith(demo)) continue;
      for (const target of importsOf(file)) {
        if (target.startsWith(demo) && target !== join(demo, 'seed.ts')) reaches.push(`${rel(file)} → ${rel(target)}`);
      }
    }
    expect(reaches).toEqual([]);
  });

  it('the import pipeline has no loop between its modules, type imports included', () => {
    const imports = join(BACKEND, 'imports') + '/';
    const graph = new Map<string, string[]>();
    for (const file of sources(imports)) graph.set(file, importsOf(file).filter((t) => t.startsWith(imports)));
    // Depth-first search; a module met again while still on the path closes a loop.
    const loops: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      path.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open') loops.push([...path.slice(path.indexOf(next)), next].map(rel).join(' → '));
        else if (!state.has(next)) visit(next);
      }
      path.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(loops).toEqual([]);
  });
});
