// A run's exception reasons are worked out when a page reads them (exceptions/reasons.ts,
// issue 14): the rescoring keeps per line only its score, per item and location the
// signals, per run the typical volume. Every line's reasons as the worklist serves them,
// flat and grouped, equal the per-line oracle's (test/helpers/exception-oracle.ts), and
// no line carries its reasons' text in the workbook any more.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { ok } from '../helpers/api';
import { oracleRunExceptions } from '../helpers/exception-oracle';
import { MIGRATIONS } from '../../electron/backend/db/migrations/index';
import { FIXED_NOW, fillSmallWorkbook, tempDir } from '../helpers/workbook';

describe('exception reasons worked out on read', () => {
  it('serves every line of every run the oracle’s score and reasons, flat and grouped, from a row without reasons', async () => {
    const t = tempDir('fwb-exc-reasons-');
    const path = join(t.dir, 'demo.sqlite');
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    const ctx: BackendContext = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
    try {
      generateDemo(db, { items: 40, seed: 3 });
      // A line's kept row is its score for the worklist's order: no reasons' text.
      const columns = db.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').pluck().all('line_exceptions');
      expect(columns).toEqual(['line_id', 'run_id', 'score']);
      const runs = db.prepare('SELECT run_id FROM forecast_runs ORDER BY run_id').pluck().all() as number[];
      expect(runs.length).toBeGreaterThan(2);
      const kinds = new Set<string>();
      for (const runId of runs) {
        const served = new Map<number, { score: number; reasons: string }>();
        for (let offset = 0; ; offset += 500) {
          const page = await ok(ctx, 'getRunLines', { runId, offset, limit: 500, sort: { column: 'exception', direction: 'desc' }, filter: {} });
          for (const r of page.rows) served.set(r.lineId, { score: r.exceptionScore, reasons: JSON.stringify(r.exceptionReasons) });
          if (offset + 500 >= page.total) break;
        }
        const want = oracleRunExceptions(db, runId);
        expect(served.size).toBe(want.length);
        for (const w of want) {
          expect(served.get(w.lineId), `line ${w.lineId}`).toEqual({ score: w.score, reasons: JSON.stringify(w.reasons) });
          for (const r of w.reasons) kinds.add(r.kind);
        }
        // The grouped view's first page reads the same rows.
        const grouped = await ok(ctx, 'getRunLines', { runId, offset: 0, limit: 200, groupByItem: true, filter: {} });
        const lines = grouped.rows.filter((r) => 'lineId' in r && typeof r.lineId === 'number') as { lineId: number; exceptionScore: number; exceptionReasons: unknown[] }[];
        expect(lines.length).toBeGreaterThan(0);
        for (const r of lines) expect(JSON.stringify(r.exceptionReasons)).toBe(served.get(r.lineId)!.reasons);
      }
      expect([...kinds].sort()).toEqual(['drift', 'interval_width', 'low_volume', 'new_item', 'recent_error', 'run_rate_jump', 'sales_input']);
    } finally {
      db.close();
      t.cleanup();
    }
  });

  it('converts a workbook that kept reasons per line: its runs are rescored on first read, with the oracle’s reasons', async () => {
    const t = tempDir('fwb-exc-reasons-');
    const path = join(t.dir, 'old.sqlite');
    const old = await openWorkbook(path, { now: FIXED_NOW, migrations: MIGRATIONS.slice(0, 12) });
    const { runId } = fillSmallWorkbook(old.db);
    // Kept as before migration 013: a score and the reasons' text per line, stamped current.
    old.db.prepare(`INSERT INTO line_exceptions (line_id, run_id, score, reasons) SELECT line_id, run_id, 1, '[{"kind":"drift","value":1,"contribution":9.1}]' FROM forecast_lines`).run();
    old.db.prepare("INSERT INTO exception_runs (run_id, signature) VALUES (?, 'kept before 013')").run(runId);
    old.db.close();
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    const ctx: BackendContext = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
    try {
      expect(db.prepare('SELECT count(*) FROM line_exceptions').pluck().get()).toBe(0);
      const page = await ok(ctx, 'getRunLines', { runId, offset: 0, limit: 100, filter: {} });
      const want = oracleRunExceptions(db, runId);
      expect(page.rows.length).toBe(want.length);
      const served = new Map(page.rows.map((r) => [r.lineId, { score: r.exceptionScore, reasons: r.exceptionReasons }]));
      for (const w of want) expect(served.get(w.lineId)).toEqual({ score: w.score, reasons: w.reasons });
    } finally {
      db.close();
      t.cleanup();
    }
  });
});
