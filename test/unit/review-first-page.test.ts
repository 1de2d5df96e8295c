// Review's first page at scale: by exception, highest first (the default view),
// it walks the run's scores from the top instead of sorting every line of the
// run, and it is exactly the page the full sort gives, with ties, filters dense
// and sparse, and lines that have no score.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import type { RequestOf } from '../../shared/contract';
import { FIXED_NOW, tempDir } from '../helpers/workbook';
import { ok } from '../helpers/api';

describe("Review's first page on a big run", () => {
  const t = tempDir();
  let ctx: BackendContext;
  let runId: number;
  beforeAll(async () => {
    const path = join(t.dir, 'demo.sqlite');
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    runId = generateDemo(db, { items: 60, seed: 7 }).currentRunId;
    ctx = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
  });
  afterAll(() => {
    ctx.db.close();
    t.cleanup();
  });

  type Filter = RequestOf<'getRunLines'>['filter'];
  const firstPage = (filter: Filter, limit: number, direction: 'asc' | 'desc' = 'desc') =>
    ok(ctx, 'getRunLines', { runId, offset: 0, limit, filter, sort: { column: 'exception', direction } });
  /** The same view read from the second page on (the whole order, sorted once), then its first `limit` lines. */
  async function byFullSort(filter: Filter, limit: number, direction: 'asc' | 'desc' = 'desc'): Promise<number[]> {
    const all = await ok(ctx, 'getRunLines', { runId, offset: 1, limit: 2000, filter, sort: { column: 'exception', direction } });
    const head = await firstPage(filter, 1, direction);
    return [...head.rows.map((r) => r.lineId), ...all.rows.map((r) => r.lineId)].slice(0, limit);
  }

  it('sorts no more than the top of the scores for the default view', async () => {
    const plans: string[] = [];
    const original = ctx.db.prepare.bind(ctx.db);
    const spy = vi.spyOn(ctx.db, 'prepare').mockImplementation(((sql: string) => {
      if (/ORDER BY/.test(sql) && /^\s*SELECT/i.test(sql)) plans.push(sql);
      return original(sql);
    }) as typeof ctx.db.prepare);
    await firstPage({}, 10);
    spy.mockRestore();
    // A sort of the run's lines: its plan reads them all (by the run's index or a scan) into one temporary B-tree.
    const fullSorts = plans.filter((sql) => {
      const plan = (ctx.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ runId, limit: 10, ids: '[]', itemKeys: '[]' }) as { detail: string }[]).map((p) => p.detail);
      return plan.includes('USE TEMP B-TREE FOR ORDER BY') && plan.some((d) => /^(SCAN l\b|SEARCH l .*\(run_id=\?\))/.test(d));
    });
    expect(fullSorts).toEqual([]);
  });

  it('gives the lines the full sort gives, with dense and sparse filters and either direction', async () => {
    const lines = ctx.db.prepare('SELECT count(*) FROM forecast_lines WHERE run_id = ?').pluck().get(runId) as number;
    expect(lines).toBeGreaterThan(300);
    const category = ctx.db.prepare("SELECT i.category FROM forecast_lines l JOIN items i USING (item_key) WHERE l.run_id = ? GROUP BY 1 ORDER BY count(*) LIMIT 1").pluck().get(runId) as string;
    for (const filter of [{}, { lag: 2 }, { category }, { text: 'zzz-nothing' }, { status: 'undecided' as const }]) {
      for (const limit of [1, 7, 50]) {
        for (const direction of ['desc', 'asc'] as const) {
          const page = await firstPage(filter, limit, direction);
          expect(page.rows.map((r) => r.lineId), JSON.stringify({ filter, limit, direction })).toEqual(await byFullSort(filter, limit, direction));
        }
      }
    }
  });

  it('after a decision counts a view that reads no line state without counting the run again', async () => {
    await ok(ctx, 'signIn', { userId: 'tester', displayName: 'Tess Tester', role: 'planner' });
    const before = await firstPage({ lag: 2 }, 10);
    const undecidedBefore = await firstPage({ status: 'undecided', lag: 2 }, 10);
    const line = undecidedBefore.rows.find((r) => !r.frozen && r.lock === null)!;
    await ok(ctx, 'decideLine', { lineId: line.lineId, action: 'accept' });
    const counted: string[] = [];
    const original = ctx.db.prepare.bind(ctx.db);
    const spy = vi.spyOn(ctx.db, 'prepare').mockImplementation(((sql: string) => {
      if (/count\(\*\)/.test(sql)) counted.push(sql);
      return original(sql);
    }) as typeof ctx.db.prepare);
    const after = await firstPage({ lag: 2 }, 10);
    spy.mockRestore();
    expect(counted).toEqual([]);
    expect(after.total).toBe(before.total);
    // A view by status follows the decision at once.
    expect((await firstPage({ status: 'undecided', lag: 2 }, 10)).total).toBe(undecidedBefore.total - 1);
  });

  it('puts lines without a score after every scored line, as before', async () => {
    // Another program drops some scores; nothing a source stamp sees, so they stay missing.
    ctx.db.prepare('DELETE FROM line_exceptions WHERE line_id IN (SELECT line_id FROM line_exceptions WHERE run_id = ? ORDER BY score DESC LIMIT 3)').run(runId);
    const scored = ctx.db.prepare('SELECT count(*) FROM line_exceptions WHERE run_id = ?').pluck().get(runId) as number;
    const page = await firstPage({}, 50);
    expect(page.rows.map((r) => r.lineId)).toEqual(await byFullSort({}, 50));
    const tail = await ok(ctx, 'getRunLines', { runId, offset: scored, limit: 10, sort: { column: 'exception', direction: 'desc' } });
    expect(tail.rows.map((r) => r.exceptionScore)).toEqual([0, 0, 0]);
  });
});
