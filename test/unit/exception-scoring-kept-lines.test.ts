// The newest run's scoring right after an import takes the lines the import kept as it
// wrote them (exceptions/written-lines.ts) instead of reading them back (issue 14), and
// only while they are still the table's. Each case holds the scores to the per-line
// oracle (test/helpers/exception-oracle.ts): a file read in this thread or in the parse
// worker, with quarantined rows and items it creates; a file of two origins; a line
// edited by another program before the scoring; a malformed file refused.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import { carryOut } from '../../electron/backend/declarations';
import { openWorkbook, type Db } from '../../electron/backend/db/open';
import { keptRunExceptions } from '../../electron/backend/exceptions/reasons';
import { runScorer } from '../../electron/backend/exceptions/score';
import { dropWrittenLines, writtenLinesOf } from '../../electron/backend/exceptions/written-lines';
import { overviewOfRun } from '../../electron/backend/queries/run-overview';
import { readMeta } from '../../electron/backend/db/meta';
import { IMPORT_EFFECTS, UNDO_EFFECTS } from '../../electron/backend/imports/effects';
import { importFile } from '../../electron/backend/imports/import-file';
import { undoImportBatch } from '../../electron/backend/imports/undo';
import type { ImportOptions } from '../../electron/backend/imports/types';
import type { ImportOutcome } from '../../shared/domain';
import { writeLines } from '../fixtures/import/v_harness';
import { oracleRunExceptions } from '../helpers/exception-oracle';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

/** 150 items × 12 months: zeros, ties, lines with and without an interval, tiny and large items; then two malformed rows. */
function forecastRows(shift = 0): string[] {
  const rows: string[] = [];
  for (let n = 0; n < 150; n++) {
    for (let h = 1; h <= 12; h++) {
      const q = n % 17 === 0 ? 0 : n % 3 === 0 ? 50 : ((n * 53 + h * 29 + shift) % 900) / (n % 5 === 0 ? 100 : 1);
      const interval = n % 4 === 0 ? ',' : `${q * 0.5},${q * (1 + (h % 3))}`;
      rows.push(`SKU-${n},2025-${String(h).padStart(2, '0')}-01,${q},${interval}`);
    }
  }
  rows.push('SKU-1,2025-13-01,5,,', 'SKU-2,2025-03-01,-4,,');
  return rows;
}

