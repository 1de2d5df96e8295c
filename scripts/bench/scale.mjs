// Bench section "scale" (opt-in: `npm run bench -- scale`; it takes long): the
// monthly work on a 1M-line and a 10M-line workbook (20 000 and 200 000 items ×
// 17 monthly origins × 3 lags, 31 months of actuals), each step a `fwb` process
// (or the first-page probe for Review) with its wall time and peak RSS, against
// the bar of 1.5 GB RSS (issue 14), and the growth from 1M to 10M beside a
// linear one. BENCH_SCALE=1m or 10m runs one size only.
//
// Steps: the actuals import; 17 forecast imports, one per origin (the last one
// timed apart, as the month's new run); next month's actuals (the monthly
// update); `fwb accuracy --stairstep` (the cube built, then answered); the same
// again (cube current); Review's first page of the newest run.
import { execFileSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fmtMb, timed } from './measure.mjs';
import { writeCsv } from './write-csv.mjs';

const ORIGINS = 17;
const LAGS = 3;
const FIRST_MONTH = 2023 * 12; // actuals from 2023-01
const FIRST_ORIGIN = FIRST_MONTH + 12; // origins from 2024-01, a year of history for the seasonal naive
const LAST_ACTUAL = FIRST_ORIGIN + ORIGINS - 1 + LAGS - 1; // the last origin's second lag: one month still to come
const RSS_BAR_MB = 1.5 * 1024;

const iso = (idx) => `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, '0')}-01`;


// Deterministic demand: level by item, a season, a wobble; forecasts off by a few per cent.
const level = (i) => 20 + ((i * 7919) % 400);
const actualOf = (i, t) => Math.round(level(i) * (1 + 0.3 * Math.sin(((t % 12) / 12) * 2 * Math.PI)) * (0.85 + ((i * 31 + t * 17) % 30) / 100));
const forecastOf = (i, t, lag) => Math.round(level(i) * (1 + 0.3 * Math.sin(((t % 12) / 12) * 2 * Math.PI)) * (0.9 + ((i * 13 + t * 5 + lag) % 20) / 100));

