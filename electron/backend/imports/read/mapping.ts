// Column mapping: which column of the file feeds which field. Header synonyms,
// case- and separator-insensitive; a mapping remembered for the source; the
// user's overrides win over both. Wide forecast files (one column per model, as
// Nixtla's libraries write them) and Prophet output are recognised here too.
import type { OptionHint } from '../../../../shared/domain';
import type { ImportFileKind } from '../types';

export type Layout = 'long' | 'wide' | 'prophet';
export type MappingSource = 'detected' | 'remembered' | 'override';

interface FieldSpec {
  field: string;
  required: boolean;
  /** As a person would write them; compared after normalising. */
  synonyms: string[];
}

const f = (field: string, required: boolean, synonyms: string[]): FieldSpec => ({ field, required, synonyms });
const ITEM = f('item_id', true, ['item_id', 'sku', 'item', 'product', 'unique_id', 'item id', 'article', 'product_id', 'sku_id']);
const LOCATION = f('location_id', false, ['location_id', 'location', 'loc', 'site', 'store', 'warehouse']);
const PERIOD = f('period', true, ['period', 'date', 'ds', 'week', 'month']);
const MODEL = f('model', false, ['model', 'model_name']);
const MODEL_VERSION = f('model_version', false, ['model_version', 'version']);
const ORIGIN = f('origin', false, ['origin', 'as_of', 'forecast_date', 'cutoff']);

/** Fields per kind, in the order they claim columns (an earlier field wins a contested column). */
export const KIND_FIELDS: Record<ImportFileKind, FieldSpec[]> = {
  items: [
    ITEM,
    f('name', false, ['name', 'description', 'item_name', 'product_name']),
    f('category', false, ['category']),
    f('brand', false, ['brand']),
    f('family', false, ['family']),
    f('abc_class', false, ['abc_class', 'abc']),
    f('owner', false, ['owner', 'planner']),
    f('unit', false, ['unit', 'uom']),
  ],
  forecasts: [
    ITEM, LOCATION, PERIOD, ORIGIN, MODEL_VERSION, MODEL,
    f('forecast', true, ['forecast', 'fcst', 'yhat', 'prediction', 'quantity', 'value']),
    f('lower', false, ['lower', 'p10', 'yhat_lower', 'lo', 'low']),
    f('upper', false, ['upper', 'p90', 'yhat_upper', 'hi', 'high']),
  ],
  actuals: [ITEM, LOCATION, PERIOD, f('actual', true, ['actual', 'y', 'qty', 'quantity', 'sales', 'demand'])],
  sales_inputs: [
    ITEM, LOCATION, PERIOD,
    f('quantity', true, ['quantity', 'sales_input', 'qty']),
    f('source', false, ['source', 'rep', 'account', 'customer']),
    f('note', false, ['note', 'comment']),
  ],
  decisions: [
    ITEM, LOCATION, PERIOD, ORIGIN, MODEL_VERSION, MODEL,
    f('final', true, ['final', 'final_quantity', 'override', 'quantity']),
    f('reason', false, ['reason', 'reason_code']),
    f('comment', false, ['comment']),
    f('user', false, ['user', 'decided_by', 'planner']),
    f('decided_at', false, ['decided_at', 'timestamp']),
  ],
};

export interface WideModel {
  name: string;
  column: number;
  lower: number | null;
  upper: number | null;
  /** Interval level of lower/upper (80 for `-lo-80`), null without an interval. */
  level: number | null;
}

export interface MappingResult {
  kind: ImportFileKind;
  layout: Layout;
  /** field → column index in the header. */
  fields: Record<string, number>;
  sources: Record<string, MappingSource>;
  /** Header names used by no field (items: kept as attributes). */
  unmapped: string[];
  unmappedIndexes: number[];
  /** Required fields without a column. */
  missing: string[];
  /** Overrides that name an unknown field or a column the file does not have. */
  problems: string[];
  /** Wide layout: one run per model column. */
  models: WideModel[];
  /** Long layout: the interval level of lower/upper when the header says it (p10/p90, yhat_*, *-lo-80). */
  intervalLevel: number | null;
}

