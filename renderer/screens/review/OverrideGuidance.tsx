// Guidance while deciding (SPEC §3): as the planner types an override, how did
// similar past overrides do — same category, direction, size bucket and reason?
// The backend judges and words it; this box asks as the typing settles (the
// latest request wins) and keeps the last answer on screen meanwhile.
import { useEffect, useRef, useState } from 'react';
import type { OverrideGuidance as Guidance } from '../../../shared/accuracy';
import { formatInterval, formatPoints, formatShare } from '../../../shared/accuracy-format';
import type { ApiError } from '../../../shared/domain';
import { formatCount } from '../../../shared/format';
import { api } from '../../api';
import '../accuracy/accuracy.css';

const DEBOUNCE_MS = 150;

export function OverrideGuidance({ lineId, quantity, reasonCode }: { lineId: number; quantity: string; reasonCode: string }) {
  const [guidance, setGuidance] = useState<Guidance | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);
  const latest = useRef(0);

  // Another line: the last line's answer says nothing about this one.
  useEffect(() => {
    setGuidance(null);
    setError(null);
  }, [lineId]);

  useEffect(() => {
    const q = Number(quantity);
    const mine = ++latest.current;
    if (quantity.trim() === '' || !Number.isFinite(q) || q < 0) {
      // Nothing to compare yet: an answer about an earlier quantity would mislead.
      setPending(false);
      setGuidance(null);
      setError(null);
      return;
    }
    setPending(true);
    const timer = setTimeout(() => {
      void api.call('getOverrideGuidance', { lineId, quantity: q, ...(reasonCode ? { reasonCode } : {}) }).then((result) => {
        if (latest.current !== mine) return;
        setPending(false);
        if (result.ok) {
          setGuidance(result.value);
          setError(null);
        } else setError(result.error);
      });
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [lineId, quantity, reasonCode]);

  if (!guidance && !error) return null;
  const verdict = guidance?.verdict ?? 'unclear';
  return (
    <div className={`guidance ${verdict}`} role="status" aria-label="Override guidance" aria-busy={pending}>
      <span className="guidance-title">How similar past overrides did</span>
      {error && <p className="guidance-text guidance-error">Guidance unavailable: {error.message}</p>}
      {guidance && !error && (
        <>
          <p className="guidance-text">{guidance.text}</p>
          {guidance.direction !== null && (
            <dl className="guidance-figures">
              <div>
                <dt>Similar</dt>
                <dd>
                  n {formatCount(guidance.n)}
                  {guidance.n < guidance.minSample ? <span className="muted"> of {guidance.minSample} needed</span> : null}
                </dd>
              </div>
              <div>
                <dt>Improved</dt>
                <dd>{formatShare(guidance.improvedShare)}</dd>
              </div>
              {guidance.fva !== null && (
                <div>
                  <dt>Net FVA</dt>
                  <dd className="fva">
                    {formatPoints('wape', guidance.fva)} WAPE pts <span className="muted">({formatInterval('wape', guidance.ci)})</span>
                  </dd>
                </div>
              )}
            </dl>
          )}
        </>
      )}
    </div>
  );
}
