import type { ImportPreview } from '../../../shared/domain';
import { fieldLabel } from './MappingEditor';

/** The first rows as the file has them, with the field each column feeds above its name. */
export function PreviewTable({ preview }: { preview: ImportPreview }) {
  const fieldOf = new Map(preview.fields.filter((f) => f.column).map((f) => [f.column!, f.field]));
  return (
    <div className="table-scroll preview">
      <table className="table" aria-label="File preview">
        <thead>
          <tr>
            <th scope="col" className="num">
              Row
            </th>
            {preview.header.map((h) => (
              <th key={h} scope="col" className={fieldOf.has(h) ? 'mapped' : 'unmapped'}>
                <span className="field-tag">{fieldOf.has(h) ? fieldLabel(fieldOf.get(h)!) : 'not used'}</span>
                {h === '' ? '(row index)' : h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {preview.rows.map((row, i) => (
            <tr key={i}>
              <td className="num">{i + 2}</td>
              {preview.header.map((h, c) => (
                <td key={h}>{row[c] ?? ''}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