/** 'Item ID', 'item_id', 'item-id' → 'itemid'. */
export function normaliseHeader(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '');
}

const INTERVAL = /^(.*?)[-_](lo|hi)[-_](\d+(?:\.\d+)?)$/i;

/** 'AutoETS-lo-80' → { model: 'AutoETS', side: 'lo', level: 80 }. */
export function intervalColumn(name: string): { model: string; side: 'lo' | 'hi'; level: number } | null {
  const m = INTERVAL.exec(name.trim());
  return m ? { model: m[1]!, side: m[2]!.toLowerCase() as 'lo' | 'hi', level: Number(m[3]) } : null;
}

export function fieldsOf(kind: ImportFileKind): string[] {
  return KIND_FIELDS[kind].map((s) => s.field);
}

/** "period (one of: period, date, ds, week, month)" for refusal messages and the UI. */
export function describeField(kind: ImportFileKind, field: string): string {
  const spec = KIND_FIELDS[kind].find((s) => s.field === field);
  const extra = field === 'forecast' && kind === 'forecasts' ? ', or one column per model' : '';
  return spec ? `${field} (one of: ${spec.synonyms.join(', ')}${extra})` : field;
}

function findColumn(header: string[], column: string, used: Set<number>): number {
  let i = header.indexOf(column);
  if (i >= 0 && !used.has(i)) return i;
  const wanted = normaliseHeader(column);
  i = header.findIndex((h, k) => !used.has(k) && normaliseHeader(h) === wanted);
  return i;
}

export function detectMapping(
  kind: ImportFileKind,
  header: string[],
  overrides: Record<string, string> = {},
  remembered: Record<string, string> = {},
): MappingResult {
  const specs = KIND_FIELDS[kind];
  const known = new Set(specs.map((s) => s.field));
  const fields: Record<string, number> = {};
  const sources: Record<string, MappingSource> = {};
  const used = new Set<number>();
  const problems: string[] = [];
  const assign = (field: string, index: number, source: MappingSource) => {
    fields[field] = index;
    sources[field] = source;
    used.add(index);
  };

  for (const [field, column] of Object.entries(overrides)) {
    if (!known.has(field)) {
      problems.push(`unknown field "${field}" for ${kind} (fields: ${[...known].join(', ')})`);
      continue;
    }
    const i = findColumn(header, column, used);
    if (i < 0) problems.push(`${field}=${column}: the file has no column "${column}"`);
    else assign(field, i, 'override');
  }
  for (const [field, column] of Object.entries(remembered)) {
    if (!known.has(field) || field in fields) continue;
    const i = findColumn(header, column, used);
    if (i >= 0) assign(field, i, 'remembered');
  }
  const normalised = header.map(normaliseHeader);
  for (const spec of specs) {
    if (spec.field in fields) continue;
    for (const synonym of spec.synonyms) {
      const i = normalised.findIndex((h, k) => h === normaliseHeader(synonym) && !used.has(k));
      if (i >= 0) {
        assign(spec.field, i, 'detected');
        break;
      }
    }
  }

  let layout: Layout = 'long';
  let models: WideModel[] = [];
  let intervalLevel: number | null = null;
  if (kind === 'forecasts') {
    if ('forecast' in fields) {
      if (normalised[fields.forecast!] === 'yhat') layout = 'prophet';
      intervalLevel = longInterval(header, fields, sources, used);
    } else {
      models = wideModels(header, used);
      if (models.length > 0) layout = 'wide';
    }
  }

  const missing = specs.filter((s) => s.required && !(s.field in fields) && !(s.field === 'forecast' && layout === 'wide')).map((s) => s.field);
  const unmappedIndexes = header.map((_, i) => i).filter((i) => !used.has(i));
  return { kind, layout, fields, sources, unmapped: unmappedIndexes.map((i) => header[i]!), unmappedIndexes, missing, problems, models, intervalLevel };
}

