// Row checks of the line kinds (forecasts long/Prophet/wide, actuals, sales
// inputs): the validator's hot loop. A row's items and locations are added to the
// dictionaries only once the whole row passed, so a quarantined row never creates
// an item; its duplicate-key claim is the last check for the same reason.
import type { LineColumns } from '../validated-batch';
import { bucketOfKey, keyToIso } from '../period-keys';
import type { RawRecord } from '../types';
import type { RowChecker } from './row-checker';
import { itemIdProblem } from './item-id';

const MAX_MODELS = 256;
const wideQ = new Float64Array(MAX_MODELS);
const wideLo = new Float64Array(MAX_MODELS);
const wideUp = new Float64Array(MAX_MODELS);
const wideRun = new Int32Array(MAX_MODELS);
const wideSeries = new Int32Array(MAX_MODELS);

export function validateLineRow(v: RowChecker, rec: RawRecord, out: LineColumns): string | null {
  const vals = rec.values;
  const c = v.col;
  const kind = v.cfg.kind;

  const itemText = vals[c.item_id!] ?? '';
  if (itemText === '') return v.fail(c.item_id!, 'item id is empty');
  let item = v.items.find(itemText);
  if (item < 0) {
    // Checked once per item and file: an accepted id is found above from then on.
    const hidden = itemIdProblem(itemText);
    if (hidden !== null) return v.fail(c.item_id!, hidden);
    if (v.cfg.knownItems !== null && !v.cfg.knownItems.has(itemText)) {
      return v.fail(c.item_id!, `unknown item '${itemText}' (not in the workbook: import the item master first)`, { option: 'createItems' });
    }
    item = v.items.size; // the number it gets if the row passes
  }

  const periodKey = v.period(vals[c.period!]);
  if (periodKey === 0) return v.fail(c.period!, v.why!);
  const bucket = bucketOfKey(periodKey, v.cfg.grain);

  let locationText = 'ALL';
  let location = 0;
  if (c.location_id !== undefined) {
    const t = vals[c.location_id] ?? '';
    if (t !== '' && t !== 'ALL') {
      locationText = t;
      location = v.locations.find(t);
      if (location < 0) location = v.locations.size;
    }
  }

  let lines: number;
  if (kind === 'forecasts') {
    const reason = v.cfg.mapping.layout === 'wide' ? wideCells(v, vals, periodKey, bucket) : longCells(v, vals, periodKey, bucket);
    if (typeof reason === 'string') return reason;
    lines = reason;
  } else {
    const qc = kind === 'actuals' ? c.actual! : c.quantity!;
    const q = v.num(vals[qc]);
    if (q !== q) return v.fail(qc, v.why ?? `${v.header[qc]} is empty`);
    if (q < 0) return v.fail(qc, `negative quantity: '${vals[qc]}'`);
    wideQ[0] = q;
    wideRun[0] = 0;
    lines = 1;
  }

  // Duplicate keys last: a claim is only made for a row that is otherwise good, and a
  // wide row claims its lines only once none of them is taken.
  let earlier = 0;
  if (lines === 1) {
    earlier = v.keys.claim(v.keys.seriesOf(wideRun[0]!, location, item), bucket, rec.rowNumber);
  } else {
    for (let m = 0; m < lines && earlier === 0; m++) {
      wideSeries[m] = v.keys.seriesOf(wideRun[m]!, location, item);
      earlier = v.keys.peek(wideSeries[m]!, bucket);
    }
    if (earlier === 0) for (let m = 0; m < lines; m++) v.keys.claim(wideSeries[m]!, bucket, rec.rowNumber);
  }
  if (earlier !== 0) {
    const what = kind === 'forecasts' ? 'model, origin, item, location and period' : 'item, location and period';
    v.cellProblems.length = 0; // the row as a whole is refused: its cells' own problems go with it
    return v.fail(c.period!, `duplicate: row ${earlier} has the same ${what}`);
  }

  item = v.items.accept(itemText);
  if (location !== 0) location = v.locations.accept(locationText);
  for (let m = 0; m < lines; m++) {
    const k = out.count++;
    out.run[k] = wideRun[m]!;
    out.item[k] = item;
    out.location[k] = location;
    out.period[k] = periodKey;
    out.bucket[k] = bucket;
    out.quantity[k] = wideQ[m]!;
    if (out.lower) out.lower[k] = wideLo[m]!;
    if (out.upper) out.upper[k] = wideUp[m]!;
  }
  if (out.source) out.source.push(cell(vals[c.source!]));
  if (out.note) out.note.push(cell(vals[c.note!]));
  return null;
}

