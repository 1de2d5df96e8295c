// A table to export: typed columns and a stream of rows. Every export (the plan,
// quarantine, the audit log, and later accuracy tables and the governance
// figures) is one of these, so the writers are written once.
import type { ChainHead } from '../audit/chain';
import type { ExportCell, ExportColumn } from '../../../shared/exports';

export type { ExportCell, ExportColumn, ExportColumnType } from '../../../shared/exports';

export interface ExportTable {
  /** Sheet name in XLSX (at most 31 characters, no []:*?/\). */
  name: string;
  columns: readonly ExportColumn[];
  /**
   * Rows in column order. Usually a better-sqlite3 `.raw().iterate()`, so a
   * million lines stream from the workbook to the file without being held in memory.
   */
  rows: Iterable<ExportCell[]> | AsyncIterable<ExportCell[]>;
  /** How many rows `rows` yields, when known, for progress. */
  total: number | null;
  /** Where the figures came from, carried by the file itself (plan and accuracy exports). */
  provenance?: ExportProvenance;
}

/**
 * The audit chain head of the workbook at export time: a CSV carries it in one
 * more column on every row, an XLSX in its document description and a
 * Provenance sheet. `fwb check --against FILE` compares it with the chain later.
 */
export interface ExportProvenance {
  chainHead: ChainHead | null;
}

/** A table that knows what it is: a title for people and a stem for file names. */
export interface TitledTable extends ExportTable {
  /** "Plan of run 13 (TimeGPT 2.1, origin 2026-10-01)". */
  title: string;
  /** "plan-run13": the file name's middle part. */
  fileStem: string;
}

export interface ExportProgress {
  rowsDone: number;
  total: number | null;
}

export type OnExportProgress = (p: ExportProgress) => void;

/** A column list written the short way: key, label, type. */
export function columns(list: readonly [key: string, label: string, type: ExportColumn['type']][]): ExportColumn[] {
  return list.map(([key, label, type]) => ({ key, label, type }));
}

/**
 * Rows of a prepared statement, run only when someone iterates: an open
 * better-sqlite3 iterator keeps the connection busy, so a table that is made but
 * never written (a refused target, a preview) must not have started one.
 */
export function statementRows(statement: { raw(toggleState?: boolean): { iterate(...params: unknown[]): IterableIterator<unknown> } }, ...params: unknown[]): Iterable<ExportCell[]> {
  return { [Symbol.iterator]: () => statement.raw(true).iterate(...params) as IterableIterator<ExportCell[]> };
}
