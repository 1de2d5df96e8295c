// The Review worklist's SQL on a real demo workbook: grouping by item, filtering
// by any item attribute (and bulk accept of that filter), the cached count, and
// the plan-changed events decisions announce.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import type { RequestOf } from '../../shared/contract';
import type { BackendEvent, ForecastLinePage, ForecastLineRow, ItemGroupHeader } from '../../shared/domain';
import { FIXED_NOW, smallWorkbook, tempDir } from '../helpers/workbook';
import { signInAs } from '../helpers/people';
import { ok, refused } from '../helpers/api';


type ListRow = { kind: 'group'; group: ItemGroupHeader } | { kind: 'line'; line: ForecastLineRow };

/** The whole grouped list, read page by page as the grid does: headers at their index, lines in the other slots. */
async function readGrouped(ctx: BackendContext, req: Omit<RequestOf<'getRunLines'>, 'offset' | 'limit' | 'groupByItem'>, limit: number): Promise<{ list: ListRow[]; pages: ForecastLinePage[] }> {
  const list: ListRow[] = [];
  const pages: ForecastLinePage[] = [];
  for (let offset = 0; ; offset += limit) {
    const page = await ok(ctx, 'getRunLines', { ...req, groupByItem: true, offset, limit });
    pages.push(page);
    const headers = new Map(page.groups!.map((g) => [g.index, g]));
    const lines = [...page.rows];
    const size = Math.min(limit, page.total - offset);
    for (let index = offset; index < offset + size; index++) {
      const group = headers.get(index);
      list.push(group ? { kind: 'group', group } : { kind: 'line', line: lines.shift()! });
    }
    expect(lines).toEqual([]); // exactly the page's free slots
    if (offset + limit >= page.total) break;
  }
  return { list, pages };
}

/** The list cut into groups: each header with the lines that follow it. */
function groupsOf(list: ListRow[]): { header: ItemGroupHeader; lines: ForecastLineRow[] }[] {
  const out: { header: ItemGroupHeader; lines: ForecastLineRow[] }[] = [];
  for (const row of list) {
    if (row.kind === 'group') out.push({ header: row.group, lines: [] });
    else {
      expect(out.length).toBeGreaterThan(0); // the list starts with a header
      out.at(-1)!.lines.push(row.line);
    }
  }
  return out;
}

