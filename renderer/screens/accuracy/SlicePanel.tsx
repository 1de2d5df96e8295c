import { ATTRIBUTE_SLICE_PREFIX, LEFT_OUT_WHY, METRIC_LABELS, SLICE_LABELS, isAttributeSlice, leavesLinesOut, type AccuracyFilter, type Metric, type Slice, type SliceRow, type SliceTable, type SourceRanking } from '../../../shared/accuracy';
import { formatMetricValue, formatShareOf, leftOutNote } from '../../../shared/accuracy-format';
import type { ItemAttributeFacet } from '../../../shared/domain';
import { formatCount, formatPeriod } from '../../../shared/format';
import type { Grain } from '../../../shared/period';
import { SavedFileNote, useFileExport } from '../../components/FileExport';
import type { AccuracySliceBy } from '../../stores/accuracy';
import { attributeLabel } from '../../attributes';
import { AttributeSliceOptions } from './AttributeSliceOptions';
import { CiCell, FvaCell, IntervalNote } from './cells';
import { ExportTableButton } from './ExportTableButton';

/** The order of the "Slice by" choices: what the overrides did first, then every line, then the sources. */
export const SLICE_CHOICES: Slice[] = ['planner', 'reason', 'direction', 'size', 'category', 'abc_class', 'owner', 'lag', 'period', 'model_version', 'run', 'model'];


/** "Reason code", "Brand", or an imported attribute's own key. */
export function sliceLabel(by: AccuracySliceBy): string {
  return isAttributeSlice(by) ? attributeLabel(by.slice(ATTRIBUTE_SLICE_PREFIX.length)) : SLICE_LABELS[by];
}

const rowLabel = (by: AccuracySliceBy, row: { key: string; label: string }, grain: Grain) => (by === 'period' ? formatPeriod(row.key, grain) : row.label);

/** The n column's header, and for MAPE and MASE the "Left out" one beside it. */
function CountHeaders({ metric }: { metric: Metric }) {
  return (
    <>
      <th scope="col" className="num" title="Lines the metric scored">
        n
      </th>
      {leavesLinesOut(metric) && (
        <th scope="col" className="num" title={`Lines ${LEFT_OUT_WHY[metric]}: ${METRIC_LABELS[metric]} cannot score them`}>
          Left out
        </th>
      )}
    </>
  );
}

function CountCells({ metric, row }: { metric: Metric; row: { n: number; excluded: number } }) {
  return (
    <>
      <td className="num">{formatCount(row.n)}</td>
      {leavesLinesOut(metric) && <td className="num muted">{formatCount(row.excluded)}</td>}
    </>
  );
}

function SliceRows({ table, grain }: { table: SliceTable; grain: Grain }) {
  const m = table.metric;
  return (
    <>
      <thead>
        <tr>
          <th scope="col">{sliceLabel(table.by)}</th>
          <CountHeaders metric={m} />
          <th scope="col" className="num">
            Model
          </th>
          <th scope="col" className="num">
            Final
          </th>
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
        </tr>
      </thead>
      <tbody>
        {table.rows.map((r: SliceRow) => (
          <tr key={r.key}>
            <th scope="row">{rowLabel(table.by, r, grain)}</th>
            <CountCells metric={m} row={r} />
            <td className="num">{formatMetricValue(m, r.model)}</td>
            <td className="num">{formatMetricValue(m, r.final)}</td>
            <FvaCell metric={m} fva={r.fva} ci={r.ci} />
            <CiCell metric={m} ci={r.ci} />
            <td className="num">{formatShareOf(r.improved, r.n)}</td>
            <td className="num">{formatShareOf(r.worsened, r.n)}</td>
          </tr>
        ))}
      </tbody>
    </>
  );
}

function RankingRows({ table }: { table: SourceRanking }) {
  return (
    <>
      <thead>
        <tr>
          <th scope="col" className="num">
            Rank
          </th>
          <th scope="col">Forecast source</th>
          <CountHeaders metric={table.metric} />
          <th scope="col" className="num">
            {METRIC_LABELS[table.metric]}
          </th>
        </tr>
      </thead>
      <tbody>
        {table.rows.map((r, i) => (
          <tr key={r.key}>
            <td className="num">{i + 1}</td>
            <th scope="row">{r.label}</th>
            <CountCells metric={table.metric} row={r} />
            <td className="num">{formatMetricValue(table.metric, r.value)}</td>
          </tr>
        ))}
      </tbody>
    </>
  );
}

export function SlicePanel({
  by,
  table,
  filter,
  metric,
  grain,
  attributes,
  onBy,
}: {
  by: AccuracySliceBy;
  table: SliceTable | SourceRanking | null;
  /** The filter the shown table was computed with: the exported file holds the same lines. */
  filter: AccuracyFilter;
  metric: Metric;
  grain: Grain;
  attributes: ItemAttributeFacet[];
  onBy: (by: AccuracySliceBy) => void;
}) {
  // While another choice loads, the last table stays on screen under its own column heading.
  const shown = table;
  const exp = useFileExport(shown ? `${shown.by}:${shown.metric}:${JSON.stringify(filter)}` : '');
  const shownLabel = shown ? `Slice by ${sliceLabel(shown.by).toLowerCase()}` : '';
  const isRanking = shown?.by === 'model';
  const what = !shown
    ? ''
    : isRanking
      ? 'every forecast source with known actuals, best first'
      : (shown as SliceTable).overridesOnly
        ? 'overridden lines only: model against final plan'
        : 'every line: model against final plan';
  return (
    <section className="panel acc-panel slice-panel" aria-labelledby="slice-title">
      <div className="panel-head">
        <h3 id="slice-title">Slices</h3>
        <label className="inline-field">
          <span>Slice by</span>
          <select aria-label="Slice by" value={by} onChange={(e) => onBy(e.target.value as AccuracySliceBy)}>
            {SLICE_CHOICES.map((s) => (
              <option key={s} value={s}>
                {SLICE_LABELS[s]}
              </option>
            ))}
            <AttributeSliceOptions attributes={attributes} label="Item attribute" />
          </select>
        </label>
        <span className="muted" title={what}>
          {what}
          {shown ? ` · ${METRIC_LABELS[metric]}` : ''}
        </span>
        <span className="spacer" />
        {shown && <ExportTableButton label={shownLabel} exp={exp} request={{ what: 'accuracy', by: shown.by, metric: shown.metric, filter, format: 'csv' }} />}
      </div>
      <SavedFileNote exp={exp} label={shownLabel} />
      <div className="table-scroll slice-scroll">
        {shown && (
          <table className={`table compact acc-table${isRanking ? ' ranking' : ''}`} aria-label="Slice">
            {isRanking ? <RankingRows table={shown as SourceRanking} /> : <SliceRows table={shown as SliceTable} grain={grain} />}
          </table>
        )}
        {shown && shown.rows.length === 0 && <p className="empty">No lines under this filter.</p>}
      </div>
      {shown && !isRanking && (
        <IntervalNote ciMethod={(shown as SliceTable).ciMethod}>{leavesLinesOut(shown.metric) && ` ${leftOutNote(shown.metric, (shown as SliceTable).rows.reduce((s, r) => s + r.excluded, 0))}`}</IntervalNote>
      )}
      {shown && isRanking && leavesLinesOut(shown.metric) && (
        <p className="small-print">
          {METRIC_LABELS[shown.metric].replace(' %', '')} leaves out lines {LEFT_OUT_WHY[shown.metric]}: n counts the lines each source was scored on, “Left out” the others. Naive and seasonal naive count each forecast point once.
        </p>
      )}
    </section>
  );
}
