// Display formatting: the one place where the screen, the HTML report and the
// CLI turn figures into text, so each reads the same wherever it appears.
//
// - One locale, en-US, fixed rather than the machine's: the same file gives the
//   same text on every machine and in every test, and its point-for-decimals,
//   comma-for-thousands is how our CSV files write numbers (en-GB, which the HTML
//   report used, writes numbers identically).
// - One mark for "no value": the en dash (NO_VALUE), as the screens always had.
// - Negative numbers carry the minus sign U+2212 (MINUS), which lines up with
//   the plus sign in tables; a value that rounds to zero is written without a
//   sign, since "−0.0" tells the reader nothing.
import type { ImportUndoOutcome } from './domain';
import { parseIsoDate, type Grain } from './period';

export const NO_VALUE = '–';
export const MINUS = '\u2212';
const LOCALE = 'en-US';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const fixedFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(minDigits: number, maxDigits: number): Intl.NumberFormat {
  const key = `${minDigits}:${maxDigits}`;
  let f = fixedFormats.get(key);
  if (!f) fixedFormats.set(key, (f = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: minDigits, maximumFractionDigits: maxDigits })));
  return f;
}

/** A figure that can be written: not null, not NaN, not infinite. */
export const isFigure = (value: number | null | undefined): value is number => typeof value === 'number' && Number.isFinite(value);

function signedText(value: number, magnitude: string, signed: boolean): string {
  if (!/[1-9]/.test(magnitude)) return magnitude;
  return value < 0 ? `${MINUS}${magnitude}` : signed ? `+${magnitude}` : magnitude;
}

/**
 * A number at a fixed count of decimals: 1234.5 → "1,234.5" (digits 1),
 * −2 → "−2", −0.04 → "0.0"; with `signed`, a positive value gets "+"; with
 * `trimZeros`, `digits` is the most it shows (12.50 → "12.5", 80 → "80").
 */
export function formatNumber(value: number | null | undefined, digits = 0, { signed = false, trimZeros = false }: NumberStyle = {}): string {
  if (!isFigure(value)) return NO_VALUE;
  return signedText(value, numberFormat(trimZeros ? 0 : digits, digits).format(Math.abs(value)), signed);
}

export interface NumberStyle {
  signed?: boolean;
  trimZeros?: boolean;
}

/** A quantity of units: whole units, one decimal for small fractional ones ("2.5"); "+120" with `signed`. */
export function formatQuantity(value: number | null | undefined, { signed = false }: { signed?: boolean } = {}): string {
  if (!isFigure(value)) return NO_VALUE;
  const fractionalSmall = Math.abs(value) < 10 && value % 1 !== 0;
  return signedText(value, numberFormat(0, fractionalSmall ? 1 : 0).format(Math.abs(value)), signed);
}

/** A count of lines, rows, items: "1,234". */
export function formatCount(value: number | null | undefined): string {
  return formatNumber(value, 0);
}

/** A percentage already on the 0–100 scale: "12 %", "17.9 %" (digits 1), "+5 %" with `signed`. */
export function formatPercent(value: number | null | undefined, digits = 0, options: NumberStyle = {}): string {
  return isFigure(value) ? `${formatNumber(value, digits, options)} %` : NO_VALUE;
}

/** How the governance report writes a percentage: one decimal, two for a tiny non-zero value ("0.04 %"). */
export function formatReportPercent(value: number | null | undefined): string {
  return isFigure(value) ? formatPercent(value, value !== 0 && Math.abs(value) < 0.1 ? 2 : 1) : NO_VALUE;
}

/** A count as a share of a total, as the report writes it: (1, 3) → "33.3 %"; nothing of nothing is "–". */
export function formatReportPercentOf(count: number, total: number): string {
  return total > 0 ? formatReportPercent((count / total) * 100) : NO_VALUE;
}

/** A figure rounded for a chart or a file cell, still a number: (17.94321, 2) → 17.94; null stays null. */
export function roundTo(value: number | null, digits: number): number | null {
  return value === null ? null : Number(value.toFixed(digits));
}

/** A file's size: "12 KB" (at least 1) below a MiB, "3.5 MB" from there. */
export function formatBytes(bytes: number): string {
  return bytes >= 1 << 20 ? `${formatNumber(bytes / (1 << 20), 1)} MB` : `${formatCount(Math.max(1, Math.ceil(bytes / 1024)))} KB`;
}

/** '2026-11-01' → 'Nov 2026' for months; quarters as 'Q4 2026'; weeks keep the date. */
export function formatPeriod(period: string, grain: Grain = 'month'): string {
  const d = parseIsoDate(period);
  if (!d) return period;
  const y = d.getUTCFullYear();
  switch (grain) {
    case 'month':
      return `${MONTHS[d.getUTCMonth()]} ${y}`;
    case 'quarter':
      return `Q${Math.floor(d.getUTCMonth() / 3) + 1} ${y}`;
    case 'year':
      return String(y);
    case 'week':
      return `wk ${period}`;
  }
}

/** A forecast run as people name it: "DemandAI 2.4 · origin Oct 2026". */
export function formatRunLabel(run: { modelName: string; modelVersion: string; origin: string; grain: Grain }): string {
  return `${run.modelName}${run.modelVersion ? ` ${run.modelVersion}` : ''} · origin ${formatPeriod(run.origin, run.grain)}`;
}

/** An ISO timestamp to the minute, as stored (UTC): "2026-11-03 08:07". */
export function formatTimestamp(iso: string | null | undefined): string {
  return iso ? iso.replace('T', ' ').slice(0, 16) : NO_VALUE;
}

/** The day of an ISO timestamp: "2026-11-03". */
export function formatDay(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : NO_VALUE;
}

/** "1 drift alert", "3 drift alerts", "1,200 lines": a count with its noun, singular for one. */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** What undoing an import batch took back, in words: "removed 1 run, 120 forecast lines; 3 earlier values current again". */
export function formatUndoOutcome(o: ImportUndoOutcome): string {
  const r = o.removed;
  const parts = [
    r.runs > 0 && countOf(r.runs, 'run'),
    r.forecastLines > 0 && countOf(r.forecastLines, 'forecast line'),
    r.actuals > 0 && countOf(r.actuals, 'actual'),
    r.salesInputs > 0 && countOf(r.salesInputs, 'sales input'),
    r.items > 0 && countOf(r.items, 'item'),
  ].filter(Boolean);
  let text = `removed ${parts.length > 0 ? parts.join(', ') : 'nothing'}`;
  if (o.restored > 0) text += `; ${countOf(o.restored, 'earlier value')} current again`;
  if (o.keptItems.length > 0) text += `; kept ${countOf(o.keptItems.length, 'item')} still in use (${o.keptItems.slice(0, 10).join(', ')}${o.keptItems.length > 10 ? ', …' : ''})`;
  return text;
}