const cell = (text: string | undefined): string | null => (text === undefined || text === '' ? null : text);

/** Model, version and origin of a long row → its run (runs are created lazily, so a bad row adding one is harmless). */
function runOf(v: RowChecker, vals: string[], periodKey: number, bucket: number, model: string, level: number | null): number | string {
  const c = v.col;
  const version = c.model_version !== undefined ? vals[c.model_version] || v.cfg.modelVersion : v.cfg.modelVersion;
  let originKey = v.cfg.originKey;
  if (c.origin !== undefined) {
    originKey = v.origin(vals[c.origin]);
    if (originKey < 0) return v.fail(c.origin, v.why!);
    // Series origins are found from actuals only for files without an origin column.
    if (originKey === 0) return v.fail(c.origin, 'origin is empty', { option: 'origin' });
  }
  if (originKey !== 0 && bucket - bucketOfKey(originKey, v.cfg.grain) < 1) {
    return v.fail(c.period!, `period ${keyToIso(periodKey)} is not after the origin ${keyToIso(originKey)}`);
  }
  return v.acceptRun(model, version, originKey, level);
}

/** One forecast (with optional bounds) from cells q/lo/hi into slot m; returns a reason or null. */
function forecastCells(v: RowChecker, vals: string[], m: number, qc: number, loc: number, hic: number): string | null {
  const q = v.num(vals[qc]);
  if (q !== q) return v.fail(qc, v.why ?? `${v.header[qc]} is empty`);
  if (q < 0) return v.fail(qc, `negative forecast: '${vals[qc]}'`);
  const lo = loc < 0 ? NaN : v.num(vals[loc]);
  if (lo !== lo && loc >= 0 && v.why !== null) return v.fail(loc, v.why);
  const hi = hic < 0 ? NaN : v.num(vals[hic]);
  if (hi !== hi && hic >= 0 && v.why !== null) return v.fail(hic, v.why);
  if (lo > q) return v.fail(loc, `lower bound ${vals[loc]} is above the forecast ${vals[qc]}`);
  if (hi < q) return v.fail(hic, `upper bound ${vals[hic]} is below the forecast ${vals[qc]}`);
  wideQ[m] = q;
  wideLo[m] = lo;
  wideUp[m] = hi;
  return null;
}

function longCells(v: RowChecker, vals: string[], periodKey: number, bucket: number): number | string {
  const c = v.col;
  const model = c.model !== undefined ? vals[c.model] || v.cfg.model : v.cfg.model;
  const run = runOf(v, vals, periodKey, bucket, model, v.cfg.mapping.intervalLevel);
  if (typeof run === 'string') return run;
  const reason = forecastCells(v, vals, 0, c.forecast!, c.lower ?? -1, c.upper ?? -1);
  if (reason !== null) return reason;
  wideRun[0] = run;
  return 1;
}

/**
 * Wide rows: one line per model column with a value (an empty cell means that model
 * gave none). A bad cell quarantines that model's forecast only (v.cellProblems), so
 * one model's negative value does not drop the others' good ones; a row with no good
 * cell fails with its first bad cell, the others following as entries of their own.
 */
function wideCells(v: RowChecker, vals: string[], periodKey: number, bucket: number): number | string {
  const models = v.cfg.mapping.models;
  let n = 0;
  for (let i = 0; i < models.length && i < MAX_MODELS; i++) {
    const model = models[i]!;
    if ((vals[model.column] ?? '') === '') continue;
    const reason = forecastCells(v, vals, n, model.column, model.lower ?? -1, model.upper ?? -1);
    if (reason !== null) {
      v.cellProblems.push({ column: v.badColumn, reason });
      continue;
    }
    const run = runOf(v, vals, periodKey, bucket, model.name, model.level);
    if (typeof run === 'string') {
      v.cellProblems.length = 0; // an origin problem is the row's, not a cell's
      return run;
    }
    wideRun[n++] = run;
  }
  if (n === 0) {
    const first = v.cellProblems.shift();
    if (first !== undefined) {
      v.badColumn = first.column;
      return first.reason;
    }
    return v.fail(models[0]?.column ?? null, `no forecast in any model column (${models.map((m) => m.name).join(', ')})`);
  }
  return n;
}
