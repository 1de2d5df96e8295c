import { describe, expect, it } from 'vitest';
import { KeyIndex } from '../../electron/backend/imports/validate/key-index';
import { detectMapping } from '../../electron/backend/imports/read/mapping';
import type { ImportFileKind, RawRecord } from '../../electron/backend/imports/types';
import { createValidator, type ValidatorConfig } from '../../electron/backend/imports/validate/validator';
import type { Grain } from '../../shared/period';

/** Records as a parser would hand them over: row numbers from 2 (the header is row 1). */
function records(rows: string[][], problems: Record<number, string> = {}): RawRecord[] {
  return rows.map((values, i) => {
    const r: RawRecord = { rowNumber: i + 2, values, raw: values.join(',') };
    if (problems[i + 2]) r.problem = problems[i + 2];
    return r;
  });
}

function validator(kind: ImportFileKind, header: string[], opts: Partial<ValidatorConfig> & { grain?: Grain; decimalComma?: boolean } = {}) {
  return createValidator({
    kind,
    header,
    mapping: detectMapping(kind, header),
    format: { format: 'csv', delimiter: opts.decimalComma ? ';' : ',', decimalComma: opts.decimalComma ?? false },
    grain: opts.grain ?? 'month',
    originKey: opts.originKey ?? 0,
    model: opts.model ?? 'M',
    modelVersion: opts.modelVersion ?? '',
    unknownItems: opts.unknownItems ?? 'create',
    knownItems: opts.knownItems ?? null,
  });
}

const P = { bytesRead: 10, bytesTotal: 100 };
const FC = ['item_id', 'period', 'forecast', 'lower', 'upper'];

