import type { ExportCell, ExportColumn, ExportPreview } from '../../../shared/exports';
import { formatCount, formatNumber, formatTimestamp } from '../../../shared/format';
import { DataTable, type Column } from '../../components/DataTable';

/** A cell as the file will hold it, written for reading: numbers grouped, timestamps without seconds. */
function cellText(column: ExportColumn, cell: ExportCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return column.type === 'integer' ? String(cell) : formatNumber(cell, 2, { trimZeros: true });
  if (column.type === 'datetime') return formatTimestamp(cell);
  return cell;
}

const isNumeric = (c: ExportColumn) => c.type === 'number' || c.type === 'integer';
/** Columns of free text, given room to wrap. */
const LONG_TEXT = new Set(['comment', 'payload', 'raw_text', 'item_name']);

function previewColumn(c: ExportColumn, j: number): Column<ExportCell[]> {
  return {
    key: c.key,
    head: c.label,
    headTitle: c.key,
    num: isNumeric(c),
    cell: (row) => cellText(c, row[j] ?? null),
    cellProps: (row) => ({ className: !isNumeric(c) && LONG_TEXT.has(c.key) ? 'long' : undefined, title: c.type === 'text' && row[j] ? String(row[j]) : undefined }),
  };
}

/** The first rows of the export, in the dense look of the other tables. */
export function ExportPreviewTable({ preview }: { preview: ExportPreview }) {
  return (
    <section className="panel grow" aria-labelledby="export-preview-title">
      <h3 id="export-preview-title">
        {preview.what === 'governance' ? (
          <>Preview · {preview.title} · its {formatCount(preview.total)} headline figures (the file holds the whole report, with tables and charts)</>
        ) : (
          <>
            Preview · {preview.title} · {preview.rows.length < preview.total ? `first ${formatCount(preview.rows.length)} of ` : ''}
            {formatCount(preview.total)} rows
          </>
        )}
      </h3>
      <div className="table-scroll">
        <DataTable
          label="Export preview"
          className={`table compact export-preview${preview.what === 'governance' ? ' headlines' : ''}`}
          columns={preview.columns.map(previewColumn)}
          rows={preview.rows}
          rowKey={(_, i) => i}
        />
      </div>
      {preview.total === 0 && <p className="empty">Nothing to export: the table is empty.</p>}
    </section>
  );
}
