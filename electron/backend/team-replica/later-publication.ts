// Later publications, the workbook's side (team schema version 4, electron/team/publish-imports.ts
// the server's): an import made in a linked workbook is published by the next sync, one batch
// per call, under a uuid minted once (so a publication whose answer was lost and is sent again
// publishes once). Ids: the team gives every id. The workbook's own copy of a batch has ids
// another replica may also have minted, so once the team answers it is taken out here, in one
// transaction with the answer, and the same sync's pull brings the team's rows back with the
// team's ids: every replica then holds the same rows under the same ids (docs/team-sync-status.md
// "Ids"). A batch the team refuses is undone here, its reason kept for its importer.
import { randomUUID } from 'node:crypto';
import { LATER_PUBLISHER, type Cell, type LaterPublicationPage, type LaterPublicationTable, type PublicationAnswer, type UnpublishedBatch } from '../../../shared/team-sync';
import { appendAudit } from '../audit/chain';
import type { Db } from '../db/open';
import { removeHistory, removeRuns, undoImportBatch, type Removed } from '../imports/undo';

const KINDS = Object.keys(LATER_PUBLISHER).map((k) => `'${k}'`).join(', ');

/** The workbook's imports the team does not hold yet, oldest first, each with its uuid (minted here once). */
export function unpublishedBatches(db: Db, now: string): UnpublishedBatch[] {
  return db.transaction(() => {
    const rows = db
      .prepare(
        `SELECT b.batch_id AS batchId, b.kind, b.file_name AS fileName,
                (SELECT p.uuid FROM team_publications p WHERE p.batch_id = b.batch_id AND p.status = 'unsent') AS uuid,
                (SELECT count(*) FROM team_item_changes c WHERE c.batch_id = b.batch_id) AS changedTeamItems
           FROM import_batches b
          WHERE b.undone_at IS NULL AND b.kind IN (${KINDS}) AND EXISTS (SELECT 1 FROM team_link)
            AND NOT EXISTS (SELECT 1 FROM team_batches t WHERE t.batch_id = b.batch_id)
          ORDER BY b.batch_id`,
      )
      .all() as (Omit<UnpublishedBatch, 'uuid'> & { uuid: string | null })[];
    const mint = db.prepare(`INSERT INTO team_publications (uuid, batch_id, kind, file_name, status, staged_at) VALUES (?, ?, ?, ?, 'unsent', ?)`);
    return rows.map((r) => {
      if (r.uuid !== null) return r as UnpublishedBatch;
      const uuid = randomUUID();
      mint.run(uuid, r.batchId, r.kind, r.fileName, now);
      return { ...r, uuid };
    });
  })();
}

