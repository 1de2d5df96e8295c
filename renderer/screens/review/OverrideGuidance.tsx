// Guidance while deciding (SPEC §3): as the planner types an override, how did
// similar past overrides do — same category, direction, size bucket and reason?
// The backend judges and words it; this box asks as the typing settles (the
// latest request wins) and keeps the last answer on screen meanwhile.
import { useEffect, useState } from 'react';
import type { OverrideGuidance as Guidance } from '../../../shared/accuracy';
import { formatInterval, formatPoints, formatShare } from '../../../shared/accuracy-format';
import type { ApiError } from '../../../shared/domain';
import { formatCount } from '../../../shared/format';
import { api } from '../../api';
import '../accuracy/accuracy.css';

const DEBOUNCE_MS = 150;

/** The backend's answer, and the question it answers. */
type Answer = { lineId: number; key: string; guidance: Guidance | null; error: ApiError | null };

export function OverrideGuidance({ lineId, quantity, reasonCode }: { lineId: number; quantity: string; reasonCode: string }) {
  const [answer, setAnswer] = useState<Answer | null>(null);
  const q = Number(quantity);
  // Nothing to compare yet: an answer about an earlier quantity would mislead.
  const asking = quantity.trim() !== '' && Number.isFinite(q) && q >= 0;
  const key = `${lineId}|${q}|${reasonCode}`;

  useEffect(() => {
    if (!asking) return;
    let current = true; // a later quantity's question makes this one's answer stale
    const timer = setTimeout(() => {
      void api.call('getOverrideGuidance', { lineId, quantity: q, ...(reasonCode ? { reasonCode } : {}) }).then((result) => {
        if (current) setAnswer(result.ok ? { lineId, key, guidance: result.value, error: null } : { lineId, key, guidance: null, error: result.error });
      });
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [asking, key, lineId, q, reasonCode]);

  // Another line: the last line's answer says nothing about this one. The same line's last answer stays,
  // marked busy, while the new quantity's answer is on its way.
  const shown = asking && answer?.lineId === lineId ? answer : null;
  const pending = asking && answer?.key !== key;
  const guidance = shown?.guidance ?? null;
  const error = shown?.error ?? null;

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
