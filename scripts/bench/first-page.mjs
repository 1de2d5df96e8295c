// Bench section "first-page": the Review screen's first page of a 100 000-line
// run (backend query + JSON payload), target under 200 ms (SPEC §8). The run and
// two years of actuals are loaded with `fwb import`, as an analyst would.
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { median, timed } from './measure.mjs';

const fmtSeconds = (s) => `${Math.round(s * 1000)} ms`;

const ITEMS = 20_000;
const HORIZON = 5;
const BAR_SECONDS = 0.2;

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

export async function firstPageSection({ root, tmp, runs, log }) {
  const db = join(tmp, 'first-page.sqlite');
  const actuals = join(tmp, 'actuals-2y.csv');
  const forecasts = join(tmp, 'forecasts-100k.csv');
  log('first-page: writing 480 000 actuals and a 100 000-line run …');
  await writeCsv(actuals, 'item_id,period,actual', function* () {
    for (let i = 0; i < ITEMS; i++) for (let m = 1; m <= 24; m++) yield `SKU-${100000 + i},${month(2024, m)},${100 + (i % 50) + ((m * 7) % 13)}`;
  });
  await writeCsv(forecasts, 'item_id,period,forecast,lower,upper', function* () {
    for (let i = 0; i < ITEMS; i++) for (let h = 1; h <= HORIZON; h++) {
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

  const probe = timed(process.execPath, [join(root, 'scripts', 'bench', 'first-page-probe.mjs'), db, String(runs)], { cwd: root, tmp, node: true });
  if (probe.status !== 0) throw new Error(`first-page probe failed: ${probe.stderr.slice(0, 400)}`);
  const { cold, warm, grouped, scrolled, scrolledGrouped } = JSON.parse(probe.stdout.trim().split('\n').at(-1));
  const typical = median(warm.map((w) => w.seconds));
  const typicalGrouped = median(grouped.map((w) => w.seconds));
  const ok = typical < BAR_SECONDS && typicalGrouped < BAR_SECONDS;
  return {
    ok,
    rows: [
      { what: `first page of a ${warm[0].total.toLocaleString('en-US')}-line run (scores current)`, seconds: typical, peakMb: probe.peakMb },
      { what: 'first page grouped by item (scores current)', seconds: typicalGrouped, peakMb: probe.peakMb },
      { what: 'a page at line 50 000 while scrolling (list order kept)', seconds: median(scrolled.map((w) => w.seconds)), peakMb: probe.peakMb },
      { what: 'a page at row 50 000 grouped by item (layout kept)', seconds: median(scrolledGrouped.map((w) => w.seconds)), peakMb: probe.peakMb },
      { what: 'first page, very first view (scores computed then)', seconds: cold.seconds, peakMb: probe.peakMb },
    ],
    summary: [
      `first page: ${fmtSeconds(typical)} for 200 of ${warm[0].total.toLocaleString('en-US')} lines (${Math.round(warm[0].bytes / 1024)} KB payload), ${fmtSeconds(typicalGrouped)} grouped by item (${Math.round(grouped[0].bytes / 1024)} KB) → ${ok ? 'under' : 'OVER'} the ${BAR_SECONDS * 1000} ms bar; the very first view of a run imported from the command line takes ${fmtSeconds(cold.seconds)} while it scores every line once.`,
    ],
  };
}
