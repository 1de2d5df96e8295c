// The lines an import keeps of its newest run (exceptions/written-lines.ts) are held in
// one array per column, sized from the file's expected number of lines and handed
// over as views, never copied (issue 14): an estimate too short grows the columns and
// keeps every line; a newer run's lines replace an older one's; a line's id is its
// place in the writer's statements moved to the rowid its statement gave it.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openWorkbook, type Db } from '../../electron/backend/db/open';
import { WrittenLinesCollector, writtenLinesOf } from '../../electron/backend/exceptions/written-lines';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

describe('the kept lines of an import, as columns', () => {
  let t: ReturnType<typeof tempDir>;
  let db: Db;
  beforeEach(async () => {
    t = tempDir('fwb-written-cols-');
    ({ db } = await openWorkbook(join(t.dir, 'w.sqlite'), { now: FIXED_NOW }));
  });
  afterEach(() => {
    db.close();
    t.cleanup();
  });

  /** Adds `n` lines of `runId` from place `from`, statements of `perStatement` lines each placed at rowids from `firstRowid`. */
  function addLines(c: WrittenLinesCollector, from: number, n: number, perStatement: number, firstRowid: number): void {
    for (let s = 0; s < n; s += perStatement) {
      const rows = Math.min(perStatement, n - s);
      for (let r = 0; r < rows; r++) {
        const k = s + r;
        c.add(from + k, k * 1.5, k % 7 === 0 ? NaN : k, k % 7 === 0 ? NaN : k * 2, 1 + (k >> 4), 1, 20250101 + (k % 12), 1 + (k % 3));
      }
      c.placedRows(from + s, rows, firstRowid + s + rows - 1);
    }
  }

  it('keeps every line when the estimate was short, in place order with the rowids the statements gave', () => {
    const c = new WrittenLinesCollector();
    c.expectLines(1_000);
    expect(c.wants(7, 20250101)).toBe(true);
    const n = 150_001; // past the first size and past one growth
    addLines(c, 0, n, 1_000, 501);
    c.publish(db, (runId) => (runId === 7 ? n : -1));
    const kept = writtenLinesOf(db, 7)!;
    expect(kept.count).toBe(n);
    for (const k of [0, 1, 999, 1_000, 65_535, 65_536, 98_303, 98_304, n - 1]) {
      expect(kept.lineId[k]).toBe(501 + k);
      expect(kept.quantity[k]).toBe(k * 1.5);
      expect(Number.isNaN(kept.lower[k]!)).toBe(k % 7 === 0);
      expect(kept.upper[k]).toBe(k % 7 === 0 ? NaN : k * 2);
      expect(kept.itemKey[k]).toBe(1 + (k >> 4));
      expect(kept.period[k]).toBe(20250101 + (k % 12));
      expect(kept.lag[k]).toBe(1 + (k % 3));
    }
    expect(kept.lineId.length).toBe(n);
  });

  it("keeps only the newest run's lines, an older origin's refused and an earlier one's dropped", () => {
    const c = new WrittenLinesCollector();
    c.expectLines(10);
    expect(c.wants(3, 20250101)).toBe(true);
    addLines(c, 0, 5_000, 1_000, 1);
    // A newer origin: the earlier run's lines go.
    expect(c.wants(4, 20250201)).toBe(true);
    addLines(c, 5_000, 2_000, 1_000, 5_001);
    // An older origin is not kept.
    expect(c.wants(2, 20241201)).toBe(false);
    c.publish(db, (runId) => (runId === 4 ? 2_000 : -1));
    const kept = writtenLinesOf(db, 4)!;
    expect(kept.count).toBe(2_000);
    expect(kept.lineId[0]).toBe(5_001);
    expect(kept.lineId[1_999]).toBe(7_000);
    expect(kept.quantity[0]).toBe(0);
    // Asked for another run, the kept lines are not that run's (and are let go).
    expect(writtenLinesOf(db, 3)).toBeNull();
  });

  it('publishes nothing when the writer wrote lines of the run it did not keep', () => {
    const c = new WrittenLinesCollector();
    expect(c.wants(9, 20250101)).toBe(true);
    addLines(c, 0, 100, 50, 1);
    c.publish(db, () => 101);
    expect(writtenLinesOf(db, 9)).toBeNull();
  });
});