describe('validating forecast rows', () => {
  it('accepts good rows into flat columns with period keys, buckets and the file\'s item numbering', () => {
    const v = validator('forecasts', FC, { originKey: 20251201 });
    const b = v.validate(records([['A', '2026-01-01', '10', '8', '12'], ['B', '2026-02-01', '5.5', '', ''], ['A', '2026-02-01', '0', '0', '1']]), P);
    expect(b.quarantine).toEqual([]);
    expect(b.rowsRead).toBe(3);
    expect(b.rowsAccepted).toBe(3);
    expect(b.newItems).toEqual(['A', 'B']);
    expect(b.newLocations).toEqual(['ALL']);
    expect(b.newRuns).toEqual([{ model: 'M', modelVersion: '', originKey: 20251201, intervalLevel: null }]);
    const l = b.lines!;
    expect(l.count).toBe(3);
    expect([...l.item.subarray(0, 3)]).toEqual([0, 1, 0]);
    expect([...l.period.subarray(0, 3)]).toEqual([20260101, 20260201, 20260201]);
    expect([...l.quantity.subarray(0, 3)]).toEqual([10, 5.5, 0]);
    expect(Number.isNaN(l.lower![1])).toBe(true);
    expect(b.bytesRead).toBe(10);
    // The next batch only names what is new.
    const b2 = v.validate(records([['C', '2026-03-01', '1', '', ''], ['A', '2026-03-01', '1', '', '']]), P);
    expect(b2.newItems).toEqual(['C']);
    expect(b2.newRuns).toEqual([]);
  });

  it('quarantines each bad row once, naming its row, column (as in the header) and reason', () => {
    const header = ['SKU', 'Month', 'Fcst', 'P10', 'P90'];
    const v = validator('forecasts', header, { originKey: 20251201 });
    const b = v.validate(
      records([
        ['A', '2026-01-01', '12x', '', ''],
        ['A', '2026-02-01', 'NaN', '', ''],
        ['A', '2026-03-01', 'Infinity', '', ''],
        ['A', '2026-04-01', '-3', '', ''],
        ['A', '2026-05-01', '10', '11', '12'],
        ['A', '2026-06-01', '10', '8', '9'],
        ['A', '2026-07-15', '10', '', ''],
        ['A', 'next month', '10', '', ''],
        ['', '2026-08-01', '10', '', ''],
        ['A', '2026-09-01', '10', ''],
        ['A', '2025-11-01', '10', '', ''],
        ['A', '2026-10-01', '', '', ''],
        ['A', '2026-11-01', '10', 'low', ''],
        ['A', '2026-12-01', '10', '', ''],
        ['A', '2026-12-01', '11', '', ''],
        ['A', '2027-01-01', '10', '', ''],
      ], { 17: 'unterminated quoted field (file truncated?)' }),
      P,
    );
    expect(b.quarantine.map((q) => [q.rowNumber, q.column, q.reason])).toEqual([
      [2, 'Fcst', "not a number: '12x'"],
      [3, 'Fcst', "not a finite number: 'NaN'"],
      [4, 'Fcst', "not a finite number: 'Infinity'"],
      [5, 'Fcst', "negative forecast: '-3'"],
      [6, 'P10', 'lower bound 11 is above the forecast 10'],
      [7, 'P90', 'upper bound 9 is below the forecast 10'],
      [8, 'Month', 'period 2026-07-15 is not the first day of a month'],
      [9, 'Month', "not a date: 'next month'"],
      [10, 'SKU', 'item id is empty'],
      [11, null, 'expected 5 columns, found 4'],
      [12, 'Month', 'period 2025-11-01 is not after the origin 2025-12-01'],
      [13, 'Fcst', 'Fcst is empty'],
      [14, 'P10', "not a number: 'low'"],
      [16, 'Month', 'duplicate: row 15 has the same model, origin, item, location and period'],
      [17, null, 'unterminated quoted field (file truncated?)'],
    ]);
    expect(b.quarantine[0]!.raw).toBe('A,2026-01-01,12x,,');
    expect(b.rowsAccepted).toBe(1);
    expect(b.lines!.count).toBe(1);
  });

  it('reads decimal commas in files that use them', () => {
    const v = validator('forecasts', FC, { decimalComma: true, originKey: 20251201 });
    const b = v.validate(records([['A', '2026-01-01', '1.234,5', '1.100,25', '1.350'], ['B', '2026-01-01', '87,5', '80', '95,75'], ['C', '2026-01-01', '12,5x', '', '']]), P);
    expect([...b.lines!.quantity.subarray(0, 2)]).toEqual([1234.5, 87.5]);
    expect([...b.lines!.upper!.subarray(0, 2)]).toEqual([1350, 95.75]);
    expect(b.quarantine.map((q) => q.reason)).toEqual(["not a number: '12,5x'"]);
  });

  it('checks periods against the workbook grain: weeks start on Monday', () => {
    const v = validator('actuals', ['item', 'week', 'qty'], { grain: 'week' });
    const b = v.validate(records([['A', '2026-03-02', '1'], ['A', '2026-03-04', '1'], ['A', '09.03.2026', '2']]), P);
    expect(b.quarantine.map((q) => [q.rowNumber, q.reason])).toEqual([[3, 'period 2026-03-04 is not a Monday (the first day of a week)']]);
    expect([...b.lines!.period.subarray(0, 2)]).toEqual([20260302, 20260309]);
  });

  it('finds duplicates across batches and per location; a bad row claims nothing and creates no item', () => {
    const v = validator('actuals', ['item', 'location', 'period', 'actual']);
    const b1 = v.validate(records([['A', 'DC1', '2026-01-01', '1'], ['A', 'DC2', '2026-01-01', '1'], ['Z', 'DC1', '2026-01-01', 'x']]), P);
    expect(b1.quarantine).toHaveLength(1);
    expect(b1.newItems).toEqual(['A']);
    expect(b1.newLocations).toEqual(['ALL', 'DC1', 'DC2']);
    const b2 = v.validate(records([['A', 'DC1', '2026-01-01', '2'], ['Z', 'DC1', '2026-01-01', '3']]), P);
    expect(b2.quarantine.map((q) => q.reason)).toEqual(['duplicate: row 2 has the same item, location and period']);
    expect(b2.newItems).toEqual(['Z']);
  });

  it('quarantines unknown items when told to reject them', () => {
    const v = validator('forecasts', FC, { unknownItems: 'reject', knownItems: new Set(['A']), originKey: 20251201 });
    const b = v.validate(records([['A', '2026-01-01', '1', '', ''], ['B', '2026-01-01', '1', '', '']]), P);
    expect(b.quarantine.map((q) => [q.rowNumber, q.column, q.reason])).toEqual([[3, 'item_id', expect.stringMatching(/^unknown item 'B'/)]]);
    expect(b.newItems).toEqual(['A']);
  });

  it('makes one run per model and origin from model/origin columns', () => {
    const v = validator('forecasts', ['item', 'period', 'forecast', 'model', 'origin']);
    const b = v.validate(records([['A', '2026-02-01', '1', 'ets', '2026-01-01'], ['A', '2026-02-01', '1', 'arima', '2026-01-01'], ['A', '2026-03-01', '1', 'ets', '2026-02-01'], ['A', '2026-03-01', '1', 'ets', '2026-01-01']]), P);
    expect(b.quarantine).toEqual([]);
    expect(b.newRuns.map((r) => [r.model, r.originKey])).toEqual([['ets', 20260101], ['arima', 20260101], ['ets', 20260201]]);
    expect([...b.lines!.run.subarray(0, 4)]).toEqual([0, 1, 2, 0]);
  });

  it('turns a wide row into one line per model with a value', () => {
    const header = ['unique_id', 'ds', 'ETS', 'ETS-lo-80', 'ETS-hi-80', 'Naive'];
    const v = validator('forecasts', header, { originKey: 20251201 });
    const b = v.validate(records([['A', '2026-01-01', '10', '8', '12', '9'], ['A', '2026-02-01', '11', '9', '13', ''], ['A', '2026-03-01', '11', '12', '13', '1'], ['A', '2026-04-01', '', '', '', '']]), P);
    // Row 4's bad ETS bound quarantines its ETS cell only; its Naive forecast is a line.
    expect(b.lines!.count).toBe(4);
    expect(b.rowsAccepted).toBe(3);
    expect(b.newRuns.map((r) => [r.model, r.intervalLevel])).toEqual([['ETS', 80], ['Naive', null]]);
    expect(b.quarantine.map((q) => [q.rowNumber, q.column, q.reason])).toEqual([
      [4, 'ETS-lo-80', 'lower bound 12 is above the forecast 11'],
      [5, 'ETS', 'no forecast in any model column (ETS, Naive)'],
    ]);
  });
});

