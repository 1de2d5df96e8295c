import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkWorkbook } from '../../electron/backend/audit/check';
import { verifyAuditChain } from '../../electron/backend/audit/chain';
import type { BackendContext } from '../../electron/backend/context';
import type { Db } from '../../electron/backend/db/open';
import { importFile, previewFile } from '../../electron/backend/imports/import-file';
import { join } from 'node:path';
import type { ImportOptions } from '../../electron/backend/imports/types';
import { tempDir } from '../helpers/workbook';
import { addPeople } from '../helpers/people';
import { all, counts, newWorkbook, one, writeLines } from '../fixtures/import/v_harness';

let t: ReturnType<typeof tempDir>;
let ctx: BackendContext;
let db: Db;
const run = (options: ImportOptions, name: string, lines: string[]) => importFile(ctx, writeLines(t.dir, name, lines), options);

beforeEach(async () => {
  t = tempDir('fwb-kinds-');
  ({ ctx, db } = await newWorkbook(t.dir));
});
afterEach(() => {
  db.close();
  t.cleanup();
});

describe('importing items', () => {
  it('creates items with their attributes and owners, then updates them without losing what a file leaves out', async () => {
    const r = await run({ kind: 'items' }, 'items.csv', [
      'sku,description,category,brand,family,abc,planner,uom,shelf_life,colour',
      'A,Apple juice 1l,Beverages,Sunny,Juice,a,ana,EA,12,',
      'B,,Snacks,,,,,,,red',
      'C,Crisps,Snacks,,,X,,,,',
    ]);
    expect(r).toMatchObject({ rowsRead: 3, rowsAccepted: 2, rowsQuarantined: 1, runs: [] });
    expect(r.errors).toEqual([{ row: 4, column: 'abc', reason: "ABC class must be A, B or C, not 'X'" }]);
    expect(all(db, 'SELECT item_id, name, category, brand, family, abc_class, owner_id, unit, attributes, batch_id FROM items ORDER BY item_id')).toEqual([
      { item_id: 'A', name: 'Apple juice 1l', category: 'Beverages', brand: 'Sunny', family: 'Juice', abc_class: 'A', owner_id: 'ana', unit: 'EA', attributes: '{"shelf_life":"12"}', batch_id: r.batchId },
      { item_id: 'B', name: 'B', category: 'Snacks', brand: null, family: null, abc_class: null, owner_id: null, unit: null, attributes: '{"colour":"red"}', batch_id: r.batchId },
    ]);
    expect(all(db, 'SELECT user_id, role FROM users')).toEqual([{ user_id: 'ana', role: 'planner' }]);
    expect(r.warnings.map((w) => w.message)).toContain('2 items added, 0 updated');

    const u = await run({ kind: 'items' }, 'items-update.csv', ['item_id,name,category,colour', 'A,,Drinks,green', 'D,Dates,Snacks,']);
    expect(u.warnings.map((w) => w.message)).toContain('1 items added, 1 updated');
    expect(all(db, "SELECT name, category, brand, owner_id, attributes FROM items WHERE item_id = 'A'")).toEqual([
      { name: 'Apple juice 1l', category: 'Drinks', brand: 'Sunny', owner_id: 'ana', attributes: '{"shelf_life":"12","colour":"green"}' },
    ]);
    expect(checkWorkbook(db).ok).toBe(true);
  });
});

describe('importing actuals', () => {
  it('quarantines rows of items the workbook does not know unless asked to create them', async () => {
    await run({ kind: 'items' }, 'items.csv', ['sku', 'A']);
    const r = await run({ kind: 'actuals' }, 'typo.csv', ['item,month,sales', 'A,2026-01-01,10', 'SKU-99999,2026-01-01,3']);
    expect(r).toMatchObject({ rowsAccepted: 1, rowsQuarantined: 1, errors: [{ row: 3, column: 'item', reason: expect.stringMatching(/^unknown item 'SKU-99999'/), hint: { option: 'createItems' } }] });
    const si = await run({ kind: 'sales_inputs' }, 'si-typo.csv', ['sku,period,sales_input', 'SKU-99999,2026-07-01,5']);
    expect(si).toMatchObject({ rowsAccepted: 0, rowsQuarantined: 1 });
    expect(all(db, 'SELECT item_id FROM items')).toEqual([{ item_id: 'A' }]);
  });

  it('supersedes a changed value, keeps the earlier one in history, and leaves identical ones alone', async () => {
    const first = await run({ kind: 'actuals', unknownItems: 'create' }, 'actuals-1.csv', ['item,location,month,sales', 'A,ALL,2026-01-01,10', 'A,ALL,2026-02-01,11', 'B,DC1,2026-01-01,5']);
    expect(first).toMatchObject({ rowsAccepted: 3, rowsQuarantined: 0 });
    const second = await run({ kind: 'actuals', unknownItems: 'create' }, 'actuals-2.csv', ['item,location,month,sales', 'A,ALL,2026-01-01,10', 'A,ALL,2026-02-01,12', 'B,DC1,2026-02-01,6', 'B,DC1,2026-02-01,7', 'B,DC1,2026-03-01,-1']);
    expect(second).toMatchObject({ rowsRead: 5, rowsAccepted: 3, rowsQuarantined: 2 });
    expect(second.errors).toEqual([
      { row: 5, column: 'month', reason: 'duplicate: row 4 has the same item, location and period' },
      { row: 6, column: 'sales', reason: "negative quantity: '-1'" },
    ]);
    expect(second.warnings.map((w) => w.message)).toContain('1 earlier value superseded (kept in history), 1 unchanged');
    expect(all(db, 'SELECT item_id, location_id, period, quantity, batch_id, superseded_at FROM v_actuals ORDER BY actual_id')).toEqual([
      { item_id: 'A', location_id: 'ALL', period: '2026-01-01', quantity: 10, batch_id: first.batchId, superseded_at: null },
      { item_id: 'A', location_id: 'ALL', period: '2026-02-01', quantity: 11, batch_id: first.batchId, superseded_at: '2026-10-31T18:00:00.000Z' },
      { item_id: 'B', location_id: 'DC1', period: '2026-01-01', quantity: 5, batch_id: first.batchId, superseded_at: null },
      { item_id: 'A', location_id: 'ALL', period: '2026-02-01', quantity: 12, batch_id: second.batchId, superseded_at: null },
      { item_id: 'B', location_id: 'DC1', period: '2026-02-01', quantity: 6, batch_id: second.batchId, superseded_at: null },
    ]);
    expect(checkWorkbook(db).ok).toBe(true);
  });
});

