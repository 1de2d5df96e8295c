import type { RunLineSortColumn } from '../../../shared/contract';
import type { ForecastLineRow } from '../../../shared/domain';
import { formatPercent, formatPeriod, formatQuantity } from '../../../shared/format';

export interface WorklistColumn {
  id: string;
  label: string;
  width: string;
  numeric?: boolean;
  sort?: RunLineSortColumn;
  title?: string;
  value: (row: ForecastLineRow) => string;
}

function intervalWidth(row: ForecastLineRow): number | null {
  if (row.lower === null || row.upper === null || row.quantity <= 0) return null;
  return (100 * (row.upper - row.lower)) / row.quantity;
}

export const WORKLIST_COLUMNS: WorklistColumn[] = [
  { id: 'item', label: 'Item', width: '100px', sort: 'item', value: (r) => r.itemId },
  { id: 'name', label: 'Name', width: 'minmax(180px, 2fr)', value: (r) => r.itemName },
  { id: 'category', label: 'Category', width: 'minmax(100px, 1fr)', sort: 'category', value: (r) => r.category ?? '' },
  { id: 'abc', label: 'ABC', width: '44px', value: (r) => r.abcClass ?? '' },
  { id: 'owner', label: 'Owner', width: '96px', value: (r) => r.owner ?? '' },
  { id: 'location', label: 'Loc.', width: '48px', title: 'Location', value: (r) => r.locationId },
  { id: 'period', label: 'Period', width: '84px', sort: 'period', value: (r) => formatPeriod(r.period) },
  { id: 'lag', label: 'Lag', width: '44px', numeric: true, sort: 'lag', title: 'Buckets after the run’s origin', value: (r) => String(r.lag) },
  { id: 'quantity', label: 'Model qty', width: '92px', numeric: true, sort: 'quantity', value: (r) => formatQuantity(r.quantity) },
  { id: 'lower', label: 'Lower', width: '80px', numeric: true, sort: 'lower', title: 'Lower bound of the model’s interval', value: (r) => formatQuantity(r.lower) },
  { id: 'upper', label: 'Upper', width: '80px', numeric: true, sort: 'upper', title: 'Upper bound of the model’s interval', value: (r) => formatQuantity(r.upper) },
  {
    id: 'width',
    label: 'Width',
    width: '72px',
    numeric: true,
    sort: 'width',
    title: 'Interval width relative to the model quantity',
    value: (r) => formatPercent(intervalWidth(r)),
  },
];

export const GRID_TEMPLATE = WORKLIST_COLUMNS.map((c) => c.width).join(' ');
