// Bench section "first-page": the Review screen on a 100 000-line run and on a
// 1 000 000-line run, through the API (backend query + JSON payload): the first
// page (bar 200 ms at 100 000 lines, SPEC §8; 100 ms at 1M lines, issue 14), the
// grouped first page, and what the first clicks open, the run's overview and an
// item's detail, and the views grouped and by status after a decision (bar 150 ms
// at 1M lines). Each run and two years of actuals are loaded with `fwb import`, as
// an analyst would; between calls the probe makes decisions, as a planner does.
import { join } from 'node:path';
import { median, timed } from './measure.mjs';
import { writeCsv } from './write-csv.mjs';

const fmtMs = (s) => `${Math.round(s * 1000)} ms`;


const month = (y, m) => `${y + Math.floor((m - 1) / 12)}-${String(((m - 1) % 12) + 1).padStart(2, '0')}-01`;

/** A workbook of one run of `items` × `horizon` lines and 24 months of the items' actuals, imported by fwb. */
export async function writeRunWorkbook({ root, tmp, items, horizon, name }) {
  const db = join(tmp, `${name}.sqlite`);
  const actuals = join(tmp, `${name}-actuals.csv`);
  const forecasts = join(tmp, `${name}-forecasts.csv`);
  await writeCsv(actuals, 'item_id,period,actual', function* () {
    for (let i = 0; i < items; i++) for (let m = 1; m <= 24; m++) yield `SKU-${100000 + i},${month(2024, m)},${100 + (i % 50) + ((m * 7) % 13)}`;
  });
  await writeCsv(forecasts, 'item_id,period,forecast,lower,upper', function* () {
    for (let i = 0; i < items; i++) for (let h = 1; h <= horizon; h++) {
      const f = 110 + (i % 60);
      yield `SKU-${100000 + i},${month(2026, h)},${f},${Math.round(f * 0.8)},${Math.round(f * 1.3)}`;
    }
  });
  const fwb = (args) => {
    const r = timed(process.execPath, [join(root, 'bin', 'fwb.cjs'), 'import', '--db', db, ...args], { cwd: root, tmp, node: true });
    if (r.status !== 0) throw new Error(`fwb import ${args.join(' ')} failed: ${r.stderr.slice(0, 400)}`);
  };
  fwb(['--kind', 'actuals', '--create-items', actuals]);
  fwb(['--kind', 'forecasts', '--model', 'Bench', '--origin', '2025-12-01', forecasts]);
  return db;
}

function probeRun({ root, tmp, runs, db }) {
  const probe = timed(process.execPath, [join(root, 'scripts', 'bench', 'first-page-probe.mjs'), db, String(runs)], { cwd: root, tmp, node: true });
  if (probe.status !== 0) throw new Error(`first-page probe failed: ${probe.stderr.slice(0, 400)}`);
  const out = JSON.parse(probe.stdout.trim().split('\n').at(-1));
  const typical = (key) => median(out[key].map((w) => w.seconds));
  return { out, typical, peakMb: probe.peakMb };
}

