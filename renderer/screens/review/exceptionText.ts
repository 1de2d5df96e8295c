import type { ExceptionReason } from '../../../shared/domain';
import { formatQuantity } from '../../../shared/format';

const pct = (v: number) => `${v > 0 ? '+' : ''}${Math.round(v * 100)} %`;
const units = (v: number | undefined) => (v === undefined ? '' : ` (${v > 0 ? '+' : ''}${formatQuantity(v)} units)`);

/** Short wording for the worklist's "Why" column, and a longer one for tooltips. */
export function exceptionChip(r: ExceptionReason): { short: string; long: string } {
  switch (r.kind) {
    case 'sales_input':
      return { short: `sales ${pct(r.value)}`, long: `Sales input is ${pct(r.value)}${units(r.units)} against the model` };
    case 'run_rate_jump':
      return { short: `jump ${pct(r.value)}`, long: `Model is ${pct(r.value)}${units(r.units)} against the last 3 months’ run-rate` };
    case 'interval_width':
      return { short: `wide ±${Math.round(r.value * 50)} %`, long: `Interval is ${Math.round(r.value * 100)} % of the forecast wide` };
    case 'recent_error':
      return { short: `error ${Math.round(r.value * 100)} %`, long: `The model’s recent WAPE on this item is ${Math.round(r.value * 100)} %` };
    case 'new_item':
      return { short: `new (${r.value} mo)`, long: `New item: ${r.value} months of history` };
    case 'drift':
      return { short: 'drift', long: 'Drift alert on this item’s segment' };
    case 'low_volume':
      return {
        short: 'small',
        long: `Small line${r.units === undefined ? '' : ` (${formatQuantity(r.units)} units)`} against the run’s typical line: its signals count ×${r.value.toFixed(2)}`,
      };
  }
}
