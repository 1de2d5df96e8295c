// Two views of the one connection, in the types only: the writable workbook
// (better-sqlite3's Database as it is) and a readable one, through which a
// function can prepare and read statements but cannot run them, open a
// transaction, exec SQL or set a pragma. A read handler is handed the readable
// view (api.ts), so a read that would write derived tables behind its caller's
// back (an ensure…() call, an INSERT) does not compile. The writable workbook is
// assignable to the readable view: a writer may call readers.
//
// Types only: at run time both are the same connection, and SQL text is not
// checked (a `… RETURNING` statement read with get() would still write).
import type Database from 'better-sqlite3';

export type WritableDb = Database.Database;

/** A prepared statement that can be read from: no run(), and no way back to the connection. */
export interface ReadStatement<BindParameters extends unknown[], Result = unknown> {
  readonly source: string;
  readonly reader: boolean;
  readonly readonly: boolean;
  readonly busy: boolean;
  get(...params: BindParameters): Result | undefined;
  all(...params: BindParameters): Result[];
  iterate(...params: BindParameters): IterableIterator<Result>;
  pluck(toggleState?: boolean): this;
  expand(toggleState?: boolean): this;
  raw(toggleState?: boolean): this;
  bind(...params: BindParameters): this;
  columns(): Database.ColumnDefinition[];
  safeIntegers(toggleState?: boolean): this;
}

/** The workbook as a reader sees it. */
export interface ReadableDb {
  readonly name: string;
  readonly open: boolean;
  readonly readonly: boolean;
  readonly memory: boolean;
  readonly inTransaction: boolean;
  prepare<BindParameters extends unknown[] | object = unknown[], Result = unknown>(
    source: string,
  ): BindParameters extends unknown[] ? ReadStatement<BindParameters, Result> : ReadStatement<[BindParameters], Result>;
}
