// The rows the first workbook of a team publishes (shared/team-sync.ts PUBLISHED_TABLES),
// read in one snapshot of the workbook: batches of the kinds published (not undone),
// locations, items, runs, their lines, actuals (superseded values marked). Ids are the
// workbook's own, kept by the server, so this workbook needs no id map afterwards.
import { randomUUID } from 'node:crypto';
import { PUBLISHED_BATCH_KINDS, type Cell, type Publication } from '../../../shared/team-sync';
import type { Db } from '../db/open';

const kinds = PUBLISHED_BATCH_KINDS.map((k) => `'${k}'`).join(', ');

export function publicationRows(db: Db): Publication {
  const rows = (sql: string) => (db.prepare(sql).raw().all() as Cell[][]);
  return db.transaction(() => {
    const batches = rows(
      `SELECT b.batch_id, NULL, b.kind, b.file_name, b.file_size, b.sha256, b.source, b.model_name, b.model_version, b.options,
              b.rows_read, b.rows_accepted, b.rows_quarantined, coalesce(u.display_name, b.imported_by), b.imported_at
         FROM import_batches b LEFT JOIN users u ON u.user_id = b.imported_by
        WHERE b.undone_at IS NULL AND b.kind IN (${kinds}) ORDER BY b.batch_id`,
    ).map((r) => {
      // A batch's uuid is the team's name for it; the workbook never needed one.
      r[1] = randomUUID();
      r[9] = JSON.parse(String(r[9])) as Record<string, unknown>;
      return r;
    });
    const items = rows(
      `SELECT item_key, item_id, name, category, brand, family, abc_class, owner_id, unit, attributes, introduced_period, batch_id FROM items ORDER BY item_key`,
    ).map((r) => {
      r[9] = JSON.parse(String(r[9])) as Record<string, unknown>;
      return r;
    });
    return {
      fwb_stage_batches: batches,
      fwb_stage_locations: rows('SELECT location_key, location_id, name FROM locations ORDER BY location_key'),
      fwb_stage_items: items,
      fwb_stage_runs: rows('SELECT run_id, model_name, model_version, origin, grain, interval_level, batch_id FROM forecast_runs ORDER BY run_id'),
      fwb_stage_lines: rows(
        `SELECT l.line_id, l.run_id, l.item_key, l.location_key, l.period, l.lag, l.quantity, l.lower, l.upper
           FROM forecast_lines l JOIN forecast_runs r ON r.run_id = l.run_id ORDER BY l.line_id`,
      ),
      fwb_stage_actuals: rows(
        `SELECT actual_id, item_key, location_key, period, quantity, batch_id, superseded_at IS NOT NULL FROM actuals ORDER BY actual_id`,
      ).map((r) => {
        r[6] = r[6] === 1;
        return r;
      }),
    };
  })();
}
