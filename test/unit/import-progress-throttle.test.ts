// An import's progress is throttled (a report at most every 100 ms) but never hides
// the start of a stage: a fast hashing pass must not swallow the first "reading".
import { describe, expect, it } from 'vitest';
import { throttle } from '../../electron/backend/imports/import-errors';

describe('import progress throttling', () => {
  it('lets the first report of a new stage through, however soon after the last, and holds the rest back', () => {
    const seen: number[] = [];
    const report = throttle<{ phase: string; n: number }>((v) => seen.push(v.n), 60_000, (v) => v.phase);
    report({ phase: 'hashing', n: 1 });
    report({ phase: 'hashing', n: 2 });
    report({ phase: 'reading', n: 3 });
    report({ phase: 'reading', n: 4 });
    report({ phase: 'reading', n: 5 }, true);
    expect(seen).toEqual([1, 3, 5]);
  });

  it('without stages, reports at most once a window but always when forced', () => {
    const seen: number[] = [];
    const report = throttle<number>((v) => seen.push(v), 60_000);
    report(1);
    report(2);
    report(3, true);
    expect(seen).toEqual([1, 3]);
  });
});
