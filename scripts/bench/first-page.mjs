// Bench section "first-page": the Review screen on a 100 000-line run and on a
// 1 000 000-line run, through the API (backend query + JSON payload): the first
// page (bar 200 ms at 100 000 lines, SPEC §8; 100 ms at 1M lines, issue 14), the
// grouped first page, and what the first clicks open, the run's overview and an
// item's detail (bar 150 ms at 1M lines). Each run and two years of actuals are
// loaded with `fwb import`, as an analyst would.
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { median, timed } from './measure.mjs';

const fmtMs = (s) => `${Math.round(s * 1000)} ms`;

async function writeCsv(path, header, rows) {
  const out = createWriteStream(path);
  out.write(`${header}\n`);
  let chunk = '';
  for (const line of rows()) {
    chunk += `${line}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

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
    const r = timed(process.execPath, [join(root, 'bin', 'fwb.mjs'), 'import', '--db', db, ...args], { cwd: root, tmp, node: true });
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
    const pageOk = first < size.pageBar && grouped < size.pageBar;
    const clickOk = size.clickBar === null || (detail < size.clickBar && overview < size.clickBar);
    if (!pageOk || !clickOk) ok = false;
    rows.push(
      { what: `first page of a ${lines}-line run (scores current)`, seconds: first, peakMb },
      { what: `  grouped by item`, seconds: grouped, peakMb },
      { what: `  a page at line 50 000 while scrolling (list order kept)`, seconds: typical('scrolled'), peakMb },
      { what: `  a page at row 50 000 grouped by item (layout kept)`, seconds: typical('scrolledGrouped'), peakMb },
      { what: `  very first view (scores computed then)`, seconds: out.cold.seconds, peakMb },
      { what: `  run overview (history and forecast totals)`, seconds: overview, peakMb },
      { what: `  item detail of the first line's item`, seconds: detail, peakMb },
    );
    const bar = (s, b) => (b === null ? '' : s < b ? ` (under the ${Math.round(b * 1000)} ms bar)` : ` (OVER the ${Math.round(b * 1000)} ms bar)`);
    summary.push(
      `first page at ${lines} lines: ${fmtMs(first)} for 200 lines (${Math.round(out.warm[0].bytes / 1024)} KB payload)${bar(first, size.pageBar)}, ${fmtMs(grouped)} grouped by item${bar(grouped, size.pageBar)}; run overview ${fmtMs(overview)}${bar(overview, size.clickBar)}, item detail ${fmtMs(detail)}${bar(detail, size.clickBar)}; the very first view of a run imported from the command line takes ${fmtMs(out.cold.seconds)} while it scores every line once.`,
    );
  }
  return { ok, rows, summary };
}
