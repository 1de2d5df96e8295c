// Walks a table's rows for a writer: sync or async rows alike, progress every
// few thousand rows, and a pause now and then so a long export lets the file
// stream flush and progress events go out.
import type { ExportCell, ExportTable, OnExportProgress } from './table';

const PROGRESS_EVERY = 5_000;

export async function forEachRow(table: ExportTable, onProgress: OnExportProgress | undefined, write: (row: ExportCell[]) => void | Promise<void>): Promise<number> {
  let done = 0;
  onProgress?.({ rowsDone: 0, total: table.total });
  for await (const row of table.rows as AsyncIterable<ExportCell[]>) {
    const pending = write(row);
    if (pending) await pending;
    done++;
    if (done % PROGRESS_EVERY === 0) {
      onProgress?.({ rowsDone: done, total: table.total });
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  onProgress?.({ rowsDone: done, total: table.total });
  return done;
}
