// Bench section "team" (issue 15 item 7): a team workbook on a real PostgreSQL this
// section starts (fwb team dev-server, electron/team/local-server.ts, in a folder under
// /tmp) and stops. The analyst imports the bench's 1 M-line forecast file and publishes
// it (fwb team join of that workbook); a planner's empty workbook then pulls it (fwb
// team join of a new file), timed against the local `fwb import` of the same file:
// target ≤ 2×, peak memory reported. The push figures (pushFigures below) use a second
// team in another database of the same server, made from a demo workbook, so that 22
// replicas need not each pull the 1 M lines.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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
  const child = spawn(process.execPath, [join(root, 'bin', 'fwb.cjs'), 'team', 'dev-server', '--dir', dir, '--json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
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
  const r = spawnSync(process.execPath, [join(root, 'bin', 'fwb.cjs'), ...args], { cwd: root, env: { ...process.env, ...env }, input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`fwb ${args.slice(0, 2).join(' ')} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim()}`);
  return r;
}


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
      const imp = timed(process.execPath, [join(root, 'bin', 'fwb.cjs'), 'import', '--db', db, '--kind', 'forecasts', '--model', 'Bench', '--origin', BENCH_ORIGIN, '--create-items', '--json', csv], { cwd: root, tmp, node: true });
      if (imp.status !== 0) throw new Error(`fwb import failed (exit ${imp.status}): ${imp.stderr.trim() || imp.stdout.trim()}`);
      imports.push(imp);
      log(`team: fwb import run ${i + 1}: ${fmtSeconds(imp.seconds)} (${fmtMb(imp.peakMb)})`);
      if (i === 0) {
        const pub = timed(process.execPath, [join(root, 'bin', 'fwb.cjs'), 'team', 'join', '--db', analystDb, '--url', memberUrl('al'), '--json'], { cwd: root, tmp, node: true, env: { PGPASSWORD: PASSWORD.al } });
        if (pub.status !== 0) throw new Error(`fwb team join (publish) failed (exit ${pub.status}): ${pub.stderr.trim() || pub.stdout.trim()}`);
        const out = JSON.parse(pub.stdout.trim().split('\n').at(-1));
        if (out.how !== 'published' || out.published.lines !== lines) throw new Error(`the analyst's workbook was not published whole: ${pub.stdout.trim()}`);
        published = pub;
        log(`team: publication (fwb team join of the analyst's workbook): ${fmtSeconds(pub.seconds)} (${fmtMb(pub.peakMb)})`);
      }
      const replica = join(tmp, 'team-replica.sqlite');
      removeDb(replica);
      const pull = timed(process.execPath, [join(root, 'bin', 'fwb.cjs'), 'team', 'join', '--db', replica, '--url', memberUrl('pat'), '--json'], { cwd: root, tmp, node: true, env: { PGPASSWORD: PASSWORD.pat } });
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
    ];
    const push = await pushFigures({ root, tmp, admin, adminEnv, log });
    return { rows: [...rows, ...push.rows], summary: [...summary, ...push.summary], ok: ok && push.ok };
  } finally {
    await server.stop();
    rmSync(pgDir, { recursive: true, force: true });
  }
}

const PUSH = {
  /** One planner's unsent decisions, pushed by one fwb sync (target ≤ 3 s). */
  one: 10_000,
  planners: 20,
  /** Decisions per planner pushed at once by 20 fwb sync processes. */
  each: 500,
  /** Decisions by others in a day, pulled by one fwb sync (target ≤ 1 s). */
  day: 5_000,
};
const PUSH_BAR = 3.0;
const DAY_BAR = 1.0;

/** A month of actuals for every item of a workbook, the first month of its newest run that has none yet, written as a CSV. */
function actualsMonth(dbPath, file) {
  const db = new Database(dbPath, { readonly: true });
  try {
    const period = db
      .prepare(
        `SELECT min(l.period) FROM forecast_lines l WHERE l.run_id = (SELECT max(run_id) FROM forecast_runs)
            AND NOT EXISTS (SELECT 1 FROM actuals a WHERE a.item_key = l.item_key AND a.location_key = l.location_key AND a.period = l.period AND a.superseded_at IS NULL)`,
      )
      .pluck()
      .get();
    const items = db.prepare('SELECT item_id FROM items ORDER BY item_key').pluck().all();
    const iso = `${String(period).slice(0, 4)}-${String(period).slice(4, 6)}-${String(period).slice(6, 8)}`;
    writeFileSync(file, `item_id,period,actual\n${items.map((id, i) => `${id},${iso},${10 + ((i * 37) % 90)}`).join('\n')}\n`);
    return { file, rows: items.length };
  } finally {
    db.close();
  }
}