describe('the Review worklist on a demo workbook', () => {
  const t = tempDir('fwb-worklist-');
  let ctx: BackendContext;
  let runId: number;
  const events: BackendEvent[] = [];
  const sql = <T>(query: string, ...params: unknown[]) => ctx.db.prepare(query).all(...params) as T[];

  beforeAll(async () => {
    const path = join(t.dir, 'demo.sqlite');
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    runId = generateDemo(db, { items: 60, seed: 7 }).currentRunId;
    ctx = { db, path, now: FIXED_NOW, emit: (e) => events.push(e), stagingDir: t.dir };
    await ok(ctx, 'signIn', { userId: 'tester', displayName: 'Tess Tester', role: 'planner' });
  });
  afterAll(() => {
    ctx.db.close();
    t.cleanup();
  });

  it('pages the flat list without overlap or gaps, in every sort, as one big page would list it', async () => {
    for (const sort of [{ column: 'exception', direction: 'desc' }, { column: 'quantity', direction: 'asc' }, { column: 'item', direction: 'desc' }] as const) {
      const whole = await ok(ctx, 'getRunLines', { runId, sort, limit: 2000 });
      const paged: number[] = [];
      for (let offset = 0; offset < whole.total; offset += 45) {
        const page = await ok(ctx, 'getRunLines', { runId, sort, offset, limit: 45 });
        expect(page.total).toBe(whole.total);
        paged.push(...page.rows.map((r) => r.lineId));
      }
      expect(paged).toEqual(whole.rows.map((r) => r.lineId));
    }
  });

  describe('grouped by item', () => {
    it('puts each item’s lines together under one header, in period order, items by their highest exception', async () => {
      const flat = await ok(ctx, 'getRunLines', { runId, limit: 2000 });
      // A page size that cuts through groups, so headers and lines straddle page ends.
      const { list, pages } = await readGrouped(ctx, { runId }, 37);
      const groups = groupsOf(list);
      const items = new Set(flat.rows.map((r) => r.itemId));

      expect(pages[0]).toMatchObject({ total: flat.total + items.size, lineTotal: flat.total, itemTotal: items.size });
      expect(groups.map((g) => g.header.itemId).sort()).toEqual([...items].sort()); // every item once
      for (const { header, lines } of groups) {
        expect(lines.length).toBe(header.lines);
        expect(lines.every((l) => l.itemId === header.itemId)).toBe(true);
        const periods = lines.map((l) => l.period);
        expect([...periods].sort()).toEqual(periods);
        expect(header.maxExceptionScore).toBe(Math.max(...lines.map((l) => l.exceptionScore)));
        expect(header.decided).toBe(lines.filter((l) => l.status !== 'undecided').length);
        expect(header.owner).toBe(lines[0]!.owner);
      }
      // Default sort: the item with the highest exception first, and so on down.
      const maxima = groups.map((g) => g.header.maxExceptionScore);
      expect([...maxima].sort((a, b) => b - a)).toEqual(maxima);
      expect(maxima[0]).toBe(flat.rows[0]!.exceptionScore);
      // Every line once, the same lines as the flat list.
      expect(list.filter((r) => r.kind === 'line').map((r) => (r as { line: ForecastLineRow }).line.lineId).sort((a, b) => a - b)).toEqual(
        flat.rows.map((r) => r.lineId).sort((a, b) => a - b),
      );
      // One big page says the same as many small ones.
      expect((await readGrouped(ctx, { runId }, 2000)).list).toEqual(list);
    });

    it('orders the groups by the chosen sort and keeps the filter', async () => {
      const byItem = groupsOf((await readGrouped(ctx, { runId, sort: { column: 'item', direction: 'asc' } }, 500)).list);
      const ids = byItem.map((g) => g.header.itemId);
      expect([...ids].sort()).toEqual(ids);

      const byQuantity = groupsOf((await readGrouped(ctx, { runId, sort: { column: 'quantity', direction: 'desc' } }, 500)).list);
      const sums = byQuantity.map((g) => g.lines.reduce((s, l) => s + l.quantity, 0));
      for (let i = 1; i < sums.length; i++) expect(sums[i]!).toBeLessThanOrEqual(sums[i - 1]! + 1e-6);

      const category = (await ok(ctx, 'getRunOverview', { runId })).categories[0]!;
      const filtered = await readGrouped(ctx, { runId, filter: { category, lag: 2 } }, 50);
      const inCategory = sql<{ n: number }>(
        'SELECT count(*) AS n FROM forecast_lines l JOIN items i USING (item_key) WHERE l.run_id = ? AND i.category = ? AND l.lag = 2',
        runId,
        category,
      )[0]!.n;
      expect(filtered.pages[0]!.lineTotal).toBe(inCategory);
      for (const g of groupsOf(filtered.list)) expect(g.lines.every((l) => l.category === category && l.lag === 2)).toBe(true);
    });

    it('answers an empty filter with an empty list', async () => {
      const none = await ok(ctx, 'getRunLines', { runId, groupByItem: true, filter: { text: 'no such item anywhere' } });
      expect(none).toMatchObject({ total: 0, lineTotal: 0, itemTotal: 0, rows: [], groups: [] });
    });
  });

  describe('filtering by any item attribute', () => {
    const linesOf = async (filter: RequestOf<'getRunLines'>['filter']) => (await ok(ctx, 'getRunLines', { runId, filter, limit: 2000 })).rows;
    const expectedLines = (where: string, ...params: unknown[]) =>
      sql<{ line_id: number }>(`SELECT l.line_id FROM forecast_lines l JOIN items i USING (item_key) WHERE l.run_id = ? AND ${where} ORDER BY l.line_id`, runId, ...params).map(
        (r) => r.line_id,
      );
    const ids = (rows: ForecastLineRow[]) => rows.map((r) => r.lineId).sort((a, b) => a - b);

    it('lists the filterable attributes with their values among the run’s items, most common first', async () => {
      const { attributes } = await ok(ctx, 'listItemAttributes', { runId });
      const names = attributes.map((a) => a.name);
      expect(names.slice(0, 4)).toEqual(['brand', 'family', 'abcClass', 'unit']);
      expect(names).toEqual(expect.arrayContaining(['supplier', 'pack_size', 'lead_time_weeks']));
      const brand = attributes.find((a) => a.name === 'brand')!;
      expect(brand.source).toBe('column');
      const counts = brand.values.map((v) => v.items);
      expect([...counts].sort((a, b) => b - a)).toEqual(counts);
      const runItems = sql<{ n: number }>('SELECT count(DISTINCT item_key) AS n FROM forecast_lines WHERE run_id = ?', runId)[0]!.n;
      expect(counts.reduce((s, n) => s + n, 0)).toBe(runItems);
      expect(attributes.find((a) => a.name === 'supplier')).toMatchObject({ source: 'attribute' });
      expect(attributes.find((a) => a.name === 'abcClass')!.values.map((v) => v.value).sort()).toEqual(['A', 'B', 'C']);
    });

    it('returns exactly the lines of the items of that brand, family, ABC class or imported attribute', async () => {
      const { attributes } = await ok(ctx, 'listItemAttributes', { runId });
      const value = (name: string) => attributes.find((a) => a.name === name)!.values[0]!.value;

      const brand = value('brand');
      const byBrand = await linesOf({ attribute: { name: 'brand', value: brand } });
      expect(byBrand.length).toBeGreaterThan(0);
      expect(ids(byBrand)).toEqual(expectedLines('i.brand = ?', brand));

      expect(ids(await linesOf({ attribute: { name: 'family', value: value('family') } }))).toEqual(expectedLines('i.family = ?', value('family')));
      expect(ids(await linesOf({ attribute: { name: 'abcClass', value: 'A' } }))).toEqual(expectedLines("i.abc_class = 'A'"));

      const supplier = value('supplier');
      expect(ids(await linesOf({ attribute: { name: 'supplier', value: supplier } }))).toEqual(expectedLines("json_extract(i.attributes, '$.supplier') = ?", supplier));
      // Numbers in the imported attributes compare as the text the facet list shows.
      const lead = value('lead_time_weeks');
      expect(ids(await linesOf({ attribute: { name: 'lead_time_weeks', value: lead } }))).toEqual(
        expectedLines("json_extract(i.attributes, '$.lead_time_weeks') = ?", Number(lead)),
      );
      // Combined with the other filters, and in the grouped list too.
      const grouped = await ok(ctx, 'getRunLines', { runId, groupByItem: true, limit: 2000, filter: { attribute: { name: 'brand', value: brand }, lag: 1 } });
      expect(ids(grouped.rows)).toEqual(expectedLines('i.brand = ? AND l.lag = 1', brand));
      expect(grouped.itemTotal).toBe(new Set(grouped.rows.map((r) => r.itemId)).size);
      expect(await linesOf({ attribute: { name: 'brand', value: 'No Such Brand' } })).toEqual([]);
    });

    it('refuses an attribute no item has, in the worklist and in bulk accept', async () => {
      const filter = { attribute: { name: 'colour_of_the_moon', value: 'blue' } };
      expect(await refused(ctx, 'getRunLines', { runId, filter })).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/colour_of_the_moon/) });
      expect(await refused(ctx, 'bulkAccept', { runId, filter })).toMatchObject({ code: 'INVALID_REQUEST' });
      expect(await refused(ctx, 'getRunLines', { runId, filter: { attribute: { name: '', value: 'x' } } })).toMatchObject({ code: 'INVALID_REQUEST' });
    });

    it('bulk-accepts exactly the lines the attribute filter shows', async () => {
      const { attributes } = await ok(ctx, 'listItemAttributes', { runId });
      const supplier = attributes.find((a) => a.name === 'supplier')!.values[0]!.value;
      const filter = { attribute: { name: 'supplier', value: supplier }, status: 'undecided' as const };
      const shown = await linesOf(filter);
      const frozen = shown.filter((l) => l.frozen).length;
      expect(shown.length - frozen).toBeGreaterThan(0);
      const decidedBefore = new Set(sql<{ line_id: number }>("SELECT line_id FROM line_state WHERE status <> 'undecided'").map((r) => r.line_id));

      const outcome = await ok(ctx, 'bulkAccept', { runId, filter });
      expect(outcome.skippedFrozen).toBe(frozen);
      expect(outcome.accepted + outcome.skippedFrozen + outcome.skippedPast).toBe(shown.length);
      const newlyDecided = sql<{ line_id: number }>("SELECT line_id FROM line_state WHERE status <> 'undecided'")
        .map((r) => r.line_id)
        .filter((id) => !decidedBefore.has(id));
      expect(newlyDecided.length).toBe(outcome.accepted);
      const shownIds = new Set(shown.map((l) => l.lineId));
      expect(newlyDecided.every((id) => shownIds.has(id))).toBe(true);
      // What the filter shows now is what bulk accept had to leave.
      expect((await linesOf(filter)).length).toBe(frozen + outcome.skippedPast);
      expect(events.at(-1)).toEqual({ type: 'plan-changed', reason: 'bulk-accept', runId });
    });
  });

  it('lists at most 200 values of an attribute, the most common first, and says how many there are', async () => {
    const insert = ctx.db.prepare("INSERT INTO items (item_id, name, attributes) VALUES (?, ?, json_object('batch_code', ?))");
    ctx.db.transaction(() => {
      for (let i = 0; i < 210; i++) insert.run(`CAP-${i}`, `Cap test ${i}`, i < 5 ? 'common' : `code-${String(i).padStart(3, '0')}`);
    })();
    const everyItem = await ok(ctx, 'listItemAttributes', {});
    const codes = everyItem.attributes.find((a) => a.name === 'batch_code')!;
    expect(codes).toMatchObject({ source: 'attribute', distinctValues: 206 });
    expect(codes.values).toHaveLength(200);
    expect(codes.values[0]).toEqual({ value: 'common', items: 5 });
    // Items outside the run are not the run's facets.
    expect((await ok(ctx, 'listItemAttributes', { runId })).attributes.some((a) => a.name === 'batch_code')).toBe(false);
  });

  describe('the count while scrolling', () => {
    it('is the same on every page, and follows decisions, also when another connection writes', async () => {
      const filter = { status: 'undecided' as const };
      const first = await ok(ctx, 'getRunLines', { runId, filter, limit: 50 });
      const later = await ok(ctx, 'getRunLines', { runId, filter, limit: 50, offset: 100 });
      expect(later.total).toBe(first.total);
      const grouped = await ok(ctx, 'getRunLines', { runId, filter, groupByItem: true, limit: 50, offset: 100 });
      expect(grouped.lineTotal).toBe(first.total);

      const line = first.rows.find((r) => !r.frozen)!;
      await ok(ctx, 'decideLine', { lineId: line.lineId, action: 'accept' });
      expect((await ok(ctx, 'getRunLines', { runId, filter, limit: 50, offset: 100 })).total).toBe(first.total - 1);
      const regrouped = await ok(ctx, 'getRunLines', { runId, filter, groupByItem: true, limit: 50, offset: 100 });
      expect(regrouped.lineTotal).toBe(first.total - 1);

      // A write from elsewhere (another process on the same file) is seen too.
      const other = new Database(ctx.path);
      try {
        const victim = (await ok(ctx, 'getRunLines', { runId, filter, limit: 50 })).rows.find((r) => !r.frozen && r.lineId !== line.lineId)!;
        other
          .prepare("INSERT INTO line_state (line_id, final_quantity, source, status) VALUES (?, ?, 'model', 'final')")
          .run(victim.lineId, victim.quantity);
      } finally {
        other.close();
      }
      expect((await ok(ctx, 'getRunLines', { runId, filter, limit: 50, offset: 100 })).total).toBe(first.total - 2);
      ctx.db.prepare('DELETE FROM line_state WHERE decision_id IS NULL').run(); // leave the projection as the journal says
    });
  });
});

