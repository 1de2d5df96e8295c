import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bucketOfKey, isoToKey, keyOfBucket, keyToIso, offGridReason } from '../../electron/backend/imports/period-keys';
import { detectMapping, kindRefusal, mappingRefusal, normaliseHeader } from '../../electron/backend/imports/read/mapping';
import { loadRememberedMapping, rememberMapping, sourceKeyOf } from '../../electron/backend/imports/read/mapping-store';
import { bucketIndex, GRAINS, isBucketStart, periodFromIndex } from '../../shared/period';
import { tempDir } from '../helpers/workbook';
import { newWorkbook } from '../fixtures/import/v_harness';

const named = (header: string[], fields: Record<string, number>) => Object.fromEntries(Object.entries(fields).map(([f, i]) => [f, header[i]]));

describe('column mapping', () => {
  it('recognises header synonyms whatever their case, spaces, underscores or dashes', () => {
    const header = ['SKU', 'Store', 'Date', 'Fcst', 'P10', 'P90', 'Model_Name', 'Version', 'As Of'];
    const m = detectMapping('forecasts', header, {}, {});
    expect(named(header, m.fields)).toEqual({
      item_id: 'SKU', location_id: 'Store', period: 'Date', forecast: 'Fcst', lower: 'P10', upper: 'P90', model: 'Model_Name', model_version: 'Version', origin: 'As Of',
    });
    expect(m.layout).toBe('long');
    expect(m.intervalLevel).toBe(80);
    expect(m.missing).toEqual([]);
    for (const h of ['Item ID', 'item-id', 'ITEM_ID', 'itemid']) expect(detectMapping('actuals', [h, 'month', 'Sales'], {}, {}).fields.item_id).toBe(0);
    expect(normaliseHeader(' Item - ID ')).toBe('itemid');
  });

  it('reads the same word by kind: quantity is a forecast, an actual, a sales input or a final quantity', () => {
    const header = ['item', 'period', 'quantity', 'comment'];
    expect(detectMapping('forecasts', header).fields.forecast).toBe(2);
    expect(detectMapping('actuals', header).fields.actual).toBe(2);
    expect(detectMapping('sales_inputs', header).fields).toMatchObject({ quantity: 2, note: 3 });
    expect(detectMapping('decisions', header).fields).toMatchObject({ final: 2, comment: 3 });
    const items = detectMapping('items', ['product', 'description', 'ABC', 'planner', 'UoM', 'shelf_life', 'colour']);
    expect(named(['product', 'description', 'ABC', 'planner', 'UoM'], items.fields)).toEqual({ item_id: 'product', name: 'description', abc_class: 'ABC', owner: 'planner', unit: 'UoM' });
    expect(items.unmapped).toEqual(['shelf_life', 'colour']);
  });

  it('prefers the more specific synonym when several columns match', () => {
    const header = ['item', 'item_id', 'ds', 'value', 'forecast'];
    const m = detectMapping('forecasts', header);
    expect(m.fields).toMatchObject({ item_id: 1, forecast: 4 });
    expect(m.unmapped).toEqual(['item', 'value']);
  });

  it('lets overrides win over synonyms and remembered mappings, and remembered ones over synonyms', () => {
    const header = ['sku', 'month', 'forecast', 'final_fcst', 'stat_fcst'];
    expect(detectMapping('forecasts', header, { forecast: 'final_fcst' }).fields.forecast).toBe(3);
    expect(detectMapping('forecasts', header, {}, { forecast: 'stat_fcst' }).fields.forecast).toBe(4);
    expect(detectMapping('forecasts', header, { forecast: 'final_fcst' }, { forecast: 'stat_fcst' }).fields.forecast).toBe(3);
    const m = detectMapping('forecasts', header, { forecast: 'final_fcst' }, { forecast: 'stat_fcst' });
    expect(m.sources).toMatchObject({ forecast: 'override', item_id: 'detected' });
    // A remembered column the file does not have is ignored; the synonyms decide.
    expect(detectMapping('forecasts', header, {}, { forecast: 'gone' }).fields.forecast).toBe(2);
    // Overrides match column names loosely too.
    expect(detectMapping('forecasts', header, { forecast: 'Final Fcst' }).fields.forecast).toBe(3);
  });

  it('reports overrides naming an unknown field or a missing column', () => {
    const m = detectMapping('actuals', ['sku', 'month', 'qty'], { colour: 'x', actual: 'sold' });
    expect(m.problems).toEqual([expect.stringMatching(/unknown field "colour"/), expect.stringMatching(/actual=sold: the file has no column "sold"/)]);
    expect(mappingRefusal('a.csv', m, ['sku', 'month', 'qty'])).toMatch(/column mapping: .*Found columns: sku, month, qty/);
  });

  it('refuses a file missing required columns, saying what was expected and what was found', () => {
    const header = ['sku', 'amount'];
    const m = detectMapping('actuals', header);
    expect(m.missing).toEqual(['period', 'actual']);
    const message = mappingRefusal('sales.csv', m, header)!;
    expect(message).toContain('sales.csv: missing required columns');
    expect(message).toContain('period (one of: period, date, ds, week, month)');
    expect(message).toContain('actual (one of: actual, y, qty, quantity, sales, demand)');
    expect(message).toContain('Found columns: sku, amount');
    expect(mappingRefusal('ok.csv', detectMapping('actuals', ['sku', 'month', 'qty']), [])).toBeNull();
  });

  it('reads wide files as one model per column, with the interval of its -lo-/-hi- columns (80 if present, else the widest)', () => {
    const header = ['unique_id', 'ds', 'cutoff', 'y', 'AutoETS', 'AutoETS-lo-95', 'AutoETS-lo-80', 'AutoETS-hi-80', 'AutoETS-hi-95', 'AutoARIMA', 'AutoARIMA-lo-90', 'AutoARIMA-hi-90', 'AutoARIMA-lo-99', 'AutoARIMA-hi-99', 'Naive'];
    const m = detectMapping('forecasts', header);
    expect(m.layout).toBe('wide');
    expect(m.missing).toEqual([]);
    expect(m.fields).toMatchObject({ item_id: 0, period: 1, origin: 2 });
    expect(m.models.map((x) => [x.name, x.level, x.lower === null ? null : header[x.lower], x.upper === null ? null : header[x.upper]])).toEqual([
      ['AutoETS', 80, 'AutoETS-lo-80', 'AutoETS-hi-80'],
      ['AutoARIMA', 99, 'AutoARIMA-lo-99', 'AutoARIMA-hi-99'],
      ['Naive', null, null, null],
    ]);
    expect(m.unmapped).toEqual(['y', 'AutoETS-lo-95', 'AutoETS-hi-95', 'AutoARIMA-lo-90', 'AutoARIMA-hi-90']);
  });

  it('recognises Prophet output and ignores its component columns', () => {
    const header = ['ds', 'trend', 'yhat_lower', 'yhat_upper', 'trend_lower', 'trend_upper', 'yhat', 'unique_id'];
    const m = detectMapping('forecasts', header);
    expect(m.layout).toBe('prophet');
    expect(named(header, m.fields)).toEqual({ item_id: 'unique_id', period: 'ds', forecast: 'yhat', lower: 'yhat_lower', upper: 'yhat_upper' });
    expect(m.intervalLevel).toBe(80);
  });

  it('takes a long file\'s bounds from *-lo-NN / *-hi-NN columns with their level', () => {
    const m = detectMapping('forecasts', ['sku', 'ds', 'forecast', 'forecast-lo-90', 'forecast-hi-90']);
    expect(m.layout).toBe('long');
    expect(m.fields).toMatchObject({ lower: 3, upper: 4 });
    expect(m.intervalLevel).toBe(90);
  });
});

