// Display formatting, one place for the renderer and the CLI.
import type { ImportUndoOutcome } from './domain';
import { parseIsoDate, type Grain } from './period';

const quantityFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const smallQuantityFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function formatQuantity(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return Math.abs(value) < 10 && value % 1 !== 0 ? smallQuantityFormat.format(value) : quantityFormat.format(value);
}

export function formatCount(value: number): string {
  return quantityFormat.format(value);
}

export function formatPercent(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return `${value.toFixed(digits)} %`;
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

export function formatTimestamp(iso: string): string {
  return iso.replace('T', ' ').slice(0, 16);
}

const counted = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** What undoing an import batch took back, in words: "removed 1 run, 120 forecast lines; 3 earlier values current again". */
export function formatUndoOutcome(o: ImportUndoOutcome): string {
  const r = o.removed;
  const parts = [
    r.runs > 0 && counted(r.runs, 'run'),
    r.forecastLines > 0 && counted(r.forecastLines, 'forecast line'),
    r.actuals > 0 && counted(r.actuals, 'actual'),
    r.salesInputs > 0 && counted(r.salesInputs, 'sales input'),
    r.items > 0 && counted(r.items, 'item'),
  ].filter(Boolean);
  let text = `removed ${parts.length > 0 ? parts.join(', ') : 'nothing'}`;
  if (o.restored > 0) text += `; ${counted(o.restored, 'earlier value')} current again`;
  if (o.keptItems.length > 0) text += `; kept ${counted(o.keptItems.length, 'item')} still in use (${o.keptItems.slice(0, 10).join(', ')}${o.keptItems.length > 10 ? ', …' : ''})`;
  return text;
}
