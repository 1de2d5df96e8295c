import type { ExportCell, ExportColumn, ExportPreview } from '../../../shared/exports';
import { formatCount, formatNumber, formatTimestamp } from '../../../shared/format';

/** A cell as the file will hold it, written for reading: numbers grouped, timestamps without seconds. */
function cellText(column: ExportColumn, cell: ExportCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return column.type === 'integer' ? String(cell) : formatNumber(cell, 2, { trimZeros: true });
  if (column.type === 'datetime') return formatTimestamp(cell);
  return cell;
}

const isNumeric = (c: ExportColumn) => c.type === 'number' || c.type === 'integer';

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
        <table className={`table compact export-preview${preview.what === 'governance' ? ' headlines' : ''}`} aria-label="Export preview">
          <thead>
            <tr>
              {preview.columns.map((c) => (
                <th key={c.key} scope="col" className={isNumeric(c) ? 'num' : undefined} title={c.key}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((row, i) => (
              <tr key={i}>
                {preview.columns.map((c, j) => (
                  <td key={c.key} className={isNumeric(c) ? 'num' : c.key === 'comment' || c.key === 'payload' || c.key === 'raw_text' || c.key === 'item_name' ? 'long' : undefined} title={c.type === 'text' && row[j] ? String(row[j]) : undefined}>
                    {cellText(c, row[j] ?? null)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {preview.total === 0 && <p className="empty">Nothing to export: the table is empty.</p>}
    </section>
  );
}
