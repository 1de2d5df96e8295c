// Bench section "accuracy-cli" (issue 14, target 1): the command line answering
// like the app. Seven `node bin/fwb.cjs accuracy … --json` calls (the stairstep
// and six slices: planner, reason, size, category, lag, period) on the 1 M-line
// accuracy workbook with its cube current, each a fresh process as a user or a
// script starts it, against pandas' compute of the same figures (loading
// untimed), in the same run. Targets: ≤ 0.25 s wall per call; pandas' compute /
// the seven calls ≥ 3×. Every figure the calls print is checked against pandas'.
//
// FWB_BENCH_ACCURACY_DB=FILE reuses a workbook accuracy-workbook.mjs wrote (it is
// left in place); otherwise one is written under the bench's temp folder.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { figureComparison, REL_TOLERANCE } from './accuracy.mjs';
import { median, timed } from './measure.mjs';

const PYTHON = process.env.FWB_BENCH_PYTHON ?? '/usr/bin/python3';
const METRIC = 'wape'; // the command's default, as a user types it
const PANDAS_REPEATS = 3;
const CALL_TARGET_SECONDS = 0.25;
const RATIO_TARGET = 3;
/** The seven calls: the stairstep, then the slices (size: the overridden lines by size of change). */
const CALLS = [['--stairstep'], ...['planner', 'reason', 'size', 'category', 'lag', 'period'].map((by) => ['--by', by])];

const ms = (s) => `${Math.round(s * 1000)} ms`;
const secs = (s) => `${s.toFixed(2)} s`;
const spread = (values, fmt) => (values.length > 1 ? `${fmt(Math.min(...values))}–${fmt(Math.max(...values))}` : fmt(values[0]));

