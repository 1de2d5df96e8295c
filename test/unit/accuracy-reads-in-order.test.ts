// How the accuracy engine's reads meet SQLite (issue 14, target 1): each `fwb accuracy`
// call is a process of its own that adds up the cube's rows once, so how those rows are
// laid out is most of its query. The slices of overrides read their rolled-up rows, each
// from a covering index in the order it adds them up (migration 019): no row of the table
// fetched, no sort for the GROUP BY, and no join to the runs unless a filter or the key
// names the run; a slice of overrides over everything reads the rollup's totals, a few
// hundred rows. Held here by SQLite's own plan for every statement the engine prepares;
// the figures themselves are held by the engine's other tests.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeOverrideTotals } from '../../electron/backend/accuracy/override-rollup';
import { accuracySlice, directionSizeTable } from '../../electron/backend/accuracy/slices';
import type { Db } from '../../electron/backend/db/open';
import type { AccuracyFilter } from '../../shared/accuracy';
import { tempDir } from '../helpers/workbook';
import { generatedAccuracyWorkbook } from '../helpers/accuracy-cold';

/** Filters that narrow neither by run nor by model, as `fwb accuracy` is mostly called. */
const FILTERS: AccuracyFilter[] = [{}, { lag: 1 }, { fromPeriod: '2025-01-01' }];

describe('the accuracy engine reads the cube in the order it adds it up', () => {
  const t = tempDir('fwb-acc-order-');
  let db: Db;
  beforeAll(async () => {
    const path = join(t.dir, 'generated.sqlite');
    db = await generatedAccuracyWorkbook(path, 300);
  }, 120_000);
  afterAll(() => {
    db.close();
    t.cleanup();
  });

  /** The statements `work` prepares (recorded, and run as they are) that read `table`, each with SQLite's plan for it. */
  function plansOf(table: string, work: () => void): { sql: string; plan: string }[] {
    const prepare = vi.spyOn(db, 'prepare');
    let prepared: string[];
    try {
      work();
      prepared = prepare.mock.calls.map(([sql]) => sql);
    } finally {
      prepare.mockRestore();
    }
    return prepared
      .filter((sql) => new RegExp(`\\b${table}\\b`).test(sql))
      .map((sql) => {
        const params = Object.fromEntries(Object.entries({ lag: 1, fromPeriod: 20250101 }).filter(([name]) => sql.includes(`@${name}`)));
        return { sql, plan: (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((p) => p.detail).join('; ') };
      });
  }

  function expectInOrder(reads: { sql: string; plan: string }[], index: RegExp, count: number): void {
    expect(reads).toHaveLength(count);
    for (const { sql, plan } of reads) {
      expect(plan, sql).toMatch(index);
      expect(plan, sql).not.toMatch(/TEMP B-TREE|forecast_runs/);
    }
  }

  it('reads each rolled-up slice of overrides under a filter from its own covering index', () => {
    const reads = plansOf('accuracy_override_rollup', () => {
      for (const filter of FILTERS.filter((f) => Object.keys(f).length > 0)) {
        for (const by of ['planner', 'reason', 'direction', 'size'] as const) accuracySlice(db, filter, 'mape', by);
        directionSizeTable(db, filter, 'wape');
      }
    });
    expectInOrder(reads, /USING COVERING INDEX accuracy_override_rollup_(planner|reason|direction_size)\b/, 10);
  });

  it('answers a slice of overrides over every run, period and lag from their totals, not from the rollup', () => {
    const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    // A few hundred rows instead of the rollup's thousands: what an unfiltered call adds up.
    expect(count('accuracy_override_totals')).toBeGreaterThan(0);
    expect(count('accuracy_override_totals') * 4).toBeLessThan(count('accuracy_override_rollup'));
    const unfiltered = () => {
      for (const by of ['planner', 'reason', 'direction', 'size'] as const) accuracySlice(db, {}, 'wape', by);
      directionSizeTable(db, {}, 'wape');
    };
    expect(plansOf('accuracy_override_rollup', unfiltered)).toEqual([]);
    expect(plansOf('accuracy_override_totals', unfiltered)).toHaveLength(5);
    // Rewritten after every refresh of the cube: slice by slice from the rollup's own indexes, with no sort.
    expectInOrder(plansOf('accuracy_override_rollup', () => writeOverrideTotals(db)), /USING COVERING INDEX accuracy_override_rollup_(planner|reason|direction_size)\b/, 3);
  });
});
