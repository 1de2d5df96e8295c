// Domain types shared by the backend and the renderer, named in the planner's words.
import type { Grain } from './period';

export const MODEL_ROLES = ['assist', 'recommend', 'decide', 'trigger'] as const;
export type ModelRole = (typeof MODEL_ROLES)[number];

export const USER_ROLES = ['planner', 'manager', 'analyst'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const IMPORT_KINDS = ['items', 'forecasts', 'actuals', 'sales_inputs', 'decisions', 'demo'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const DECISION_STATUSES = ['final', 'pending_approval', 'approved', 'rejected'] as const;
export type DecisionStatus = (typeof DECISION_STATUSES)[number];

export interface WorkbookCounts {
  items: number;
  runs: number;
  forecastLines: number;
  actuals: number;
  salesInputs: number;
  decisions: number;
  importBatches: number;
  auditEntries: number;
}

export interface WorkbookInfo {
  name: string;
  path: string;
  schemaVersion: number;
  grain: Grain;
  counts: WorkbookCounts;
  /** The newest run by origin: the one planners are reviewing now. */
  currentRunId: number | null;
  lastActualPeriod: string | null;
}

export interface ForecastRunSummary {
  runId: number;
  modelName: string;
  modelVersion: string;
  origin: string;
  grain: Grain;
  intervalLevel: number | null;
  lines: number;
  items: number;
  firstPeriod: string | null;
  lastPeriod: string | null;
  batchId: number | null;
  createdAt: string;
}

export interface ForecastLineRow {
  lineId: number;
  itemId: string;
  itemName: string;
  category: string | null;
  abcClass: string | null;
  owner: string | null;
  locationId: string;
  period: string;
  lag: number;
  quantity: number;
  lower: number | null;
  upper: number | null;
}

export interface ForecastLinePage {
  runId: number;
  total: number;
  offset: number;
  rows: ForecastLineRow[];
}

/** A run at a glance: total demand before the origin, the run's totals after it, and its facets for filters. */
export interface RunOverview {
  runId: number;
  origin: string;
  history: { period: string; actual: number; items: number }[];
  forecast: { period: string; lag: number; quantity: number; lines: number }[];
  categories: string[];
  owners: string[];
  lags: number[];
}

export interface ImportBatchSummary {
  batchId: number;
  kind: ImportKind;
  fileName: string;
  fileSize: number | null;
  sha256: string | null;
  modelName: string | null;
  modelVersion: string | null;
  rowsRead: number;
  rowsAccepted: number;
  rowsQuarantined: number;
  importedBy: string | null;
  importedAt: string;
}

/** Errors cross every boundary as values; file/row/column point at bad input. */
export interface ApiError {
  code: ApiErrorCode;
  message: string;
  file?: string;
  row?: number;
  column?: string;
  issues?: { path: string; message: string }[];
}

export type ApiErrorCode =
  | 'UNKNOWN_METHOD'
  | 'INVALID_REQUEST'
  | 'NOT_FOUND'
  | 'WORKBOOK_TOO_NEW'
  | 'NOT_A_WORKBOOK'
  | 'INPUT_REJECTED'
  | 'FORBIDDEN'
  | 'UNAUTHORIZED'
  | 'BACKEND_UNAVAILABLE'
  | 'INTERNAL';

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** Progress of a long job (import, export, demo seeding), streamed from the backend. */
export type BackendEvent =
  | { type: 'job-progress'; jobId: string; job: string; phase: string; done: number; total: number | null; message?: string }
  | { type: 'job-finished'; jobId: string; job: string; ok: boolean; error?: ApiError }
  | { type: 'workbook-changed'; reason: string };

/** A file handed to the backend for import (uploaded or copied into the staging folder). */
export interface StagedFile {
  stagedId: string;
  name: string;
  size: number;
}

export const IMPORT_FILE_KINDS = ['items', 'forecasts', 'actuals', 'sales_inputs', 'decisions'] as const;
export type ImportFileKind = (typeof IMPORT_FILE_KINDS)[number];

export interface ImportFieldMapping {
  field: string;
  required: boolean;
  /** The file's column mapped to the field, or null. */
  column: string | null;
  /** Where the mapping came from: header synonyms, a mapping remembered for this source, or the user. */
  source: 'detected' | 'remembered' | 'override' | null;
}

export interface ImportPreview {
  file: string;
  size: number;
  format: { format: 'csv' | 'xlsx'; delimiter?: string; encoding?: string; decimalComma?: boolean; sheet?: string };
  header: string[];
  rows: string[][];
  layout: string;
  fields: ImportFieldMapping[];
  unmapped: string[];
  missing: string[];
  /** Wide forecast files: the model columns, one run each. */
  models: string[];
}

export interface ImportOutcome {
  batchId: number | null;
  kind: ImportFileKind;
  file: string;
  rowsRead: number;
  rowsAccepted: number;
  rowsQuarantined: number;
  runs: { runId: number; model: string; modelVersion?: string; origin: string; lines: number }[];
  errors: { row: number; column: string | null; reason: string }[];
  warnings: string[];
  /** Set when the whole file was refused (missing columns, strict mode, already imported). */
  refused?: ApiError;
}

export interface QuarantineRow {
  rowNumber: number;
  column: string | null;
  reason: string;
  raw: string | null;
}
