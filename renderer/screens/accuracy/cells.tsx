// Table cells every accuracy table shares: an FVA coloured by what its 95 %
// interval says, with a mark so colour is never the only sign.
import type { Interval, Metric } from '../../../shared/accuracy';
import { formatInterval, formatPoints, intervalSign, type IntervalSign } from '../../../shared/accuracy-format';

export const SIGN_MARK: Record<IntervalSign, string> = { better: '▲', worse: '▼', unclear: '' };
export const SIGN_WORDS: Record<IntervalSign, string> = { better: 'better: interval above 0', worse: 'worse: interval below 0', unclear: 'interval includes 0' };

export function FvaCell({ metric, fva, ci }: { metric: Metric; fva: number | null; ci: Interval | null }) {
  const sign = fva === null ? 'unclear' : intervalSign(ci);
  return (
    <td className={`num fva ${sign}`} title={fva === null ? undefined : SIGN_WORDS[sign]}>
      {SIGN_MARK[sign] && (
        <span className="fva-mark" aria-hidden="true">
          {SIGN_MARK[sign]}
        </span>
      )}
      {formatPoints(metric, fva)}
    </td>
  );
}

export function CiCell({ metric, ci }: { metric: Metric; ci: Interval | null }) {
  return <td className="num ci">{formatInterval(metric, ci)}</td>;
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