describe('a file of another kind', () => {
  const refusal = (kind: Parameters<typeof detectMapping>[0], header: string[], overrides: Record<string, string> = {}) => kindRefusal('f.csv', detectMapping(kind, header, overrides), header);

  it('an actuals file given as forecasts is not a run of a model named "actual"', () => {
    expect(refusal('forecasts', ['item_id', 'period', 'actual'])).toEqual({
      message: 'f.csv: this looks like actuals, not forecasts: no column holds forecasts; found columns: item_id, period, actual',
      hint: { option: 'kind', kind: 'actuals' },
    });
    expect(refusal('forecasts', ['sku', 'month', 'qty'])?.hint).toEqual({ option: 'kind', kind: 'actuals' });
    expect(refusal('forecasts', ['sku', 'period', 'sales_input', 'rep'])?.hint).toEqual({ option: 'kind', kind: 'sales_inputs' });
    expect(refusal('forecasts', ['item', 'period', 'final', 'reason'])?.hint).toEqual({ option: 'kind', kind: 'decisions' });
    // Columns that mean something in another kind are never models of a wide file.
    const wide = detectMapping('forecasts', ['unique_id', 'ds', 'AutoETS', 'actual', 'sales']);
    expect(wide.models.map((m) => m.name)).toEqual(['AutoETS']);
    expect(kindRefusal('f.csv', wide, ['unique_id', 'ds', 'AutoETS', 'actual', 'sales'])).toBeNull();
    // Naming the column as the forecast is the user's call.
    expect(refusal('forecasts', ['item_id', 'period', 'actual'], { forecast: 'actual' })).toBeNull();
  });

  it('a forecast file given as actuals or sales inputs, unless the value column was chosen by hand', () => {
    expect(refusal('actuals', ['sku', 'month', 'model', 'quantity'])).toEqual({
      message: "f.csv: this looks like forecasts, not actuals: it has a forecast column ('model'); found columns: sku, month, model, quantity",
      hint: { option: 'kind', kind: 'forecasts' },
    });
    expect(refusal('actuals', ['unique_id', 'ds', 'cutoff', 'y', 'AutoETS'])?.message).toContain("it has a forecast column ('cutoff')");
    expect(refusal('sales_inputs', ['sku', 'ds', 'quantity', 'yhat_lower', 'yhat_upper'])?.hint).toEqual({ option: 'kind', kind: 'forecasts' });
    expect(refusal('actuals', ['sku', 'month', 'model', 'quantity'], { actual: 'quantity' })).toBeNull();
    expect(refusal('actuals', ['sku', 'month', 'sales'])).toBeNull();
  });

  it('a file with periods given as items, and a file missing its value column that fits another kind', () => {
    expect(refusal('items', ['sku', 'month', 'fcst'])).toEqual({
      message: "f.csv: this looks like forecasts, not items: it has a period column ('month') and an item file has one row per item; found columns: sku, month, fcst",
      hint: { option: 'kind', kind: 'forecasts' },
    });
    expect(refusal('items', ['sku', 'description', 'category'])).toBeNull();
    expect(refusal('sales_inputs', ['item', 'period', 'actual'])).toEqual({
      message: 'f.csv: this looks like actuals, not sales inputs: missing required column: quantity (one of: quantity, sales_input, qty); found columns: item, period, actual',
      hint: { option: 'kind', kind: 'actuals' },
    });
    // Nothing else fits either: the ordinary refusal says what is missing.
    expect(refusal('actuals', ['sku', 'amount'])).toBeNull();
  });
});

