// Timing and peak memory of a child process, and the small statistics the
// bench reports. Peak RSS comes from GNU time (`/usr/bin/time -f %M`) when
// present, else, for node children, from a preload that records the process's
// own maxRSS at exit.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GNU_TIME = '/usr/bin/time';
const RSS_PRELOAD = fileURLToPath(new URL('./rss-preload.mjs', import.meta.url));

export function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  return null;
}

/**
 * Runs `cmd args` once; returns { seconds, peakMb, stdout, stderr, status }.
 * `node: true` marks a node child, for the RSS fallback; `env` adds to its environment.
 */
export function timed(cmd, args, { cwd, tmp, node = false, env: extraEnv = {} } = {}) {
  const gnuTime = existsSync(GNU_TIME);
  let argv = [cmd, ...args];
  const env = { ...process.env, ...extraEnv };
  const rssFile = join(tmp, `rss-${process.pid}.txt`);
  if (gnuTime) argv = [GNU_TIME, '-f', '%M', ...argv];
  else if (node) {
    argv = [cmd, '--import', RSS_PRELOAD, ...args];
    env.FWB_BENCH_RSS_FILE = rssFile;
  }
  const start = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  let stderr = r.stderr ?? '';
  let peakKb = null;
  if (gnuTime) {
    const lines = stderr.trimEnd().split('\n');
    const last = Number(lines.at(-1));
    if (Number.isFinite(last)) {
      peakKb = last;
      stderr = lines.slice(0, -1).join('\n');
    }
  } else if (node && existsSync(rssFile)) {
    peakKb = Number(readFileSync(rssFile, 'utf8'));
    rmSync(rssFile, { force: true });
  }
  if (r.error) throw r.error;
  return { seconds, peakMb: peakKb === null ? null : peakKb / 1024, stdout: r.stdout ?? '', stderr, status: r.status };
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export const fmtSeconds = (s) => `${s.toFixed(2)} s`;
export const fmtMb = (mb) => (mb === null || mb === undefined ? '—' : `${Math.round(mb)} MB`);
