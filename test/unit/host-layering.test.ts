// One way in (issue 13): the desktop shell, the browser host and fwb reach the
// backend through its host entry only (electron/backend/host-entry.ts), never its
// internals; fwb's commands come in through its client (electron/cli/client.ts).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ELECTRON = resolve(import.meta.dirname, '..', '..', 'electron');
const BACKEND = join(ELECTRON, 'backend');
const HOST_ENTRY = join(BACKEND, 'host-entry.ts');

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (/\.(ts|mts|mjs)$/.test(name)) yield path;
  }
}

/** The backend modules a module imports (statically, dynamically, as types or re-exports), as absolute paths. */
function backendImportsOf(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of code.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)'(\.\.?\/[^']+)'/g)) {
    const target = resolve(dirname(file), m[1]!);
    const hit = [target, `${target}.ts`, `${target}.mjs`, join(target, 'index.ts')].find((p) => existsSync(p) && statSync(p).isFile()) ?? target;
    if (hit.startsWith(`${BACKEND}/`)) found.push(hit);
  }
  return found;
}

function reachesPast(host: string): string[] {
  const out: string[] = [];
  for (const file of sources(join(ELECTRON, host))) {
    for (const target of backendImportsOf(file)) if (target !== HOST_ENTRY) out.push(`${relative(ELECTRON, file)} → ${relative(ELECTRON, target)}`);
  }
  return out;
}

describe('hosts reach the backend through its host entry only', () => {
  it.each(['main', 'web', 'cli'])('electron/%s imports no backend module but host-entry.ts', (host) => {
    expect(reachesPast(host)).toEqual([]);
  });

  it('the scan sees imports (it would name one that went around)', () => {
    // The host entry itself reaches into the backend: the scan finds that.
    expect(backendImportsOf(HOST_ENTRY).length).toBeGreaterThan(3);
  });
});
