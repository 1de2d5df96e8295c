// Runs fwb as a person would, with no password in its arguments: the password goes in
// through the environment (PGPASSWORD) or standard input, as the README tells people to.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
export const FWB = join(ROOT, 'bin', 'fwb.cjs');

export interface FwbRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function fwb(args: string[], options: { password?: string; input?: string; env?: Record<string, string> } = {}): FwbRun {
  const env: Record<string, string | undefined> = { ...process.env, PGPASSFILE: '/nonexistent/pgpass', ...options.env };
  if (options.password !== undefined) env.PGPASSWORD = options.password;
  else delete env.PGPASSWORD;
  const run = spawnSync(process.execPath, [FWB, ...args], { encoding: 'utf8', cwd: ROOT, env, input: options.input ?? '' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** What a person must never see: a stack trace, or any of the secrets. */
export function expectNoLeak(run: FwbRun, secrets: string[]): string[] {
  const out = `${run.stdout}\n${run.stderr}`;
  const problems: string[] = [];
  if (/^\s+at .+:\d+:\d+\)?$/m.test(out)) problems.push('a stack trace');
  for (const s of secrets) if (out.includes(s)) problems.push(`the secret "${s}"`);
  return problems;
}
