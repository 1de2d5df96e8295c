// The seams of the import pipeline: parse → map → validate → quarantine → commit,
// one module per step. A parser turns a file (CSV or XLSX) into a RecordSource;
// everything after it works on header + rows of text cells, whatever the format.
import type { ImportNotice, OptionHint } from '../../../shared/domain';

export const IMPORT_FILE_KINDS = ['items', 'forecasts', 'actuals', 'sales_inputs', 'decisions'] as const;
export type ImportFileKind = (typeof IMPORT_FILE_KINDS)[number];

export interface SourceFormat {
  format: 'csv' | 'xlsx';
  /** CSV only: detected or given. */
  delimiter?: ',' | ';' | '\t' | '|';
  encoding?: 'utf-8' | 'latin1';
  hadBom?: boolean;
  /** CSV with ';' delimiter: numbers may use a decimal comma (1.234,5). */
  decimalComma?: boolean;
  /** XLSX only: the sheet read. */
  sheet?: string;
  /** The first column has no name (a pandas row index): it is read but never mapped. */
  leadingIndex?: boolean;
}

export interface RawRecord {
  /** 1-based line (CSV) or row (XLSX) number in the file of the record's first line; the header is row 1. */
  rowNumber: number;
  /** Cell texts, trimmed; XLSX dates arrive as ISO 'YYYY-MM-DD', numbers as their text. */
  values: string[];
  /** The record as it appeared in the file (for quarantine), capped in length. */
  raw: string;
  /**
   * Set when the parser could not read the record at all (e.g. "line longer than 1 MiB",
   * "unterminated quoted field (file truncated?)"); values are then unreliable or empty and
   * the validator should quarantine the record with this reason.
   */
  problem?: string;
}

export interface RecordSource {
  file: string;
  format: SourceFormat;
  header: string[];
  /** Bytes read so far / total, for progress. */
  progress(): { bytesRead: number; bytesTotal: number };
  records(): AsyncIterable<RawRecord[]>;
}

/** A row that failed validation: kept with where and why, never silently dropped. */
export interface QuarantineEntry {
  rowNumber: number;
  column: string | null;
  reason: string;
  raw: string;
  /** An option that would have let the row in (reported, not stored with the row). */
  hint?: OptionHint;
  /** A single model's cell of a wide row whose other models were accepted. */
  cellOnly?: true;
}

// ── The import pipeline's public API (import-file.ts) ─────────────────────────

/** Where an import is: hashing the file, reading (parse + validate + insert), committing. */
export interface ImportProgress {
  phase: 'hashing' | 'reading' | 'committing';
  rowsDone: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface ImportOptions {
  kind: ImportFileKind;
  /** Forecasts: model name when the file has no model column (default: Prophet for Prophet files, else the file's name). */
  model?: string;
  modelVersion?: string;
  /** ISO date of the forecasts' origin when the file has no origin column. */
  origin?: string;
  /** Grain of a new workbook; an existing one keeps its own (a different value only warns). */
  grain?: 'month' | 'week' | 'quarter' | 'year';
  /** field → column name; wins over remembered and detected mappings, and is remembered. */
  map?: Record<string, string>;
  sheet?: string;
  /** Any bad row refuses the whole file. */
  strict?: boolean;
  /** Import even if a file with the same sha256 was imported before. */
  force?: boolean;
  /** The sha256 the file had when it was staged: a file that no longer has it is refused (imports/staging.ts). */
  expectedSha256?: string;
  /** Rows of items the workbook does not know: quarantined (default, except in item files) or created. */
  unknownItems?: 'create' | 'reject';
  user?: string;
  onProgress?: (progress: ImportProgress) => void;
  /** Parse and validate in a worker thread (default: for files of 16 MB and more, when running from sources). */
  worker?: boolean;
}

export interface ImportRunResult {
  runId: number;
  model: string;
  modelVersion: string;
  origin: string;
  lines: number;
}

export interface ImportRowError {
  row: number;
  column: string | null;
  reason: string;
  hint?: OptionHint;
}

export interface ImportResult {
  batchId: number;
  kind: ImportFileKind;
  file: string;
  rowsRead: number;
  rowsAccepted: number;
  rowsQuarantined: number;
  runs: ImportRunResult[];
  /** The first 100 quarantined rows. */
  errors: ImportRowError[];
  warnings: ImportNotice[];
}
