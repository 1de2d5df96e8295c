// `npm test`: every suite, each run whatever happened to the one before, and a
// non-zero exit if any of them failed. (A chain of `&&` stopped at the first
// failure, so one slow unit test hid every browser test's verdict.)
// Steps run one after another: the machines have two cores and the browser
// tests already use both. The browser tests need the build; when it fails they
// are reported as not run, which fails the command too.
//
//   npm test                 every step
//   npm test -- unit e2e     only the named steps
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSteps } from './run-steps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
// Under `npm test`, npm names its own CLI; run it with this node as npm would.
const npm = process.env.npm_execpath ? { command: process.execPath, pre: [process.env.npm_execpath] } : { command: 'npm', pre: [] };
const npmRun = (script) => ({ command: npm.command, args: [...npm.pre, 'run', '--silent', script] });

const STEPS = [
  { name: 'typecheck', label: 'type check', ...npmRun('typecheck') },
  { name: 'lint', label: 'lint', ...npmRun('lint') },
  { name: 'build', label: 'build', ...npmRun('build') },
  { name: 'unit', label: 'unit and integration tests', command: bin('vitest'), args: ['run'] },
  // Against a real PostgreSQL the tests start (Debian's server; .ci/run installs it).
  { name: 'team', label: 'team workbook tests (PostgreSQL)', command: bin('vitest'), args: ['run', '-c', 'vitest.team.config.ts'] },
  { name: 'e2e', label: 'browser tests', needs: ['build'], command: bin('vitest'), args: ['run', '-c', 'vitest.e2e.config.ts'] },
];

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !STEPS.some((s) => s.name === w));
if (unknown.length > 0) {
  process.stderr.write(`npm test: unknown step ${unknown.join(', ')} (steps: ${STEPS.map((s) => s.name).join(', ')})\n`);
  process.exit(2);
}
const chosen = wanted.length > 0 ? STEPS.filter((s) => wanted.includes(s.name)) : STEPS;
// A step's needs only hold it back when they were chosen and did not pass.
const steps = chosen.map((s) => ({ ...s, needs: (s.needs ?? []).filter((n) => chosen.some((c) => c.name === n)) }));
const { ok } = runSteps(steps, { cwd: root });
process.exit(ok ? 0 : 1);
