// What Review keeps across writes at scale (issue 14): the run overview kept in
// the workbook per run, the grouped layout of a view that reads no line state,
// and a status view's count as if nothing were decided. Each must equal a fresh
// computation after every kind of write: decisions, an undo, an approval, an
// import of actuals, a new run, and writes by another connection. The fresh
// worklist is asked of a second connection opened for the purpose (its memos are
// empty); the fresh overview is computed here in SQL of its own.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import { carryOut } from '../../electron/backend/declarations';
import { openWorkbook, type Db } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { IMPORT_EFFECTS } from '../../electron/backend/imports/effects';
import { importFile } from '../../electron/backend/imports/import-file';
import { getRunLinesRequest, type RequestOf } from '../../shared/contract';
import { DEMO_PASSPHRASE, type ItemGroupHeader, type RunOverview } from '../../shared/domain';
import { lineFilterSql } from '../../electron/backend/review/line-filter';
import { addBuckets, periodFromKey, periodKey, type Grain } from '../../shared/period';
import { writeLines } from '../fixtures/import/v_harness';
import { ok } from '../helpers/api';
import { signInAs } from '../helpers/people';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

type Filter = RequestOf<'getRunLines'>['filter'];
const lineFilter = getRunLinesRequest.shape.filter;

/** The run overview from scratch: every line of the run and every actual of its items, as the API gave it before it was kept. */
function overviewFromScratch(db: Db, runId: number, historyBuckets: number): RunOverview {
  const run = db.prepare('SELECT origin, grain FROM forecast_runs WHERE run_id = ?').get(runId) as { origin: number; grain: Grain };
  const origin = periodFromKey(run.origin);
  const from = periodKey(addBuckets(origin, -(historyBuckets - 1), run.grain));
  const history = db
    .prepare(
      `SELECT a.period, sum(a.quantity) AS actual, count(DISTINCT a.item_key) AS items FROM actuals a
        WHERE a.superseded_at IS NULL AND a.period BETWEEN ? AND ? AND a.item_key IN (SELECT item_key FROM forecast_lines WHERE run_id = ?)
        GROUP BY a.period ORDER BY a.period`,
    )
    .all(from, run.origin, runId) as { period: number; actual: number; items: number }[];
  // Each period's lines under the period's lowest lag (summed by lag first, as the sums were always added).
  const cells = db
    .prepare('SELECT period, lag, sum(quantity) AS quantity, count(*) AS lines FROM forecast_lines WHERE run_id = ? GROUP BY period, lag ORDER BY period, lag')
    .all(runId) as { period: number; lag: number; quantity: number; lines: number }[];
  const forecast: typeof cells = [];
  for (const c of cells) {
    const last = forecast.at(-1);
    if (last?.period === c.period) {
      last.quantity += c.quantity;
      last.lines += c.lines;
    } else forecast.push({ ...c });
  }
  const distinct = (column: string) =>
    db.prepare(`SELECT DISTINCT i.${column} FROM forecast_lines l JOIN items i USING (item_key) WHERE l.run_id = ? AND i.${column} IS NOT NULL ORDER BY 1`).pluck().all(runId) as string[];
  return {
    runId,
    origin,
    history: history.map((h) => ({ ...h, period: periodFromKey(h.period) })),
    forecast: forecast.map((f) => ({ ...f, period: periodFromKey(f.period) })),
    categories: distinct('category'),
    owners: distinct('owner_id'),
    lags: db.prepare('SELECT DISTINCT lag FROM forecast_lines WHERE run_id = ? ORDER BY lag').pluck().all(runId) as number[],
  };
}

/** A view's lines counted directly: every line of the run joined to its state, under the view's own filter. */
function countFromScratch(db: Db, runId: number, filter: Filter): number {
  const f = lineFilterSql(db, runId, lineFilter.parse(filter));
  return db.prepare(`SELECT count(*) FROM forecast_lines l JOIN items i ON i.item_key = l.item_key LEFT JOIN line_state ls ON ls.line_id = l.line_id WHERE ${f.where}`).pluck().get(f.params) as number;
}

