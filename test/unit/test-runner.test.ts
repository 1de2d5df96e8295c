// npm test runs every suite and fails if any failed: one failing step must not
// hide the verdict of the steps after it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSteps } from '../../scripts/run-steps.mjs';
import { tempDir } from '../helpers/workbook';

const ROOT = join(import.meta.dirname, '..', '..');
const node = (code: string) => ({ command: process.execPath, args: ['-e', code] });

describe('npm test', () => {
  it('is the step runner, and the runner knows the unit, team (PostgreSQL) and browser suites', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.test).toBe('node scripts/test.mjs');
    const listed = spawnSync(process.execPath, [join(ROOT, 'scripts', 'test.mjs'), 'no-such-step'], { encoding: 'utf8' });
    expect(listed.status).toBe(2);
    expect(listed.stderr).toMatch(/steps: typecheck, lint, build, unit, team, e2e/);
    // The team suite runs with its own config, which holds the tests of test/team.
    expect(readFileSync(join(ROOT, 'vitest.team.config.ts'), 'utf8')).toMatch(/test\/team\/\*\*\/\*\.test\.ts/);
  });

  it('runs the browser suite after a failed unit suite, and fails', () => {
    const t = tempDir('fwb-steps-');
    try {
      const marker = join(t.dir, 'e2e-ran');
      const lines: string[] = [];
      const { outcome, ok } = runSteps(
        [
          { name: 'build', label: 'build', ...node('process.exit(0)') },
          { name: 'unit', label: 'unit', ...node('process.exit(1)') },
          { name: 'e2e', label: 'browser', needs: ['build'], ...node(`require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')`) },
        ],
        { cwd: t.dir, log: (l) => lines.push(l), stdio: 'ignore' },
      );
      expect(existsSync(marker)).toBe(true);
      expect(ok).toBe(false);
      expect(Object.fromEntries(outcome)).toEqual({ build: 'passed', unit: 'failed', e2e: 'passed' });
      expect(lines.join('\n')).toMatch(/FAILED {2}unit: failed/);
    } finally {
      t.cleanup();
    }
  });

  it('reports a suite whose build failed as not run, and fails', () => {
    const { outcome, ok } = runSteps(
      [
        { name: 'build', label: 'build', ...node('process.exit(3)') },
        { name: 'e2e', label: 'browser', needs: ['build'], ...node('process.exit(0)') },
      ],
      { cwd: ROOT, log: () => {}, stdio: 'ignore' },
    );
    expect(ok).toBe(false);
    expect(outcome.get('e2e')).toBe('not run');
  });
});
