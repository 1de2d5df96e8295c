// The Accuracy screen's and fwb accuracy's request schemas, part of the one API
// contract (contract.ts re-exports them and holds them in its table) in a module of
// their own: dispatch validates an accuracy call with these alone, so an fwb
// accuracy call, a process of its own, does not build every method's schema at
// its start (issue 14).
// Written with zod's mini API: the same checks and messages (both are zod's core), but
// a mini schema is made without the dozens of methods a classic one carries, which made
// building these few some 5 % of an fwb accuracy call. Classic schemas take them as they are.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { ATTRIBUTE_SLICE_PREFIX, LINE_SLICES, METRICS, OVERRIDE_SLICES } from './accuracy';
import { parseIsoDate } from './period';

// Messages in English, as zod's classic API sets them on its first schema (the mini API sets none).
z.config(en());

export const isoDate = z.string().check(z.refine((d) => parseIsoDate(d) !== null, 'expected a real date as YYYY-MM-DD'));

const name = (max: number) => z.string().check(z.maxLength(max));

/** The lines an accuracy figure covers; every field optional. */
export const accuracyFilterFields = z.strictObject({
  runId: z.optional(z.int().check(z.positive())),
  model: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  fromPeriod: z.optional(isoDate),
  toPeriod: z.optional(isoDate),
  lag: z.optional(z.int().check(z.minimum(0), z.maximum(10_000))),
  category: z.optional(name(200)),
  abcClass: z.optional(z.enum(['A', 'B', 'C'])),
  owner: z.optional(name(200)),
});
/** The filter of a request: all lines when left out. */
export const accuracyFilter = z._default(accuracyFilterFields, {});
export const accuracySeed = z.optional(z.int().check(z.minimum(0), z.maximum(2 ** 31)));

export const getAccuracyOverviewRequest = z.strictObject({ filter: accuracyFilter, metric: z._default(z.enum(METRICS), 'wape'), seed: accuracySeed });
export const getAccuracySliceRequest = z.strictObject({
  filter: accuracyFilter,
  metric: z._default(z.enum(METRICS), 'wape'),
  // An engine slice, or `attr:<name>` for any item attribute (brand, family, a key of the imported attributes; checked by the backend).
  by: z.union([z.enum(['model', ...OVERRIDE_SLICES, ...LINE_SLICES]), z.templateLiteral([ATTRIBUTE_SLICE_PREFIX, z.string().check(z.minLength(1), z.maxLength(100))])]),
  seed: accuracySeed,
});

/** The methods dispatch may validate without loading the rest of the contract. */
export const ACCURACY_REQUESTS = { getAccuracyOverview: getAccuracyOverviewRequest, getAccuracySlice: getAccuracySliceRequest } as const;
