// Bench section "monthly" (issue 14, target 2 and the Accuracy screen's part of
// target 4): the monthly cycle on the 1M-line accuracy workbook with its cube
// current. Next month's actuals (20 000 items) come in with `node bin/fwb.cjs
// import`, then the first accuracy answer is asked for, against pandas
// recomputing the stairstep and slices from scratch on the same workbook
// (accuracy_pandas.py, loading untimed). The cube is kept incrementally
// (accuracy/cube-change.ts): the new month touches no line's error, so the answer
// after it rewrites nothing.
//
// The workbook is modelled as one in use (untimed): the prepared file has the
// newest run's scores, layout and overview kept, as the import that brought the
// run keeps them (monthly-probe.mjs prepare), and each fresh copy is opened for
// writing and closed once before the timed cycle (monthly-probe.mjs open), as
// the app's last session left it: fwb remembers it as a file it left sound
// (db/check-memory.ts), so the import skips the whole-file check, as it does for
// a user's workbook that nothing else wrote since. A copy is a new file to fwb;
// timing its first check would time the damage guard, not the monthly cycle. The
// memory is kept in the bench's own folder (FWB_CACHE_DIR), never the user's.
//
// fwb, each run on a fresh copy of the prepared workbook:
//   cycle (CLI)  `fwb import` then `fwb accuracy --stairstep --json`, wall time of both;
//   screen       after the same import, the Accuracy screen's first answer through
//                the API (monthly-probe.mjs screen): options, overview, default slice.
// The figures after the cycle are checked against pandas number for number.
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareFigures } from './accuracy.mjs';
import { fmtMb, median, timed } from './measure.mjs';

const PYTHON = process.env.FWB_BENCH_PYTHON ?? '/usr/bin/python3';
const CYCLE_RATIO = 2; // pandas / fwb, at least
const SCREEN_SECONDS = 0.3;
const COLD_SECONDS = 4;
const ITEMS = 20_000;
const NEXT_MONTH = '2026-01-01'; // the workbook's actuals run to 2025-12

const ms = (s) => `${Math.round(s * 1000)} ms`;
const secs = (s) => `${s.toFixed(2)} s`;
const spread = (values, fmt) => (values.length > 1 ? `${fmt(Math.min(...values))}–${fmt(Math.max(...values))}` : fmt(values[0]));

export async function monthlySection(options) {
  // fwb's memory of files it left sound, for this section's children only.
  const cacheDirBefore = process.env.FWB_CACHE_DIR;
  process.env.FWB_CACHE_DIR = join(options.tmp, 'monthly-check-memory');
  try {
    return await monthlyCycle(options);
  } finally {
    if (cacheDirBefore === undefined) delete process.env.FWB_CACHE_DIR;
    else process.env.FWB_CACHE_DIR = cacheDirBefore;
  }
}