async function scaleSize({ root, tmp, items, label, log }) {
  const db = join(tmp, `scale-${label}.sqlite`);
  const steps = [];
  const step = (what, args, lines) => {
    const r = timed(process.execPath, [join(root, 'bin', 'fwb.cjs'), ...args], { cwd: root, tmp, node: true });
    if (r.status !== 0) throw new Error(`scale ${label}: ${what} failed: ${r.stderr.slice(0, 600)}`);
    steps.push({ what, seconds: r.seconds, peakMb: r.peakMb, lines });
    log(`scale ${label}: ${what}: ${r.seconds.toFixed(1)} s, ${fmtMb(r.peakMb)}`);
    return r;
  };
  const actuals = join(tmp, `scale-${label}-actuals.csv`);
  await writeCsv(actuals, 'item_id,period,actual', function* () {
    for (let i = 0; i < items; i++) for (let t = FIRST_MONTH; t <= LAST_ACTUAL; t++) yield `SKU-${1000000 + i},${iso(t)},${actualOf(i, t)}`;
  });
  step('import the actuals history', ['import', '--db', db, '--kind', 'actuals', '--create-items', actuals], items * (LAST_ACTUAL - FIRST_MONTH + 1));
  rmSync(actuals);
  let importSeconds = 0;
  let importPeak = 0;
  for (let o = 0; o < ORIGINS; o++) {
    const origin = FIRST_ORIGIN + o;
    const file = join(tmp, `scale-${label}-run-${o}.csv`);
    await writeCsv(file, 'item_id,period,forecast', function* () {
      for (let i = 0; i < items; i++) for (let lag = 1; lag <= LAGS; lag++) yield `SKU-${1000000 + i},${iso(origin + lag)},${forecastOf(i, origin + lag, lag)}`;
    });
    const last = o === ORIGINS - 1;
    const args = ['import', '--db', db, '--kind', 'forecasts', '--model', 'Scale', '--origin', iso(origin), file];
    if (last) step(`import the newest run (${(items * LAGS).toLocaleString('en-US')} lines)`, args, items * LAGS);
    else {
      const r = timed(process.execPath, [join(root, 'bin', 'fwb.cjs'), ...args], { cwd: root, tmp, node: true });
      if (r.status !== 0) throw new Error(`scale ${label}: forecast import ${o + 1} failed: ${r.stderr.slice(0, 600)}`);
      importSeconds += r.seconds;
      importPeak = Math.max(importPeak, r.peakMb ?? 0);
      log(`scale ${label}: forecast run ${o + 1}/${ORIGINS}: ${r.seconds.toFixed(1)} s, ${fmtMb(r.peakMb)}`);
    }
    rmSync(file);
  }
  steps.splice(1, 0, { what: `import the 16 earlier runs (${(items * LAGS * 16).toLocaleString('en-US')} lines, total)`, seconds: importSeconds, peakMb: importPeak || null, lines: items * LAGS * 16 });
  const nextMonth = join(tmp, `scale-${label}-next.csv`);
  await writeCsv(nextMonth, 'item_id,period,actual', function* () {
    for (let i = 0; i < items; i++) yield `SKU-${1000000 + i},${iso(LAST_ACTUAL + 1)},${actualOf(i, LAST_ACTUAL + 1)}`;
  });
  step(`monthly update: next month's ${items.toLocaleString('en-US')} actuals`, ['import', '--db', db, '--kind', 'actuals', nextMonth], items);
  rmSync(nextMonth);
  step('stairstep, first answer after the update', ['accuracy', '--db', db, '--stairstep', '--json'], items * LAGS * ORIGINS);
  step('stairstep, cube current', ['accuracy', '--db', db, '--stairstep', '--json'], items * LAGS * ORIGINS);
  const probe = timed(process.execPath, [join(root, 'scripts', 'bench', 'first-page-probe.mjs'), db, '1'], { cwd: root, tmp, node: true });
  if (probe.status !== 0) throw new Error(`scale ${label}: first page failed: ${probe.stderr.slice(0, 600)}`);
  const p = JSON.parse(probe.stdout.trim().split('\n').at(-1));
  steps.push({ what: "Review: the newest run's very first page in a new process (scores kept by the import)", seconds: p.cold.seconds, peakMb: probe.peakMb, lines: items * LAGS });
  steps.push({ what: "Review: first page (scores current)", seconds: p.warm[0].seconds, peakMb: probe.peakMb, lines: items * LAGS });
  steps.push({ what: "Review: run overview, computed (the run's first open)", seconds: p.overviewComputed[0].seconds, peakMb: probe.peakMb, lines: items * LAGS });
  steps.push({ what: 'Review: item detail', seconds: p.detail[0].seconds, peakMb: probe.peakMb, lines: items * LAGS });
  const bytes = statSync(db).size;
  // FWB_BENCH_KEEP=DIR keeps the workbook there for a closer look (a profile); delete it after.
  if (process.env.FWB_BENCH_KEEP) {
    execFileSync('cp', [db, join(process.env.FWB_BENCH_KEEP, `scale-${label}.sqlite`)]);
    log(`scale ${label}: kept as ${join(process.env.FWB_BENCH_KEEP, `scale-${label}.sqlite`)}`);
  }
  rmSync(db, { force: true });
  rmSync(`${db}-wal`, { force: true });
  rmSync(`${db}-shm`, { force: true });
  return { steps, bytes };
}

const SIZES = { '1m': 20_000, '10m': 200_000 };

export async function scaleSection({ root, tmp, log }) {
  const only = process.env.BENCH_SCALE;
  const wanted = Object.entries(SIZES).filter(([k]) => !only || only === k);
  const results = {};
  for (const [label, items] of wanted) {
    log(`scale ${label}: ${items.toLocaleString('en-US')} items × ${ORIGINS} origins × ${LAGS} lags …`);
    results[label] = await scaleSize({ root, tmp, items, label, log });
  }
  let ok = true;
  const rows = [];
  for (const [label, r] of Object.entries(results)) {
    for (const s of r.steps) {
      if ((s.peakMb ?? 0) > RSS_BAR_MB) ok = false;
      rows.push({ what: `scale ${label}: ${s.what}`, seconds: s.seconds, peakMb: s.peakMb });
    }
  }
  const summary = [];
  for (const [label, r] of Object.entries(results)) {
    const peak = Math.max(...r.steps.map((s) => s.peakMb ?? 0));
    summary.push(`scale ${label}: workbook ${(r.bytes / 2 ** 30).toFixed(2)} GB; the largest fwb process peaked at ${fmtMb(peak)} (${peak <= RSS_BAR_MB ? 'under' : 'OVER'} the 1.5 GB bar).`);
  }
  if (results['1m'] && results['10m']) {
    summary.push('scale 1M → 10M (×10 lines; a step growing past ×10 grows faster than linearly):');
    results['1m'].steps.forEach((s, i) => {
      const t = results['10m'].steps[i];
      const growth = t.seconds / s.seconds;
      summary.push(`  ${s.what}: ${s.seconds.toFixed(2)} s → ${t.seconds.toFixed(2)} s (×${growth.toFixed(1)}${growth > 12 ? ', FASTER THAN LINEAR' : ''}), ${fmtMb(s.peakMb)} → ${fmtMb(t.peakMb)}`);
    });
  }
  return { ok, rows, summary };
}