/** A grouped view's item headers from scratch, highest exception first: each item's lines in the view, their top score, those decided. */
function groupsFromScratch(db: Db, runId: number, filter: Filter): ItemGroupHeader[] {
  const f = lineFilterSql(db, runId, lineFilter.parse(filter));
  const groups = db
    .prepare(
      `SELECT i.item_id AS itemId, i.name AS itemName, i.owner_id AS owner, i.category, i.abc_class AS abcClass, count(*) AS lines,
              max(coalesce(e.score, 0)) AS maxExceptionScore, sum(coalesce(ls.status, 'undecided') <> 'undecided') AS decided
         FROM forecast_lines l JOIN items i ON i.item_key = l.item_key LEFT JOIN line_exceptions e ON e.line_id = l.line_id LEFT JOIN line_state ls ON ls.line_id = l.line_id
        WHERE ${f.where} GROUP BY i.item_key ORDER BY maxExceptionScore DESC, i.item_id DESC`,
    )
    .all(f.params) as Omit<ItemGroupHeader, 'index'>[];
  let index = 0;
  return groups.map((g) => {
    const header = { index, ...g };
    index += g.lines + 1;
    return header;
  });
}

/** The SQL statements prepared on `db` while `f` runs. */
async function preparedDuring(db: Db, f: () => Promise<unknown>): Promise<string[]> {
  const prepared: string[] = [];
  const original = db.prepare.bind(db);
  const spy = vi.spyOn(db, 'prepare').mockImplementation(((sql: string) => {
    prepared.push(sql);
    return original(sql);
  }) as typeof db.prepare);
  try {
    await f();
  } finally {
    spy.mockRestore();
  }
  return prepared;
}

