// Bench section "team" (issue 15 item 7): a team workbook on a real PostgreSQL this
// section starts (fwb team dev-server, electron/team/local-server.ts, in a folder under
// /tmp) and stops. The analyst imports the bench's 1 M-line forecast file and publishes
// it (fwb team join of that workbook); a planner's empty workbook then pulls it (fwb
// team join of a new file), timed against the local `fwb import` of the same file:
// target ≤ 2×, peak memory reported. The push figures need `fwb sync` (decisions push
// and pull), which is not in this branch yet: they are printed as not measured.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_ORIGIN, writeForecastCsv } from './forecast-csv.mjs';
import { fmtMb, fmtSeconds, median, timed, which } from './measure.mjs';

const BAR = 2.0;
const PASSWORD = { al: 'bench-al-pw-4417', pat: 'bench-pat-pw-4417' };

/** Are PostgreSQL's server binaries on this machine (where local-server.ts looks for them)? */
export function postgresPresent() {
  if (process.env.FWB_PG_BIN) return existsSync(join(process.env.FWB_PG_BIN, 'pg_ctl'));
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian) && readdirSync(debian).some((v) => existsSync(join(debian, v, 'bin', 'pg_ctl')))) return true;
  return which('pg_ctl') !== null;
}

function removeDb(path) {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}

/** `fwb team dev-server` in the background: resolves once it prints its URL; stop() ends it (SIGTERM: a fast shutdown). */
function startServer(root, dir) {
  const child = spawn(process.execPath, [join(root, 'bin', 'fwb.mjs'), 'team', 'dev-server', '--dir', dir, '--json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise((done) => child.once('exit', done));
  const ready = new Promise((done, fail) => {
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) done(JSON.parse(line));
    });
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (code) => fail(new Error(`fwb team dev-server stopped (exit ${code}): ${err.trim()}`)));
  });
  return {
    ready,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function fwbRun(root, args, { env = {}, input = '' } = {}) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'fwb.mjs'), ...args], { cwd: root, env: { ...process.env, ...env }, input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`fwb ${args.slice(0, 2).join(' ')} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim()}`);
  return r;
}

const NOT_MEASURED = [
  'push 10,000 decisions (target ≤ 3 s)',
  '20 planners × 500 decisions at once (none lost, none duplicated, p95 push latency)',
  'incremental pull after a day of team work: 5,000 decisions, one actuals month (target ≤ 1 s)',
];