/** Each staging table's rows of batch @batch after key @after, at most @limit; the first column is the key, not sent. */
const PAGE_SQL: Record<LaterPublicationTable, string> = {
  fwb_import_batch: `SELECT b.batch_id, NULL, b.kind, b.file_name, b.file_size, b.sha256, b.source, b.model_name, b.model_version, b.options,
              b.rows_read, b.rows_accepted, b.rows_quarantined, coalesce(u.display_name, b.imported_by), b.imported_at
         FROM import_batches b LEFT JOIN users u ON u.user_id = b.imported_by WHERE b.batch_id = @batch AND b.batch_id > @after LIMIT @limit`,
  // The locations the batch's rows use (few: the team adds those it lacks).
  fwb_import_locations: `SELECT l.location_key, l.location_id, l.name FROM locations l
        WHERE l.location_key > @after AND l.location_key IN (
          SELECT location_key FROM forecast_lines WHERE run_id IN (SELECT run_id FROM forecast_runs WHERE batch_id = @batch)
          UNION SELECT location_key FROM actuals WHERE batch_id = @batch UNION SELECT location_key FROM sales_inputs WHERE batch_id = @batch)
        ORDER BY l.location_key LIMIT @limit`,
  // The items it created, whole; and those of the team it changed, as the file named them (an empty cell keeps the team's value: team schema version 8).
  fwb_import_items: `SELECT item_key, item_id, name, category, brand, family, abc_class, owner_id, unit, attributes, introduced_period
         FROM items WHERE batch_id = @batch AND item_key > @after
        UNION ALL
        SELECT i.item_key, i.item_id, json_extract(c.fields, '$.name'), json_extract(c.fields, '$.category'), json_extract(c.fields, '$.brand'),
               json_extract(c.fields, '$.family'), json_extract(c.fields, '$.abc_class'), json_extract(c.fields, '$.owner_id'), json_extract(c.fields, '$.unit'),
               json_extract(c.fields, '$.attributes'), NULL
          FROM team_item_changes c JOIN items i ON i.item_key = c.item_key
         WHERE c.batch_id = @batch AND i.batch_id IS NOT @batch AND i.item_key > @after
        ORDER BY 1 LIMIT @limit`,
  fwb_import_runs: 'SELECT run_id, run_id, model_name, model_version, origin, grain, interval_level FROM forecast_runs WHERE batch_id = @batch AND run_id > @after ORDER BY run_id LIMIT @limit',
  fwb_import_lines: `SELECT l.line_id, l.line_id, l.run_id, i.item_id, lo.location_id, l.period, l.lag, l.quantity, l.lower, l.upper
         FROM forecast_lines l JOIN forecast_runs r ON r.run_id = l.run_id JOIN items i ON i.item_key = l.item_key JOIN locations lo ON lo.location_key = l.location_key
        WHERE r.batch_id = @batch AND l.line_id > @after ORDER BY l.line_id LIMIT @limit`,
  fwb_import_actuals: `SELECT a.actual_id, a.actual_id, i.item_id, lo.location_id, a.period, a.quantity
         FROM actuals a JOIN items i ON i.item_key = a.item_key JOIN locations lo ON lo.location_key = a.location_key
        WHERE a.batch_id = @batch AND a.actual_id > @after ORDER BY a.actual_id LIMIT @limit`,
  fwb_import_sales: `SELECT s.sales_input_id, s.sales_input_id, i.item_id, lo.location_id, s.period, s.quantity, s.source, s.note
         FROM sales_inputs s JOIN items i ON i.item_key = s.item_key JOIN locations lo ON lo.location_key = s.location_key
        WHERE s.batch_id = @batch AND s.sales_input_id > @after ORDER BY s.sales_input_id LIMIT @limit`,
};

/** One page of batch `batchId`'s rows of `table` (LATER_PUBLICATION_TABLES' columns); the batch row carries its uuid. */
export function laterPublicationPage(db: Db, batchId: number, uuid: string, table: LaterPublicationTable, after: number, limit: number): LaterPublicationPage {
  const raw = db.prepare(PAGE_SQL[table]).raw().all({ batch: batchId, after, limit }) as Cell[][];
  const rows = raw.map((r) => r.slice(1));
  if (table === 'fwb_import_batch') for (const r of rows) {
    r[0] = uuid;
    r[8] = JSON.parse(String(r[8])) as Record<string, unknown>;
  }
  if (table === 'fwb_import_items') for (const r of rows) r[8] = JSON.parse(String(r[8])) as Record<string, unknown>;
  return { rows, last: raw.length < limit ? null : (raw[raw.length - 1]![0] as number) };
}

/**
 * A refused items batch changed items of the team in place, and their earlier values are not kept
 * here: the pull reads every item of the team again (the items' mark back to 0), so the replica
 * holds them as the team does. How many items of the team the batch changed.
 */
function putBackTeamItems(db: Db, batchId: number): number {
  const n = db.prepare('DELETE FROM team_item_changes WHERE batch_id = ?').run(batchId).changes;
  if (n > 0) db.prepare(`UPDATE team_sync SET last_seq = 0 WHERE table_name = 'items'`).run();
  return n;
}

interface Publication {
  uuid: string;
  batch_id: number;
  kind: string;
  file_name: string;
  status: string;
}

/**
 * The team's answer to one publication, written in one transaction. Published: the workbook's copy
 * of the batch leaves (its runs and lines, its actuals or sales inputs, with the values they had
 * superseded current again, the items it created), audited as handed to the team; the pull that
 * follows brings the team's rows with the team's ids. Refused: the batch is undone, the reason kept.
 */