describe('importing sales inputs', () => {
  it('stores source and note, and supersedes like actuals', async () => {
    await run({ kind: 'sales_inputs', unknownItems: 'create' }, 'si-1.csv', ['sku,period,sales_input,account,comment', 'A,2026-07-01,120,Key account,promo week', 'A,2026-08-01,80,,']);
    const r = await run({ kind: 'sales_inputs' }, 'si-2.csv', ['sku,period,qty,rep', 'A,2026-07-01,130,Key account', 'A,2026-08-01,80,']);
    expect(r.rowsAccepted).toBe(2);
    expect(all(db, 'SELECT period, quantity, source, note, superseded_at IS NOT NULL AS old FROM v_sales_inputs ORDER BY sales_input_id')).toEqual([
      { period: '2026-07-01', quantity: 120, source: 'Key account', note: 'promo week', old: 1 },
      { period: '2026-08-01', quantity: 80, source: null, note: null, old: 0 },
      { period: '2026-07-01', quantity: 130, source: 'Key account', note: null, old: 0 },
    ]);
  });
});

describe('importing decision history', () => {
  // History lands on closed lines (issue 12.1): the actuals of the months decided are known.
  async function seedRuns(): Promise<void> {
    await run({ kind: 'forecasts', model: 'ets', origin: '2026-05-01', unknownItems: 'create' }, 'run-may.csv', ['sku,month,fcst', 'A,2026-06-01,100', 'A,2026-07-01,110', 'B,2026-07-01,50']);
    await run({ kind: 'forecasts', model: 'ets', origin: '2026-06-01' }, 'run-jun.csv', ['sku,month,fcst', 'A,2026-07-01,105', 'A,2026-08-01,120']);
    await run({ kind: 'actuals' }, 'actuals.csv', ['sku,month,sales', 'A,2026-06-01,101', 'A,2026-07-01,111', 'A,2026-08-01,121', 'B,2026-07-01,51']);
  }

  it('attaches rows to their line, tells accepts from overrides, journals and audits them', async () => {
    await seedRuns();
    await addPeople(ctx, { userId: 'mia', displayName: 'Mia Manager' }, [{ userId: 'analyst', displayName: 'Ann Analyst', role: 'analyst' }]);
    const r = await run({ kind: 'decisions', user: 'analyst' }, 'decisions.csv', [
      'item,period,final,reason,comment,decided_by,timestamp,model,origin',
      'A,2026-06-01,100,,,ana,2026-05-20T09:00:00Z,,',
      'A,2026-07-01,130,Promotion,summer promo,ana,2026-05-20T09:05:00Z,ets,2026-05-01',
      'A,2026-07-01,90,,,ben,2026-06-20T10:00:00Z,ets,2026-06-01',
      'A,2026-07-01,95,no_such_reason,,ben,2026-06-20T10:01:00Z,ets,2026-06-01',
      'A,2026-07-01,96,other,,ben,2026-06-20T10:02:00Z,ets,2026-06-01',
      'A,2026-07-01,97,promotion,,ben,2026-06-20T10:03:00Z,,',
      'C,2026-07-01,1,promotion,,ben,2026-06-20T10:04:00Z,,',
      'A,2026-08-01,125,price_change,,,2026-06-20T09:00:00Z,,',
    ]);
    expect(r).toMatchObject({ rowsRead: 8, rowsAccepted: 3, rowsQuarantined: 5 });
    expect(r.errors).toEqual([
      { row: 4, column: 'reason', reason: 'override of 105 to 90 has no reason code' },
      { row: 5, column: 'reason', reason: expect.stringMatching(/^unknown reason code 'no_such_reason' \(known: promotion, /) },
      { row: 6, column: 'reason', reason: "reason 'other' needs a comment" },
      { row: 7, column: null, reason: expect.stringMatching(/^2 runs have a line for item 'A' in 2026-07-01 \(runs \d+, \d+\); say which with model and origin columns$/), hint: { option: 'modelAndOrigin' } },
      { row: 8, column: 'item', reason: "unknown item 'C'" },
    ]);
    // Credited to nobody of the workbook (issue 12.1): the file's decider is kept as text.
    expect(all(db, 'SELECT d.action, d.quantity, d.source, d.reason_code, d.comment, d.decided_by, d.recorded_by, d.decided_at, d.status, d.batch_id = ? AS ours, r.origin FROM decisions d JOIN forecast_lines l USING (line_id) JOIN forecast_runs r USING (run_id) ORDER BY decision_id', r.batchId)).toEqual([
      { action: 'accept', quantity: 100, source: 'model', reason_code: null, comment: null, decided_by: null, recorded_by: 'ana', decided_at: '2026-05-20T09:00:00.000Z', status: 'final', ours: 1, origin: 20260501 },
      { action: 'override', quantity: 130, source: 'override', reason_code: 'promotion', comment: 'summer promo', decided_by: null, recorded_by: 'ana', decided_at: '2026-05-20T09:05:00.000Z', status: 'final', ours: 1, origin: 20260501 },
      { action: 'override', quantity: 125, source: 'override', reason_code: 'price_change', comment: null, decided_by: null, recorded_by: null, decided_at: '2026-06-20T09:00:00.000Z', status: 'final', ours: 1, origin: 20260601 },
    ]);
    expect(all(db, "SELECT action FROM audit_log WHERE entity = 'decision' ORDER BY audit_id").map((a) => a.action)).toEqual(['decision.accept', 'decision.override', 'decision.override']);
    expect(verifyAuditChain(db).ok).toBe(true);
    const report = checkWorkbook(db);
    expect(report.problems).toEqual([]);
    expect(one(db, 'SELECT count(*) FROM line_state')).toBe(3);
  });

  it('uses --model/--origin to pick the run, and refuses a whole file in strict mode', async () => {
    await seedRuns();
    const lines = ['item,period,final,reason', 'A,2026-07-01,105,', 'A,2026-08-01,119,bogus'];
    const lenient = await run({ kind: 'decisions', model: 'ets', origin: '2026-06-01' }, 'd1.csv', lines);
    expect(lenient).toMatchObject({ rowsAccepted: 1, rowsQuarantined: 1 });
    const before = one<number>(db, 'SELECT count(*) FROM decisions');
    const strict = await run({ kind: 'decisions', model: 'ets', origin: '2026-06-01', strict: true, force: true }, 'd1.csv', lines).catch((e: unknown) => e);
    expect((strict as Error).message).toMatch(/^d1\.csv: refused \(strict\): row 3, column reason: unknown reason code 'bogus'/);
    expect(one(db, 'SELECT count(*) FROM decisions')).toBe(before);
    expect(verifyAuditChain(db).ok).toBe(true);
  });
});

describe('a file of another kind', () => {
  it('is refused, naming the kind it looks like, with nothing written', async () => {
    const before = counts(db);
    const asForecasts = await run({ kind: 'forecasts', origin: '2026-06-01', unknownItems: 'create' }, 'actuals.csv', ['item_id,period,actual', 'A,2026-07-01,5']).catch((e: unknown) => e);
    expect(asForecasts).toMatchObject({ code: 'INPUT_REJECTED', message: expect.stringMatching(/^actuals\.csv: this looks like actuals, not forecasts/), hint: { option: 'kind', kind: 'actuals' } });
    const asActuals = await run({ kind: 'actuals', unknownItems: 'create' }, 'fc.csv', ['sku,month,model,quantity', 'A,2026-07-01,ets,5']).catch((e: unknown) => e);
    expect(asActuals).toMatchObject({ code: 'INPUT_REJECTED', hint: { option: 'kind', kind: 'forecasts' } });
    const asItems = await run({ kind: 'items' }, 'fc2.csv', ['sku,month,fcst', 'A,2026-07-01,5']).catch((e: unknown) => e);
    expect(asItems).toMatchObject({ code: 'INPUT_REJECTED', hint: { option: 'kind', kind: 'forecasts' } });
    expect(counts(db)).toEqual(before);
    // The preview says so before anything is imported.
    const preview = await previewFile(ctx, join(t.dir, 'actuals.csv'), { kind: 'forecasts' });
    expect(preview.otherKind).toEqual({ message: expect.stringMatching(/this looks like actuals, not forecasts/), hint: { option: 'kind', kind: 'actuals' } });
    expect((await previewFile(ctx, join(t.dir, 'actuals.csv'), { kind: 'actuals' })).otherKind).toBeUndefined();
    // The same actuals file as actuals imports.
    const right = await run({ kind: 'actuals', unknownItems: 'create', force: true }, 'actuals.csv', ['item_id,period,actual', 'A,2026-07-01,5']);
    expect(right.rowsAccepted).toBe(1);
  });
});
