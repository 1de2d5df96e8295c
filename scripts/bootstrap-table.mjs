// Writes electron/backend/accuracy/bootstrap-table.ts: the default bootstrap's weights,
// drawn once here instead of on every fwb accuracy call (test/unit/accuracy-bootstrap-table.test.ts
// checks the table against the drawing). Run: node --import tsx/esm scripts/bootstrap-table.mjs
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BOOTSTRAP_RESAMPLES, DEFAULT_SEED, drawWeights } from '../electron/backend/accuracy/bootstrap.ts';
import { ITEM_GROUPS } from '../electron/backend/accuracy/cube-build.ts';

const weights = Buffer.concat(drawWeights(DEFAULT_SEED, BOOTSTRAP_RESAMPLES, ITEM_GROUPS)).toString('base64');
writeFileSync(
  join(import.meta.dirname, '..', 'electron', 'backend', 'accuracy', 'bootstrap-table.ts'),
  `// Written by scripts/bootstrap-table.mjs: the Poisson(1) weights of the default bootstrap
// (seed ${DEFAULT_SEED}, ${BOOTSTRAP_RESAMPLES} resamples of ${ITEM_GROUPS} item groups), one byte each, resample after
// resample, in base64. Kept so that a call need not draw them (every fwb accuracy call is
// a process of its own); test/unit/accuracy-bootstrap-table.test.ts holds it to the drawing.
export const DEFAULT_WEIGHTS =
  '${weights}';
`,
);
