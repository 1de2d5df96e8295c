// Replays the team bench's 1M-line pull into an empty replica against a team kept for it, so a
// change to the pull is timed (and profiled) without the bench's setup each time:
//   node scripts/bench/team-pull-replay.mjs keep DIR            a team of its own (fwb team dev-server
//        in DIR/pg, port 55431), the bench's 1M-line file imported by the analyst and published
//   node scripts/bench/team-pull-replay.mjs run DIR LABEL N [prof]   N times fwb team join of a new
//        file DIR/rep-LABEL-i.sqlite; prints wall seconds, user and system CPU seconds and peak
//        memory (GNU time), which on a shared machine compare better than the wall time
// ROOT runs another checkout's fwb (a build before); prof: --cpu-prof into DIR/prof-LABEL.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_ORIGIN, writeForecastCsv } from './forecast-csv.mjs';

const root = process.env.ROOT ?? fileURLToPath(new URL('../..', import.meta.url));
const [mode, dir, label, nArg, prof] = process.argv.slice(2);
const PORT = '55431';
const PASSWORD = { al: 'replay-al-pw', pat: 'replay-pat-pw' };
if (!dir || (mode !== 'keep' && mode !== 'run')) {
  console.error('usage: team-pull-replay.mjs keep DIR | run DIR LABEL N [prof]');
  process.exit(2);
}
mkdirSync(dir, { recursive: true });

/** The kept team's server, started for the replay and stopped after it. */
async function withServer(work) {
  const child = spawn(process.execPath, [join(root, 'bin/fwb.cjs'), 'team', 'dev-server', '--dir', join(dir, 'pg'), '--port', PORT, '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const admin = await new Promise((ok, fail) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) ok(new URL(JSON.parse(line).url));
    });
    child.once('exit', (code) => fail(new Error(`fwb team dev-server stopped (exit ${code})`)));
  });
  try {
    return await work(admin);
  } finally {
    child.kill('SIGTERM');
    await new Promise((ok) => (child.exitCode === null ? child.once('exit', ok) : ok()));
  }
}

function fwb(args, env, input = '') {
  const r = spawnSync(process.execPath, [join(root, 'bin/fwb.cjs'), ...args], { env: { ...process.env, ...env }, input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`fwb ${args.slice(0, 2).join(' ')} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim()}`);
}

if (mode === 'keep') {
  if (existsSync(join(dir, 'pg'))) throw new Error(`${dir}/pg exists: keep into a new folder`);
  await withServer(async (admin) => {
    const adminEnv = { PGPASSWORD: decodeURIComponent(admin.password) };
    admin.password = '';
    fwb(['team', 'init', '--url', admin.toString()], adminEnv);
    fwb(['team', 'add-user', '--url', admin.toString(), '--user', 'al', '--name', 'Al Analyst', '--role', 'analyst', '--password-stdin'], adminEnv, `${PASSWORD.al}\n`);
    fwb(['team', 'add-user', '--url', admin.toString(), '--user', 'pat', '--name', 'Pat Planner', '--role', 'planner', '--password-stdin'], adminEnv, `${PASSWORD.pat}\n`);
    const csv = join(dir, 'forecasts-1m.csv');
    await writeForecastCsv(csv);
    const analyst = join(dir, 'analyst.sqlite');
    fwb(['import', '--db', analyst, '--kind', 'forecasts', '--model', 'Bench', '--origin', BENCH_ORIGIN, '--create-items', '--json', csv], {});
    const al = new URL(admin.toString());
    al.username = 'al';
    fwb(['team', 'join', '--db', analyst, '--url', al.toString(), '--json'], { PGPASSWORD: PASSWORD.al });
    writeFileSync(join(dir, 'url.txt'), admin.toString());
    console.log(`kept: the team in ${dir}/pg, the 1M lines published by al; replay with: run ${dir} LABEL N`);
  });
} else {
  const url = new URL(readFileSync(join(dir, 'url.txt'), 'utf8'));
  url.username = 'pat';
  const gnuTime = existsSync('/usr/bin/time');
  await withServer(async () => {
    for (let i = 0; i < Number(nArg ?? 1); i++) {
      const out = join(dir, `rep-${label}-${i}.sqlite`);
      for (const s of ['', '-wal', '-shm']) rmSync(out + s, { force: true });
      const node = [process.execPath, ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${join(dir, `prof-${label}`)}`] : []), join(root, 'bin/fwb.cjs'), 'team', 'join', '--db', out, '--url', url.toString(), '--json'];
      const argv = gnuTime ? ['/usr/bin/time', '-f', 'cpu %U %S rss %M', ...node] : node;
      const t0 = process.hrtime.bigint();
      const r = spawnSync(argv[0], argv.slice(1), { env: { ...process.env, PGPASSWORD: PASSWORD.pat }, encoding: 'utf8' });
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const pulled = JSON.parse(r.stdout.trim().split('\n').at(-1) || '{}').pulled?.forecast_lines;
      const cpu = gnuTime ? r.stderr.trim().split('\n').at(-1) : '';
      console.log(`${label} run ${i}: ${seconds.toFixed(2)} s, ${cpu} (user s, system s, KB), exit ${r.status}, lines ${pulled}${r.status ? ` ${r.stderr.slice(0, 400)}` : ''}`);
    }
  });
}
