// Bench section "import": 1 M forecast lines from CSV through `fwb import`,
// against the sqlite3 shell's `.import` of the same file into a bare table
// (SPEC §8: at most 2×; issue 14's target: at most 1.0×, validation, provenance
// and indexes included). Beside them, for what that target asks: the same shell
// importing the same file into a table of the workbook's shape (typed columns, the
// lines' unique key, a quantity check) in WAL mode, as a workbook has to be for its
// readers, with no validation, provenance or scores: SQLite's own cost for such a
// table, whatever program drives it.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_ORIGIN, writeForecastCsv } from './forecast-csv.mjs';
import { fmtMb, fmtSeconds, median, timed, which } from './measure.mjs';

const BAR = 2.0;
const TARGET = 1.0;

/** The workbook's forecast_lines as a CSV of ids maps onto it: typed columns, the unique key of a line, the quantity's check. */
const SHAPED_TABLE =
  'CREATE TABLE lines (item_id TEXT NOT NULL, location TEXT NOT NULL, period TEXT NOT NULL, forecast REAL NOT NULL CHECK (forecast >= 0), lower REAL, upper REAL, model_version TEXT, UNIQUE (item_id, location, period))';

function removeDb(path) {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}

export async function importSection({ root, tmp, runs, log }) {
  // fwb as users run it: the prebuilt bundle (bin/fwb.cjs falls back to compiling
  // the sources with tsx when the bundle is older than them).
  log('import: bundling the command line (scripts/build-cli.mjs) …');
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0) throw new Error('scripts/build-cli.mjs failed');
  const csv = join(tmp, 'forecasts-1m.csv');
  log('import: writing the 1 M-line CSV …');
  const lines = await writeForecastCsv(csv);
  const sqlite3 = which('sqlite3');
  if (!sqlite3) log('import: sqlite3 not found, so there is no reference time; install it with `apt-get install sqlite3` (Debian/Ubuntu) or `brew install sqlite` (macOS).');

  const fwb = [];
  const shell = [];
  const shaped = [];
  // Alternating the two sides spreads any background load over both.
  for (let i = 0; i < runs; i++) {
    const db = join(tmp, 'bench.sqlite');
    removeDb(db);
    const r = timed(process.execPath, [join(root, 'bin', 'fwb.cjs'), 'import', '--db', db, '--kind', 'forecasts', '--model', 'Bench', '--origin', BENCH_ORIGIN, '--create-items', '--json', csv], { cwd: root, tmp, node: true, env: { FWB_PHASES: '1' } });
    // FWB_PHASES=1 (backend/phase-marks.ts): when, since the process started, the import's last transaction committed.
    const committed = /\[phase\] (\d+) ms final transaction done/.exec(r.stderr);
    r.committedSeconds = committed ? Number(committed[1]) / 1000 : null;
    let result = null;
    try {
      result = JSON.parse(r.stdout.trim().split('\n').at(-1));
    } catch {
      /* reported below */
    }
    if (r.status !== 0 || !result || result.rowsAccepted !== lines) {
      throw new Error(`fwb import failed (exit ${r.status}): ${r.stderr.trim() || r.stdout.trim()}`);
    }
    fwb.push(r);
    log(`import: fwb run ${i + 1}: ${fmtSeconds(r.seconds)} (${fmtMb(r.peakMb)}; the lines committed at ${r.committedSeconds === null ? '?' : fmtSeconds(r.committedSeconds)})`);
    if (sqlite3) {
      const bare = join(tmp, 'bare.db');
      removeDb(bare);
      const s = timed(sqlite3, [bare, '-cmd', '.mode csv', `.import ${csv} bare`], { cwd: tmp, tmp });
      if (s.status !== 0) throw new Error(`sqlite3 .import failed: ${s.stderr}`);
      shell.push(s);
      log(`import: sqlite3 run ${i + 1}: ${fmtSeconds(s.seconds)} (${fmtMb(s.peakMb)})`);
      const typed = join(tmp, 'shaped.db');
      removeDb(typed);
      const w = timed(sqlite3, [typed, '-cmd', 'PRAGMA journal_mode = WAL', '-cmd', 'PRAGMA synchronous = NORMAL', '-cmd', SHAPED_TABLE, '-cmd', '.mode csv', `.import --skip 1 ${csv} lines`], { cwd: tmp, tmp });
      if (w.status !== 0) throw new Error(`sqlite3 .import into the workbook's shape failed: ${w.stderr}`);
      shaped.push(w);
      log(`import: sqlite3 into the workbook's shape, WAL, run ${i + 1}: ${fmtSeconds(w.seconds)} (${fmtMb(w.peakMb)})`);
      removeDb(typed);
    }
  }
  const fwbS = median(fwb.map((r) => r.seconds));
  const fwbMb = median(fwb.map((r) => r.peakMb ?? 0)) || null;
  const rows = [{ what: `import ${lines / 1e6}M lines: fwb import`, seconds: fwbS, peakMb: fwbMb }];
  const summary = [];
  let ok = true;
  if (shell.length > 0) {
    const shS = median(shell.map((r) => r.seconds));
    const shMb = median(shell.map((r) => r.peakMb ?? 0)) || null;
    rows.push({ what: `import ${lines / 1e6}M lines: sqlite3 .import`, seconds: shS, peakMb: shMb });
    const shapedS = median(shaped.map((r) => r.seconds));
    rows.push({ what: `import ${lines / 1e6}M lines: sqlite3 .import, workbook's shape, WAL`, seconds: shapedS, peakMb: median(shaped.map((r) => r.peakMb ?? 0)) || null });
    const ratio = fwbS / shS;
    ok = ratio <= BAR;
    // Each pair ran back to back: their ratios show how much background load moved the medians.
    const pairs = fwb.map((r, i) => `${(r.seconds / shell[i].seconds).toFixed(2)}×`).join(', ');
    const committedS = fwb.every((r) => r.committedSeconds !== null) ? median(fwb.map((r) => r.committedSeconds)) : null;
    summary.push(
      `import 1M lines: fwb ${fmtSeconds(fwbS)} (${fmtMb(fwbMb)}) vs sqlite3 .import ${fmtSeconds(shS)} (${fmtMb(shMb)}) → ${ratio.toFixed(2)}× (target ≤ ${TARGET.toFixed(1)}×, bar ≤ ${BAR.toFixed(1)}×: ${ratio <= TARGET ? 'target met' : ok ? 'bar met, target not' : 'TOO SLOW'}; run by run ${pairs})`,
      ...(committedS === null
        ? []
        : [
            `import 1M lines: of fwb's ${fmtSeconds(fwbS)}, the import's own work (the file read and checked, its lines, run and provenance written under their keys and committed) ended at ${fmtSeconds(committedS)} after the process started (${(committedS / shS).toFixed(2)}× the bare .import); the rest is Review's warm-ups for the new run (its lines' exception scores, its default grouped layout, its overview) and the process's end`,
          ]),
      `import 1M lines: the shell itself into the workbook's shape in WAL mode ${fmtSeconds(shapedS)} → ${(shapedS / shS).toFixed(2)}× its bare .import; fwb ${(fwbS / shapedS).toFixed(2)}× that (run by run ${fwb.map((r, i) => `${(r.seconds / shaped[i].seconds).toFixed(2)}×`).join(', ')})`,
    );
  }
  return { rows, summary, ok };
}
