// The seams of the import pipeline: parse → map → validate → quarantine → commit,
// one module per step. A parser turns a file (CSV or XLSX) into a RecordSource;
// everything after it works on header + rows of text cells, whatever the format.

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
}

export interface RawRecord {
  /** 1-based line (CSV) or row (XLSX) number in the file of the record's first line; the header is row 1. */
  rowNumber: number;
  /** Cell texts, trimmed; XLSX dates arrive as ISO 'YYYY-MM-DD', numbers as their text. */
  values: string[];
  /** The record as it appeared in the file (for quarantine), capped in length. */
  raw: string;
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
}
