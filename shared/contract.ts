// The one API contract: every method's request schema (validated by the backend,
// whichever way the call came in) and its response type.
import { z } from 'zod';
import type { ForecastLinePage, ForecastRunSummary, ImportBatchSummary, RunOverview, WorkbookInfo } from './domain';
import type { MethodName } from './methods';

const empty = z.object({}).strict();

export const RUN_LINE_SORT_COLUMNS = ['item', 'period', 'lag', 'quantity', 'lower', 'upper', 'category', 'width'] as const;
export type RunLineSortColumn = (typeof RUN_LINE_SORT_COLUMNS)[number];

export const getRunLinesRequest = z
  .object({
    runId: z.number().int().positive(),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(2000).default(200),
    sort: z
      .object({ column: z.enum(RUN_LINE_SORT_COLUMNS), direction: z.enum(['asc', 'desc']) })
      .strict()
      .default({ column: 'item', direction: 'asc' }),
    filter: z
      .object({
        text: z.string().max(200).optional(),
        category: z.string().max(200).optional(),
        owner: z.string().max(200).optional(),
        lag: z.number().int().min(0).max(10_000).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

export const contract = {
  getWorkbookInfo: { request: empty, response: {} as WorkbookInfo },
  listRuns: { request: empty, response: {} as { runs: ForecastRunSummary[] } },
  getRunLines: { request: getRunLinesRequest, response: {} as ForecastLinePage },
  getRunOverview: {
    request: z.object({ runId: z.number().int().positive(), historyBuckets: z.number().int().min(0).max(520).default(24) }).strict(),
    response: {} as RunOverview,
  },
  listImportBatches: { request: empty, response: {} as { batches: ImportBatchSummary[] } },
} satisfies Record<MethodName, { request: z.ZodType; response: unknown }>;

export type Contract = typeof contract;
export type RequestOf<M extends MethodName> = z.input<Contract[M]['request']>;
export type ParsedRequestOf<M extends MethodName> = z.output<Contract[M]['request']>;
export type ResponseOf<M extends MethodName> = Contract[M]['response'];
