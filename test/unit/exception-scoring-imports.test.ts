// The scores an import leaves for the newest run, on every way a run arrives or goes
// through the import (exceptions/cache.ts, issue 14): a file with quarantined rows
// and items the import creates, a second file replacing the same model's origin,
// and the undo of each. After each, the kept scores and the reasons worked out from
// them are the per-line oracle's (test/helpers/exception-oracle.ts), line for line.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import { carryOut } from '../../electron/backend/declarations';
import { openWorkbook, type Db } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { keptRunExceptions } from '../../electron/backend/exceptions/reasons';
import { IMPORT_EFFECTS, UNDO_EFFECTS } from '../../electron/backend/imports/effects';
import { importFile } from '../../electron/backend/imports/import-file';
import { undoImportBatch } from '../../electron/backend/imports/undo';
import type { ImportOutcome } from '../../shared/domain';
import { addBuckets, periodFromKey } from '../../shared/period';
import { writeLines } from '../fixtures/import/v_harness';
import { oracleRunExceptions } from '../helpers/exception-oracle';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

describe('the scores an import leaves for the newest run', () => {
  const t = tempDir('fwb-exc-imports-');
  const path = join(t.dir, 'demo.sqlite');
  let ctx: BackendContext;
  let db: Db;
  let origin: string;
  let items: string[];

  beforeAll(async () => {
    ({ db } = await openWorkbook(path, { now: FIXED_NOW }));
    generateDemo(db, { items: 40, seed: 5 });
    ctx = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
    const newest = db.prepare('SELECT run_id AS runId, origin FROM forecast_runs ORDER BY origin DESC, run_id DESC LIMIT 1').get() as { runId: number; origin: number };
    origin = periodFromKey(newest.origin);
    items = db.prepare('SELECT DISTINCT i.item_id FROM forecast_lines l JOIN items i USING (item_key) WHERE l.run_id = ? ORDER BY 1').pluck().all(newest.runId) as string[];
  }, 120_000);
  afterAll(() => {
    db.close();
    t.cleanup();
  });

  const newestRun = () => db.prepare('SELECT run_id FROM forecast_runs ORDER BY origin DESC, run_id DESC LIMIT 1').pluck().get() as number;
  /** The newest run's kept scores and reasons, as every reader reads them, and the oracle's for the same lines. */
  function expectOracleScores(): number {
    const runId = newestRun();
    const kept = keptRunExceptions(db, runId).map((e) => ({ lineId: e.lineId, score: e.score, reasons: JSON.stringify(e.reasons) }));
    const oracle = oracleRunExceptions(db, runId)
      .map((e) => ({ lineId: e.lineId, score: e.score, reasons: JSON.stringify(e.reasons) }))
      .sort((a, b) => a.lineId - b.lineId);
    expect(oracle.length).toBeGreaterThan(100);
    expect(kept).toEqual(oracle);
    // The worklist's order (line_exception_order) holds exactly the run's scores by line, in SQLite's order.
    const ordered = db.prepare('SELECT score, line_id FROM line_exception_order WHERE run_id = ?').raw().all(runId);
    expect(ordered).toEqual(db.prepare('SELECT score, line_id FROM line_exceptions WHERE run_id = ? ORDER BY score, line_id').raw().all(runId));
    expect(ordered.length).toBe(oracle.length);
    return runId;
  }

  /** A forecast file one month after the demo's newest origin: every item of that run, six months ahead, quantities shifted by `shift`. */
  function forecastRows(shift: number): string[] {
    const next = addBuckets(origin, 1, 'month');
    const rows: string[] = [];
    items.forEach((item, n) => {
      for (let h = 1; h <= 6; h++) {
        const q = 40 + ((n * 37 + h * 11 + shift) % 300);
        rows.push(`${item},${addBuckets(next, h, 'month')},${q},${q * 0.8},${q * (1.1 + (n % 4) * 0.3)}`);
      }
    });
    return rows;
  }

  const importForecasts = (name: string, rows: string[]) =>
    carryOut(
      ctx,
      IMPORT_EFFECTS,
      (c) =>
        importFile(c, writeLines(t.dir, name, ['item_id,period,forecast,lower,upper', ...rows]), {
          kind: 'forecasts',
          model: 'Imported',
          origin: addBuckets(origin, 1, 'month'),
          unknownItems: 'create',
          user: 'sam.taylor',
        }),
      {},
    ) as Promise<ImportOutcome>;
  const undo = (batchId: number) => carryOut(ctx, UNDO_EFFECTS, (c) => undoImportBatch(c.db, batchId, { user: 'sam.taylor', at: FIXED_NOW().toISOString() }), {});

  let first: ImportOutcome;
  let second: ImportOutcome;

  it('scores a new run with quarantined rows and items the import created as the oracle does', async () => {
    const next = addBuckets(origin, 1, 'month');
    const created = [1, 2, 3].map((n) => `NEW-${n},${addBuckets(next, n, 'month')},${n * 500},${n * 400},${n * 700}`);
    const bad = [`${items[0]},${addBuckets(next, 9, 'month')},-5,,`, `${items[1]},not-a-date,12,,`];
    first = await importForecasts('first.csv', [...forecastRows(0), ...created, ...bad]);
    expect(first.refused).toBeFalsy();
    expect(first.rowsQuarantined).toBe(2);
    const runId = expectOracleScores();
    const newItems = db.prepare("SELECT count(*) FROM forecast_lines l JOIN items i USING (item_key) WHERE l.run_id = ? AND i.item_id LIKE 'NEW-%'").pluck().get(runId);
    expect(newItems).toBe(3);
  });

  it('scores the run of a second file for the same model and origin as the oracle does', async () => {
    second = await importForecasts('second.csv', forecastRows(97));
    expect(second.refused).toBeFalsy();
    expectOracleScores();
  });

  it('leaves the oracle’s scores for the newest run after each import is undone', async () => {
    // An undone run's ordered scores go with it (the schema's cascade, which the undo follows), as its scores by line do.
    const orphans = () => db.prepare('SELECT count(*) FROM line_exception_order WHERE run_id NOT IN (SELECT run_id FROM forecast_runs)').pluck().get();
    await undo(second.batchId!);
    expectOracleScores();
    expect(orphans()).toBe(0);
    await undo(first.batchId!);
    expectOracleScores();
    expect(orphans()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM line_exception_order').pluck().get()).toBe(db.prepare('SELECT count(*) FROM line_exceptions').pluck().get());
  });
});

describe('the scores of a first import into an empty workbook', () => {
  it('are the oracle’s for a run whose items the import created, with no actuals nor sales inputs', async () => {
    const t = tempDir('fwb-exc-first-');
    const path = join(t.dir, 'empty.sqlite');
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    try {
      const ctx: BackendContext = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
      const rows: string[] = [];
      for (let n = 0; n < 120; n++) {
        for (let h = 1; h <= 12; h++) {
          // Zeros, ties, lines with no interval and lines with a wide one, tiny and large items.
          const q = n % 17 === 0 ? 0 : n % 3 === 0 ? 50 : ((n * 53 + h * 29) % 900) / (n % 5 === 0 ? 100 : 1);
          const interval = n % 4 === 0 ? ',' : `${q * 0.5},${q * (1 + (h % 3))}`;
          rows.push(`SKU-${n},2025-${String(h).padStart(2, '0')}-01,${q},${interval}`);
        }
      }
      rows.push('SKU-1,2025-13-01,5,,');
      const out = (await carryOut(
        ctx,
        IMPORT_EFFECTS,
        (c) =>
          importFile(c, writeLines(t.dir, 'first.csv', ['item_id,period,forecast,lower,upper', ...rows]), {
            kind: 'forecasts',
            model: 'First',
            origin: '2024-12-01',
            unknownItems: 'create',
          }),
        {},
      )) as ImportOutcome;
      expect(out.refused).toBeFalsy();
      expect([out.rowsAccepted, out.rowsQuarantined]).toEqual([1440, 1]);
      expect(db.prepare('SELECT count(*) FROM sales_inputs').pluck().get()).toBe(0);
      const runId = out.runs[0]!.runId;
      const kept = keptRunExceptions(db, runId).map((e) => ({ lineId: e.lineId, score: e.score, reasons: JSON.stringify(e.reasons) }));
      const oracle = oracleRunExceptions(db, runId)
        .map((e) => ({ lineId: e.lineId, score: e.score, reasons: JSON.stringify(e.reasons) }))
        .sort((a, b) => a.lineId - b.lineId);
      expect(kept.length).toBe(1440);
      expect(kept).toEqual(oracle);
      // Damped lines and undamped ones, so the run's typical volume is part of what is compared.
      expect(kept.some((k) => k.reasons.includes('"low_volume"'))).toBe(true);
      expect(kept.some((k) => !k.reasons.includes('"low_volume"'))).toBe(true);
    } finally {
      db.close();
      t.cleanup();
    }
  });
});
