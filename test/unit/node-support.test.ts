// The Node versions we say we support (package.json engines) must satisfy every
// installed package's own engines, or `npm install` warns (EBADENGINE) on a
// version we claim works. The lockfile records each package's engines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));

describe('supported Node versions', () => {
  const pkg = read('package.json');
  const lock = read('package-lock.json');
  const ours: string = pkg.engines.node;

  it('fit every package in the lockfile (npm install is clean on them)', () => {
    const unmet = Object.entries(lock.packages as Record<string, { engines?: { node?: string } }>)
      .filter(([path, meta]) => path !== '' && meta.engines?.node && !semver.subset(ours, meta.engines.node))
      .map(([path, meta]) => `${path.replace(/^node_modules\//, '')} wants node ${meta.engines!.node}`);
    expect(unmet, `package.json says node ${ours}`).toEqual([]);
  });

  it('include the version CI installs (.nvmrc), and the lockfile agrees with package.json', () => {
    const ci = readFileSync(join(ROOT, '.nvmrc'), 'utf8').trim();
    expect(semver.satisfies(ci, ours)).toBe(true);
    expect(lock.packages[''].engines.node).toBe(ours);
  });
});