/** Long forecasts: `*-lo-NN`/`*-hi-NN` as lower/upper when nothing else is, and the level the names imply. */
function longInterval(header: string[], fields: Record<string, number>, sources: Record<string, MappingSource>, used: Set<number>): number | null {
  for (const [field, side] of [['lower', 'lo'], ['upper', 'hi']] as const) {
    if (field in fields) continue;
    const i = header.findIndex((h, k) => !used.has(k) && intervalColumn(h)?.side === side);
    if (i >= 0) {
      fields[field] = i;
      sources[field] = 'detected';
      used.add(i);
    }
  }
  const lower = fields.lower === undefined ? '' : header[fields.lower]!;
  const byName = intervalColumn(lower);
  if (byName) return byName.level;
  const n = normaliseHeader(lower);
  return n === 'p10' || n === 'yhatlower' ? 80 : null; // P10/P90 span 80 %; Prophet's default interval_width is 0.8
}

/**
 * Column names that mean something in some kind other than as a forecast value (an
 * actual, a sales input, a decision, an item attribute, a key): never a model of a
 * wide file, or an actuals file read as forecasts would become a run of model "actual".
 */
const NOT_A_MODEL = new Set(
  Object.entries(KIND_FIELDS).flatMap(([kind, specs]) =>
    specs.filter((s) => !(kind === 'forecasts' && (s.field === 'forecast' || s.field === 'lower' || s.field === 'upper'))).flatMap((s) => s.synonyms.map(normaliseHeader)),
  ),
);

/** Every column no field claimed, other than 'y', indexes, interval columns and other kinds' columns, is a model. */
function wideModels(header: string[], used: Set<number>): WideModel[] {
  const intervals = header.map((h) => intervalColumn(h));
  const models: WideModel[] = [];
  header.forEach((name, i) => {
    const n = normaliseHeader(name);
    if (used.has(i) || intervals[i] || n === '' || n === 'y' || n === 'index' || n.startsWith('unnamed') || NOT_A_MODEL.has(n)) return;
    const levels = new Map<number, { lo?: number; hi?: number }>();
    intervals.forEach((iv, k) => {
      if (!iv || iv.model.trim() !== name.trim()) return;
      const entry = levels.get(iv.level) ?? {};
      entry[iv.side] = k;
      levels.set(iv.level, entry);
    });
    const complete = [...levels.entries()].filter(([, e]) => e.lo !== undefined && e.hi !== undefined).map(([level]) => level);
    // 80 % is the usual planning interval; otherwise the widest one given.
    const level = complete.includes(80) ? 80 : complete.length > 0 ? Math.max(...complete) : null;
    const chosen = level === null ? null : levels.get(level)!;
    models.push({ name: name.trim(), column: i, lower: chosen?.lo ?? null, upper: chosen?.hi ?? null, level });
  });
  for (const m of models) {
    used.add(m.column);
    if (m.lower !== null) used.add(m.lower);
    if (m.upper !== null) used.add(m.upper);
  }
  return models;
}

/** The whole-file refusal for missing columns or bad overrides, naming what was expected and found. */
export function mappingRefusal(file: string, m: MappingResult, header: string[]): string | null {
  if (m.missing.length === 0 && m.problems.length === 0) return null;
  const parts: string[] = [];
  if (m.missing.length > 0) parts.push(`missing required column${m.missing.length > 1 ? 's' : ''}: ${m.missing.map((x) => describeField(m.kind, x)).join('; ')}`);
  if (m.problems.length > 0) parts.push(`column mapping: ${m.problems.join('; ')}`);
  return `${file}: ${parts.join('. ')}. Found columns: ${header.length > 0 ? header.map((h) => (h === '' ? '(empty)' : h)).join(', ') : '(none)'}.`;
}