/** The p-th percentile by nearest rank (p95 of 20 values: the 19th smallest). */
function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)];
}

/** fwb sync --json of a replica, as a child process not waited for: resolves with its wall time and answer. */
function syncAsync(root, db, password) {
  return new Promise((done, fail) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [join(root, 'bin', 'fwb.cjs'), 'sync', '--db', db, '--json'], { cwd: root, env: { ...process.env, PGPASSWORD: password }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (code !== 0) fail(new Error(`fwb sync --db ${db} failed (exit ${code}): ${err.trim()}`));
      else done({ seconds, out: JSON.parse(out.trim().split('\n').at(-1)) });
    });
  });
}

/**
 * The push figures of issue 15 item 7, on a team of its own (database fwb_push of the same
 * server, `scale` shrinks it for a quick look): Pat pushes 10,000 decisions in one fwb sync;
 * 20 planners push 500 each at once (20 fwb sync processes on 20 replicas, each deciding its
 * own lines), counted on the server by uuid; then, after a day's 5,000 decisions by others and
 * the analyst's actuals month (imported into the analyst's replica, published by its sync),
 * Pat's incremental pull, and the accuracy update after it timed on its own. Decisions are made through the API (team-decide-probe.mjs).
 */
export async function pushFigures({ root, tmp, admin, adminEnv, log, scale = Number(process.env.BENCH_TEAM_PUSH_SCALE ?? 1) }) {
  const n = Object.fromEntries(Object.entries(PUSH).map(([k, v]) => [k, k === 'planners' ? v : Math.max(1, Math.round(v * scale))]));
  // The demo gives each item five open lines past the freeze in its newest run.
  const items = Math.ceil(Math.max(n.one, n.planners * n.each) / 5) + 50;
  const dbUrl = (login) => {
    const u = new URL(admin.toString());
    u.username = login;
    u.pathname = '/fwb_push';
    return u.toString();
  };
  const asAdmin = (database) => new pg.Client({ host: admin.hostname, port: Number(admin.port), user: decodeURIComponent(admin.username), password: adminEnv.PGPASSWORD, database });
  const adminClient = asAdmin(admin.pathname.replace(/^\//, '') || 'postgres');
  await adminClient.connect();
  try {
    await adminClient.query('DROP DATABASE IF EXISTS fwb_push');
    await adminClient.query('CREATE DATABASE fwb_push');
  } finally {
    await adminClient.end();
  }
  const pw = (login) => `bench-${login}-pw-4417`;
  const planners = Array.from({ length: n.planners }, (_, i) => `p${String(i + 1).padStart(2, '0')}`);
  const adminPushUrl = dbUrl(admin.username);
  fwbRun(root, ['team', 'init', '--url', adminPushUrl], { env: adminEnv });
  for (const [login, role] of [['al', 'analyst'], ['pat', 'planner'], ...planners.map((p) => [p, 'planner'])]) {
    fwbRun(root, ['team', 'add-user', '--url', adminPushUrl, '--user', login, '--name', login, '--role', role, '--password-stdin'], { env: adminEnv, input: `${pw(login)}\n` });
  }
  const dbOf = (login) => join(tmp, `team-push-${login}.sqlite`);
  for (const login of ['al', 'pat', ...planners]) removeDb(dbOf(login));
  log(`team push: a demo workbook of ${items} items, published, and ${n.planners + 1} replicas joined …`);
  fwbRun(root, ['demo', '--db', dbOf('al'), '--items', String(items), '--months', '36', '--seed', '7']);
  fwbRun(root, ['team', 'join', '--db', dbOf('al'), '--url', dbUrl('al')], { env: { PGPASSWORD: pw('al') } });
  const probe = join(root, 'scripts', 'bench', 'team-decide-probe.mjs');
  const decide = (login, mode, offset, count, percent) => {
    const r = spawnSync(process.execPath, [probe, dbOf(login), mode, String(offset), String(count), String(percent ?? 0)], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`deciding on ${login}'s replica failed: ${(r.stderr || r.stdout).trim()}`);
    const { decided } = JSON.parse(r.stdout.trim().split('\n').at(-1));
    if (decided !== count) throw new Error(`${login}'s replica decided ${decided} lines, not ${count}`);
  };
  const syncTimed = (login) => {
    const r = timed(process.execPath, [join(root, 'bin', 'fwb.cjs'), 'sync', '--db', dbOf(login), '--json'], { cwd: root, tmp, node: true, env: { PGPASSWORD: pw(login) } });
    if (r.status !== 0) throw new Error(`fwb sync of ${login}'s replica failed (exit ${r.status}): ${r.stderr.trim() || r.stdout.trim()}`);
    return { ...r, out: JSON.parse(r.stdout.trim().split('\n').at(-1)) };
  };

  // 1. One planner pushes 10,000 decisions made offline.
  fwbRun(root, ['team', 'join', '--db', dbOf('pat'), '--url', dbUrl('pat')], { env: { PGPASSWORD: pw('pat') } });
  decide('pat', 'accept', 0, n.one);
  const one = syncTimed('pat');
  if (one.out.pushed.decisions !== n.one || one.out.unsent.decisions !== 0 || one.out.refused.length > 0) throw new Error(`Pat's push did not send every decision: ${one.stdout.trim()}`);
  log(`team push: ${n.one} decisions in one fwb sync: ${fmtSeconds(one.seconds)} (${fmtMb(one.peakMb)})`);

  // 2. 20 planners, 500 decisions each on lines of their own, push at once.
  for (const [i, p] of planners.entries()) {
    fwbRun(root, ['team', 'join', '--db', dbOf(p), '--url', dbUrl(p)], { env: { PGPASSWORD: pw(p) } });
    // join pulls the data; a sync then brings the journal (Pat's decisions), so the overrides are no conflicts.
    syncTimed(p);
    decide(p, 'override', i * n.each, n.each, 3);
  }
  const server = asAdmin('fwb_push');
  await server.connect();
  let together;
  let counted;
  try {
    const start = process.hrtime.bigint();
    together = await Promise.all(planners.map((p) => syncAsync(root, dbOf(p), pw(p))));
    const wall = Number(process.hrtime.bigint() - start) / 1e9;
    counted = (await server.query(`SELECT decided_by AS login, count(*)::int AS n, count(DISTINCT uuid)::int AS uuids FROM fwb.decisions WHERE decided_by <> 'pat' GROUP BY decided_by`)).rows;
    together.wall = wall;
  } finally {
    await server.end();
  }
  const perLogin = new Map(counted.map((r) => [r.login, r]));
  const lost = planners.reduce((k, p) => k + Math.max(0, n.each - (perLogin.get(p)?.uuids ?? 0)), 0);
  const twice = counted.reduce((k, r) => k + (r.n - r.uuids), 0) + counted.reduce((k, r) => k + Math.max(0, r.uuids - n.each), 0);
  const unsent = together.reduce((k, t) => k + t.out.unsent.decisions, 0);
  const latencies = together.map((t) => t.seconds);
  const p95 = percentile(latencies, 95);
  log(`team push: ${n.planners} × ${n.each} at once: p95 ${fmtSeconds(p95)}, max ${fmtSeconds(Math.max(...latencies))}, all done in ${fmtSeconds(together.wall)}; lost ${lost}, twice ${twice}, unsent ${unsent}`);

  // 3. A day of team work by others, then Pat's incremental pull.
  syncTimed('pat');
  const dayPlanners = planners.slice(0, Math.ceil(n.day / n.each));
  for (const [i, p] of dayPlanners.entries()) {
    decide(p, 'override', i * n.each, Math.min(n.each, n.day - i * n.each), 4);
    syncTimed(p);
  }
  // The day's actuals month: the analyst imports it into the replica and the next sync publishes it (a later publication).
  const month = actualsMonth(dbOf('al'), join(tmp, 'team-push-actuals-month.csv'));
  fwbRun(root, ['import', '--db', dbOf('al'), '--kind', 'actuals', month.file]);
  const published = syncTimed('al');
  if (published.out.publications?.[0]?.status !== 'published') throw new Error(`The analyst's actuals month was not published: ${published.stdout.trim()}`);
  // BENCH_TEAM_DAY_KEEP=DIR keeps the state before the day's pull, to replay it: Pat's replica
  // copied there and the team database as template fwb_push_day (the server's folder is kept too).
  if (process.env.BENCH_TEAM_DAY_KEEP) {
    const keep = process.env.BENCH_TEAM_DAY_KEEP;
    mkdirSync(keep, { recursive: true });
    for (const suffix of ['', '-wal']) if (existsSync(dbOf('pat') + suffix)) copyFileSync(dbOf('pat') + suffix, join(keep, 'pat.sqlite' + suffix));
    const c = asAdmin(admin.pathname.replace(/^\//, '') || 'postgres');
    await c.connect();
    try {
      await c.query('DROP DATABASE IF EXISTS fwb_push_day');
      await c.query('CREATE DATABASE fwb_push_day TEMPLATE fwb_push');
    } finally {
      await c.end();
    }
    log(`team push: the state before the day's pull kept in ${keep} and database fwb_push_day`);
  }
  const day = syncTimed('pat');
  if (day.out.pulled.decisions !== n.day) throw new Error(`Pat's pull after the day got ${day.out.pulled.decisions} decisions, not ${n.day}: ${day.stdout.trim()}`);
  if (day.out.pulled.actuals !== month.rows) throw new Error(`Pat's pull after the day got ${day.out.pulled.actuals} actuals, not the month's ${month.rows}: ${day.stdout.trim()}`);
  log(`team push: Pat's pull of the day's ${n.day} decisions and ${month.rows} actuals: ${fmtSeconds(day.seconds)} (${fmtMb(day.peakMb)})`);
  // The accuracy update the new month brings (the scale issue's incremental cube), timed on its own after the pull.
  const acc = timed(process.execPath, [join(root, 'bin', 'fwb.cjs'), 'accuracy', '--db', dbOf('pat'), '--json'], { cwd: root, tmp, node: true });
  if (acc.status !== 0) throw new Error(`fwb accuracy on Pat's replica failed (exit ${acc.status}): ${acc.stderr.trim()}`);
  log(`team push: Pat's accuracy update after the pull: ${fmtSeconds(acc.seconds)} (${fmtMb(acc.peakMb)})`);

  const oneOk = one.seconds <= PUSH_BAR;
  const togetherOk = lost === 0 && twice === 0 && unsent === 0;
  const dayOk = day.seconds <= DAY_BAR;
  const k = (x) => x.toLocaleString('en-US');
  return {
    rows: [
      { what: `team push ${k(n.one)} decisions (one fwb sync)`, seconds: one.seconds, peakMb: one.peakMb },
      { what: `team ${n.planners} × ${k(n.each)} decisions at once: p95`, seconds: p95, peakMb: null },
      { what: `team pull of a day's ${k(n.day)} decisions and an actuals month`, seconds: day.seconds, peakMb: day.peakMb },
      { what: 'team accuracy update after that pull (fwb accuracy)', seconds: acc.seconds, peakMb: acc.peakMb },
    ],
    summary: [
      `team push ${k(n.one)} decisions: one fwb sync (push, then pull of its own answers) ${fmtSeconds(one.seconds)} (${fmtMb(one.peakMb)}) (target ≤ ${PUSH_BAR.toFixed(1)} s: ${oneOk ? 'met' : 'TOO SLOW'})`,
      `team ${n.planners} planners × ${k(n.each)} decisions at once (${n.planners} fwb sync processes): ${lost} lost, ${twice} twice, ${unsent} unsent (target none: ${togetherOk ? 'met' : 'MISSED'}); push latency p95 ${fmtSeconds(p95)}, max ${fmtSeconds(Math.max(...latencies))}, all in ${fmtSeconds(together.wall)}`,
      `team incremental pull after a day (${k(n.day)} decisions by others and the analyst's actuals month of ${k(month.rows)} values, published by a later publication): fwb sync ${fmtSeconds(day.seconds)} (target ≤ ${DAY_BAR.toFixed(1)} s: ${dayOk ? 'met' : 'TOO SLOW'}), plus the accuracy update (fwb accuracy) ${fmtSeconds(acc.seconds)}`,
    ],
    ok: oneOk && togetherOk && dayOk,
  };
}

// `node scripts/bench/team.mjs push` runs the push figures alone on a server of their own (BENCH_TEAM_PUSH_SCALE to shrink them).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === 'push') {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const tmp = mkdtempSync('/tmp/fwb-bench-push-');
  const pgDir = mkdtempSync('/tmp/fwb-bench-pg-');
  const server = startServer(root, pgDir);
  const log = (line) => process.stderr.write(`${line}\n`);
  try {
    const { url } = await server.ready;
    const admin = new URL(url);
    const adminEnv = { PGPASSWORD: decodeURIComponent(admin.password) };
    admin.password = '';
    const out = await pushFigures({ root, tmp, admin, adminEnv, log });
    for (const s of out.summary) console.log(s);
    process.exitCode = out.ok ? 0 : 1;
  } finally {
    await server.stop();
    if (process.env.BENCH_TEAM_DAY_KEEP) log(`team push: the server's folder kept: ${pgDir}`);
    else rmSync(pgDir, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  }
}
