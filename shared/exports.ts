// Exports (SPEC §6): what can be exported, in which formats, and the shapes the
// API answers with. Tables are typed per column so every writer (CSV, XLSX) and
// the preview grid treat a number as a number and a date as a date.

/** What the Export screen and `fwb export` can write. */
export const EXPORT_KINDS = ['plan', 'quarantine', 'audit', 'accuracy', 'governance'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** Tables go to CSV or XLSX; the governance report is an HTML document (and only that). */
export const EXPORT_FORMATS = ['csv', 'xlsx', 'html'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * A column's type decides how each writer writes its cells: text is neutralised
 * against formula injection in CSV and is a string cell in XLSX; number and
 * integer are plain numbers; date is an ISO date (YYYY-MM-DD) written as a real
 * date in XLSX; datetime is an ISO timestamp (UTC), a real date-time in XLSX.
 */
export const EXPORT_COLUMN_TYPES = ['text', 'number', 'integer', 'date', 'datetime'] as const;
export type ExportColumnType = (typeof EXPORT_COLUMN_TYPES)[number];

export interface ExportColumn {
  /** The header in the file: stable, machine-friendly (snake_case). */
  key: string;
  /** The header a person reads (preview grid). */
  label: string;
  type: ExportColumnType;
}

/** A cell as the backend hands it over: text, a number, an ISO date or timestamp as text, or empty. */
export type ExportCell = string | number | null;

export interface ExportPreview {
  what: ExportKind;
  /** What the table is, in words: "Plan of run 13 (TimeGPT 2.1, origin 2026-10-01)". */
  title: string;
  columns: ExportColumn[];
  rows: ExportCell[][];
  /** Rows the full export will hold. */
  total: number;
}

export interface ExportOutcome {
  what: ExportKind;
  format: ExportFormat;
  title: string;
  /** Where the file went (absolute). */
  path: string;
  /** The file's name inside the workbook's exports folder: the id a browser download asks for. */
  fileName: string;
  rows: number;
  bytes: number;
  /** Things a reader of the file should know (e.g. a cell cut to the XLSX limit). */
  warnings: string[];
}
