// The one freshness rule of derived data (derived/registry.ts): an entry is
// current while the stamps of the sources it is built from have not moved, on
// any path into the file (another connection included); a refresh is told the
// stamp it was built at, so it can tell what changed since (issue 14 builds on it).
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import { bringCurrent, derivedTable, metaStampRecord, need, type SourceChange } from '../../electron/backend/derived/registry';
import { FIXED_NOW, smallWorkbook, tempDir } from '../helpers/workbook';

describe('the derived data registry', () => {
  const t = tempDir('fwb-derived-');
  let ctx: BackendContext;
  let path: string;
  const refreshes: SourceChange[] = [];
  // A derived table of this test only: it counts the actuals, and records each refresh it is asked for.
  const actualsCount = derivedTable({
    name: 'test: actuals count',
    sources: ['history'],
    format: 1,
    record: metaStampRecord('test_actuals_count'),
    refresh: (_db, _key, change) => {
      refreshes.push(change);
      return 1;
    },
  });
  const current = () => bringCurrent(ctx.db, [need(actualsCount)]);

  beforeAll(async () => {
    ({ ctx, path } = await smallWorkbook(t.dir));
  });
  afterAll(() => {
    ctx.db.close();
    t.cleanup();
  });

  it('builds once, with no stamp before, and not again while its sources stand still', () => {
    expect(current()).toBe(1);
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]!.built).toBeNull();
    expect(current()).toBe(0);
    // A write elsewhere in the workbook moves no source of it.
    ctx.db.prepare("INSERT INTO users (user_id, display_name, role, created_at) VALUES ('cy', 'Cy', 'planner', ?)").run(FIXED_NOW().toISOString());
    expect(current()).toBe(0);
    expect(refreshes).toHaveLength(1);
  });

  it('rebuilds after another program added an actual, told where the actuals stood when it was built', () => {
    const before = refreshes[0]!.now.history!.actual!;
    const other = new Database(path);
    try {
      other.prepare("INSERT INTO actuals (item_key, period, quantity, recorded_at) SELECT min(item_key), 20270101, 5, '2026-11-01' FROM items").run();
    } finally {
      other.close();
    }
    expect(current()).toBe(1);
    const last = refreshes.at(-1)!;
    expect(last.built?.history?.actual).toBe(before);
    expect(last.now.history!.actual).toBeGreaterThan(before);
    expect(current()).toBe(0);
  });
});
