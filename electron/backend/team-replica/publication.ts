// The rows the first workbook of a team publishes (shared/team-sync.ts PUBLISHED_TABLES),
// page by page: batches of the kinds published (not undone), locations, items, runs,
// their lines, actuals (superseded values marked). A page is the rows after a key, in
// key order, so a publication of a million lines streams into COPY with memory flat
// (electron/team/join.ts asks for the next page when COPY wants more). Ids are the
// workbook's own, kept by the server, so this workbook needs no id map afterwards.
import { randomUUID } from 'node:crypto';
import { PUBLISHED_BATCH_KINDS, type Cell, type PublicationPage, type PublishedTable } from '../../../shared/team-sync';
import type { Db } from '../db/open';

const kinds = PUBLISHED_BATCH_KINDS.map((k) => `'${k}'`).join(', ');

/** Each staging table's rows after a key (`?` 1), by that key, at most `?` 2: the key is the row's first column. */
const PAGE_SQL: Record<PublishedTable, string> = {
  fwb_stage_batches: `SELECT b.batch_id, NULL, b.kind, b.file_name, b.file_size, b.sha256, b.source, b.model_name, b.model_version, b.options,
              b.rows_read, b.rows_accepted, b.rows_quarantined, coalesce(u.display_name, b.imported_by), b.imported_at
         FROM import_batches b LEFT JOIN users u ON u.user_id = b.imported_by
        WHERE b.undone_at IS NULL AND b.kind IN (${kinds}) AND b.batch_id > ? ORDER BY b.batch_id LIMIT ?`,
  fwb_stage_locations: 'SELECT location_key, location_id, name FROM locations WHERE location_key > ? ORDER BY location_key LIMIT ?',
  fwb_stage_items: `SELECT item_key, item_id, name, category, brand, family, abc_class, owner_id, unit, attributes, introduced_period, batch_id
         FROM items WHERE item_key > ? ORDER BY item_key LIMIT ?`,
  fwb_stage_runs: 'SELECT run_id, model_name, model_version, origin, grain, interval_level, batch_id FROM forecast_runs WHERE run_id > ? ORDER BY run_id LIMIT ?',
  // Lines of runs that exist: an import under way stages lines under a run it creates last.
  fwb_stage_lines: `SELECT l.line_id, l.run_id, l.item_key, l.location_key, l.period, l.lag, l.quantity, l.lower, l.upper
         FROM forecast_lines l JOIN forecast_runs r ON r.run_id = l.run_id WHERE l.line_id > ? ORDER BY l.line_id LIMIT ?`,
  fwb_stage_actuals: 'SELECT actual_id, item_key, location_key, period, quantity, batch_id, superseded_at IS NOT NULL FROM actuals WHERE actual_id > ? ORDER BY actual_id LIMIT ?',
};

/** How a page's raw rows become cells: JSON columns parsed, a batch given its uuid, flags as booleans. */
const SHAPE: Partial<Record<PublishedTable, (r: Cell[]) => void>> = {
  fwb_stage_batches: (r) => {
    // A batch's uuid is the team's name for it; the workbook never needed one.
    r[1] = randomUUID();
    r[9] = JSON.parse(String(r[9])) as Record<string, unknown>;
  },
  fwb_stage_items: (r) => {
    r[9] = JSON.parse(String(r[9])) as Record<string, unknown>;
  },
  fwb_stage_actuals: (r) => {
    r[6] = r[6] === 1;
  },
};

/** The rows of `table` after key `after`, at most `limit`; `last` is the key to ask after next (null: no more rows). */
export function publicationPage(db: Db, table: PublishedTable, after: number, limit: number): PublicationPage {
  const rows = db.prepare(PAGE_SQL[table]).raw().all(after, limit) as Cell[][];
  const shape = SHAPE[table];
  if (shape) for (const r of rows) shape(r);
  return { rows, last: rows.length < limit ? null : (rows[rows.length - 1]![0] as number) };
}
