// Bench section "accuracy" (SPEC §8): the full FVA stairstep plus six slices
// (planner, reason, direction × size, category, lag, period) over 1 M forecast
// lines with known actuals in under a second, and at least 5 × faster than the
// same computation in pandas (goal 10 ×).
//
// fwb side (scripts/bench/accuracy-probe.mjs, each in a child process): the cube
// built from scratch (cold: what an actuals import pays), then the engine
// answering the stairstep and the six slices with the cube current (warm: what a
// user waits for on the Accuracy screen). pandas side (accuracy_pandas.py under
// /usr/bin/python3, Debian's python3-pandas): the same figures from the raw
// tables, loading untimed. Both for WAPE (the screen's default) and MASE (the
// one that needs the seasonal scale). The two sides' figures must agree.
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fmtMb, median, timed } from './measure.mjs';

// Debian's python3 with python3-pandas; FWB_BENCH_PYTHON points elsewhere.
const PYTHON = process.env.FWB_BENCH_PYTHON ?? '/usr/bin/python3';
const METRICS = ['wape', 'mase'];
const WARM_REPEATS = 5;
const PANDAS_REPEATS = 3;
const BAR_SECONDS = 1.0;
const BAR_RATIO = 5;
const GOAL_RATIO = 10;
export const REL_TOLERANCE = 1e-6;

const ms = (s) => `${Math.round(s * 1000)} ms`;
const secs = (s) => `${s.toFixed(2)} s`;
const spread = (values, fmt) => (values.length > 1 ? `${fmt(Math.min(...values))}–${fmt(Math.max(...values))}` : fmt(values[0]));