export async function teamSection({ root, tmp, runs, log }) {
  if (!postgresPresent()) {
    const why = 'team: not run — no PostgreSQL server binaries on this machine (apt-get install postgresql, or FWB_PG_BIN).';
    log(why);
    return { rows: [], summary: [why], ok: true };
  }
  log('team: bundling the command line (scripts/build-cli.mjs) …');
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0) throw new Error('scripts/build-cli.mjs failed');

  // Directly under /tmp: as root the server runs as the postgres OS user, which must reach its folder.
  const pgDir = mkdtempSync('/tmp/fwb-bench-pg-');
  const server = startServer(root, pgDir);
  try {
    const { url: adminUrlWithPassword } = await server.ready;
    const admin = new URL(adminUrlWithPassword);
    const adminEnv = { PGPASSWORD: decodeURIComponent(admin.password) };
    admin.password = '';
    const memberUrl = (login) => {
      const u = new URL(admin.toString());
      u.username = login;
      return u.toString();
    };
    log(`team: PostgreSQL at ${admin} (data in ${pgDir})`);
    fwbRun(root, ['team', 'init', '--url', admin.toString()], { env: adminEnv });
    fwbRun(root, ['team', 'add-user', '--url', admin.toString(), '--user', 'al', '--name', 'Al Analyst', '--role', 'analyst', '--password-stdin'], { env: adminEnv, input: `${PASSWORD.al}\n` });
    fwbRun(root, ['team', 'add-user', '--url', admin.toString(), '--user', 'pat', '--name', 'Pat Planner', '--role', 'planner', '--password-stdin'], { env: adminEnv, input: `${PASSWORD.pat}\n` });

    const csv = join(tmp, 'team-forecasts-1m.csv');
    log('team: writing the 1 M-line CSV …');
    const lines = await writeForecastCsv(csv);
    const M = `${lines / 1e6}M`;

    const imports = [];
    const pulls = [];
    const analystDb = join(tmp, 'team-analyst.sqlite');
    let published = null;
    // Alternating the two sides spreads any background load over both.
    for (let i = 0; i < runs; i++) {
      const db = i === 0 ? analystDb : join(tmp, 'team-import.sqlite');
      removeDb(db);
      const imp = timed(process.execPath, [join(root, 'bin', 'fwb.mjs'), 'import', '--db', db, '--kind', 'forecasts', '--model', 'Bench', '--origin', BENCH_ORIGIN, '--create-items', '--json', csv], { cwd: root, tmp, node: true });
      if (imp.status !== 0) throw new Error(`fwb import failed (exit ${imp.status}): ${imp.stderr.trim() || imp.stdout.trim()}`);
      imports.push(imp);
      log(`team: fwb import run ${i + 1}: ${fmtSeconds(imp.seconds)} (${fmtMb(imp.peakMb)})`);
      if (i === 0) {
        const pub = timed(process.execPath, [join(root, 'bin', 'fwb.mjs'), 'team', 'join', '--db', analystDb, '--url', memberUrl('al'), '--json'], { cwd: root, tmp, node: true, env: { PGPASSWORD: PASSWORD.al } });
        if (pub.status !== 0) throw new Error(`fwb team join (publish) failed (exit ${pub.status}): ${pub.stderr.trim() || pub.stdout.trim()}`);
        const out = JSON.parse(pub.stdout.trim().split('\n').at(-1));
        if (out.how !== 'published' || out.published.lines !== lines) throw new Error(`the analyst's workbook was not published whole: ${pub.stdout.trim()}`);
        published = pub;
        log(`team: publication (fwb team join of the analyst's workbook): ${fmtSeconds(pub.seconds)} (${fmtMb(pub.peakMb)})`);
      }
      const replica = join(tmp, 'team-replica.sqlite');
      removeDb(replica);
      const pull = timed(process.execPath, [join(root, 'bin', 'fwb.mjs'), 'team', 'join', '--db', replica, '--url', memberUrl('pat'), '--json'], { cwd: root, tmp, node: true, env: { PGPASSWORD: PASSWORD.pat } });
      if (pull.status !== 0) throw new Error(`fwb team join (pull) failed (exit ${pull.status}): ${pull.stderr.trim() || pull.stdout.trim()}`);
      const out = JSON.parse(pull.stdout.trim().split('\n').at(-1));
      if (out.pulled?.forecast_lines !== lines) throw new Error(`the planner's workbook did not pull every line: ${pull.stdout.trim()}`);
      pulls.push(pull);
      log(`team: pull run ${i + 1} (fwb team join of an empty workbook): ${fmtSeconds(pull.seconds)} (${fmtMb(pull.peakMb)})`);
    }

    const impS = median(imports.map((r) => r.seconds));
    const impMb = median(imports.map((r) => r.peakMb ?? 0)) || null;
    const pullS = median(pulls.map((r) => r.seconds));
    const pullMb = median(pulls.map((r) => r.peakMb ?? 0)) || null;
    const ratio = pullS / impS;
    const ok = ratio <= BAR;
    const pairs = pulls.map((r, i) => `${(r.seconds / imports[i].seconds).toFixed(2)}×`).join(', ');
    const rows = [
      { what: `team ${M} lines: fwb import (local)`, seconds: impS, peakMb: impMb },
      { what: `team ${M} lines: pull into an empty replica`, seconds: pullS, peakMb: pullMb },
      { what: `team ${M} lines: first publication (1 run)`, seconds: published.seconds, peakMb: published.peakMb },
    ];
    const summary = [
      `team pull ${M} lines: fwb team join of an empty workbook ${fmtSeconds(pullS)} (${fmtMb(pullMb)}) vs local fwb import ${fmtSeconds(impS)} (${fmtMb(impMb)}) → ${ratio.toFixed(2)}× (target ≤ ${BAR.toFixed(1)}×: ${ok ? 'met' : 'TOO SLOW'}; run by run ${pairs}); first publication ${fmtSeconds(published.seconds)} (${fmtMb(published.peakMb)})`,
      ...NOT_MEASURED.map((what) => `team ${what}: not measured yet (needs fwb sync, which pushes decisions)`),
    ];
    return { rows, summary, ok };
  } finally {
    await server.stop();
    rmSync(pgDir, { recursive: true, force: true });
  }
}
