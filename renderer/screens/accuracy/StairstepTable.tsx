import { LEFT_OUT_WHY, METRIC_LABELS, leavesLinesOut, type AccuracyFilter, type Metric, type Stairstep, type StairstepStep } from '../../../shared/accuracy';
import { formatMetricValue, formatShareOf, leftOutNote } from '../../../shared/accuracy-format';
import { formatCount } from '../../../shared/format';
import { SavedFileNote, useFileExport } from '../../components/FileExport';
import { CiCell, FvaCell, IntervalNote } from './cells';
import { ExportTableButton } from './ExportTableButton';

function StepRow({ metric, step, parallel }: { metric: Metric; step: StairstepStep; parallel?: boolean }) {
  return (
    <tr className={parallel ? 'parallel' : undefined}>
      <th scope="row">
        {step.label}
        {parallel && <span className="muted"> · vs model</span>}
      </th>
      <td className="num value">{formatMetricValue(metric, step.value)}</td>
      <td className="num">{formatCount(step.n)}</td>
      {leavesLinesOut(metric) && <td className="num muted">{formatCount(step.excluded)}</td>}
      <FvaCell metric={metric} fva={step.fva} ci={step.ci} />
      <CiCell metric={metric} ci={step.ci} />
      <td className="num">{formatShareOf(step.improved, step.n)}</td>
      <td className="num">{formatShareOf(step.worsened, step.n)}</td>
      <td className="num">{formatShareOf(step.unchanged, step.n)}</td>
    </tr>
  );
}

/** The stairstep as the overview computed it; `filter` is the one it was computed with, so the file holds the same lines. */
export function StairstepTable({ stairstep, filter }: { stairstep: Stairstep; filter: AccuracyFilter }) {
  const { metric } = stairstep;
  const exp = useFileExport(`stairstep:${metric}:${JSON.stringify(filter)}`);
  const model = stairstep.steps.find((s) => s.source === 'model');
  // Several models forecast some points: the benchmarks count each point once, the model and final plan each model's line.
  const shared = stairstep.points < stairstep.n;
  return (
    <div className="acc-table-block">
      <div className="panel-head">
        <h3 id="stairstep-title">Stairstep</h3>
        {shared ? (
          <span className="muted" title="Several models forecast some points: naive and seasonal naive count each point once, the model and final plan each model’s line, each against the benchmarks of its own point.">
            each step against the one before: {formatCount(stairstep.points)} points, {formatCount(stairstep.n)} model lines
          </span>
        ) : (
          <span className="muted">each step against the one before, on the same {formatCount(stairstep.n)} lines</span>
        )}
        <span className="spacer" />
        <ExportTableButton label="FVA stairstep" exp={exp} request={{ what: 'accuracy', by: 'stairstep', metric, filter, format: 'csv' }} />
      </div>
      <SavedFileNote exp={exp} label="FVA stairstep" />
      <div className="table-scroll">
      <table className="table compact acc-table" aria-label="FVA stairstep">
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col" className="num">
              {METRIC_LABELS[metric]}
            </th>
            <th scope="col" className="num" title="Lines the metric scored">
              n
            </th>
            {leavesLinesOut(metric) && (
              <th scope="col" className="num" title={`Lines ${LEFT_OUT_WHY[metric]}: ${METRIC_LABELS[metric]} cannot score them`}>
                Left out
              </th>
            )}
            <th scope="col" className="num">
              FVA pts
            </th>
            <th scope="col" className="num">
              95 % interval
            </th>
            <th scope="col" className="num">
              Improved
            </th>
            <th scope="col" className="num">
              Worsened
            </th>
            <th scope="col" className="num">
              Unchanged
            </th>
          </tr>
        </thead>
        <tbody>
          {stairstep.steps.map((s) => (
            <StepRow key={s.source} metric={metric} step={s} />
          ))}
          {stairstep.salesInput && <StepRow metric={metric} step={stairstep.salesInput} parallel />}
        </tbody>
      </table>
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
