import { useState } from 'react';
import { formatCount } from '../../../shared/format';
import { useReviewStore } from '../../stores/review';

/** Accept every undecided line of the filtered set that is neither frozen nor closed, after one confirmation. */
export function BulkAccept() {
  const total = useReviewStore((s) => s.lineTotal);
  const bulkAccept = useReviewStore((s) => s.bulkAccept);
  const [confirming, setConfirming] = useState(false);
  if (!total) return null;
  if (!confirming)
    return (
      <button type="button" onClick={() => setConfirming(true)}>
        Accept filtered…
      </button>
    );
  return (
    <span className="confirm" role="group" aria-label="Confirm bulk accept">
      Accept the undecided lines of these {formatCount(total)}? Frozen and closed lines stay as they are.
      <button
        type="button"
        className="primary"
        onClick={() => {
          setConfirming(false);
          void bulkAccept();
        }}
      >
        Accept all
      </button>
      <button type="button" onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </span>
  );
}
