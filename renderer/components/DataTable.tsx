// One table component for the app's read-only tables (the accuracy panels, the
// governance report, the import and export previews): a list of column
// definitions says what each column shows; the header row and the body rows
// are written here once.
import type { ReactNode, TdHTMLAttributes } from 'react';

export interface Column<R> {
  /** Unique among the table's columns. */
  key: string;
  head: ReactNode;
  /** Figures: the header and every cell right-aligned ("num"). */
  num?: boolean;
  /** More classes of the header cell, and its hover text. */
  headClass?: string;
  headTitle?: string;
  /** The row's name: a <th scope="row"> rather than a <td>. */
  rowHeader?: boolean;
  /** What the cell shows. */
  cell: (row: R, index: number) => ReactNode;
  /** The cell's own attributes (its className is added to "num"): colour classes, title, aria-label. */
  cellProps?: (row: R, index: number) => TdHTMLAttributes<HTMLTableCellElement>;
}

const classes = (...names: (string | false | undefined)[]) => names.filter(Boolean).join(' ') || undefined;

export function DataTable<R>({
  label,
  className,
  caption,
  columns,
  rows,
  rowKey,
  rowClass,
}: {
  /** The table's accessible name. */
  label: string;
  className: string;
  caption?: string;
  columns: Column<R>[];
  rows: readonly R[];
  rowKey: (row: R, index: number) => string | number;
  rowClass?: (row: R) => string | undefined;
}) {
  return (
    <table className={className} aria-label={label}>
      {caption !== undefined && <caption>{caption}</caption>}
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.key} scope="col" className={classes(c.num && 'num', c.headClass)} title={c.headTitle}>
              {c.head}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={rowKey(row, i)} className={rowClass?.(row)}>
            {columns.map((c) => {
              const { className: own, ...props } = c.cellProps?.(row, i) ?? {};
              const Cell = c.rowHeader ? 'th' : 'td';
              return (
                <Cell key={c.key} scope={c.rowHeader ? 'row' : undefined} className={classes(c.num && 'num', own)} {...props}>
                  {c.cell(row, i)}
                </Cell>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
