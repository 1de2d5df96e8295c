import { ATTRIBUTE_SLICE_PREFIX, LEFT_OUT_WHY, METRIC_LABELS, SLICE_LABELS, isAttributeSlice, leavesLinesOut, type AccuracyFilter, type Metric, type Slice, type SliceRow, type SliceTable, type SourceRanking, type SourceRankRow } from '../../../shared/accuracy';
import { formatMetricValue, leftOutNote } from '../../../shared/accuracy-format';
import type { ItemAttributeFacet } from '../../../shared/domain';
import { formatPeriod } from '../../../shared/format';
import type { Grain } from '../../../shared/period';
import { DataTable, type Column } from '../../components/DataTable';
import { useFileExport } from '../../components/FileExport';
import type { AccuracySliceBy } from '../../stores/accuracy';
import { attributeLabel } from '../../attributes';
import { AttributeSliceOptions } from './AttributeSliceOptions';
import { countColumns, fvaColumns, IntervalNote, shareColumns } from './cells';
import { TablePanelHead } from './TablePanelHead';

/** The order of the "Slice by" choices: what the overrides did first, then every line, then the sources. */
export const SLICE_CHOICES: Slice[] = ['planner', 'reason', 'direction', 'size', 'category', 'abc_class', 'owner', 'lag', 'period', 'model_version', 'run', 'model'];


/** "Reason code", "Brand", or an imported attribute's own key. */
export function sliceLabel(by: AccuracySliceBy): string {
  return isAttributeSlice(by) ? attributeLabel(by.slice(ATTRIBUTE_SLICE_PREFIX.length)) : SLICE_LABELS[by];
}

const rowLabel = (by: AccuracySliceBy, row: { key: string; label: string }, grain: Grain) => (by === 'period' ? formatPeriod(row.key, grain) : row.label);

function SliceTableView({ table, grain }: { table: SliceTable; grain: Grain }) {
  const m = table.metric;
  const columns: Column<SliceRow>[] = [
    { key: 'label', head: sliceLabel(table.by), rowHeader: true, cell: (r) => rowLabel(table.by, r, grain) },
    ...countColumns<SliceRow>(m),
    { key: 'model', head: 'Model', num: true, cell: (r) => formatMetricValue(m, r.model) },
    { key: 'final', head: 'Final', num: true, cell: (r) => formatMetricValue(m, r.final) },
    ...fvaColumns<SliceRow>(m),
    ...shareColumns<SliceRow>('improved', 'worsened'),
  ];
  return <DataTable label="Slice" className="table compact acc-table" columns={columns} rows={table.rows} rowKey={(r) => r.key} />;
}

function RankingView({ table }: { table: SourceRanking }) {
  const m = table.metric;
  const columns: Column<SourceRankRow>[] = [
    { key: 'rank', head: 'Rank', num: true, cell: (_, i) => i + 1 },
    { key: 'source', head: 'Forecast source', rowHeader: true, cell: (r) => r.label },
    ...countColumns<SourceRankRow>(m),
    { key: 'value', head: METRIC_LABELS[m], num: true, cell: (r) => formatMetricValue(m, r.value) },
  ];
  return <DataTable label="Slice" className="table compact acc-table ranking" columns={columns} rows={table.rows} rowKey={(r) => r.key} />;
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
      <TablePanelHead titleId="slice-title" title="Slices" label={shownLabel} exp={exp} request={shown ? { what: 'accuracy', by: shown.by, metric: shown.metric, filter, format: 'csv' } : null}>
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
      </TablePanelHead>
      <div className="table-scroll slice-scroll">
        {shown && (isRanking ? <RankingView table={shown as SourceRanking} /> : <SliceTableView table={shown as SliceTable} grain={grain} />)}
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
