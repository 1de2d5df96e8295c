// Guidance at the moment of deciding (SPEC §3): how did past overrides like the
// one being typed do — same segment (the item's category), direction, size bucket
// and reason? The sentence is made here, once, so the app, the CLI and the
// governance report say the same thing.
import { SIZE_BUCKET_LABELS, sizeBucketOf, type OverrideGuidance } from '../../../shared/accuracy';
import { formatInterval, formatPoints, formatShare } from '../../../shared/accuracy-format';
import type { ReadableDb } from '../db/handles';
import { WorkbenchError } from '../errors';
import { bootstrapWeights, fvaInterval } from './bootstrap';
import { cellWhere } from './filter';
import { comparisonGroups, groupedSums } from './grouped-sums';
import { fvaOf, metricValue } from './metrics';

/** Below this many similar past overrides with known actuals, the answer is "too few to tell". */
export const GUIDANCE_MIN_SAMPLE = 30;

export function overrideGuidance(db: ReadableDb, req: { lineId: number; quantity: number; reasonCode?: string }): OverrideGuidance {
  const line = db
    .prepare('SELECT fl.quantity, i.category FROM forecast_lines fl JOIN items i ON i.item_key = fl.item_key WHERE fl.line_id = ?')
    .get(req.lineId) as { quantity: number; category: string | null } | undefined;
  if (!line) throw new WorkbenchError('NOT_FOUND', `Forecast line ${req.lineId} does not exist.`);
  const segment = line.category === null ? ({ type: 'all', value: 'all items' } as const) : ({ type: 'category', value: line.category } as const);
  const reasonCode = req.reasonCode ?? null;
  const base = { segment, reasonCode, minSample: GUIDANCE_MIN_SAMPLE };
  if (req.quantity === line.quantity) {
    return { ...base, direction: null, sizeBucket: null, sizeLabel: null, n: 0, improvedShare: null, fva: null, ci: null, verdict: 'too_few', text: 'Same as the model: nothing to compare.' };
  }
  const direction = req.quantity > line.quantity ? 'up' : 'down';
  const sizeBucket = sizeBucketOf(line.quantity, req.quantity);
  const sizeLabel = SIZE_BUCKET_LABELS[sizeBucket]!;

  const extra = ['c.direction = @direction', 'c.size_bucket = @sizeBucket'];
  if (reasonCode !== null) extra.push('c.reason_code = @reasonCode');
  const where = cellWhere(segment.type === 'category' ? { category: segment.value } : {}, extra, 'overrides');
  Object.assign(where.params, { direction: direction === 'up' ? 1 : -1, sizeBucket }, reasonCode !== null ? { reasonCode } : {});
  const [entry] = groupedSums(db, { n: 'sum(c.n)', den: 'sum(c.a)', m: 'sum(c.m_abs)', f: 'sum(c.f_abs)', better: 'sum(c.better_m_f)' }, where, null);

  const n = entry?.total.n ?? 0;
  const reasonLabel = reasonCode === null ? 'any reason' : ((db.prepare('SELECT label FROM reason_codes WHERE code = ?').pluck().get(reasonCode) as string | undefined) ?? reasonCode);
  const what = `${direction} ${sizeLabel} overrides for ${reasonLabel.toLowerCase()} in ${segment.value}`;
  if (!entry || n < GUIDANCE_MIN_SAMPLE) {
    return { ...base, direction, sizeBucket, sizeLabel, n, improvedShare: n > 0 ? entry!.total.better! / n : null, fva: null, ci: null, verdict: 'too_few', text: `Too few to tell: ${n} similar past ${what} (${GUIDANCE_MIN_SAMPLE} needed).` };
  }
  const t = entry.total;
  const fva = fvaOf('wape', metricValue('wape', t.m!, t.den!), metricValue('wape', t.f!, t.den!));
  const ci = fvaInterval('wape', comparisonGroups(entry, 'den', 'm', 'f'), bootstrapWeights());
  const improvedShare = t.better! / n;
  const verdict = ci === null ? 'unclear' : ci.low > 0 ? 'helped' : ci.high < 0 ? 'hurt' : 'unclear';
  const lead = verdict === 'helped' ? 'Similar overrides helped' : verdict === 'hurt' ? 'Similar overrides hurt' : 'No clear effect';
  const range = ci ? ` (95 % CI ${formatInterval('wape', ci)})` : '';
  return {
    ...base,
    direction,
    sizeBucket,
    sizeLabel,
    n,
    improvedShare,
    fva,
    ci,
    verdict,
    text: `${lead}: ${n} past ${what} improved accuracy ${formatShare(improvedShare)} of the time; net ${formatPoints('wape', fva ?? 0)} WAPE pts${range}.`,
  };
}
