// Replays the push bench's day pull (Pat's fwb sync of 5,000 decisions and an actuals month)
// from the state `BENCH_TEAM_DAY_KEEP=DIR node scripts/bench/team.mjs push` kept:
//   node scripts/bench/team-day-replay.mjs DIR PGDIR LABEL N [prof]
// PGDIR is the server's folder the bench printed; each run makes database fwb_push again from
// template fwb_push_day, copies Pat's replica to DIR/out-LABEL-i.sqlite and times fwb sync on it
// (prof: with --cpu-prof into DIR/prof-LABEL). ROOT runs another checkout's fwb (a build before).
// The copy is a new file, so its open runs SQLite's quick check, which the bench's pull skips.
// Where GNU time is, each run also prints its user and system CPU seconds.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
const root = process.env.ROOT ?? fileURLToPath(new URL('../..', import.meta.url));
const [keep, pgDir, label, nArg, prof] = process.argv.slice(2);
const url = new URL(new Database(`${keep}/pat.sqlite`, { readonly: true }).prepare('SELECT url FROM team_link').pluck().get());
const child = spawn(process.execPath, [`${root}/bin/fwb.cjs`, 'team', 'dev-server', '--dir', pgDir, '--port', url.port, '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
const admin = await new Promise((ok) => { let o = ''; child.stdout.on('data', (d) => { o += d; const l = o.split('\n').find((x) => x.startsWith('{')); if (l) ok(new URL(JSON.parse(l).url)); }); });
try {
  for (let i = 0; i < Number(nArg); i++) {
    const c = new pg.Client({ host: admin.hostname, port: Number(admin.port), user: decodeURIComponent(admin.username), password: decodeURIComponent(admin.password), database: 'postgres' });
    await c.connect();
    await c.query('DROP DATABASE IF EXISTS fwb_push');
    await c.query('CREATE DATABASE fwb_push TEMPLATE fwb_push_day');
    await c.end();
    const out = `${keep}/out-${label}-${i}.sqlite`;
    for (const s of ['', '-wal', '-shm']) rmSync(out + s, { force: true });
    copyFileSync(`${keep}/pat.sqlite`, out);
    if (existsSync(`${keep}/pat.sqlite-wal`)) copyFileSync(`${keep}/pat.sqlite-wal`, `${out}-wal`);
    const args = prof ? ['--cpu-prof', `--cpu-prof-dir=${keep}/prof-${label}`] : [];
    // GNU time's user and system CPU seconds: on a shared machine they compare builds better than the wall time.
    const node = [process.execPath, ...args, `${root}/bin/fwb.cjs`, 'sync', '--db', out, '--json'];
    const argv = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', 'cpu %U %S', ...node] : node;
    const t0 = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv.slice(1), { env: { ...process.env, PGPASSWORD: 'bench-pat-pw-4417' }, encoding: 'utf8' });
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    const j = JSON.parse(r.stdout.trim().split('\n').at(-1) || '{}');
    console.log(`${label} run ${i}: ${s.toFixed(2)} s exit ${r.status} pulled decisions ${j.pulled?.decisions} actuals ${j.pulled?.actuals} ${r.stderr.trim().slice(-300)}`);
  }
} finally {
  child.kill('SIGTERM');
  await new Promise((ok) => child.once('exit', ok));
}
