import type { RunLineSortColumn } from '../../../shared/contract';
import type { ForecastLineRow } from '../../../shared/domain';
import { formatPeriod, formatQuantity, NO_VALUE } from '../../../shared/format';
import { exceptionChip } from './exceptionText';

export interface WorklistColumn {
  id: string;
  label: string;
  width: string;
  numeric?: boolean;
  sort?: RunLineSortColumn;
  title?: string;
  value: (row: ForecastLineRow) => string;
  /** Show the full text on hover: for columns that often truncate. */
  hover?: boolean;
  /** A cell's hover text of its own. */
  cellTitle?: (row: ForecastLineRow) => string | undefined;
}

export const WORKLIST_COLUMNS: WorklistColumn[] = [
  {
    id: 'exception',
    label: 'Score',
    width: '56px',
    numeric: true,
    sort: 'exception',
    title: 'Exception score, 0–100: how much this line needs a look',
    value: (r) => String(Math.round(r.exceptionScore)),
  },
  {
    id: 'why',
    label: 'Why',
    width: 'minmax(124px, 1fr)',
    title: 'What makes the line an exception',
    hover: true,
    // The signals first; "small" (damped by low volume) last, where truncation costs least.
    value: (r) => [...r.exceptionReasons].sort((a, b) => Number(a.kind === 'low_volume') - Number(b.kind === 'low_volume')).map((x) => exceptionChip(x).short).join(' · '),
  },
  { id: 'item', label: 'Item', width: '80px', sort: 'item', value: (r) => r.itemId },
  { id: 'name', label: 'Name', width: 'minmax(140px, 1.6fr)', value: (r) => r.itemName, hover: true },
  { id: 'period', label: 'Period', width: '74px', sort: 'period', value: (r) => formatPeriod(r.period) },
  { id: 'lag', label: 'Lag', width: '42px', numeric: true, sort: 'lag', title: 'Buckets after the run’s origin', value: (r) => String(r.lag) },
  { id: 'quantity', label: 'Model qty', width: '74px', numeric: true, sort: 'quantity', value: (r) => formatQuantity(r.quantity) },
  {
    id: 'interval',
    label: 'Interval',
    width: '90px',
    numeric: true,
    sort: 'width',
    title: 'The model’s interval, lower–upper bound; sorts by its width relative to the forecast',
    value: (r) => (r.lower === null || r.upper === null ? NO_VALUE : `${formatQuantity(r.lower)}–${formatQuantity(r.upper)}`),
  },
  { id: 'sales', label: 'Sales', width: '58px', numeric: true, title: 'Sales input', value: (r) => formatQuantity(r.salesInput) },
  { id: 'plan', label: 'Plan', width: '62px', numeric: true, title: 'The plan as it stands: the model unless a decision in force changed it', value: (r) => formatQuantity(r.finalQuantity) },
  { id: 'status', label: 'Status', width: '74px', title: 'Decision status', value: lineStatusText, cellTitle: (r) => r.lock?.message },
];

/** One word for where the line stands; an undecided line no decision may change says why (closed or frozen). */
export function lineStatusText(r: ForecastLineRow): string {
  if (r.lock && r.status === 'undecided') return r.lock.kind;
  switch (r.status) {
    case 'undecided':
      return '';
    case 'final':
      return r.planSource === 'model' ? 'accepted' : r.planSource === 'sales_input' ? 'sales input' : 'override';
    case 'pending_approval':
      return 'pending';
    default:
      return r.status;
  }
}

export const GRID_TEMPLATE = WORKLIST_COLUMNS.map((c) => c.width).join(' ');