/** Review's first rows and Accuracy's first chart in headless Chromium: a measurement, no bar (issue 14). */
function browserTiming({ root, tmp, screen, db }) {
  const r = timed(process.execPath, [join(root, 'scripts', 'bench', 'browser-timing.mjs'), screen, db], { cwd: root, tmp, node: true });
  if (r.status !== 0) throw new Error(`browser timing of ${screen} failed: ${r.stderr.slice(0, 400)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

const SIZES = [
  { name: 'run-100k', items: 20_000, horizon: 5, pageBar: 0.2, clickBar: null },
  { name: 'run-1m', items: 50_000, horizon: 20, pageBar: 0.1, clickBar: 0.15 },
];

export async function firstPageSection({ root, tmp, runs, log }) {
  let ok = true;
  const rows = [];
  const summary = [];
  for (const size of SIZES) {
    log(`first-page: writing ${(size.items * 24).toLocaleString('en-US')} actuals and a ${(size.items * size.horizon).toLocaleString('en-US')}-line run …`);
    const db = await writeRunWorkbook({ root, tmp, ...size });
    const { out, typical, peakMb } = probeRun({ root, tmp, runs, db });
    const lines = out.warm[0].total.toLocaleString('en-US');
    const first = typical('warm');
    const grouped = typical('grouped');
    const detail = typical('detail');
    const overview = typical('overview');
    const overviewComputed = typical('overviewComputed');
    const pageOk = first < size.pageBar && grouped < size.pageBar;
    const counted = typical('counted');
    const clickOk = size.clickBar === null || (detail < size.clickBar && overviewComputed < size.clickBar && counted < size.clickBar && grouped < size.clickBar);
    if (!pageOk || !clickOk) ok = false;
    rows.push(
      { what: `first page of a ${lines}-line run (scores current), after a decision`, seconds: first, peakMb },
      { what: `  the same filtered by status, after a decision`, seconds: counted, peakMb },
      { what: `  the same filtered by status, its first open in the process`, seconds: out.countedFirst.seconds, peakMb },
      { what: `  grouped by item, after a decision`, seconds: grouped, peakMb },
      { what: `  grouped by item, its first open in the process`, seconds: out.groupedFirst.seconds, peakMb },
      { what: `  a page at line 50 000 while scrolling (list order kept)`, seconds: typical('scrolled'), peakMb },
      { what: `  a page at row 50 000 grouped by item (layout kept)`, seconds: typical('scrolledGrouped'), peakMb },
      { what: `  very first view in a new process (scores kept by the import)`, seconds: out.cold.seconds, peakMb },
      { what: `  run overview on the run's first open (kept since its import)`, seconds: typical('overviewComputed'), peakMb },
      { what: `  run overview after a decision`, seconds: overview, peakMb },
      { what: `  item detail of the first line's item, after a decision`, seconds: detail, peakMb },
    );
    const bar = (s, b) => (b === null ? '' : s < b ? ` (under the ${Math.round(b * 1000)} ms bar)` : ` (OVER the ${Math.round(b * 1000)} ms bar)`);
    summary.push(
      `first page at ${lines} lines: ${fmtMs(first)} for 200 lines (${Math.round(out.warm[0].bytes / 1024)} KB payload)${bar(first, size.pageBar)}, ${fmtMs(grouped)} grouped by item${bar(grouped, size.pageBar)} (${fmtMs(out.groupedFirst.seconds)} on its first open), ${fmtMs(counted)} by status${bar(counted, size.clickBar)} (${fmtMs(out.countedFirst.seconds)} on its first open), each after a decision; run overview ${fmtMs(overviewComputed)} on the run's first open${bar(overviewComputed, size.clickBar)}, ${fmtMs(overview)} after a decision, item detail ${fmtMs(detail)}${bar(detail, size.clickBar)}; the very first view of a run imported from the command line, in a new process, takes ${fmtMs(out.cold.seconds)} (its scores, layout and overview kept by the import).`,
    );
  }
  if (process.env.BENCH_BROWSER !== '0') {
    log('first-page: timing Review and Accuracy in headless Chromium at 100 000 lines …');
    const review = browserTiming({ root, tmp, screen: 'review', db: join(tmp, 'run-100k.sqlite') });
    const accuracyDb = join(tmp, 'accuracy-100k.sqlite');
    const gen = timed(process.execPath, [join(root, 'scripts', 'bench', 'accuracy-workbook.mjs'), accuracyDb, '2000'], { cwd: root, tmp, node: true });
    if (gen.status !== 0) throw new Error(`writing the 100 000-line accuracy workbook failed: ${gen.stderr.slice(0, 400)}`);
    const accuracy = browserTiming({ root, tmp, screen: 'accuracy', db: accuracyDb });
    rows.push(
      { what: "Chromium: Review's first rows, 100,000-line run (first open)", seconds: review.first, peakMb: null },
      { what: '  again after a reload', seconds: review.again, peakMb: null },
      { what: "Chromium: Accuracy's first chart, 100,000 lines (click → stairstep)", seconds: accuracy.first, peakMb: null },
      { what: '  again after a reload', seconds: accuracy.again, peakMb: null },
    );
    summary.push(
      `in headless Chromium (browser host, a measurement without a bar): Review shows its first rows of a 100,000-line run ${fmtMs(review.first)} after the app opens (${fmtMs(review.again)} after a reload); Accuracy draws its first chart over 100,000 lines ${fmtMs(accuracy.first)} after the click (${fmtMs(accuracy.again)} after a reload).`,
    );
  }
  return { ok, rows, summary };
}