describe('scoring the run an import has just written from the lines it kept', () => {
  let t: ReturnType<typeof tempDir>;
  let db: Db;
  let ctx: BackendContext;
  beforeEach(async () => {
    t = tempDir('fwb-exc-kept-');
    const path = join(t.dir, 'w.sqlite');
    ({ db } = await openWorkbook(path, { now: FIXED_NOW }));
    ctx = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
  });
  afterEach(() => {
    db.close();
    t.cleanup();
  });

  const file = (name: string, header: string, rows: string[]) => writeLines(t.dir, name, [header, ...rows]);
  const options = (extra: Partial<ImportOptions> = {}): ImportOptions => ({ kind: 'forecasts', model: 'Kept', origin: '2024-12-01', unknownItems: 'create', ...extra });
  const oracle = (runId: number) => oracleRunExceptions(db, runId).map((e) => ({ lineId: e.lineId, score: e.score })).sort((a, b) => a.lineId - b.lineId);
  const keptOverview = (runId: number) => JSON.parse(readMeta(db, `run_overview:${runId}`)!) as NonNullable<ReturnType<typeof overviewOfRun>>;
  const scoresOf = (s: NonNullable<ReturnType<typeof runScorer>>) => Array.from(s.lineIds, (lineId, k) => ({ lineId, score: s.scores[k]! }));

  for (const worker of [false, true]) {
    it(`takes the kept lines of a file read ${worker ? 'in the parse worker' : 'in this thread'}, with quarantined rows and created items, and scores as the oracle`, async () => {
      const out = await importFile(ctx, file('f.csv', 'item_id,period,forecast,lower,upper', forecastRows()), options({ worker }));
      expect([out.rowsAccepted, out.rowsQuarantined]).toEqual([1800, 2]);
      expect(out.errors.map((e) => [e.row, e.column])).toEqual([
        [1802, 'period'],
        [1803, 'forecast'],
      ]);
      const runId = out.runs[0]!.runId;
      const scorer = runScorer(db, runId)!;
      expect(scorer.linesFrom).toBe('import');
      expect(scoresOf(scorer)).toEqual(oracle(runId));
      // Once dropped (the import's last warm-up does), the next scoring reads the table, to the same scores.
      dropWrittenLines(db);
      const again = runScorer(db, runId)!;
      expect(again.linesFrom).toBe('workbook');
      expect(scoresOf(again)).toEqual(scoresOf(scorer));
    });
  }

  it('scores from the kept lines with the history of earlier runs and actuals (run-rate, recent error, new items) as the oracle', async () => {
    // Actuals of most items up to the new run's origin, and an earlier run of the same model whose periods they reach.
    const actuals: string[] = [];
    for (let n = 0; n < 150; n++) {
      if (n % 7 === 0) continue; // no history: new items
      for (let m = n % 3 === 0 ? 10 : 1; m <= 12; m++) actuals.push(`SKU-${n},2024-${String(m).padStart(2, '0')}-01,${20 + ((n * 13 + m * 7) % 400)}`);
    }
    await importFile(ctx, file('actuals.csv', 'item_id,period,actual', actuals), { kind: 'actuals', unknownItems: 'create' });
    const earlier = forecastRows(57)
      .slice(0, 1800)
      .filter((r) => /,2025-(0[7-9]|1\d)-01,/.test(r))
      .map((r) => r.replace(/,2025-(\d\d)-01,/, (_, m: string) => `,2024-${m}-01,`));
    await importFile(ctx, file('earlier.csv', 'item_id,period,forecast,lower,upper', earlier), options({ origin: '2024-06-01' }));
    const out = await importFile(ctx, file('f.csv', 'item_id,period,forecast,lower,upper', forecastRows()), options());
    const runId = out.runs[0]!.runId;
    const scorer = runScorer(db, runId)!;
    expect(scorer.linesFrom).toBe('import');
    // Every signal the items bring is present, so the kept lines' items were joined with the history.
    expect(Array.from(scorer.items.errAbs).some((x) => x > 0)).toBe(true);
    expect(Array.from(scorer.items.runRate).some((x) => x > 0)).toBe(true);
    expect(Array.from(scorer.items.history).some((x) => x === 0)).toBe(true);
    expect(scoresOf(scorer)).toEqual(oracle(runId));
  });

  it('keeps the overview of a run just imported as SQL computes it, to the last bit of every cell, with its items’ history', async () => {
    const actuals: string[] = [];
    for (let n = 0; n < 150; n += 2) for (let m = 1; m <= 12; m++) actuals.push(`SKU-${n},2024-${String(m).padStart(2, '0')}-01,${(n * 7.31 + m * 0.17).toFixed(2)}`);
    await importFile(ctx, file('actuals.csv', 'item_id,period,actual', actuals), { kind: 'actuals', unknownItems: 'create' });
    db.prepare("UPDATE items SET category = CASE item_key % 3 WHEN 0 THEN 'Tea' WHEN 1 THEN 'Coffee' ELSE NULL END").run();
    // Quantities with many digits, so the order and manner of summing would show in the last bit.
    const rows = forecastRows().map((r, i) => r.replace(/^([^,]+,[^,]+,)([^,]+)/, (_, head: string, q: string) => `${head}${(Number(q) + (i % 97) / 7 + 1e-3 * (i % 13)).toString()}`));
    const out = (await carryOut(ctx, IMPORT_EFFECTS, (c) => importFile(c, file('f.csv', 'item_id,period,forecast,lower,upper', rows), options()), {})) as ImportOutcome;
    const runId = out.runs[0]!.runId;
    const overview = keptOverview(runId);
    expect(overview.history.length).toBe(12);
    expect(overview.categories).toEqual(['Coffee', 'Tea']);
    expect(overview).toEqual(overviewOfRun(db, runId));
    // Read and written by the run's last warm-up: nothing is left kept.
    expect(writtenLinesOf(db, runId)).toBeNull();
  });

  it('keeps only the newest run of a file of two origins; the older one is read from the table', async () => {
    const rows = forecastRows().slice(0, 1800);
    const twoOrigins = [...rows.map((r) => `2024-12-01,${r}`), ...rows.map((r) => `2024-11-01,${r}`)];
    const out = await importFile(ctx, file('two.csv', 'origin,item_id,period,forecast,lower,upper', twoOrigins), { kind: 'forecasts', model: 'Kept', unknownItems: 'create' });
    const byOrigin = Object.fromEntries(out.runs.map((r) => [r.origin, r.runId]));
    const newer = runScorer(db, byOrigin['2024-12-01']!)!;
    expect(newer.linesFrom).toBe('import');
    expect(scoresOf(newer)).toEqual(oracle(byOrigin['2024-12-01']!));
    const older = runScorer(db, byOrigin['2024-11-01']!)!;
    expect(older.linesFrom).toBe('workbook');
    expect(scoresOf(older)).toEqual(oracle(byOrigin['2024-11-01']!));
  });

  it('reads the table when another program has changed a line of the run since the import', async () => {
    const out = await importFile(ctx, file('f.csv', 'item_id,period,forecast,lower,upper', forecastRows()), options());
    const runId = out.runs[0]!.runId;
    const other = new Database(ctx.path);
    try {
      other.prepare('UPDATE forecast_lines SET quantity = 5000 WHERE line_id = (SELECT min(line_id) FROM forecast_lines WHERE run_id = ?)').run(runId);
    } finally {
      other.close();
    }
    const scorer = runScorer(db, runId)!;
    expect(scorer.linesFrom).toBe('workbook');
    expect(scoresOf(scorer)).toEqual(oracle(runId));
  });

  it('leaves the oracle’s scores through the import’s effects, and after the undo of a second file of the same origin', async () => {
    const run = (name: string, shift: number) =>
      carryOut(ctx, IMPORT_EFFECTS, (c) => importFile(c, file(name, 'item_id,period,forecast,lower,upper', forecastRows(shift)), options({ worker: true })), {}) as Promise<ImportOutcome>;
    const first = await run('a.csv', 0);
    const second = await run('b.csv', 311);
    const newest = second.runs[0]!.runId;
    expect(newest).toBeGreaterThan(first.runs[0]!.runId);
    const kept = (runId: number) => keptRunExceptions(db, runId).map((e) => ({ lineId: e.lineId, score: e.score }));
    expect(kept(newest)).toEqual(oracle(newest));
    expect(keptOverview(newest)).toEqual(overviewOfRun(db, newest));
    await carryOut(ctx, UNDO_EFFECTS, (c) => undoImportBatch(c.db, second.batchId!, { user: null, at: FIXED_NOW().toISOString() }), {});
    const left = first.runs[0]!.runId;
    expect(kept(left)).toEqual(oracle(left));
  });

  it('refuses a malformed file read in the parse worker with its file, row and column, writing nothing and keeping nothing', async () => {
    const before = db.prepare('SELECT (SELECT count(*) FROM forecast_lines), (SELECT count(*) FROM line_exceptions), (SELECT count(*) FROM forecast_runs)').raw().get();
    await expect(importFile(ctx, file('bad.csv', 'item_id,period,forecast,lower,upper', forecastRows()), options({ worker: true, strict: true }))).rejects.toMatchObject({
      message: expect.stringContaining('bad.csv: refused (strict): row 1802, column period'),
      file: 'bad.csv',
      row: 1802,
      column: 'period',
    });
    expect(db.prepare('SELECT (SELECT count(*) FROM forecast_lines), (SELECT count(*) FROM line_exceptions), (SELECT count(*) FROM forecast_runs)').raw().get()).toEqual(before);
  });
});
