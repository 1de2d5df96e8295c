// Columns every accuracy table shares: n and the lines a metric leaves out, an
// FVA coloured by what its 95 % interval says (with a mark, so colour is never
// the only sign), the interval, and shares of the lines.
import { LEFT_OUT_WHY, METRIC_LABELS, leavesLinesOut, type Interval, type Metric } from '../../../shared/accuracy';
import { formatInterval, formatPoints, formatShareOf, intervalSign, type IntervalSign } from '../../../shared/accuracy-format';
import { formatCount } from '../../../shared/format';
import type { Column } from '../../components/DataTable';

export const SIGN_MARK: Record<IntervalSign, string> = { better: '▲', worse: '▼', unclear: '' };
export const SIGN_WORDS: Record<IntervalSign, string> = { better: 'better: interval above 0', worse: 'worse: interval below 0', unclear: 'interval includes 0' };

/** What an FVA's interval says; an FVA that could not be computed says nothing. */
export const fvaSign = (fva: number | null, ci: Interval | null): IntervalSign => (fva === null ? 'unclear' : intervalSign(ci));

/** The ▲ or ▼ before an FVA whose interval is clear of 0. */
export function FvaMark({ sign }: { sign: IntervalSign }) {
  return SIGN_MARK[sign] ? (
    <span className="fva-mark" aria-hidden="true">
      {SIGN_MARK[sign]}
    </span>
  ) : null;
}

interface Counted {
  n: number;
  excluded: number;
}

/** The n column, and for MAPE and MASE the "Left out" one beside it. */
export function countColumns<R extends Counted>(metric: Metric): Column<R>[] {
  const n: Column<R> = { key: 'n', head: 'n', num: true, headTitle: 'Lines the metric scored', cell: (r) => formatCount(r.n) };
  if (!leavesLinesOut(metric)) return [n];
  return [n, { key: 'left-out', head: 'Left out', num: true, headTitle: `Lines ${LEFT_OUT_WHY[metric]}: ${METRIC_LABELS[metric]} cannot score them`, cell: (r) => formatCount(r.excluded), cellProps: () => ({ className: 'muted' }) }];
}

interface Compared {
  fva: number | null;
  ci: Interval | null;
}

/** FVA in the metric's points, then its 95 % interval. */
export function fvaColumns<R extends Compared>(metric: Metric): Column<R>[] {
  return [
    {
      key: 'fva',
      head: 'FVA pts',
      num: true,
      cell: (r) => (
        <>
          <FvaMark sign={fvaSign(r.fva, r.ci)} />
          {formatPoints(metric, r.fva)}
        </>
      ),
      cellProps: (r) => {
        const sign = fvaSign(r.fva, r.ci);
        return { className: `fva ${sign}`, title: r.fva === null ? undefined : SIGN_WORDS[sign] };
      },
    },
    { key: 'ci', head: '95 % interval', num: true, cell: (r) => formatInterval(metric, r.ci), cellProps: () => ({ className: 'ci' }) },
  ];
}

type Outcome = 'improved' | 'worsened' | 'unchanged';
const OUTCOME_HEADS: Record<Outcome, string> = { improved: 'Improved', worsened: 'Worsened', unchanged: 'Unchanged' };

/** The share of the scored lines the step improved, worsened or left unchanged. */
export function shareColumns<R extends { n: number } & Partial<Record<Outcome, number | null>>>(...outcomes: Outcome[]): Column<R>[] {
  return outcomes.map((o) => ({ key: o, head: OUTCOME_HEADS[o], num: true, cell: (r: R) => formatShareOf(r[o], r.n) }));
}

/** The small print under a table: how the intervals were made and how to read the colours. */
export function IntervalNote({ ciMethod, children }: { ciMethod: string; children?: React.ReactNode }) {
  return (
    <p className="small-print">
      FVA in points, positive = the later step is better. <span className="fva better">▲ interval above 0</span> · <span className="fva worse">▼ interval below 0</span> · plain: can’t tell. Intervals:{' '}
      {ciMethod}.{children}
    </p>
  );
}
