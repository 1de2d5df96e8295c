// The default bootstrap's 32 000 weights (seed, 1000 resamples, 32 item groups) are
// kept in accuracy/bootstrap-table.ts rather than drawn on every fwb accuracy call
// (a process of its own, where the cold draw took ~10 ms or more). The table must be
// exactly what drawing gives; when the drawing changes, the table is written again
// (scripts/bootstrap-table.mjs) and this test says so until it is.
import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_RESAMPLES, DEFAULT_SEED, bootstrapWeights, drawWeights } from '../../electron/backend/accuracy/bootstrap';
import { DEFAULT_WEIGHTS } from '../../electron/backend/accuracy/bootstrap-table';
import { ITEM_GROUPS } from '../../electron/backend/accuracy/cube-build';

describe('the kept table of the default bootstrap weights', () => {
  it('holds exactly the weights the default seed draws (else: node --import tsx/esm scripts/bootstrap-table.mjs)', () => {
    const drawn = drawWeights(DEFAULT_SEED, BOOTSTRAP_RESAMPLES, ITEM_GROUPS);
    const kept = Buffer.from(DEFAULT_WEIGHTS, 'base64');
    expect(kept.length).toBe(BOOTSTRAP_RESAMPLES * ITEM_GROUPS);
    expect(kept.equals(Buffer.concat(drawn))).toBe(true);
  });

  it('is what the default request gets, while any other seed or size is drawn', () => {
    const kept = Buffer.from(DEFAULT_WEIGHTS, 'base64');
    const weights = bootstrapWeights();
    expect(weights).toHaveLength(BOOTSTRAP_RESAMPLES);
    expect(Buffer.concat(weights).equals(kept)).toBe(true);
    // Read from the table: the resamples are views of one buffer holding it.
    expect(weights[0]!.buffer).toBe(weights[BOOTSTRAP_RESAMPLES - 1]!.buffer);
    expect(weights[0]!.buffer.byteLength).toBeGreaterThanOrEqual(kept.length);
    expect(Buffer.concat(bootstrapWeights(DEFAULT_SEED + 1)).equals(Buffer.concat(drawWeights(DEFAULT_SEED + 1, BOOTSTRAP_RESAMPLES, ITEM_GROUPS)))).toBe(true);
  });
});
