// The one API contract: every method's request schema (validated by the backend,
// whichever way the call came in) and its response type.
import { z } from 'zod';
import { IMPORT_FILE_KINDS, type ForecastLinePage, type ForecastRunSummary, type ImportBatchSummary, type ImportOutcome, type ImportPreview, type QuarantineRow, type RunOverview, type WorkbookInfo } from './domain';
import { GRAINS, parseIsoDate } from './period';
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

const stagedId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'not a staged file id');
const columnMap = z.record(z.string().min(1).max(60), z.string().min(1).max(300)).refine((m) => Object.keys(m).length <= 40, 'too many mappings');
const isoDate = z.string().refine((d) => parseIsoDate(d) !== null, 'expected a real date as YYYY-MM-DD');

export const previewImportRequest = z
  .object({ stagedId, kind: z.enum(IMPORT_FILE_KINDS), sheet: z.string().max(100).optional(), map: columnMap.optional() })
  .strict();

export const runImportRequest = z
  .object({
    stagedId,
    kind: z.enum(IMPORT_FILE_KINDS),
    sheet: z.string().max(100).optional(),
    map: columnMap.optional(),
    model: z.string().min(1).max(100).optional(),
    modelVersion: z.string().max(100).optional(),
    origin: isoDate.optional(),
    grain: z.enum(GRAINS).optional(),
    strict: z.boolean().default(false),
    force: z.boolean().default(false),
    unknownItems: z.enum(['create', 'reject']).default('create'),
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
  previewImport: { request: previewImportRequest, response: {} as ImportPreview },
  runImport: { request: runImportRequest, response: {} as ImportOutcome },
  listQuarantine: {
    request: z.object({ batchId: z.number().int().positive(), offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    response: {} as { batchId: number; total: number; rows: QuarantineRow[] },
  },
} satisfies Record<MethodName, { request: z.ZodType; response: unknown }>;

export type Contract = typeof contract;
export type RequestOf<M extends MethodName> = z.input<Contract[M]['request']>;
export type ParsedRequestOf<M extends MethodName> = z.output<Contract[M]['request']>;
export type ResponseOf<M extends MethodName> = Contract[M]['response'];
