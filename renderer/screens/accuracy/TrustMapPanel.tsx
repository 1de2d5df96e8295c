import type { DriftStatus, TrustMap, TrustSegment } from '../../../shared/accuracy';
import { formatMetricValue, formatPoints } from '../../../shared/accuracy-format';
import { formatPercent, MINUS, NO_VALUE } from '../../../shared/format';
import { DataTable, type Column } from '../../components/DataTable';
import { useFileExport } from '../../components/FileExport';
import { TablePanelHead } from './TablePanelHead';

const VERDICT_TAGS: Record<TrustSegment['verdict'], string> = {
  trust_model: 'trust the model',
  trust_overrides: 'overrides add value',
  mixed: 'mixed',
  model_weak: 'model weak',
  too_few: 'too few cycles',
};

const WINDOWS = [6, 9, 12, 18];
const wape = (v: number | null) => formatMetricValue('wape', v);
const pts = (v: number | null) => formatPoints('wape', v);
/** Green for a gain, red for a loss; a difference that rounds to 0.0 stays plain. */
const gainClass = (v: number | null) => {
  const text = pts(v);
  return text.startsWith('+') ? 'plus' : text.startsWith(MINUS) ? 'minus' : '';
};

function driftText(d: DriftStatus | null): string {
  if (!d || d.recent === null || d.baseline === null) return 'too little history';
  const limit = d.threshold === null ? 'no limit set' : `limit +${d.threshold}`;
  return `${wape(d.recent)} vs ${wape(d.baseline)} (${pts(d.recent - d.baseline)}; ${limit})`;
}

const gainColumn = (key: string, head: string, headTitle: string, get: (s: TrustSegment) => number | null): Column<TrustSegment> => ({
  key,
  head,
  headTitle,
  num: true,
  cell: (s) => pts(get(s)),
  cellProps: (s) => ({ className: `fva ${gainClass(get(s))}` }),
});

const COLUMNS: Column<TrustSegment>[] = [
  { key: 'segment', head: 'Segment', rowHeader: true, cell: (s) => s.segment },
  {
    key: 'verdict',
    head: 'Verdict',
    cell: (s) => (
      <>
        <span className={`verdict-tag ${s.verdict}`}>{VERDICT_TAGS[s.verdict]}</span> {s.text}
      </>
    ),
    cellProps: () => ({ className: 'verdict-cell' }),
  },
  { key: 'cycles', head: 'Cycles', num: true, cell: (s) => s.cycles },
  { key: 'naive', head: 'Naive', num: true, cell: (s) => wape(s.naive) },
  { key: 'model', head: 'Model', num: true, cell: (s) => wape(s.model) },
  { key: 'final', head: 'Final', num: true, cell: (s) => wape(s.final) },
  gainColumn('model-vs-naive', 'Model vs naive', 'naive − model: positive means the model beats the naive forecast', (s) => s.modelVsNaive),
  gainColumn('final-vs-model', 'Final vs model', 'model − final: positive means the overrides made the plan better', (s) => s.finalVsModel),
  {
    key: 'overrides',
    head: 'Overrides lost / added',
    headTitle: 'Cycles in which the overrides lost / added accuracy, of the cycles with overrides',
    num: true,
    cell: (s) => (
      <>
        {s.overridesLost} / {s.overridesAdded} <span className="muted">of {s.cyclesWithOverrides}</span>
      </>
    ),
  },
  {
    key: 'coverage',
    head: 'Interval coverage',
    headTitle: "Share of actuals inside the model's interval, against the interval's level",
    num: true,
    cell: (s) => (
      <>
        {formatPercent(s.coverage, 1)} <span className="muted">of {s.intervalLevel === null ? NO_VALUE : `${s.intervalLevel} %`}</span>
      </>
    ),
  },
  {
    key: 'drift',
    head: 'Drift: recent vs baseline',
    cell: ({ drift }) => (
      <>
        {drift?.drifting ? <span className="drift-mark">Drifting</span> : <span className="drift-state">{drift && drift.recent !== null ? 'Stable' : NO_VALUE}</span>}
        <span className="num-text">{driftText(drift)}</span>
      </>
    ),
    cellProps: ({ drift }) => ({ className: `drift-cell${drift?.drifting ? ' drifting' : ''}` }),
  },
];

/** Per category over the recent cycles: is the model worth more than the naive forecast, do overrides beat it, is it drifting? */
export function TrustMapPanel({ map, window, onWindow }: { map: TrustMap; window: number; onWindow: (cycles: number) => void }) {
  // The file is written by the backend (the one CSV writer), for the window the table shows.
  const exp = useFileExport(`trust_map:${map.windowCycles}`);
  return (
    <section className="panel acc-panel" aria-labelledby="trust-title">
      <TablePanelHead titleId="trust-title" title="Trust map" label="Trust map" exp={exp} request={{ what: 'accuracy', by: 'trust_map', windowCycles: map.windowCycles, format: 'csv' }}>
        <label className="inline-field">
          <span>Window</span>
          <select aria-label="Trust window" value={window} onChange={(e) => onWindow(Number(e.target.value))}>
            {WINDOWS.map((w) => (
              <option key={w} value={w}>
                last {w} cycles
              </option>
            ))}
          </select>
        </label>
        <span className="muted">per category, every run and lag, WAPE %; not narrowed by the filters above</span>
      </TablePanelHead>
      <div className="table-scroll">
        <DataTable
          label="Trust map"
          className="table compact acc-table trust-table"
          columns={COLUMNS}
          rows={map.segments}
          rowKey={(s) => `${s.segmentType}:${s.segment}`}
          rowClass={(s) => (s.drift?.drifting ? 'drifting' : undefined)}
        />
      </div>
      {map.segments.length === 0 && <p className="empty">No categories with actuals yet.</p>}
      <p className="small-print">
        Model vs naive = naive − model; final vs model = model − final (positive: the later one is better), WAPE points over the last {map.windowCycles} cycles. Drift: the model’s WAPE over the most
        recent periods against its own trailing baseline; beyond the policy’s limit the drift guard steps the segment down to assist until a manager restores it.
      </p>
    </section>
  );
}
