// One rule for which lines a decision may change: the worklist marks each line
// closed (actual known) or frozen with the very sentence the backend refuses a
// decision with, "Not decided" leaves closed lines out, and every way of
// changing a line (decide, bulk accept, undo, approval) refuses a closed one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import type { ForecastLineRow } from '../../shared/domain';
import { smallWorkbook, tempDir } from '../helpers/workbook';
import { ok, refused } from '../helpers/api';
import { signInAs } from '../helpers/people';

describe('closed and frozen lines, one rule for the worklist and the backend', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: BackendContext;
  let runId: number;
  const line = (item: string, lag: number) =>
    ctx.db.prepare('SELECT l.line_id FROM forecast_lines l JOIN items i USING (item_key) WHERE i.item_id = ? AND l.lag = ?').pluck().get(item, lag) as number;
  const decisions = () => ctx.db.prepare('SELECT count(*) FROM decisions').pluck().get() as number;
  const rowOf = async (lineId: number): Promise<ForecastLineRow> => (await ok(ctx, 'getRunLines', { runId, limit: 50 })).rows.find((r) => r.lineId === lineId)!;
  /** The actual of SKU-2's lag-2 period (2026-08) arrives: that line is now history. */
  const actualArrives = (quantity = 250) => {
    const itemKey = ctx.db.prepare("SELECT item_key FROM items WHERE item_id = 'SKU-2'").pluck().get();
    ctx.db.prepare('INSERT INTO actuals (item_key, period, quantity, recorded_at) VALUES (?, 20260801, ?, ?)').run(itemKey, quantity, ctx.now().toISOString());
  };

  beforeEach(async () => {
    t = tempDir('fwb-lock-');
    ({ ctx, runId } = await smallWorkbook(t.dir));
    await ok(ctx, 'signIn', { userId: 'ana', displayName: 'Ana', role: 'planner' });
  });
  afterEach(() => {
    ctx.db.close();
    t.cleanup();
  });

  it('marks a line closed once its actual is known, in the words the backend refuses a decision with', async () => {
    const id = line('SKU-2', 2);
    const before = await rowOf(id);
    expect(before).toMatchObject({ actual: null, lock: null });
    actualArrives();
    const row = await rowOf(id);
    expect(row.actual).toBe(250);
    expect(row.lock?.kind).toBe('closed');
    const n = decisions();
    for (const payload of [{ action: 'accept' }, { action: 'override', quantity: 260, reasonCode: 'promotion' }, { action: 'override', useSalesInput: true, reasonCode: 'promotion' }]) {
      expect(await refused(ctx, 'decideLine', { lineId: id, ...payload })).toEqual({ code: 'FORBIDDEN', message: row.lock!.message });
    }
    expect(decisions()).toBe(n);
    // The other lines of the item stay open.
    expect((await rowOf(line('SKU-2', 3))).lock).toBeNull();
  });

  it('marks a frozen line with the sentence the backend refuses it with, and carries the policy the editor needs', async () => {
    await signInAs(ctx, { displayName: 'Maria Lopez', role: 'manager' });
    await ok(ctx, 'savePolicy', { segmentType: 'category', segmentValue: 'Beverages', modelRole: 'assist', approvalPct: 30, approvalUnits: 500, freezeLags: 2, commentPct: 15, driftThresholdPts: 5 });
    const frozen = await rowOf(line('SKU-1', 2));
    expect(frozen.lock).toEqual({ kind: 'frozen', message: 'Line is frozen: lag 2 is inside the freeze window of 2 (policy for category Beverages).' });
    expect(frozen.policy).toEqual({ segmentType: 'category', segmentValue: 'Beverages', freezeLags: 2, approvalPct: 30, approvalUnits: 500, commentPct: 15 });
    expect(await refused(ctx, 'decideLine', { lineId: frozen.lineId, action: 'accept' })).toEqual({ code: 'FORBIDDEN', message: frozen.lock!.message });
    expect((await rowOf(line('SKU-1', 3))).lock).toBeNull();
    // Other categories are governed by 'all items'.
    expect((await rowOf(line('SKU-2', 1))).policy).toMatchObject({ segmentType: 'all', segmentValue: '*', approvalPct: 25, commentPct: 20 });
  });

  it('leaves closed lines out of "Not decided" and lists them under "closed"; bulk accept skips them', async () => {
    actualArrives();
    const undecided = await ok(ctx, 'getRunLines', { runId, filter: { status: 'undecided' } });
    expect(undecided.total).toBe(8);
    expect(undecided.rows.every((r) => r.lock?.kind !== 'closed')).toBe(true);
    const closed = await ok(ctx, 'getRunLines', { runId, filter: { status: 'closed' } });
    expect(closed.rows.map((r) => [r.itemId, r.lag, r.actual])).toEqual([['SKU-2', 2, 250]]);
    // Grouped by item, the same lines.
    expect((await ok(ctx, 'getRunLines', { runId, filter: { status: 'undecided' }, groupByItem: true })).lineTotal).toBe(8);
    expect(await ok(ctx, 'bulkAccept', { runId, lineIds: [line('SKU-2', 2), line('SKU-2', 3)] })).toEqual({ accepted: 1, skippedFrozen: 0, skippedDecided: 0, skippedPast: 1 });
  });

  it('refuses to undo or approve a decision once its line has closed', async () => {
    const id = line('SKU-2', 2); // model 222; approval above 25 %
    const pending = await ok(ctx, 'decideLine', { lineId: id, action: 'override', quantity: 300, reasonCode: 'promotion', comment: 'Launch' });
    expect(pending.decision.status).toBe('pending_approval');
    actualArrives(280);
    const message = (await rowOf(id)).lock!.message;
    expect(await refused(ctx, 'undoLastDecision', { runId })).toEqual({ code: 'FORBIDDEN', message });
    await signInAs(ctx, { displayName: 'Maria Lopez', role: 'manager' });
    expect(await refused(ctx, 'reviewOverride', { decisionId: pending.decision.decisionId, verdict: 'approved' })).toEqual({ code: 'FORBIDDEN', message });
    // Rejecting leaves the plan as it was, which a closed line allows.
    await ok(ctx, 'reviewOverride', { decisionId: pending.decision.decisionId, verdict: 'rejected', note: 'too late' });
  });
});