const KIND_WORDS: Record<ImportFileKind, string> = { items: 'items', forecasts: 'forecasts', actuals: 'actuals', sales_inputs: 'sales inputs', decisions: 'decision history' };

/** Names only a forecast file has (model, origin, interval bounds, the forecast itself). */
const FORECAST_ONLY = new Set(['forecast', 'fcst', 'yhat', 'prediction', 'yhatlower', 'yhatupper', 'p10', 'p90', 'model', 'modelname', 'origin', 'cutoff', 'forecastdate']);

/** The other kinds, in the order a file that fits several is most likely meant (actuals are the common mistake). */
const LOOKALIKE_ORDER: ImportFileKind[] = ['actuals', 'sales_inputs', 'forecasts', 'decisions', 'items'];

const PERIOD_NAMES = new Set(KIND_FIELDS.forecasts.find((f) => f.field === 'period')!.synonyms.map(normaliseHeader));

/**
 * The first other kind the file maps to completely: forecasts only in the long layouts,
 * items only without a period column and with some item attribute (name, category…),
 * since any file with an item column would otherwise "fit" the item master.
 */
function kindThatFits(kind: ImportFileKind, header: string[]): ImportFileKind | null {
  const hasPeriod = header.some((h) => PERIOD_NAMES.has(normaliseHeader(h)));
  for (const other of LOOKALIKE_ORDER) {
    if (other === kind) continue;
    const m = detectMapping(other, header);
    if (m.missing.length > 0 || m.problems.length > 0 || m.layout === 'wide') continue;
    if (other === 'items' && (hasPeriod || Object.keys(m.fields).length < 2)) continue;
    return other;
  }
  return null;
}

/**
 * A file that is plainly of another kind than the one asked for: refused naming the
 * kind it looks like, instead of becoming a run of a model called "actual", actuals
 * taken from a forecast's quantities, or items with a month attribute. A value column
 * the user mapped by hand is their call.
 */
export function kindRefusal(file: string, m: MappingResult, header: string[]): { message: string; hint: OptionHint } | null {
  const found = `found columns: ${header.length > 0 ? header.map((h) => (h === '' ? '(empty)' : h)).join(', ') : '(none)'}`;
  const refuse = (other: ImportFileKind, why: string) => ({
    message: `${file}: this looks like ${KIND_WORDS[other]}, not ${KIND_WORDS[m.kind]}: ${why}; ${found}`,
    hint: { option: 'kind' as const, kind: other },
  });
  const named = (i: number) => normaliseHeader(header[i] ?? '');
  if (m.kind === 'actuals' || m.kind === 'sales_inputs') {
    const value = m.kind === 'actuals' ? 'actual' : 'quantity';
    if (m.sources[value] === 'detected') {
      const markers = header.filter((h, i) => !Object.values(m.fields).includes(i) && (FORECAST_ONLY.has(normaliseHeader(h)) || intervalColumn(h) !== null) && named(i) !== '');
      if (markers.length > 0) return refuse('forecasts', `it has ${markers.length === 1 ? 'a forecast column' : 'forecast columns'} (${markers.map((x) => `'${x}'`).join(', ')})`);
    }
  }
  if (m.kind === 'items') {
    const period = header.find((h) => PERIOD_NAMES.has(normaliseHeader(h)));
    const other = period === undefined ? null : kindThatFits('items', header);
    if (period !== undefined && other !== null) return refuse(other, `it has a period column ('${period}') and an item file has one row per item`);
  }
  if (m.missing.length > 0 && m.problems.length === 0) {
    const other = kindThatFits(m.kind, header);
    if (other === null) return null;
    if (m.kind === 'forecasts' && m.layout !== 'prophet' && m.missing.length === 1 && m.missing[0] === 'forecast') return refuse(other, 'no column holds forecasts');
    return refuse(other, `missing required column${m.missing.length > 1 ? 's' : ''}: ${m.missing.map((x) => describeField(m.kind, x)).join('; ')}`);
  }
  return null;
}
