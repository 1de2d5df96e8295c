import type { ImportPreview } from '../../../shared/domain';
import { DataTable, type Column } from '../../components/DataTable';
import { fieldLabel } from './MappingEditor';

/** The first rows as the file has them, with the field each column feeds above its name. */
export function PreviewTable({ preview }: { preview: ImportPreview }) {
  const fieldOf = new Map(preview.fields.filter((f) => f.column).map((f) => [f.column!, f.field]));
  const columns: Column<string[]>[] = [
    { key: '#row', head: 'Row', num: true, cell: (_, i) => i + 2 },
    ...preview.header.map(
      (h, c): Column<string[]> => ({
        key: h,
        headClass: fieldOf.has(h) ? 'mapped' : 'unmapped',
        head: (
          <>
            <span className="field-tag">{fieldOf.has(h) ? fieldLabel(fieldOf.get(h)!) : 'not used'}</span>
            {h === '' ? '(row index)' : h}
          </>
        ),
        cell: (row) => row[c] ?? '',
      }),
    ),
  ];
  return (
    <div className="table-scroll preview">
      <DataTable label="File preview" className="table" columns={columns} rows={preview.rows} rowKey={(_, i) => i} />
    </div>
  );
}