function pandasAvailable() {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const r = spawnSync(PYTHON, ['-c', 'import pandas, numpy; print(pandas.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? null : `pandas is not importable by ${PYTHON} (${(r.stderr || '').trim().split('\n').at(-1)}); install it with \`apt-get install python3-pandas\``;
}

/**
 * A comparison of fwb's figures with pandas', number by number within the tolerance: `same` one number, `row` a row's
 * fields and interval; `bad` collects [where, fwb, pandas] for each that differs.
 */
export function figureComparison() {
  const bad = [];
  let compared = 0;
  const same = (where, a, b) => {
    compared++;
    if (a === null || a === undefined || b === null || b === undefined) {
      if ((a ?? null) !== (b ?? null)) bad.push([where, a, b]);
      return;
    }
    if (Math.abs(a - b) > REL_TOLERANCE * Math.max(Math.abs(a), Math.abs(b), 1e-9)) bad.push([where, a, b]);
  };
  const row = (where, f, p, fields) => {
    if (!p) return bad.push([where, 'present', 'missing']);
    for (const k of fields) same(`${where}.${k}`, f[k], p[k]);
    same(`${where}.ci.low`, f.ci?.low, p.ci?.low);
    same(`${where}.ci.high`, f.ci?.high, p.ci?.high);
  };
  return { same, row, bad, counted: () => compared };
}

/** Every number of fwb's answer next to pandas: [where, fwb, pandas] pairs that differ beyond the tolerance, and how many were compared. */
export function compareFigures(fwb, pandas) {
  const { same, row, bad, counted } = figureComparison();
  for (const metric of Object.keys(fwb)) {
    const F = fwb[metric];
    const P = pandas[metric];
    if (!P) {
      bad.push([metric, 'present', 'missing']);
      continue;
    }
    const stepFields = ['n', 'excluded', 'value', 'fva', 'improved', 'worsened', 'unchanged'];
    same(`${metric}.stairstep.n`, F.stairstep.n, P.stairstep.n);
    same(`${metric}.stairstep.excludedZeroActuals`, F.stairstep.excludedZeroActuals, P.stairstep.excludedZeroActuals);
    F.stairstep.steps.forEach((s, i) => row(`${metric}.stairstep.${s.source}`, s, P.stairstep.steps[i]?.source === s.source ? P.stairstep.steps[i] : null, stepFields));
    if (F.stairstep.salesInput || P.stairstep.salesInput) row(`${metric}.stairstep.sales_input`, F.stairstep.salesInput ?? {}, P.stairstep.salesInput, stepFields);
    for (const [by, table] of Object.entries(F.slices)) {
      const rows = new Map((P.slices[by] ?? []).map((r) => [r.key, r]));
      if (rows.size !== table.rows.length) bad.push([`${metric}.${by} rows`, table.rows.length, rows.size]);
      for (const r of table.rows) row(`${metric}.${by}[${r.key}]`, r, rows.get(r.key), ['n', 'excluded', 'model', 'final', 'fva', 'improved', 'worsened', 'unchanged']);
    }
    F.directionSize.cells.forEach((c, i) => row(`${metric}.direction×size[${c.label}]`, c, P.directionSize[i], ['n', 'excluded', 'fva', 'improvedShare']));
  }
  return { bad, compared: counted() };
}

export async function accuracySection({ root, tmp, runs, log }) {
  const db = join(tmp, 'accuracy-bench.sqlite');
  const fwbOut = join(tmp, 'accuracy-fwb.json');
  const pandasOut = join(tmp, 'accuracy-pandas.json');
  const weights = join(tmp, 'accuracy-weights.json');

  log('accuracy: writing the bench workbook (20 000 items × 10 runs × 5 lags = 1 M lines with actuals, 10 % overridden) …');
  const gen = timed(process.execPath, [join(root, 'scripts', 'bench', 'accuracy-workbook.mjs'), db], { cwd: root, tmp, node: true });
  if (gen.status !== 0) throw new Error(`accuracy: writing the workbook failed: ${gen.stderr.slice(0, 600)}`);
  const counts = JSON.parse(gen.stdout.trim().split('\n').at(-1));
  log(`accuracy: ${counts.lines.toLocaleString('en-US')} lines, ${counts.actuals.toLocaleString('en-US')} actuals, ${counts.overriddenLines.toLocaleString('en-US')} overridden lines, ${counts.salesInputs.toLocaleString('en-US')} sales inputs in ${secs(gen.seconds)}`);

  const missing = pandasAvailable();
  if (missing) log(`accuracy: SKIPPING the pandas side: ${missing}.`);

  const probe = (args) => {
    const r = timed(process.execPath, [join(root, 'scripts', 'bench', 'accuracy-probe.mjs'), ...args], { cwd: root, tmp, node: true });
    if (r.status !== 0) throw new Error(`accuracy probe ${args[0]} failed: ${r.stderr.slice(0, 600)}`);
    return { ...JSON.parse(r.stdout.trim().split('\n').at(-1)), peakMb: r.peakMb };
  };

  const cold = [];
  const warm = [];
  const pandas = [];
  let match = null;
  // Alternating the sides spreads any background load over both.
  for (let i = 0; i < runs; i++) {
    const c = probe(['cold', db]);
    cold.push(c);
    const w = probe(['warm', db, String(WARM_REPEATS), fwbOut, weights]);
    warm.push(w);
    log(
      `accuracy: run ${i + 1}: fwb cube build ${secs(c.seconds)} (${c.cells.toLocaleString('en-US')} cells, ${fmtMb(c.peakMb)}); ` +
        METRICS.map((m) => `${m} first ${ms(w.timings[m].first)}, then ${w.timings[m].repeats.map(ms).join(' / ')}`).join('; ') +
        ` (${fmtMb(w.peakMb)})`,
    );
    if (!missing) {
      const p = timed(PYTHON, [join(root, 'scripts', 'bench', 'accuracy_pandas.py'), db, weights, pandasOut, String(PANDAS_REPEATS), ...METRICS], { cwd: root, tmp });
      if (p.status !== 0) throw new Error(`accuracy_pandas.py failed: ${p.stderr.slice(-1200)}`);
      const out = JSON.parse(p.stdout.trim().split('\n').at(-1));
      pandas.push({ ...out, peakMb: p.peakMb });
      log(`accuracy: run ${i + 1}: pandas ${out.pandas} ${METRICS.map((m) => `${m} first ${secs(out.seconds[m].first)}, then ${out.seconds[m].repeats.map(secs).join(' / ')}`).join('; ')} (${fmtMb(p.peakMb)}, loading untimed)`);
      if (match === null) match = compareFigures(JSON.parse(readFileSync(fwbOut, 'utf8')), JSON.parse(readFileSync(pandasOut, 'utf8')));
    }
  }

  const coldS = median(cold.map((c) => c.seconds));
  const warmOf = (m) => median(warm.map((w) => median(w.timings[m].repeats)));
  const firstOf = (m) => median(warm.map((w) => w.timings[m].first));
  const rows = [{ what: 'accuracy: build the cube over 1M lines from scratch (fwb, cold)', seconds: coldS, peakMb: median(cold.map((c) => c.peakMb ?? 0)) || null }];
  for (const m of METRICS) {
    rows.push({ what: `accuracy: stairstep + 6 slices, ${m.toUpperCase()} (fwb, cube current)`, seconds: warmOf(m), peakMb: median(warm.map((w) => w.peakMb ?? 0)) || null });
  }
  const summary = [];
  let ok = true;
  for (const m of METRICS) {
    const w = warmOf(m);
    const underBar = w < BAR_SECONDS;
    if (!underBar) ok = false;
    let line = `accuracy ${m.toUpperCase()}: fwb answers the stairstep + 6 slices in ${ms(w)} with the cube current (runs ${spread(warm.map((x) => median(x.timings[m].repeats)), ms)}; first answer after opening ${ms(firstOf(m))}) → ${underBar ? 'under' : 'OVER'} the 1 s bar`;
    if (pandas.length > 0) {
      const pandasRun = (x) => median(x.seconds[m].repeats);
      const p = median(pandas.map(pandasRun));
      const pFirst = median(pandas.map((x) => x.seconds[m].first));
      rows.push({ what: `accuracy: the same in pandas, ${m.toUpperCase()} (from raw tables)`, seconds: p, peakMb: median(pandas.map((x) => x.peakMb ?? 0)) || null });
      const ratio = p / w;
      const coldRatio = p / (coldS + w);
      const runRatios = warm.map((x, i) => `${(pandasRun(pandas[i]) / median(x.timings[m].repeats)).toFixed(1)}×`).join(', ');
      if (ratio < BAR_RATIO) ok = false;
      line +=
        `; pandas ${secs(p)} (runs ${spread(pandas.map(pandasRun), secs)}; first in its process ${secs(pFirst)})` +
        ` → pandas / fwb = ${ratio.toFixed(1)}× (bar ≥ ${BAR_RATIO}×, goal ${GOAL_RATIO}×: ${ratio >= GOAL_RATIO ? 'goal met' : ratio >= BAR_RATIO ? 'bar met, goal not' : 'TOO SLOW'}; run by run ${runRatios}; first answers ${(pFirst / firstOf(m)).toFixed(1)}×);` +
        ` counting fwb's cube build too, pandas / (fwb cold build + answer) = ${coldRatio.toFixed(2)}×`;
    } else line += '; no pandas comparison (pandas missing)';
    summary.push(line);
  }
  if (match) {
    if (match.bad.length === 0) summary.push(`accuracy: pandas' figures match fwb's: ${match.compared.toLocaleString('en-US')} numbers (stairstep steps with FVA, counts and intervals; every row of the six slices; direction × size) equal to ${REL_TOLERANCE} relative, for ${METRICS.join(' and ')}.`);
    else {
      ok = false;
      summary.push(`accuracy: pandas' figures DO NOT match fwb's: ${match.bad.length} of ${match.compared} numbers differ, e.g. ${match.bad.slice(0, 5).map(([w, a, b]) => `${w}: fwb ${a}, pandas ${b}`).join('; ')}`);
    }
  } else if (missing) {
    summary.push(`accuracy: pandas side skipped (${missing}); the ratio bar is not judged.`);
  }
  summary.push(`accuracy: the cube build (cold) ${secs(coldS)} median (runs ${spread(cold.map((c) => c.seconds), secs)}) is paid once per change of actuals, lines or decisions, not per view.`);
  return { ok, rows, summary };
}
