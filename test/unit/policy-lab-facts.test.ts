// The policy lab's line facts (issue 16) are read as separate scans of lines,
// actuals, sales inputs and line states joined in memory, for speed at 1 M lines.
// They must equal, column by column, what the first read's single SQL join gave
// (kept as the oracle in test/helpers/line-facts-oracle.ts): on the planted
// workbook with sales inputs, MASE's scale, attributes, superseded actuals and
// sales inputs, a pending override, overrides an adopted policy changed, and
// under every kind of filter.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccuracyFilter, Metric } from '../../shared/accuracy';
import type { Db } from '../../electron/backend/db/open';
import { openWorkbook } from '../../electron/backend/db/open';
import { rebuildLineState } from '../../electron/backend/decisions/projection';
import { readLineFacts, rowsInOrder, type SegmentBy } from '../../electron/backend/policy-lab/line-facts';
import { expectSameLineFacts, lineFactsByOneJoin } from '../helpers/line-facts-oracle';
import { fillPlantedWorkbook } from '../helpers/planted-workbook';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

const DIMS: SegmentBy[] = ['abc_class', 'attr:brand', 'attr:season', 'category'];

describe('policy lab line facts: the scans joined in memory equal the single SQL join', () => {
  const t = tempDir('fwb-policy-facts-');
  let db: Db;

  beforeAll(async () => {
    ({ db } = await openWorkbook(join(t.dir, 'planted.sqlite'), { now: FIXED_NOW }));
    fillPlantedWorkbook(db, { items: 60, cycles: 10 });
    const at = '2026-11-01T09:00:00.000Z';
    db.transaction(() => {
      // An attribute some items have (a segment the lab can name), and a second location for one item.
      db.prepare(`UPDATE items SET attributes = json_object('season', CASE item_key % 3 WHEN 0 THEN 'summer' WHEN 1 THEN 'winter' END) WHERE item_key % 3 <> 2`).run();
      // Corrected actuals and sales inputs: the superseded rows must not be read.
      for (const table of ['actuals', 'sales_inputs']) {
        const rows = db.prepare(`SELECT item_key, location_key, period, quantity FROM ${table} WHERE superseded_at IS NULL AND (item_key * 7 + period) % 11 = 0`).all() as { item_key: number; location_key: number; period: number; quantity: number }[];
        expect(rows.length).toBeGreaterThan(10);
        for (const r of rows) {
          db.prepare(`UPDATE ${table} SET superseded_at = ? WHERE item_key = ? AND location_key = ? AND period = ? AND superseded_at IS NULL`).run(at, r.item_key, r.location_key, r.period);
          const extra = table === 'sales_inputs' ? ", source" : '';
          const insert = db.prepare(`INSERT INTO ${table} (item_key, location_key, period, quantity, recorded_at, superseded_at${extra}) VALUES (?, ?, ?, ?, ?, ?${table === 'sales_inputs' ? ", 'rep'" : ''})`);
          insert.run(r.item_key, r.location_key, r.period, r.quantity + 3, at, null);
          // A superseded row stored after the current one: neither the order of rows nor the latest wins, only superseded_at.
          insert.run(r.item_key, r.location_key, r.period, r.quantity + 50, at, at);
        }
      }
      // Lines without an actual (not replayed): one item's newest actuals gone.
      db.prepare('DELETE FROM actuals WHERE item_key = 5 AND period >= 20260101').run();
      // Lines without a naive benchmark (not in the stairstep): another item's actuals at two origins gone.
      db.prepare('DELETE FROM actuals WHERE item_key = 7 AND period IN (20250301, 20250601)').run();
      // Overrides an adopted policy changed: the plan is the applied figure, the planner asked another.
      // (as the decision writer stores them: a later override, applied figure and asked figure).
      const enforced = db
        .prepare(
          `INSERT INTO decisions (line_id, action, quantity, asked_quantity, source, reason_code, decided_by, decided_at, status)
           SELECT line_id, 'override', quantity + 1, quantity + 8, 'override', reason_code, decided_by, ?, 'final' FROM decisions WHERE action = 'override' AND decision_id % 5 = 0`,
        )
        .run(at).changes;
      expect(enforced).toBeGreaterThan(10);
      // A pending override: the plan stays, the reason and author come from the override in force.
      const line = db.prepare("SELECT line_id, quantity FROM decisions WHERE action = 'override' AND status = 'final' ORDER BY decision_id LIMIT 1").get() as { line_id: number; quantity: number };
      db.prepare("INSERT INTO decisions (line_id, action, quantity, source, reason_code, decided_by, decided_at, status) SELECT ?, 'override', ?, 'override', reason_code, 'ben', ?, 'pending_approval' FROM decisions WHERE line_id = ? LIMIT 1").run(line.line_id, line.quantity * 2, at, line.line_id);
    })();
    rebuildLineState(db);
    const statuses = db.prepare('SELECT DISTINCT status FROM line_state').pluck().all();
    expect(statuses).toContain('pending_approval');
  });
  afterAll(() => {
    db.close();
    t.cleanup();
  });

  const runId = () => db.prepare('SELECT max(run_id) FROM forecast_runs').pluck().get() as number;
  const cases: [string, () => AccuracyFilter, Metric][] = [
    ['every line, WAPE', () => ({}), 'wape'],
    ['every line, MASE (its scale)', () => ({}), 'mase'],
    ['one run, MASE', () => ({ runId: runId() }), 'mase'],
    ['one category', () => ({ category: 'Snacks' }), 'wape'],
    ['one model and ABC class', () => ({ model: 'Planted', abcClass: 'A' }), 'wape'],
    ['a period range and a lag', () => ({ fromPeriod: '2025-06-01', toPeriod: '2026-03-01', lag: 2 }), 'wape'],
  ];
  it.each(cases)('%s', (_name, filter, metric) => {
    const f = filter();
    const read = readLineFacts(db, f, metric, DIMS);
    const oracle = lineFactsByOneJoin(db, f, metric, DIMS);
    expect(oracle.count).toBeGreaterThan(0);
    expectSameLineFacts(read, oracle);
  });

  it('the workbook exercises what the comparison must catch', () => {
    const facts = lineFactsByOneJoin(db, {}, 'mase', DIMS);
    const some = (a: ArrayLike<number>, p: (v: number, i: number) => boolean) => Array.from(a).some(p);
    expect(some(facts.sales, (v) => !Number.isNaN(v))).toBe(true);
    expect(some(facts.scale, (v) => !Number.isNaN(v))).toBe(true);
    expect(some(facts.asked, (v, i) => v !== facts.final[i])).toBe(true);
    expect(some(facts.hasBench, (v) => v === 0)).toBe(true);
    expect(facts.dims.get('attr:season')!.values.sort()).toEqual(['summer', 'winter']);
    expect(facts.count).toBeLessThan(db.prepare('SELECT count(*) FROM forecast_lines').pluck().get() as number);
  });
});

describe('policy lab line facts: columns read as JSON arrays come in their query\'s order', () => {
  const byFirstThenSecond = (c: number[][], i: number, j: number) => c[0]![i]! - c[0]![j]! || c[1]![i]! - c[1]![j]!;
  it('keeps columns already in order as they are', () => {
    const columns = [[1, 1, 2], [5, 7, 1], [0.5, 0.25, 3]];
    expect(rowsInOrder(columns, byFirstThenSecond)).toBe(columns);
  });
  it('sorts the rows, every column alike, where SQLite handed them in another order', () => {
    const columns = [[2, 1, 1, 3], [1, 7, 5, 0], [3, 0.25, 0.5, 9]];
    expect(rowsInOrder(columns, byFirstThenSecond)).toEqual([[1, 1, 2, 3], [5, 7, 1, 0], [0.5, 0.25, 3, 9]]);
  });
});
