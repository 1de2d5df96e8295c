// Runs test steps one after another, each whatever happened to the one before
// (unless a step it needs failed), and says which failed. `npm test` uses it so
// that one failing suite never hides another suite's verdict.
import { spawnSync } from 'node:child_process';

/**
 * @typedef {{ name: string, label: string, command: string, args: string[], needs?: string[] }} Step
 * @param {Step[]} steps
 * @param {{ cwd: string, log?: (line: string) => void, stdio?: 'inherit' | 'ignore' }} options
 * @returns {{ outcome: Map<string, 'passed' | 'failed' | 'not run'>, ok: boolean }}
 */
export function runSteps(steps, { cwd, log = (line) => process.stderr.write(`${line}\n`), stdio = 'inherit' }) {
  const outcome = new Map();
  for (const step of steps) {
    const failedNeeds = (step.needs ?? []).filter((n) => outcome.get(n) !== 'passed');
    if (failedNeeds.length > 0) {
      outcome.set(step.name, 'not run');
      continue;
    }
    const started = Date.now();
    log(`\n── ${step.label} ──`);
    const result = spawnSync(step.command, step.args, { cwd, stdio });
    if (result.error) log(`${step.command}: ${result.error.message}`);
    const ok = result.status === 0;
    outcome.set(step.name, ok ? 'passed' : 'failed');
    log(`── ${step.label}: ${ok ? 'passed' : 'FAILED'} in ${Math.round((Date.now() - started) / 1000)} s ──`);
  }
  log('\nSummary');
  for (const step of steps) {
    const result = outcome.get(step.name);
    if (result === undefined) continue;
    const why = result === 'not run' ? ` (needs ${step.needs.join(', ')}, which did not pass)` : '';
    log(`  ${result === 'passed' ? 'ok    ' : 'FAILED'}  ${step.label}: ${result}${why}`);
  }
  const ok = [...outcome.values()].every((r) => r === 'passed');
  log(ok ? 'All suites passed.' : 'Some suites failed: see above.');
  return { outcome, ok };
}
