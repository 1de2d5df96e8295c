import type { ExceptionReason } from '../../../shared/domain';
import { formatNumber, formatPercent, formatQuantity } from '../../../shared/format';

const pct = (v: number) => formatPercent(v * 100, 0, { signed: true });
const units = (v: number | undefined) => (v === undefined ? '' : ` (${formatQuantity(v, { signed: true })} units)`);

/** Short wording for the worklist's "Why" column, and a longer one for tooltips. */
export function exceptionChip(r: ExceptionReason): { short: string; long: string } {
  switch (r.kind) {
    case 'sales_input':
      return { short: `sales ${pct(r.value)}`, long: `Sales input is ${pct(r.value)}${units(r.units)} against the model` };
    case 'run_rate_jump':
      return { short: `jump ${pct(r.value)}`, long: `Model is ${pct(r.value)}${units(r.units)} against the last 3 months’ run-rate` };
    case 'interval_width':
      return { short: `wide ±${formatPercent(r.value * 50)}`, long: `Interval is ${formatPercent(r.value * 100)} of the forecast wide` };
    case 'recent_error':
      return { short: `error ${formatPercent(r.value * 100)}`, long: `The model’s recent WAPE on this item is ${formatPercent(r.value * 100)}` };
    case 'new_item':
      return { short: `new (${r.value} mo)`, long: `New item: ${r.value} months of history` };
    case 'drift':
      return { short: 'drift', long: 'Drift alert on this item’s segment' };
    case 'low_volume':
      return {
        short: 'small',
        long: `Small line${r.units === undefined ? '' : ` (${formatQuantity(r.units)} units)`} against the run’s typical line: its signals count ×${formatNumber(r.value, 2)}`,
      };
  }
}
