import type { DriftStatus, TrustMap, TrustSegment } from '../../../shared/accuracy';
import { formatMetricValue, formatPoints } from '../../../shared/accuracy-format';
import { formatPercent, NO_VALUE } from '../../../shared/format';
import { SavedFileNote, useFileExport } from '../../components/FileExport';
import { ExportTableButton } from './ExportTableButton';

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
  return text.startsWith('+') ? 'plus' : text.startsWith('\u2212') ? 'minus' : '';
};

function driftText(d: DriftStatus | null): string {
  if (!d || d.recent === null || d.baseline === null) return 'too little history';
  const limit = d.threshold === null ? 'no limit set' : `limit +${d.threshold}`;
  return `${wape(d.recent)} vs ${wape(d.baseline)} (${pts(d.recent - d.baseline)}; ${limit})`;
}

function DriftCell({ drift }: { drift: DriftStatus | null }) {
  return (
    <td className={`drift-cell${drift?.drifting ? ' drifting' : ''}`}>
      {drift?.drifting ? <span className="drift-mark">Drifting</span> : <span className="drift-state">{drift && drift.recent !== null ? 'Stable' : NO_VALUE}</span>}
      <span className="num-text">{driftText(drift)}</span>
    </td>
  );
}

/** Per category over the recent cycles: is the model worth more than the naive forecast, do overrides beat it, is it drifting? */
export function TrustMapPanel({ map, window, onWindow }: { map: TrustMap; window: number; onWindow: (cycles: number) => void }) {
  // The file is written by the backend (the one CSV writer), for the window the table shows.
  const exp = useFileExport(`trust_map:${map.windowCycles}`);
  return (
    <section className="panel acc-panel" aria-labelledby="trust-title">
      <div className="panel-head">
        <h3 id="trust-title">Trust map</h3>
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
        <span className="spacer" />
        <ExportTableButton label="Trust map" exp={exp} request={{ what: 'accuracy', by: 'trust_map', windowCycles: map.windowCycles, format: 'csv' }} />
      </div>
      <SavedFileNote exp={exp} label="Trust map" />
      <div className="table-scroll">
        <table className="table compact acc-table trust-table" aria-label="Trust map">
          <thead>
            <tr>
              <th scope="col">Segment</th>
              <th scope="col">Verdict</th>
              <th scope="col" className="num">
                Cycles
              </th>
              <th scope="col" className="num">
                Naive
              </th>
              <th scope="col" className="num">
                Model
              </th>
              <th scope="col" className="num">
                Final
              </th>
              <th scope="col" className="num" title="naive − model: positive means the model beats the naive forecast">
                Model vs naive
              </th>
              <th scope="col" className="num" title="model − final: positive means the overrides made the plan better">
                Final vs model
              </th>
              <th scope="col" className="num" title="Cycles in which the overrides lost / added accuracy, of the cycles with overrides">
                Overrides lost / added
              </th>
              <th scope="col" className="num" title="Share of actuals inside the model's interval, against the interval's level">
                Interval coverage
              </th>
              <th scope="col">Drift: recent vs baseline</th>
            </tr>
          </thead>
          <tbody>
            {map.segments.map((s) => (
              <tr key={`${s.segmentType}:${s.segment}`} className={s.drift?.drifting ? 'drifting' : undefined}>
                <th scope="row">{s.segment}</th>
                <td className="verdict-cell">
                  <span className={`verdict-tag ${s.verdict}`}>{VERDICT_TAGS[s.verdict]}</span> {s.text}
                </td>
                <td className="num">{s.cycles}</td>
                <td className="num">{wape(s.naive)}</td>
                <td className="num">{wape(s.model)}</td>
                <td className="num">{wape(s.final)}</td>
                <td className={`num fva ${gainClass(s.modelVsNaive)}`}>{pts(s.modelVsNaive)}</td>
                <td className={`num fva ${gainClass(s.finalVsModel)}`}>{pts(s.finalVsModel)}</td>
                <td className="num">
                  {s.overridesLost} / {s.overridesAdded} <span className="muted">of {s.cyclesWithOverrides}</span>
                </td>
                <td className="num">
                  {formatPercent(s.coverage, 1)} <span className="muted">of {s.intervalLevel === null ? NO_VALUE : `${s.intervalLevel} %`}</span>
                </td>
                <DriftCell drift={s.drift} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {map.segments.length === 0 && <p className="empty">No categories with actuals yet.</p>}
      <p className="small-print">
        Model vs naive = naive − model; final vs model = model − final (positive: the later one is better), WAPE points over the last {map.windowCycles} cycles. Drift: the model’s WAPE over the most
        recent periods against its own trailing baseline; beyond the policy’s limit the drift guard steps the segment down to assist until a manager restores it.
      </p>
    </section>
  );
}