describe('plan-changed events', () => {
  it('are announced after each committed decision, approval, bulk accept, undo, release and rollback, never after a refusal', async () => {
    const t = tempDir('fwb-events-');
    const { ctx, events, runId } = await smallWorkbook(t.dir);
    try {
      const line = (item: string, lag: number) =>
        ctx.db.prepare('SELECT l.line_id FROM forecast_lines l JOIN items i USING (item_key) WHERE i.item_id = ? AND l.lag = ?').pluck().get(item, lag) as number;
      const planEvents = () => events.filter((e) => e.type === 'plan-changed').map((e) => (e as { reason: string }).reason);
      await ok(ctx, 'signIn', { userId: 'ana', displayName: 'Ana', role: 'planner' });
      expect(planEvents()).toEqual([]);

      await ok(ctx, 'decideLine', { lineId: line('SKU-1', 1), action: 'accept' });
      expect(events.at(-1)).toEqual({ type: 'plan-changed', reason: 'decision', runId });
      await refused(ctx, 'decideLine', { lineId: line('SKU-1', 2), action: 'override', quantity: 10 }); // no reason: refused
      expect(planEvents()).toEqual(['decision']);
      await ok(ctx, 'undoLastDecision', {});
      const pending = await ok(ctx, 'decideLine', { lineId: line('SKU-2', 1), action: 'override', quantity: 900, reasonCode: 'promotion', comment: 'launch' });
      expect(pending.lineState.status).toBe('pending_approval');
      await ok(ctx, 'bulkAccept', { runId, filter: { category: 'Beverages' } });
      await ok(ctx, 'bulkAccept', { runId, filter: { category: 'Beverages' } }); // nothing left to accept: nothing to announce
      await signInAs(ctx, { displayName: 'Maria Lopez', role: 'manager' });
      await ok(ctx, 'reviewOverride', { decisionId: pending.decision.decisionId, verdict: 'approved', note: '' });
      await ok(ctx, 'releaseRun', { runId });
      await ok(ctx, 'releaseRun', { runId });
      await ok(ctx, 'rollbackRun', { runId, toVersion: 1, note: 'back' });
      expect(planEvents()).toEqual(['decision', 'undo', 'decision', 'bulk-accept', 'approval', 'release', 'release', 'rollback']);
      expect(events.filter((e) => e.type === 'plan-changed').every((e) => (e as { runId: number }).runId === runId)).toBe(true);
    } finally {
      ctx.db.close();
      t.cleanup();
    }
  });
});