describe('what Review keeps across writes', () => {
  const t = tempDir('fwb-review-kept-');
  const path = join(t.dir, 'demo.sqlite');
  let ctx: BackendContext;
  let db: Db;
  let runId: number;
  let items: string[];
  /** The views compared: grouped with and without filters, and every status alone and with a category. */
  let VIEWS: { filter: Filter; groupByItem: boolean }[] = [];

  beforeAll(async () => {
    ({ db } = await openWorkbook(path, { now: FIXED_NOW }));
    runId = generateDemo(db, { items: 60, seed: 11 }).currentRunId;
    ctx = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
    items = db.prepare('SELECT item_id FROM items ORDER BY item_key').pluck().all() as string[];
    const category = db.prepare('SELECT category FROM items WHERE category IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1').pluck().get() as string;
    VIEWS = [
      { filter: {}, groupByItem: true },
      { filter: { category }, groupByItem: true },
      { filter: { lag: 2 }, groupByItem: true },
      { filter: { status: 'undecided' }, groupByItem: true },
      { filter: { status: 'undecided', lag: 2 }, groupByItem: false },
      { filter: { status: 'closed', lag: 1 }, groupByItem: false },
      ...(['undecided', 'closed', 'decided', 'final', 'pending_approval', 'approved', 'rejected', 'overridden'] as const).flatMap((status) => [
        { filter: { status }, groupByItem: false },
        { filter: { status, category }, groupByItem: false },
      ]),
    ];
  }, 120_000);
  afterAll(() => {
    db.close();
    t.cleanup();
  });

  const views = (c: BackendContext) =>
    Promise.all(VIEWS.map((v) => ok(c, 'getRunLines', { runId, offset: 0, limit: 2000, sort: { column: 'exception', direction: 'desc' }, ...v })));

  /**
   * The default grouped view (no filter, highest exception first) on its first open by a
   * connection that has kept nothing in memory, as a new process opens it: read from the
   * layout kept in the workbook (no statement groups the run's lines by item), and the
   * same headers as laid out from scratch.
   */
  async function expectKeptLayoutRead(run = runId) {
    const { db: other } = await openWorkbook(path, { now: FIXED_NOW });
    try {
      let page: Awaited<ReturnType<typeof views>>[number] | undefined;
      const opening = await preparedDuring(other, async () => void (page = await ok({ ...ctx, db: other }, 'getRunLines', { runId: run, offset: 0, limit: 2000, groupByItem: true })));
      expect(opening.filter((sql) => /GROUP BY l\.item_key/.test(sql))).toEqual([]);
      expect(page!.groups).toEqual(groupsFromScratch(other, run, {}));
    } finally {
      other.close();
    }
  }

  /** This connection's answers (memos and kept data as they are) against a fresh connection's and a fresh overview. */
  async function expectSameAsFresh() {
    // The overview first: brought current, its kept cells count the views by status below.
    const overview = await ok(ctx, 'getRunOverview', { runId, historyBuckets: 12 });
    const kept = await views(ctx);
    const { db: other } = await openWorkbook(path, { now: FIXED_NOW });
    try {
      const fresh = await views({ ...ctx, db: other });
      kept.forEach((page, i) => {
        const { filter, groupByItem } = VIEWS[i]!;
        const lines = countFromScratch(other, runId, filter);
        const groups = groupByItem ? groupsFromScratch(other, runId, filter) : undefined;
        expect(lines + (groups?.length ?? 0)).toBeLessThanOrEqual(2000); // the whole view on one page
        expect({ filter, total: page.total, lineTotal: page.lineTotal, groups: page.groups }).toEqual({ filter, total: lines + (groups?.length ?? 0), lineTotal: lines, groups });
        expect(page.rows).toEqual(fresh[i]!.rows);
        expect(fresh[i]!.total).toBe(page.total);
      });
      expect(overview).toEqual(overviewFromScratch(other, runId, 12));
    } finally {
      other.close();
    }
    await expectKeptLayoutRead();
  }

  it('answers as a fresh computation at the start', async () => {
    const pages = await views(ctx);
    // The grouped views without a status are not empty: there is something to compare.
    expect(pages.slice(0, 3).map((p) => p.lineTotal! > 0)).toEqual([true, true, true]);
    await expectSameAsFresh();
  });

  it('after a decision lays out no grouped view and counts no status view over the run’s lines again', async () => {
    await views(ctx);
    await signInAs(ctx, { userId: 'tester', displayName: 'Tess Tester', role: 'planner' });
    const open = (await ok(ctx, 'getRunLines', { runId, offset: 0, limit: 200, filter: { status: 'undecided' }, sort: { column: 'exception', direction: 'desc' } })).rows.find(
      (r) => !r.frozen && r.lock === null,
    )!;
    await ok(ctx, 'decideLine', { lineId: open.lineId, action: 'accept' });
    const prepared = await preparedDuring(db, () => views(ctx));
    // Laying out: grouping the run's lines by item. Counting over the run's lines: a count that starts from them.
    const layouts = prepared.filter((sql) => /GROUP BY l\.item_key/.test(sql));
    const runCounts = prepared.filter((sql) => /count\(\*\)\s+FROM forecast_lines l/.test(sql));
    // The one grouped view by status is laid out again: its lines are the undecided ones.
    expect(layouts).toHaveLength(1);
    expect(runCounts).toEqual([]);
    await expectSameAsFresh();
  });

  it('after an override, its undo, an approval and a rejection', async () => {
    const line = (await ok(ctx, 'getRunLines', { runId, offset: 0, limit: 200, filter: { status: 'undecided' }, sort: { column: 'exception', direction: 'desc' } })).rows.find(
      (r) => !r.frozen && r.lock === null && r.owner !== null,
    )!;
    await signInAs(ctx, { userId: line.owner! });
    await ok(ctx, 'decideLine', { lineId: line.lineId, action: 'override', quantity: line.quantity + 40, reasonCode: 'promotion', comment: 'Order in hand' });
    await expectSameAsFresh();
    await ok(ctx, 'undoLastDecision', { runId });
    await expectSameAsFresh();
    const big = await ok(ctx, 'decideLine', { lineId: line.lineId, action: 'override', quantity: line.quantity * 10 + 5000, reasonCode: 'promotion', comment: 'Tender won' });
    expect(big.lineState.status).toBe('pending_approval');
    await expectSameAsFresh();
    await ok(ctx, 'signIn', { userId: 'maria.lopez', passphrase: DEMO_PASSPHRASE });
    await ok(ctx, 'reviewOverride', { decisionId: big.decision.decisionId, verdict: 'rejected', note: 'Not confirmed' });
    await expectSameAsFresh();
    await signInAs(ctx, { userId: line.owner! });
    const again = await ok(ctx, 'decideLine', { lineId: line.lineId, action: 'override', quantity: line.quantity * 10 + 5000, reasonCode: 'promotion', comment: 'Tender signed' });
    await ok(ctx, 'signIn', { userId: 'maria.lopez', passphrase: DEMO_PASSPHRASE });
    await ok(ctx, 'reviewOverride', { decisionId: again.decision.decisionId, verdict: 'approved', note: 'Confirmed' });
    await expectSameAsFresh();
  });

  it('after imports of actuals: a month before the origin, a value superseded, a month after it', async () => {
    const origin = db.prepare('SELECT origin FROM forecast_runs WHERE run_id = ?').pluck().get(runId) as number;
    const lastHistory = periodFromKey(origin);
    const firstLine = periodFromKey(db.prepare('SELECT min(period) FROM forecast_lines WHERE run_id = ?').pluck().get(runId) as number);
    await importFile(ctx, writeLines(t.dir, 'fix.csv', ['item_id,period,actual', `${items[0]},${lastHistory},9999`, `${items[1]},${lastHistory},0`]), { kind: 'actuals', user: 'sam.taylor' });
    await expectSameAsFresh();
    await importFile(ctx, writeLines(t.dir, 'next.csv', ['item_id,period,actual', ...items.map((id, i) => `${id},${firstLine},${(i * 7) % 53}`)]), { kind: 'actuals', user: 'sam.taylor' });
    // The run's first month is closed now: the views by status have closed lines to leave out or count.
    expect((await ok(ctx, 'getRunLines', { runId, offset: 0, limit: 10, filter: { status: 'closed' } })).total).toBeGreaterThan(0);
    await expectSameAsFresh();
  });

  it('after writes by another connection: a decision, and actuals written in SQL', async () => {
    await ok(ctx, 'getRunOverview', { runId, historyBuckets: 12 });
    await views(ctx);
    const { db: other } = await openWorkbook(path, { now: FIXED_NOW });
    try {
      const otherCtx = { ...ctx, db: other };
      await signInAs(otherCtx, { userId: 'tester', displayName: 'Tess Tester', role: 'planner' });
      const open = (await ok(otherCtx, 'getRunLines', { runId, offset: 0, limit: 200, filter: { status: 'undecided' }, sort: { column: 'exception', direction: 'desc' } })).rows.find(
        (r) => !r.frozen && r.lock === null,
      )!;
      await ok(otherCtx, 'decideLine', { lineId: open.lineId, action: 'accept' });
      // Another program supersedes an actual at the origin, and adds the actual of an open line (closing it).
      const origin = other.prepare('SELECT origin FROM forecast_runs WHERE run_id = ?').pluck().get(runId) as number;
      other.exec(`UPDATE actuals SET superseded_at = 'now' WHERE superseded_at IS NULL AND period = ${origin} AND item_key = (SELECT min(item_key) FROM items);
        INSERT INTO actuals (item_key, period, quantity, recorded_at) SELECT item_key, period, quantity + 1000, 'now' FROM actuals WHERE superseded_at = 'now' AND period = ${origin};
        INSERT INTO actuals (item_key, location_key, period, quantity, recorded_at)
          SELECT l.item_key, l.location_key, l.period, 5, 'now' FROM forecast_lines l WHERE l.run_id = ${runId}
             AND NOT EXISTS (SELECT 1 FROM actuals a WHERE a.item_key = l.item_key AND a.location_key = l.location_key AND a.period = l.period AND a.superseded_at IS NULL)
           ORDER BY l.line_id DESC LIMIT 1;`);
      expect(other.prepare('SELECT changes()').pluck().get()).toBe(1);
    } finally {
      other.close();
    }
    await expectSameAsFresh();
  });

  it('after another program renames an item and deletes a line in SQL, the kept layout follows', async () => {
    await views(ctx);
    const { db: other } = await openWorkbook(path, { now: FIXED_NOW });
    try {
      // The item listed first (the highest score) takes the last id in the sort's ties.
      const first = (await ok({ ...ctx, db: other }, 'getRunLines', { runId, offset: 0, limit: 10, groupByItem: true })).groups![0]!;
      other.prepare("UPDATE items SET item_id = 'ZZZ-' || item_id, name = 'Renamed elsewhere' WHERE item_id = ?").run(first.itemId);
      await expectSameAsFresh();
      // A line nobody decided, of the item listed last, taken out of the run (its score goes with it).
      const last = other.prepare('SELECT item_key FROM forecast_lines WHERE run_id = ? GROUP BY item_key ORDER BY item_key DESC LIMIT 1').pluck().get(runId) as number;
      const moved = other
        .prepare(
          `DELETE FROM forecast_lines WHERE line_id = (SELECT max(l.line_id) FROM forecast_lines l WHERE l.run_id = ? AND l.item_key = ?
              AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.line_id = l.line_id) AND NOT EXISTS (SELECT 1 FROM release_lines r WHERE r.line_id = l.line_id))`,
        )
        .run(runId, last).changes;
      expect(moved).toBe(1);
    } finally {
      other.close();
    }
    await expectSameAsFresh();
  });

  it('a new run imported with its effects opens on its overview without reading its lines or the actuals', async () => {
    const file = writeLines(t.dir, 'run.csv', ['item_id,period,forecast', ...items.slice(0, 30).flatMap((id, i) => [`${id},2027-01-01,${10 + i}`, `${id},2027-02-01,${11 + i}`])]);
    const out = await carryOut(ctx, IMPORT_EFFECTS, (c) => importFile(c, file, { kind: 'forecasts', origin: '2026-12-01', model: 'Challenger', user: 'sam.taylor' }), {});
    const newRun = out.runs[0]!.runId;
    let overview: RunOverview | undefined;
    const prepared = await preparedDuring(db, async () => void (overview = await ok(ctx, 'getRunOverview', { runId: newRun, historyBuckets: 12 })));
    expect(prepared.filter((sql) => /\bFROM (forecast_lines|actuals)\b/.test(sql) && !/max\((line_id|actual_id)\)/.test(sql))).toEqual([]);
    expect(overview).toEqual(overviewFromScratch(db, newRun, 12));
    // A view by status, on its first open by a connection that has kept nothing in memory, counts none of the run's lines.
    const { db: other } = await openWorkbook(path, { now: FIXED_NOW });
    try {
      let page: Awaited<ReturnType<typeof views>>[number] | undefined;
      const opening = await preparedDuring(other, async () => void (page = await ok({ ...ctx, db: other }, 'getRunLines', { runId: newRun, offset: 0, limit: 10, filter: { status: 'undecided' } })));
      expect(opening.filter((sql) => /count\(\*\)\s+FROM forecast_lines|min\(line_id\)/.test(sql))).toEqual([]);
      expect(page!.total).toBe(countFromScratch(other, newRun, { status: 'undecided' }));
    } finally {
      other.close();
    }
    // Its grouped view too: laid out with its scores by the import's effects, read on a first open.
    await expectKeptLayoutRead(newRun);
    await expectSameAsFresh();
  });
});
