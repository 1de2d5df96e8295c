import { DIRECTIONS, METRIC_LABELS, SIZE_BUCKET_LABELS, leavesLinesOut, type AccuracyFilter, type DirectionSizeCell, type DirectionSizeTable as Table } from '../../../shared/accuracy';
import { formatInterval, formatPoints, formatShare, intervalSign, leftOutNote } from '../../../shared/accuracy-format';
import { formatCount } from '../../../shared/format';
import { SavedFileNote, useFileExport } from '../../components/FileExport';
import { IntervalNote, SIGN_MARK, SIGN_WORDS } from './cells';
import { ExportTableButton } from './ExportTableButton';

const DIRECTION_LABELS = { up: 'Up', down: 'Down' } as const;

function Cell({ table, cell }: { table: Table; cell: DirectionSizeCell | undefined }) {
  if (!cell || cell.n + cell.excluded === 0) return <td className="num ds-cell empty-cell">no overrides</td>;
  const { metric } = table;
  // MAPE and MASE leave some lines out: say how many, in the cell, beside its n.
  const leftOut = cell.excluded > 0 ? `, ${formatCount(cell.excluded)} left out` : '';
  if (cell.n === 0) return <td className="num ds-cell empty-cell" aria-label={`${cell.label}: none scored${leftOut}`}>none scored{leftOut}</td>;
  const sign = cell.fva === null ? 'unclear' : intervalSign(cell.ci);
  const name = `${cell.label}: FVA ${formatPoints(metric, cell.fva)} pts, 95 % interval ${formatInterval(metric, cell.ci)}, n ${formatCount(cell.n)}${leftOut}, improved ${formatShare(cell.improvedShare)}, ${SIGN_WORDS[sign]}`;
  return (
    <td className={`num ds-cell fva ${sign}`} aria-label={name} title={name}>
      <span className="ds-fva">
        {SIGN_MARK[sign] && (
          <span className="fva-mark" aria-hidden="true">
            {SIGN_MARK[sign]}
          </span>
        )}
        {formatPoints(metric, cell.fva)}
      </span>
      <span className="ds-ci">{cell.ci ? formatInterval(metric, cell.ci) : 'no interval'}</span>
      <span className="ds-n">
        n {formatCount(cell.n)}
        {leftOut}
      </span>
      <span className="ds-n">{formatShare(cell.improvedShare)} improved</span>
    </td>
  );
}

/** What the overrides did, by direction and by size against the model: model − final in the metric's points. */
export function DirectionSizeTable({ table, filter }: { table: Table; filter: AccuracyFilter }) {
  const exp = useFileExport(`direction_size:${table.metric}:${JSON.stringify(filter)}`);
  const at = (direction: string, bucket: number) => table.cells.find((c) => c.direction === direction && c.sizeBucket === bucket);
  return (
    <section className="panel acc-panel" aria-labelledby="ds-title">
      <div className="panel-head">
        <h3 id="ds-title">Direction × size of overrides</h3>
        <span className="muted">FVA of the final plan over the model, {METRIC_LABELS[table.metric]} pts</span>
        <span className="spacer" />
        <ExportTableButton label="Direction × size" exp={exp} request={{ what: 'accuracy', by: 'direction_size', metric: table.metric, filter, format: 'csv' }} />
      </div>
      <SavedFileNote exp={exp} label="Direction × size" />
      <table className="table acc-table ds-table" aria-label="Direction × size">
        <thead>
          <tr>
            <th scope="col">Direction</th>
            {SIZE_BUCKET_LABELS.map((label) => (
              <th scope="col" className="num" key={label}>
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {DIRECTIONS.map((direction) => (
            <tr key={direction}>
              <th scope="row">{DIRECTION_LABELS[direction]}</th>
              {SIZE_BUCKET_LABELS.map((_, bucket) => (
                <Cell key={bucket} table={table} cell={at(direction, bucket)} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <IntervalNote ciMethod={table.ciMethod}>
        {' '}
        Size: the override’s change against the model quantity.
        {leavesLinesOut(table.metric) && ` ${leftOutNote(table.metric, table.cells.reduce((s, c) => s + c.excluded, 0), 'overridden lines')}`}
      </IntervalNote>
    </section>
  );
}
