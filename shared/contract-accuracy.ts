// The Accuracy screen's and fwb accuracy's request schemas, part of the one API
// contract (contract.ts re-exports them and holds them in its table) in a module of
// their own: dispatch validates an accuracy call with these alone, so an fwb
// accuracy call, a process of its own, does not build every method's schema at
// its start (issue 14).
// The namespace import lets the bundlers leave out the zod modules never used (its ninety locales above all).
import * as z from 'zod';
import { ATTRIBUTE_SLICE_PREFIX, LINE_SLICES, METRICS, OVERRIDE_SLICES } from './accuracy';
import { parseIsoDate } from './period';

export const isoDate = z.string().refine((d) => parseIsoDate(d) !== null, 'expected a real date as YYYY-MM-DD');

export const accuracyFilter = z
  .object({
    runId: z.number().int().positive().optional(),
    model: z.string().min(1).max(100).optional(),
    fromPeriod: isoDate.optional(),
    toPeriod: isoDate.optional(),
    lag: z.number().int().min(0).max(10_000).optional(),
    category: z.string().max(200).optional(),
    abcClass: z.enum(['A', 'B', 'C']).optional(),
    owner: z.string().max(200).optional(),
  })
  .strict()
  .default({});
export const accuracySeed = z.number().int().min(0).max(2 ** 31).optional();

export const getAccuracyOverviewRequest = z.object({ filter: accuracyFilter, metric: z.enum(METRICS).default('wape'), seed: accuracySeed }).strict();
export const getAccuracySliceRequest = z
  .object({
    filter: accuracyFilter,
    metric: z.enum(METRICS).default('wape'),
    // An engine slice, or `attr:<name>` for any item attribute (brand, family, a key of the imported attributes; checked by the backend).
    by: z.union([z.enum(['model', ...OVERRIDE_SLICES, ...LINE_SLICES]), z.templateLiteral([ATTRIBUTE_SLICE_PREFIX, z.string().min(1).max(100)])]),
    seed: accuracySeed,
  })
  .strict();

/** The methods dispatch may validate without loading the rest of the contract. */
export const ACCURACY_REQUESTS = { getAccuracyOverview: getAccuracyOverviewRequest, getAccuracySlice: getAccuracySliceRequest } as const;
