// Display formatting, one place for the renderer and the CLI.
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
