import { METRIC_LABELS, leavesLinesOut, type AccuracyFilter, type Metric, type Stairstep, type StairstepStep } from '../../../shared/accuracy';
import { formatMetricValue, leftOutNote } from '../../../shared/accuracy-format';
import { formatCount } from '../../../shared/format';
import { DataTable, type Column } from '../../components/DataTable';
import { useFileExport } from '../../components/FileExport';
import { countColumns, fvaColumns, IntervalNote, shareColumns } from './cells';
import { TablePanelHead } from './TablePanelHead';

/** A step of the stairstep; the sales input is a parallel row, compared with the model. */
type StepLine = StairstepStep & { parallel?: boolean };

function stepColumns(metric: Metric): Column<StepLine>[] {
  return [
    {
      key: 'step',
      head: 'Step',
      rowHeader: true,
      cell: (s) => (
        <>
          {s.label}
          {s.parallel && <span className="muted"> · vs model</span>}
        </>
      ),
    },
    { key: 'value', head: METRIC_LABELS[metric], num: true, cell: (s) => formatMetricValue(metric, s.value), cellProps: () => ({ className: 'value' }) },
    ...countColumns<StepLine>(metric),
    ...fvaColumns<StepLine>(metric),
    ...shareColumns<StepLine>('improved', 'worsened', 'unchanged'),
  ];
}

/** The stairstep as the overview computed it; `filter` is the one it was computed with, so the file holds the same lines. */
export function StairstepTable({ stairstep, filter }: { stairstep: Stairstep; filter: AccuracyFilter }) {
  const { metric } = stairstep;
  const exp = useFileExport(`stairstep:${metric}:${JSON.stringify(filter)}`);
  const model = stairstep.steps.find((s) => s.source === 'model');
  // Several models forecast some points: the benchmarks count each point once, the model and final plan each model's line.
  const shared = stairstep.points < stairstep.n;
  const lines: StepLine[] = stairstep.salesInput ? [...stairstep.steps, { ...stairstep.salesInput, parallel: true }] : stairstep.steps;
  return (
    <div className="acc-table-block">
      <TablePanelHead titleId="stairstep-title" title="Stairstep" label="FVA stairstep" exp={exp} request={{ what: 'accuracy', by: 'stairstep', metric, filter, format: 'csv' }}>
        {shared ? (
          <span className="muted" title="Several models forecast some points: naive and seasonal naive count each point once, the model and final plan each model’s line, each against the benchmarks of its own point.">
            each step against the one before: {formatCount(stairstep.points)} points, {formatCount(stairstep.n)} model lines
          </span>
        ) : (
          <span className="muted">each step against the one before, on the same {formatCount(stairstep.n)} lines</span>
        )}
      </TablePanelHead>
      <div className="table-scroll">
        <DataTable
          label="FVA stairstep"
          className="table compact acc-table"
          columns={stepColumns(metric)}
          rows={lines}
          rowKey={(s) => s.source}
          rowClass={(s) => (s.parallel ? 'parallel' : undefined)}
        />
      </div>
      {stairstep.steps.length === 0 && <p className="empty">No lines with an actual and both benchmarks under this filter.</p>}
      <IntervalNote ciMethod={stairstep.ciMethod}>
        {' '}
        Improved / worsened / unchanged: share of lines whose error the step made smaller / larger / left equal.
        {model && leavesLinesOut(metric) && ` ${leftOutNote(metric, model.excluded)} n counts the lines each step scored.`}
        {metric !== 'mape' && stairstep.excludedZeroActuals > 0 && ` ${formatCount(stairstep.excludedZeroActuals)} lines have an actual of 0 (MAPE would leave them out).`}
        {shared &&
          model &&
          ` Naive and seasonal naive count each forecast point once; the model and final plan count each model’s line, and the model is compared with the seasonal naive of its own point (${formatMetricValue(metric, model.baseline)} on those lines).`}
        {stairstep.salesInput && ` Sales input: a parallel row on the ${formatCount(stairstep.salesInput.n)} lines that have one, against the model on those lines.`}
      </IntervalNote>
    </div>
  );
}
