// Row checks of the small kinds — the item master and decision history — which
// keep one object per row (thousands of rows, not millions). Decisions are only
// checked for what the file alone can tell; finding their forecast line is the
// committer's job, since it needs the workbook.
import type { DecisionRecord, ItemRecord } from '../validated-batch';
import type { RawRecord } from '../types';
import type { RowChecker } from './row-checker';
import { itemIdProblem } from './item-id';

const cell = (text: string | undefined): string | null => (text === undefined || text === '' ? null : text);

export function validateItemRow(v: RowChecker, rec: RawRecord, out: ItemRecord[]): string | null {
  const vals = rec.values;
  const c = v.col;
  const itemId = vals[c.item_id!] ?? '';
  if (itemId === '') return v.fail(c.item_id!, 'item id is empty');
  const hidden = itemIdProblem(itemId);
  if (hidden !== null) return v.fail(c.item_id!, hidden);
  const earlier = v.seenItems.get(itemId);
  if (earlier !== undefined) return v.fail(c.item_id!, `duplicate: row ${earlier} has the same item id '${itemId}'`);
  let abcClass = c.abc_class === undefined ? null : cell(vals[c.abc_class]);
  if (abcClass !== null) {
    abcClass = abcClass.toUpperCase();
    if (abcClass !== 'A' && abcClass !== 'B' && abcClass !== 'C') return v.fail(c.abc_class!, `ABC class must be A, B or C, not '${vals[c.abc_class!]}'`);
  }
  const attributes: Record<string, string> = {};
  for (const i of v.cfg.mapping.unmappedIndexes) {
    const name = v.header[i]!;
    const value = vals[i] ?? '';
    if (name !== '' && value !== '') attributes[name] = value;
  }
  const field = (name: string) => (c[name] === undefined ? null : cell(vals[c[name]!]));
  v.seenItems.set(itemId, rec.rowNumber);
  out.push({
    rowNumber: rec.rowNumber,
    itemId,
    name: field('name'),
    category: field('category'),
    brand: field('brand'),
    family: field('family'),
    abcClass,
    owner: field('owner'),
    unit: field('unit'),
    attributes,
  });
  return null;
}

/** 'YYYY-MM-DD' → midnight UTC; anything Date.parse reads → its ISO form; else null. */
function timestamp(text: string): string | null {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00.000Z` : text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export function validateDecisionRow(v: RowChecker, rec: RawRecord, out: DecisionRecord[]): string | null {
  const vals = rec.values;
  const c = v.col;
  const itemId = vals[c.item_id!] ?? '';
  if (itemId === '') return v.fail(c.item_id!, 'item id is empty');
  const hidden = itemIdProblem(itemId);
  if (hidden !== null) return v.fail(c.item_id!, hidden);
  const periodKey = v.period(vals[c.period!]);
  if (periodKey === 0) return v.fail(c.period!, v.why!);
  const final = v.num(vals[c.final!]);
  if (final !== final) return v.fail(c.final!, v.why ?? `${v.header[c.final!]} is empty`);
  if (final < 0) return v.fail(c.final!, `negative quantity: '${vals[c.final!]}'`);
  let originKey = v.cfg.originKey;
  if (c.origin !== undefined) {
    originKey = v.origin(vals[c.origin]);
    if (originKey < 0) return v.fail(c.origin, v.why!);
  }
  let decidedAt: string | null = null;
  const when = c.decided_at === undefined ? null : cell(vals[c.decided_at]);
  if (when !== null) {
    decidedAt = timestamp(when);
    if (decidedAt === null) return v.fail(c.decided_at!, `not a date and time: '${when}'`);
  }
  const field = (name: string) => (c[name] === undefined ? null : cell(vals[c[name]!]));
  out.push({
    rowNumber: rec.rowNumber,
    raw: rec.raw,
    itemId,
    itemColumn: v.header[c.item_id!]!,
    locationId: field('location_id') ?? 'ALL',
    periodKey,
    final,
    finalColumn: v.header[c.final!]!,
    reason: field('reason'),
    reasonColumn: c.reason === undefined ? 'reason' : v.header[c.reason]!,
    comment: field('comment'),
    user: field('user'),
    decidedAt,
    decidedAtColumn: c.decided_at === undefined ? 'decided_at' : v.header[c.decided_at]!,
    model: field('model') ?? (v.cfg.model === '' ? null : v.cfg.model),
    modelVersion: field('model_version') ?? (v.cfg.modelVersion === '' ? null : v.cfg.modelVersion),
    originKey,
  });
  return null;
}
