import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkWorkbook } from '../../electron/backend/audit/check';
import { importFile } from '../../electron/backend/imports/import-file';
import type { BackendContext } from '../../electron/backend/context';
import { smallWorkbook, tempDir } from '../helpers/workbook';
import { signInAs } from '../helpers/people';
import { ok, refused } from '../helpers/api';


describe('deciding a line', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: BackendContext;
  let runId: number;
  /** Line of the fixture: SKU-1 has model 120 + lag, SKU-2 220 + lag, SKU-3 320 + lag. */
  const line = (item: string, lag: number) =>
    ctx.db.prepare('SELECT l.line_id FROM forecast_lines l JOIN items i USING (item_key) WHERE i.item_id = ? AND l.lag = ?').pluck().get(item, lag) as number;
  const rows = (table: string) => ctx.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  const written = () => ({ decisions: rows('decisions'), audit: rows('audit_log'), lineState: rows('line_state') });
  const asAna = () => ok(ctx, 'signIn', { userId: 'ana', displayName: 'Ana', role: 'planner' });
  const asBen = () => ok(ctx, 'signIn', { userId: 'ben', displayName: 'Ben', role: 'planner' });
  const asMaria = () => signInAs(ctx, { displayName: 'Maria Lopez', role: 'manager' });
  const asMax = () => signInAs(ctx, { displayName: 'Max Berg', role: 'manager' });

  beforeEach(async () => {
    t = tempDir('fwb-decide-');
    ({ ctx, runId } = await smallWorkbook(t.dir));
    await asAna();
  });
  afterEach(() => {
    ctx.db.close();
    t.cleanup();
  });

  it('accepts a line: journal row, audit entry and final plan, and the workbook still checks', async () => {
    const id = line('SKU-1', 1);
    const out = await ok(ctx, 'decideLine', { lineId: id, action: 'accept' });
    expect(out.decision).toMatchObject({ lineId: id, action: 'accept', quantity: 121, source: 'model', status: 'final', decidedBy: 'ana', reasonCode: null });
    expect(out.lineState).toMatchObject({ lineId: id, modelQuantity: 121, finalQuantity: 121, source: 'model', status: 'final', decisionId: out.decision.decisionId, decidedBy: 'ana' });
    const audit = ctx.db.prepare("SELECT action, actor FROM audit_log WHERE entity = 'decision' AND entity_id = ?").get(String(out.decision.decisionId));
    expect(audit).toEqual({ action: 'decision.accept', actor: 'ana' });
    expect(checkWorkbook(ctx.db)).toMatchObject({ ok: true, journalRowsChecked: 1 });
  });

  it('overrides by quantity, percent and sales input', async () => {
    const byQty = await ok(ctx, 'decideLine', { lineId: line('SKU-1', 1), action: 'override', quantity: 130, reasonCode: 'promotion' });
    expect(byQty.lineState).toMatchObject({ finalQuantity: 130, source: 'override', status: 'final', reasonCode: 'promotion' });
    const byPct = await ok(ctx, 'decideLine', { lineId: line('SKU-1', 2), action: 'override', percent: -10, reasonCode: 'lost_business' });
    expect(byPct.decision.quantity).toBe(109.8); // 122 × 0.9, without float noise
    expect(byPct.lineState).toMatchObject({ finalQuantity: 109.8, source: 'override', status: 'final' });

    const sku2 = line('SKU-2', 1);
    const noSales = await refused(ctx, 'decideLine', { lineId: sku2, action: 'override', useSalesInput: true, reasonCode: 'sales_intelligence' });
    expect(noSales).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/no sales input/) });
    // Imported, not written by hand: fwb check holds every row to the import that wrote it (audit/check-governed.ts).
    for (const [name, quantity] of [['si-1.csv', 900], ['si-2.csv', 235]] as const) {
      writeFileSync(join(t.dir, name), `sku,period,sales_input,rep\nSKU-2,2026-07-01,${quantity},rep\n`);
      await importFile(ctx, join(t.dir, name), { kind: 'sales_inputs' });
    }
    const bySales = await ok(ctx, 'decideLine', { lineId: sku2, action: 'override', useSalesInput: true, reasonCode: 'sales_intelligence' });
    expect(bySales.decision).toMatchObject({ quantity: 235, source: 'sales_input', status: 'final' });
    expect(bySales.lineState).toMatchObject({ finalQuantity: 235, source: 'sales_input' });
    expect(checkWorkbook(ctx.db).ok).toBe(true);
  });

  it('refuses an override without a reason in the backend, writing nothing', async () => {
    const before = written();
    const id = line('SKU-1', 1);
    expect(await refused(ctx, 'decideLine', { lineId: id, action: 'override', quantity: 130 })).toEqual({ code: 'INVALID_REQUEST', message: 'A reason is required for every override.' });
    expect(await refused(ctx, 'decideLine', { lineId: id, action: 'override', quantity: 130, reasonCode: '  ' })).toMatchObject({ message: 'A reason is required for every override.' });
    expect(await refused(ctx, 'decideLine', { lineId: id, action: 'override', quantity: 130, reasonCode: 'astrology' })).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/Unknown reason code/) });
    ctx.db.prepare("UPDATE reason_codes SET active = 0 WHERE code = 'promotion'").run();
    expect(await refused(ctx, 'decideLine', { lineId: id, action: 'override', quantity: 130, reasonCode: 'promotion' })).toMatchObject({ message: expect.stringMatching(/no longer in use/) });
    // Malformed quantities never reach the journal.
    for (const bad of [{ quantity: -1 }, { quantity: 'NaN' }, { quantity: 1e300 }, { quantity: 130, percent: 5 }, {}]) {
      expect(await refused(ctx, 'decideLine', { lineId: id, action: 'override', reasonCode: 'other', comment: 'x', ...bad })).toMatchObject({ code: 'INVALID_REQUEST' });
    }
    expect(await refused(ctx, 'decideLine', { lineId: id, action: 'override', quantity: 121, reasonCode: 'promotion' })).toMatchObject({ message: expect.stringMatching(/equals the model/) });
    expect(await refused(ctx, 'decideLine', { lineId: 999, action: 'accept' })).toMatchObject({ code: 'NOT_FOUND' });
    expect(written()).toEqual(before);
  });

  it('asks for a comment where the reason code or the size of the change says so', async () => {
    const id = line('SKU-1', 1); // model 121; comments above 20 %
    expect(await refused(ctx, 'decideLine', { lineId: id, action: 'override', quantity: 130, reasonCode: 'other' })).toMatchObject({
      code: 'INVALID_REQUEST',
      message: 'A comment is required: the reason "Other" always needs one.',
    });
    expect(await refused(ctx, 'decideLine', { lineId: id, action: 'override', quantity: 150, reasonCode: 'promotion' })).toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(/A comment is required: the change of 24 % is more than the 20 % the policy allows/),
    });
    expect(await refused(ctx, 'decideLine', { lineId: id, action: 'override', quantity: 150, reasonCode: 'promotion', comment: '   ' })).toMatchObject({ code: 'INVALID_REQUEST' });
    const out = await ok(ctx, 'decideLine', { lineId: id, action: 'override', quantity: 150, reasonCode: 'promotion', comment: 'Endcap in July' });
    expect(out.decision).toMatchObject({ comment: 'Endcap in July', status: 'final' });
  });

  it('refuses any change to a frozen line, saying why', async () => {
    await asMaria();
    await ok(ctx, 'savePolicy', { segmentType: 'category', segmentValue: 'Beverages', modelRole: 'assist', approvalPct: 25, approvalUnits: 1000, freezeLags: 2, commentPct: 20, driftThresholdPts: 5 });
    await asAna();
    const before = written();
    const err = await refused(ctx, 'decideLine', { lineId: line('SKU-1', 2), action: 'accept' });
    expect(err).toEqual({ code: 'FORBIDDEN', message: 'Line is frozen: lag 2 is inside the freeze window of 2 (policy for category Beverages).' });
    expect(written()).toEqual(before);
    // Lag 3 is outside the window, and other categories are governed by 'all' (no freeze).
    await ok(ctx, 'decideLine', { lineId: line('SKU-1', 3), action: 'accept' });
    await ok(ctx, 'decideLine', { lineId: line('SKU-2', 1), action: 'accept' });
  });

  it('refuses decisions made with hindsight, once a line’s actual is known', async () => {
    const itemKey = ctx.db.prepare("SELECT item_key FROM items WHERE item_id = 'SKU-2'").pluck().get();
    ctx.db.prepare('INSERT INTO actuals (item_key, period, quantity, recorded_at) VALUES (?, 20260801, 250, ?)').run(itemKey, ctx.now().toISOString());
    const before = ctx.db.prepare('SELECT count(*) FROM decisions').pluck().get();
    expect(await refused(ctx, 'decideLine', { lineId: line('SKU-2', 2), action: 'override', quantity: 250, reasonCode: 'promotion', comment: 'x' })).toEqual({
      code: 'FORBIDDEN',
      message: 'Line is closed: the actual of 2026-08-01 (250) is already known, so a decision now would be made with hindsight.',
    });
    expect(ctx.db.prepare('SELECT count(*) FROM decisions').pluck().get()).toBe(before);
    expect(await ok(ctx, 'bulkAccept', { runId, filter: { category: 'Snacks' } })).toEqual({ accepted: 2, skippedFrozen: 0, skippedDecided: 0, skippedPast: 1 });
  });

  it('holds an over-threshold override for a manager; the plan moves only when approved', async () => {
    const id = line('SKU-1', 1); // model 121; approval above 25 %
    const pending = await ok(ctx, 'decideLine', { lineId: id, action: 'override', quantity: 160, reasonCode: 'promotion', comment: 'Big promo' });
    expect(pending.decision.status).toBe('pending_approval');
    expect(pending.lineState).toMatchObject({ status: 'pending_approval', finalQuantity: 121, source: 'model', decisionId: pending.decision.decisionId });
    const queue = await ok(ctx, 'listPendingApprovals', { runId });
    expect(queue.approvals).toEqual([
      expect.objectContaining({ decisionId: pending.decision.decisionId, lineId: id, itemId: 'SKU-1', period: '2026-07-01', lag: 1, modelQuantity: 121, overrideQuantity: 160, changeUnits: 39, changePct: 32.23, reasonCode: 'promotion', reasonLabel: 'Promotion', comment: 'Big promo', decidedBy: 'ana', decidedByName: 'Ana' }),
    ]);

    // A planner cannot approve, not even someone else's.
    await asBen();
    expect(await refused(ctx, 'reviewOverride', { decisionId: pending.decision.decisionId, verdict: 'approved' })).toMatchObject({ code: 'FORBIDDEN' });
    await asMaria();
    expect(await refused(ctx, 'reviewOverride', { decisionId: pending.decision.decisionId, verdict: 'rejected' })).toMatchObject({ code: 'INVALID_REQUEST', issues: [expect.objectContaining({ path: 'note' })] });
    const approved = await ok(ctx, 'reviewOverride', { decisionId: pending.decision.decisionId, verdict: 'approved', note: 'Confirmed with sales' });
    expect(approved.approval).toMatchObject({ verdict: 'approved', decidedBy: 'maria.lopez', note: 'Confirmed with sales' });
    expect(approved.lineState).toMatchObject({ status: 'approved', finalQuantity: 160, source: 'override' });
    expect((await ok(ctx, 'listPendingApprovals', {})).approvals).toEqual([]);
    expect(await refused(ctx, 'reviewOverride', { decisionId: pending.decision.decisionId, verdict: 'rejected', note: 'changed my mind' })).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/already approved/) });
    expect(checkWorkbook(ctx.db).ok).toBe(true);
  });

  it('keeps the plan where it was when a manager rejects, and a manager cannot approve their own', async () => {
    const id = line('SKU-2', 2); // model 222
    await ok(ctx, 'decideLine', { lineId: id, action: 'override', quantity: 240, reasonCode: 'promotion' });
    const big = await ok(ctx, 'decideLine', { lineId: id, action: 'override', quantity: 400, reasonCode: 'new_customer', comment: 'New chain' });
    expect(big.lineState).toMatchObject({ status: 'pending_approval', finalQuantity: 240, source: 'override' });
    await asMaria();
    const rejected = await ok(ctx, 'reviewOverride', { decisionId: big.decision.decisionId, verdict: 'rejected', note: 'Not signed yet' });
    expect(rejected.lineState).toMatchObject({ status: 'rejected', finalQuantity: 240, source: 'override', decisionId: big.decision.decisionId });

    const own = await ok(ctx, 'decideLine', { lineId: line('SKU-3', 3), action: 'override', quantity: 600, reasonCode: 'new_customer', comment: 'Tender won' });
    expect(await refused(ctx, 'reviewOverride', { decisionId: own.decision.decisionId, verdict: 'approved' })).toEqual({ code: 'FORBIDDEN', message: expect.stringMatching(/cannot approve your own/) });
    await asMax();
    expect((await ok(ctx, 'reviewOverride', { decisionId: own.decision.decisionId, verdict: 'approved' })).lineState).toMatchObject({ status: 'approved', finalQuantity: 600 });
    expect(checkWorkbook(ctx.db).ok).toBe(true);
  });

  it('undoes one’s own last decision only, step by step', async () => {
    const id = line('SKU-1', 3); // model 123
    const first = await ok(ctx, 'decideLine', { lineId: id, action: 'override', quantity: 130, reasonCode: 'promotion' });
    const second = await ok(ctx, 'decideLine', { lineId: id, action: 'override', quantity: 135, reasonCode: 'promotion' });
    const undo = await ok(ctx, 'undoLastDecision', { runId });
    expect(undo.undoneDecisionId).toBe(second.decision.decisionId);
    expect(undo.decision).toMatchObject({ action: 'undo', undoesDecisionId: second.decision.decisionId, source: 'override', decidedBy: 'ana' });
    expect(undo.lineState).toMatchObject({ finalQuantity: 130, decisionId: first.decision.decisionId, status: 'final' });
    const again = await ok(ctx, 'undoLastDecision', {});
    expect(again.lineState).toMatchObject({ finalQuantity: 123, source: 'model', status: 'undecided', decisionId: null });
    expect(await refused(ctx, 'undoLastDecision', {})).toMatchObject({ code: 'NOT_FOUND' });

    // Ben has nothing of his own to undo, and cannot take back Ana's.
    await ok(ctx, 'decideLine', { lineId: id, action: 'accept' });
    await asBen();
    expect(await refused(ctx, 'undoLastDecision', {})).toMatchObject({ code: 'NOT_FOUND' });
    // Once Ben decides the line after Ana, Ana's decision there can no longer be undone.
    await ok(ctx, 'decideLine', { lineId: id, action: 'override', quantity: 140, reasonCode: 'promotion' });
    await asAna();
    expect(await refused(ctx, 'undoLastDecision', {})).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/can no longer be undone/) });

    const journal = await ok(ctx, 'getLineJournal', { lineId: id });
    expect(journal.decisions.map((d) => [d.action, d.undoneBy !== null])).toEqual([
      ['override', true],
      ['override', true],
      ['undo', false],
      ['undo', false],
      ['accept', false],
      ['override', false],
    ]);
    expect(journal.state).toMatchObject({ finalQuantity: 140, decidedBy: 'ben' });
    expect(journal.line).toMatchObject({ itemId: 'SKU-1', lag: 3, modelQuantity: 123, modelRole: 'assist', frozen: false });
    expect(checkWorkbook(ctx.db).ok).toBe(true);
  });

  it('bulk-accepts undecided, unfrozen lines only, by filter or by ids', async () => {
    await ok(ctx, 'decideLine', { lineId: line('SKU-1', 2), action: 'override', quantity: 130, reasonCode: 'promotion' });
    await asMaria();
    await ok(ctx, 'savePolicy', { segmentType: 'abc_class', segmentValue: 'C', modelRole: 'assist', approvalPct: 25, approvalUnits: 1000, freezeLags: 1, commentPct: 20, driftThresholdPts: 5 });
    await asAna();
    const byOwner = await ok(ctx, 'bulkAccept', { runId, filter: { owner: 'ana' } }); // SKU-1 and SKU-3 (class C, lag 1 frozen)
    expect(byOwner).toEqual({ accepted: 4, skippedFrozen: 1, skippedDecided: 1, skippedPast: 0 });
    const again = await ok(ctx, 'bulkAccept', { runId, lineIds: [line('SKU-2', 1), line('SKU-1', 1)] });
    expect(again).toEqual({ accepted: 1, skippedFrozen: 0, skippedDecided: 1, skippedPast: 0 });
    expect(ctx.db.prepare("SELECT count(*) FROM line_state WHERE status = 'final'").pluck().get()).toBe(6);
    expect(await refused(ctx, 'bulkAccept', { runId, lineIds: [999] })).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/not in run/) });
    expect(await refused(ctx, 'bulkAccept', { runId })).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(await refused(ctx, 'bulkAccept', { runId, lineIds: Array.from({ length: 100_001 }, (_, i) => i + 1) })).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(checkWorkbook(ctx.db)).toMatchObject({ ok: true, journalRowsChecked: 6 });
  });

  it('bulk-accepts exactly the lines the worklist shows for any of its filters, the status filter included', async () => {
    await asAna();
    await ok(ctx, 'decideLine', { lineId: line('SKU-2', 2), action: 'accept' });
    const filter = { status: 'undecided' as const, lag: 2 };
    const shown = await ok(ctx, 'getRunLines', { runId, filter, limit: 100 });
    expect(shown.total).toBe(2);
    expect(await ok(ctx, 'bulkAccept', { runId, filter })).toEqual({ accepted: 2, skippedFrozen: 0, skippedDecided: 0, skippedPast: 0 });
    expect((await ok(ctx, 'getRunLines', { runId, filter, limit: 100 })).total).toBe(0);
  });
});