describe('remembered mappings', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir('fwb-map-')));
  afterEach(() => t.cleanup());

  it('keys a source by its file name with the digits generalised, per kind', async () => {
    expect(sourceKeyOf('/data/Forecast_2026-03.csv')).toBe('forecast_#-#.csv');
    expect(sourceKeyOf('C:/x/forecast_2026-04.csv'.replace(/\//g, '/'))).toBe('forecast_#-#.csv');
    const { db } = await newWorkbook(t.dir);
    rememberMapping(db, 'forecast_#-#.csv', 'forecasts', { forecast: 'final_fcst' }, '2026-10-31T00:00:00.000Z');
    expect(loadRememberedMapping(db, 'forecast_#-#.csv', 'forecasts')).toEqual({ forecast: 'final_fcst' });
    expect(loadRememberedMapping(db, 'forecast_#-#.csv', 'actuals')).toEqual({});
    rememberMapping(db, 'forecast_#-#.csv', 'forecasts', { forecast: 'stat' }, '2026-11-01T00:00:00.000Z');
    expect(loadRememberedMapping(db, 'forecast_#-#.csv', 'forecasts')).toEqual({ forecast: 'stat' });
    db.close();
  });
});

describe('period keys (imports/period-keys.ts) agree with shared/period', () => {
  it('computes bucket indexes, bucket starts and off-grid reasons like bucketIndex and isBucketStart', () => {
    const days: string[] = [];
    for (let d = Date.UTC(1999, 10, 20); d < Date.UTC(2031, 1, 5); d += 86_400_000 * 3) days.push(new Date(d).toISOString().slice(0, 10));
    for (const grain of GRAINS) {
      for (const day of days) {
        const key = isoToKey(day);
        expect(keyToIso(key)).toBe(day);
        expect(bucketOfKey(key, grain)).toBe(bucketIndex(day, grain));
        expect(offGridReason(key, grain) === null).toBe(isBucketStart(day, grain));
      }
      for (let i = 0; i < 60; i++) {
        const index = bucketIndex('2024-01-01', grain) + i;
        expect(keyToIso(keyOfBucket(index, grain))).toBe(periodFromIndex(index, grain));
      }
    }
  });

  it('refuses impossible dates and says why a date is off the grid', () => {
    expect(isoToKey('2026-02-29')).toBe(0);
    expect(isoToKey('2024-02-29')).toBe(20240229);
    expect(isoToKey('2026-13-01')).toBe(0);
    expect(isoToKey('2026-1-01')).toBe(0);
    expect(offGridReason(20260315, 'month')).toBe('period 2026-03-15 is not the first day of a month');
    expect(offGridReason(20260201, 'quarter')).toBe('period 2026-02-01 is not the first day of a quarter');
    expect(offGridReason(20260303, 'week')).toBe('period 2026-03-03 is not a Monday (the first day of a week)');
    expect(offGridReason(20260302, 'week')).toBeNull();
  });
});