async function monthlyCycle({ root, tmp, runs, log }) {
  const base = join(tmp, 'monthly-base.sqlite');
  const copy = join(tmp, 'monthly-cycle.sqlite');
  const csv = join(tmp, 'monthly-actuals.csv');
  const fwbOut = join(tmp, 'monthly-fwb.json');
  const pandasOut = join(tmp, 'monthly-pandas.json');
  const weights = join(tmp, 'monthly-weights.json');
  const node = (script, args) => {
    const r = timed(process.execPath, [join(root, ...script), ...args], { cwd: root, tmp, node: true });
    if (r.status !== 0) throw new Error(`monthly: ${script.at(-1)} ${args[0]} failed: ${(r.stderr || r.stdout).slice(0, 600)}`);
    return r;
  };
  const lastJson = (r) => JSON.parse(r.stdout.trim().split('\n').at(-1));
  const fwb = (args) => node(['bin', 'fwb.cjs'], args);
  const fresh = () => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(copy + suffix, { force: true });
    copyFileSync(base, copy);
    node(['scripts', 'bench', 'monthly-probe.mjs'], ['open', copy]);
  };

  log('monthly: writing the 1M-line accuracy workbook and preparing it (sealed, cube built) …');
  node(['scripts', 'bench', 'accuracy-workbook.mjs'], [base]);
  const prepared = lastJson(node(['scripts', 'bench', 'monthly-probe.mjs'], ['prepare', base]));
  log(`monthly: cube built from scratch over 1M lines in ${secs(prepared.seconds)} (${prepared.runs} runs)`);
  const lines = ['item_id,period,actual'];
  for (let i = 0; i < ITEMS; i++) lines.push(`SKU-${100000 + i},${NEXT_MONTH},${(i * 37) % 211}`);
  writeFileSync(csv, `${lines.join('\n')}\n`);

  const pandasMissing = !existsSync(PYTHON) ? `${PYTHON} not found` : null;
  const cycles = [];
  const screens = [];
  const pandas = [];
  let match = null;
  for (let i = 0; i < runs; i++) {
    fresh();
    const imp = fwb(['import', '--db', copy, '--kind', 'actuals', csv]);
    const acc = fwb(['accuracy', '--db', copy, '--stairstep', '--json']);
    cycles.push({ import: imp.seconds, answer: acc.seconds, peakMb: Math.max(imp.peakMb ?? 0, acc.peakMb ?? 0) || null });

    fresh();
    fwb(['import', '--db', copy, '--kind', 'actuals', csv]);
    const screen = lastJson(node(['scripts', 'bench', 'monthly-probe.mjs'], ['screen', copy]));
    screens.push(screen.seconds);
    log(`monthly: run ${i + 1}: fwb import ${secs(imp.seconds)} + first accuracy answer ${secs(acc.seconds)} (CLI, ${fmtMb(cycles.at(-1).peakMb)}); Accuracy screen's first answer ${ms(screen.seconds)} (API)`);

    if (!pandasMissing) {
      if (match === null) node(['scripts', 'bench', 'accuracy-probe.mjs'], ['warm', copy, '0', fwbOut, weights]);
      const p = timed(PYTHON, [join(root, 'scripts', 'bench', 'accuracy_pandas.py'), copy, weights, pandasOut, '0', 'wape', 'mase'], { cwd: root, tmp });
      if (p.status !== 0) throw new Error(`accuracy_pandas.py failed: ${p.stderr.slice(-1200)}`);
      const out = lastJson(p);
      pandas.push(out.seconds.wape.first);
      log(`monthly: run ${i + 1}: pandas recomputes the stairstep + 6 slices (WAPE) from the raw tables in ${secs(out.seconds.wape.first)} (loading untimed)`);
      if (match === null) match = compareFigures(JSON.parse(readFileSync(fwbOut, 'utf8')), JSON.parse(readFileSync(pandasOut, 'utf8')));
    }
  }
  for (const suffix of ['', '-wal', '-shm']) rmSync(copy + suffix, { force: true });

  const cycleS = median(cycles.map((c) => c.import + c.answer));
  const screenS = median(screens);
  const rows = [
    { what: 'monthly: import next month (20k actuals) + first accuracy answer (fwb CLI)', seconds: cycleS, peakMb: median(cycles.map((c) => c.peakMb ?? 0)) || null },
    { what: "monthly: Accuracy screen's first answer after the import (fwb API)", seconds: screenS, peakMb: null },
  ];
  const summary = [];
  let ok = true;
  const coldMet = prepared.seconds <= COLD_SECONDS;
  summary.push(`monthly: cold cube build over 1M lines ${secs(prepared.seconds)} (target ≤ ${COLD_SECONDS} s: ${coldMet ? 'met' : 'NOT MET'})`);
  const screenMet = screenS <= SCREEN_SECONDS;
  summary.push(`monthly: the Accuracy screen's first answer after next month's actuals ${ms(screenS)} (runs ${spread(screens, ms)}; target ≤ ${ms(SCREEN_SECONDS)}: ${screenMet ? 'met' : 'NOT MET'})`);
  if (pandas.length > 0) {
    const p = median(pandas);
    rows.push({ what: 'monthly: stairstep + 6 slices from scratch (pandas, loading untimed)', seconds: p, peakMb: null });
    const ratio = p / cycleS;
    summary.push(
      `monthly: import + first answer ${secs(cycleS)} (import ${secs(median(cycles.map((c) => c.import)))}, answer ${secs(median(cycles.map((c) => c.answer)))}; runs ${spread(cycles.map((c) => c.import + c.answer), secs)})` +
        ` against pandas from scratch ${secs(p)} → pandas / fwb = ${ratio.toFixed(2)}× (target ≥ ${CYCLE_RATIO}×: ${ratio >= CYCLE_RATIO ? 'met' : 'NOT MET'}; before issue 14: 0.14×)`,
    );
  } else summary.push(`monthly: pandas side skipped (${pandasMissing}); the cycle ratio is not judged.`);
  if (match) {
    if (match.bad.length === 0) summary.push(`monthly: after the cycle pandas' figures match fwb's: ${match.compared.toLocaleString('en-US')} numbers equal to 1e-6 relative (WAPE and MASE).`);
    else {
      ok = false;
      summary.push(`monthly: after the cycle pandas' figures DO NOT match fwb's: ${match.bad.length} of ${match.compared} differ, e.g. ${match.bad.slice(0, 5).map(([w, a, b]) => `${w}: fwb ${a}, pandas ${b}`).join('; ')}`);
    }
  }
  return { ok, rows, summary };
}