export function recordPublication(db: Db, answer: PublicationAnswer, by: { login: string; at: string }): void {
  const p = db.prepare('SELECT uuid, batch_id, kind, file_name, status FROM team_publications WHERE uuid = ?').get(answer.uuid) as Publication | undefined;
  if (!p) throw new Error(`No publication ${answer.uuid} was sent from this workbook.`);
  if (p.status !== 'unsent') return; // recorded before: the answer to a publication sent again
  if (answer.status === 'refused') {
    db.transaction(() => {
      let kept = false;
      const teamItems = putBackTeamItems(db, p.batch_id);
      try {
        undoImportBatch(db, p.batch_id, { user: by.login, at: by.at });
      } catch {
        // Something here already rests on it (a decision on its lines, items it changed): it stays, the workbook's alone.
        kept = true;
        db.prepare(`INSERT INTO team_batches (batch_id, how) VALUES (?, 'kept') ON CONFLICT (batch_id) DO NOTHING`).run(p.batch_id);
      }
      const what =
        teamItems > 0
          ? ` The ${teamItems === 1 ? 'item' : `${teamItems} items`} of the team it changed ${teamItems === 1 ? 'is' : 'are'} put back as the team holds ${teamItems === 1 ? 'it' : 'them'} by the pull; any item it created stays in this workbook alone.`
          : kept
            ? ' It stays in this workbook alone, since work here rests on it.'
            : ' It was undone in this workbook.';
      db.prepare(`UPDATE team_publications SET status = 'refused', reason = ?, answered_at = ? WHERE uuid = ?`).run(`${answer.reason}${what}`, by.at, p.uuid);
    })();
    return;
  }
  const fkWasOn = db.pragma('foreign_keys', { simple: true }) === 1;
  if (fkWasOn) db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      const removed: Removed = { runs: 0, forecastLines: 0, actuals: 0, salesInputs: 0, items: 0 };
      if (p.kind === 'forecasts') {
        // Derived rows of its lines go with them; the pull's end derives the team's lines afresh.
        db.prepare('DELETE FROM line_state WHERE line_id IN (SELECT line_id FROM forecast_lines WHERE run_id IN (SELECT run_id FROM forecast_runs WHERE batch_id = ?))').run(p.batch_id);
        removeRuns(db, p.batch_id, removed);
      }
      if (p.kind === 'actuals') removed.actuals = removeHistory(db, p.batch_id, 'actuals').removed;
      if (p.kind === 'sales_inputs') removed.salesInputs = removeHistory(db, p.batch_id, 'sales_inputs').removed;
      // Items it created come back with the team's keys; none may stay under the workbook's key with the same item id.
      removed.items = db
        .prepare(
          `DELETE FROM items WHERE batch_id = ?
             AND item_key NOT IN (SELECT item_key FROM forecast_lines UNION SELECT item_key FROM actuals UNION SELECT item_key FROM sales_inputs)`,
        )
        .run(p.batch_id).changes;
      db.prepare('UPDATE items SET batch_id = NULL WHERE batch_id = ?').run(p.batch_id);
      db.prepare('DELETE FROM import_batches WHERE batch_id = ?').run(p.batch_id);
      // The items it changed keep their values, which are now the team's versions; the pull brings them back with the team's seq.
      db.prepare('DELETE FROM team_item_changes WHERE batch_id = ?').run(p.batch_id);
      db.prepare(`UPDATE team_publications SET status = 'published', team_batch_id = ?, answered_at = ? WHERE uuid = ?`).run(answer.teamBatchId, by.at, p.uuid);
      appendAudit(db, {
        at: by.at,
        actor: by.login,
        action: 'import.published',
        entity: 'import_batch',
        entityId: String(p.batch_id),
        payload: { batchId: p.batch_id, uuid: p.uuid, kind: p.kind, fileName: p.file_name, teamBatchId: answer.teamBatchId, publishedBy: by.login, removed },
      });
    })();
  } finally {
    if (fkWasOn) db.pragma('foreign_keys = ON');
  }
}

/** This workbook's publications the team refused, with the reasons (newest first). */
export function refusedPublications(db: Db): { uuid: string; fileName: string; kind: string; reason: string; at: string }[] {
  return db
    .prepare(`SELECT uuid, file_name AS fileName, kind, reason, answered_at AS at FROM team_publications WHERE status = 'refused' ORDER BY answered_at DESC`)
    .all() as { uuid: string; fileName: string; kind: string; reason: string; at: string }[];
}