describe('validating wide rows cell by cell', () => {
  it("quarantines a bad model cell and keeps the row's other models; a row with no good cell is quarantined once per bad cell", () => {
    const header = ['unique_id', 'ds', 'ETS', 'ARIMA', 'Naive'];
    const v = validator('forecasts', header, { originKey: 20251201 });
    const b = v.validate(records([['A', '2026-01-01', '-5', '12', '9'], ['A', '2026-02-01', 'x', '-1', ''], ['B', '2026-01-01', '3', '4', '5']]), P);
    expect(b.quarantine.map((q) => [q.rowNumber, q.column, q.reason, q.raw])).toEqual([
      [2, 'ETS', "negative forecast: '-5'", 'A,2026-01-01,-5,12,9'],
      [3, 'ETS', "not a number: 'x'", 'A,2026-02-01,x,-1,'],
      [3, 'ARIMA', "negative forecast: '-1'", 'A,2026-02-01,x,-1,'],
    ]);
    expect(b.rowsAccepted).toBe(2);
    expect(b.cellsQuarantined).toBe(1);
    const l = b.lines!;
    const models = b.newRuns.map((r) => r.model);
    expect([...l.run.subarray(0, l.count)].map((r) => models[r])).toEqual(['ARIMA', 'Naive', 'ETS', 'ARIMA', 'Naive']);
    expect([...l.quantity.subarray(0, l.count)]).toEqual([12, 9, 3, 4, 5]);
  });
});

describe('validating items and decisions', () => {
  it('keeps item attributes, checks ABC classes and duplicates', () => {
    const v = validator('items', ['sku', 'name', 'abc', 'owner', 'shelf_life']);
    const b = v.validate(records([['A', 'Apple', 'a', 'ana', '12'], ['B', '', 'D', '', ''], ['A', 'Again', '', '', '']]), P);
    expect(b.items).toEqual([{ rowNumber: 2, itemId: 'A', name: 'Apple', category: null, brand: null, family: null, abcClass: 'A', owner: 'ana', unit: null, attributes: { shelf_life: '12' } }]);
    expect(b.quarantine.map((q) => [q.rowNumber, q.column, q.reason])).toEqual([
      [3, 'abc', "ABC class must be A, B or C, not 'D'"],
      [4, 'sku', "duplicate: row 2 has the same item id 'A'"],
    ]);
  });

  it('checks decision rows for what the file alone can tell', () => {
    const v = validator('decisions', ['item', 'period', 'final', 'reason', 'decided_at'], { model: '' });
    const b = v.validate(records([['A', '2026-01-01', '12', 'promotion', '2026-01-05'], ['A', '2026-01-01', '-1', '', ''], ['A', '2026-01-01', '5', '', 'yesterday']]), P);
    expect(b.decisions).toHaveLength(1);
    expect(b.decisions![0]).toMatchObject({ itemId: 'A', periodKey: 20260101, final: 12, reason: 'promotion', decidedAt: '2026-01-05T00:00:00.000Z', model: null });
    expect(b.quarantine.map((q) => [q.rowNumber, q.column, q.reason])).toEqual([
      [3, 'final', "negative quantity: '-1'"],
      [4, 'decided_at', "not a date and time: 'yesterday'"],
    ]);
  });
});

describe('KeyIndex', () => {
  it('remembers the first row of each key through grid growth, and past its size limit', () => {
    const k = new KeyIndex();
    let row = 1;
    const first = new Map<string, number>();
    // Buckets far apart and many series force re-gridding and, at last, the Map.
    for (const bucket of [24_300, 24_310, 24_200, 24_900, 30_000, 200_000]) {
      for (let item = 0; item < 3000; item += 7) {
        const s = k.seriesOf(item % 3, 0, item);
        expect(k.claim(s, bucket, row)).toBe(0);
        first.set(`${item}:${bucket}`, row++);
      }
    }
    for (const [key, r] of first) {
      const [item, bucket] = key.split(':').map(Number) as [number, number];
      const s = k.seriesOf(item % 3, 0, item);
      expect(k.peek(s, bucket)).toBe(r);
      expect(k.claim(s, bucket, 999_999)).toBe(r);
    }
  });
});
