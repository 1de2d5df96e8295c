import type { TdHTMLAttributes } from 'react';
import { DIRECTIONS, METRIC_LABELS, SIZE_BUCKET_LABELS, leavesLinesOut, type AccuracyFilter, type DirectionSizeCell, type Direction, type DirectionSizeTable as Table, type Metric } from '../../../shared/accuracy';
import { formatInterval, formatPoints, formatShare, leftOutNote } from '../../../shared/accuracy-format';
import { formatCount } from '../../../shared/format';
import { DataTable, type Column } from '../../components/DataTable';
import { useFileExport } from '../../components/FileExport';
import { FvaMark, fvaSign, IntervalNote, SIGN_WORDS } from './cells';
import { TablePanelHead } from './TablePanelHead';

const DIRECTION_LABELS: Record<Direction, string> = { up: 'Up', down: 'Down' };

/** A cell's accessible name and look: every figure it shows, in words. */
function cellProps(metric: Metric, cell: DirectionSizeCell | undefined): TdHTMLAttributes<HTMLTableCellElement> {
  if (!cell || cell.n + cell.excluded === 0) return { className: 'ds-cell empty-cell' };
  if (cell.n === 0) return { className: 'ds-cell empty-cell', 'aria-label': `${cell.label}: none scored${leftOutText(cell)}` };
  const sign = fvaSign(cell.fva, cell.ci);
  const name = `${cell.label}: FVA ${formatPoints(metric, cell.fva)} pts, 95 % interval ${formatInterval(metric, cell.ci)}, n ${formatCount(cell.n)}${leftOutText(cell)}, improved ${formatShare(cell.improvedShare)}, ${SIGN_WORDS[sign]}`;
  return { className: `ds-cell fva ${sign}`, 'aria-label': name, title: name };
}

// MAPE and MASE leave some lines out: say how many, in the cell, beside its n.
const leftOutText = (cell: DirectionSizeCell) => (cell.excluded > 0 ? `, ${formatCount(cell.excluded)} left out` : '');

function CellFigures({ metric, cell }: { metric: Metric; cell: DirectionSizeCell | undefined }) {
  if (!cell || cell.n + cell.excluded === 0) return 'no overrides';
  if (cell.n === 0) return `none scored${leftOutText(cell)}`;
  return (
    <>
      <span className="ds-fva">
        <FvaMark sign={fvaSign(cell.fva, cell.ci)} />
        {formatPoints(metric, cell.fva)}
      </span>
      <span className="ds-ci">{cell.ci ? formatInterval(metric, cell.ci) : 'no interval'}</span>
      <span className="ds-n">
        n {formatCount(cell.n)}
        {leftOutText(cell)}
      </span>
      <span className="ds-n">{formatShare(cell.improvedShare)} improved</span>
    </>
  );
}

/** What the overrides did, by direction and by size against the model: model − final in the metric's points. */
export function DirectionSizeTable({ table, filter }: { table: Table; filter: AccuracyFilter }) {
  const exp = useFileExport(`direction_size:${table.metric}:${JSON.stringify(filter)}`);
  const at = (direction: Direction, bucket: number) => table.cells.find((c) => c.direction === direction && c.sizeBucket === bucket);
  const columns: Column<Direction>[] = [
    { key: 'direction', head: 'Direction', rowHeader: true, cell: (d) => DIRECTION_LABELS[d] },
    ...SIZE_BUCKET_LABELS.map((label, bucket): Column<Direction> => ({
      key: label,
      head: label,
      num: true,
      cell: (d) => <CellFigures metric={table.metric} cell={at(d, bucket)} />,
      cellProps: (d) => cellProps(table.metric, at(d, bucket)),
    })),
  ];
  return (
    <section className="panel acc-panel" aria-labelledby="ds-title">
      <TablePanelHead titleId="ds-title" title="Direction × size of overrides" label="Direction × size" exp={exp} request={{ what: 'accuracy', by: 'direction_size', metric: table.metric, filter, format: 'csv' }}>
        <span className="muted">FVA of the final plan over the model, {METRIC_LABELS[table.metric]} pts</span>
      </TablePanelHead>
      <DataTable label="Direction × size" className="table acc-table ds-table" columns={columns} rows={DIRECTIONS} rowKey={(d) => d} />
      <IntervalNote ciMethod={table.ciMethod}>
        {' '}
        Size: the override’s change against the model quantity.
        {leavesLinesOut(table.metric) && ` ${leftOutNote(table.metric, table.cells.reduce((s, c) => s + c.excluded, 0), 'overridden lines')}`}
      </IntervalNote>
    </section>
  );
}