/** bin/fwb.cjs runs the bundle only while it is newer than the sources: build it when it is not, so the calls time what users run. */
function ensureBundle(root, log) {
  const bundle = join(root, 'out', 'cli', 'main.cjs');
  const newest = (path) => {
    const st = statSync(path);
    if (!st.isDirectory()) return st.mtimeMs;
    return Math.max(st.mtimeMs, ...spawnSync('find', [path, '-type', 'f'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map((f) => statSync(f).mtimeMs));
  };
  const sources = Math.max(...['electron/cli', 'electron/backend', 'electron/team', 'shared', 'package.json'].map((p) => newest(join(root, p))));
  if (existsSync(bundle) && statSync(bundle).mtimeMs > sources) return;
  log('accuracy-cli: building the command line bundle (out/cli) …');
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs')], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`accuracy-cli: building out/cli failed: ${r.stderr.slice(0, 600)}`);
}

/** The CLI's JSON in the shape pandas writes: intervals as { low, high }. */
const withCi = (r) => ({ ...r, ci: r.ciLow === null || r.ciLow === undefined ? null : { low: r.ciLow, high: r.ciHigh } });

/** Every number the seven calls printed next to pandas': [where, fwb, pandas] pairs that differ, and how many were compared. */
export function compareCliFigures(calls, pandas) {
  const { same, row, bad, counted } = figureComparison();
  const stair = calls.stairstep;
  same('stairstep.n', stair.n, pandas.stairstep.n);
  for (const s of stair.steps) {
    const p = pandas.stairstep.steps.find((x) => x.source === s.source);
    row(`stairstep.${s.source}`, withCi(s), p, ['n', 'excluded', 'value', 'fva', 'improved', 'worsened', 'unchanged']);
  }
  for (const [by, out] of Object.entries(calls.slices)) {
    if (by === 'size') {
      // pandas keeps direction × size; a size bucket's lines are its two directions' lines (its metric is not their sum, so counts only).
      out.rows.forEach((r, bucket) => {
        const cells = pandas.directionSize.filter((c) => c.sizeBucket === bucket);
        same(`size[${r.label}].n`, r.n, cells.reduce((s, c) => s + c.n, 0));
        same(`size[${r.label}].excluded`, r.excluded, cells.reduce((s, c) => s + c.excluded, 0));
      });
      continue;
    }
    const rows = new Map((pandas.slices[by] ?? []).map((r) => [r.key, r]));
    if (rows.size !== out.rows.length) bad.push([`${by} rows`, out.rows.length, rows.size]);
    for (const r of out.rows) row(`${by}[${r.key}]`, withCi(r), rows.get(r.key), ['n', 'excluded', 'model', 'final', 'fva', 'improved', 'worsened', 'unchanged']);
  }
  return { bad, compared: counted() };
}

export async function accuracyCliSection({ root, tmp, runs, log }) {
  ensureBundle(root, log);
  let db = process.env.FWB_BENCH_ACCURACY_DB;
  if (!db) {
    db = join(tmp, 'accuracy-cli-bench.sqlite');
    log('accuracy-cli: writing the bench workbook (20 000 items × 10 runs × 5 lags = 1 M lines with actuals) …');
    const gen = timed(process.execPath, [join(root, 'scripts', 'bench', 'accuracy-workbook.mjs'), db], { cwd: root, tmp, node: true });
    if (gen.status !== 0) throw new Error(`accuracy-cli: writing the workbook failed: ${gen.stderr.slice(0, 600)}`);
  }
  const fwb = (args) => timed(process.execPath, [join(root, 'bin', 'fwb.cjs'), 'accuracy', '--db', db, '--json', ...args], { cwd: root, tmp, node: true });

  // Untimed: the cube brought current (a write open), and the bootstrap weights pandas' intervals need.
  const first = fwb(['--stairstep']);
  if (first.status !== 0) throw new Error(`accuracy-cli: fwb accuracy failed: ${first.stderr.slice(0, 600)}`);
  log(`accuracy-cli: the cube brought current by the first call in ${secs(first.seconds)} (untimed below)`);
  const weights = join(tmp, 'accuracy-cli-weights.json');
  const probe = spawnSync(process.execPath, [join(root, 'scripts', 'bench', 'accuracy-probe.mjs'), 'warm', db, '0', join(tmp, 'accuracy-cli-probe.json'), weights], { cwd: root, encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(`accuracy-cli: writing the bootstrap weights failed: ${probe.stderr.slice(0, 600)}`);

  const pandasMissing = !existsSync(PYTHON) || spawnSync(PYTHON, ['-c', 'import pandas'], { encoding: 'utf8' }).status !== 0;
  if (pandasMissing) log(`accuracy-cli: SKIPPING the pandas side: pandas is not importable by ${PYTHON}.`);

  const rounds = [];
  let match = null;
  for (let i = 0; i < runs; i++) {
    const calls = CALLS.map((args) => {
      const r = fwb(args);
      if (r.status !== 0) throw new Error(`accuracy-cli: fwb accuracy ${args.join(' ')} failed: ${r.stderr.slice(0, 600)}`);
      return { args, seconds: r.seconds, peakMb: r.peakMb, out: JSON.parse(r.stdout) };
    });
    const total = calls.reduce((s, c) => s + c.seconds, 0);
    // The floor under each call in this run: Node starting and doing nothing (its own start, with this machine's environment).
    const nodeAlone = timed(process.execPath, ['-e', '0'], { cwd: root, tmp, node: true }).seconds;
    // The leanest Node command answering from the same kept totals, seven times (accuracy-floor.cjs): how near 3× any per-process command can come here.
    const leanest = CALLS.reduce((s) => {
      const r = timed(process.execPath, [join(root, 'scripts', 'bench', 'accuracy-floor.cjs'), db], { cwd: root, tmp, node: true });
      if (r.status !== 0 || !(JSON.parse(r.stdout).rows > 0)) throw new Error(`accuracy-cli: the floor script failed: ${r.stderr.slice(0, 600)}`);
      return s + r.seconds;
    }, 0);
    let pandasSeconds = null;
    if (!pandasMissing) {
      const pandasOut = join(tmp, 'accuracy-cli-pandas.json');
      const p = timed(PYTHON, [join(root, 'scripts', 'bench', 'accuracy_pandas.py'), db, weights, pandasOut, String(PANDAS_REPEATS), METRIC], { cwd: root, tmp });
      if (p.status !== 0) throw new Error(`accuracy_pandas.py failed: ${p.stderr.slice(-1200)}`);
      pandasSeconds = median(JSON.parse(p.stdout.trim().split('\n').at(-1)).seconds[METRIC].repeats);
      if (match === null) {
        const byName = { stairstep: calls[0].out, slices: Object.fromEntries(calls.slice(1).map((c) => [c.args[1], c.out])) };
        match = compareCliFigures(byName, JSON.parse(readFileSync(pandasOut, 'utf8'))[METRIC]);
      }
    }
    rounds.push({ calls, total, nodeAlone, leanest, pandasSeconds });
    log(`accuracy-cli: run ${i + 1}: ${calls.map((c) => `${c.args.join(' ').replace('--by ', '')} ${ms(c.seconds)}`).join(', ')}; seven calls ${secs(total)}${pandasSeconds === null ? '' : `; pandas ${secs(pandasSeconds)}`}`);
  }

  const perCall = CALLS.map((_, k) => median(rounds.map((r) => r.calls[k].seconds)));
  const total = median(rounds.map((r) => r.total));
  const slowest = Math.max(...perCall);
  const rows = [{ what: 'accuracy-cli: seven `fwb accuracy --json` calls, cube current (fwb)', seconds: total, peakMb: Math.max(...rounds.flatMap((r) => r.calls.map((c) => c.peakMb ?? 0))) || null }];
  const summary = [];
  let ok = slowest <= CALL_TARGET_SECONDS;
  summary.push(
    `accuracy-cli: each call's wall time (median of ${runs}) against the ${ms(CALL_TARGET_SECONDS)} target: ${CALLS.map((args, k) => `${args.join(' ').replace('--by ', '')} ${ms(perCall[k])}`).join(', ')} → ${ok ? 'all within' : 'OVER'} the target (slowest ${ms(slowest)}; all calls over all runs ${spread(rounds.flatMap((r) => r.calls.map((c) => c.seconds)), ms)}).`,
    `accuracy-cli: Node's own start in the same runs (\`node -e 0\`, the floor under every call): ${ms(median(rounds.map((r) => r.nodeAlone)))} median (${spread(rounds.map((r) => r.nodeAlone), ms)}).`,
  );
  if (!pandasMissing) {
    const p = median(rounds.map((r) => r.pandasSeconds));
    rows.push({ what: `accuracy-cli: the same figures in pandas, ${METRIC.toUpperCase()} (compute only)`, seconds: p, peakMb: null });
    const ratio = p / total;
    if (ratio < RATIO_TARGET) ok = false;
    const leanest = median(rounds.map((r) => r.leanest));
    const nodeAlone = median(rounds.map((r) => r.nodeAlone));
    summary.push(
      `accuracy-cli: pandas' compute ${secs(p)} / fwb's seven calls ${secs(total)} = ${ratio.toFixed(2)}× against the ${RATIO_TARGET}× target → ${ratio >= RATIO_TARGET ? 'met' : 'NOT met'} (run by run ${rounds.map((r) => `${(r.pandasSeconds / r.total).toFixed(2)}×`).join(', ')}).`,
      `accuracy-cli: the floors in the same runs: seven \`node -e 0\` ${secs(7 * nodeAlone)} = ${(p / (7 * nodeAlone)).toFixed(2)}× pandas' compute; seven runs of the leanest Node command reading the same totals (scripts/bench/accuracy-floor.cjs: better-sqlite3, one query, no metric) ${secs(leanest)} = ${(p / leanest).toFixed(2)}×; fwb's seven calls are ${(total / leanest).toFixed(2)}× that command.`,
    );
    if (match.bad.length === 0) summary.push(`accuracy-cli: the calls' figures match pandas': ${match.compared.toLocaleString('en-US')} numbers equal to ${REL_TOLERANCE} relative (size: its counts, pandas keeping direction × size).`);
    else {
      ok = false;
      summary.push(`accuracy-cli: the calls' figures DO NOT match pandas': ${match.bad.length} of ${match.compared} differ, e.g. ${match.bad.slice(0, 5).map(([w, a, b]) => `${w}: fwb ${a}, pandas ${b}`).join('; ')}`);
    }
  }
  return { ok, rows, summary };
}
