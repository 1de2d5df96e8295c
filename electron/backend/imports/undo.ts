// Undo of an import batch that nothing depends on yet: a mis-mapped file is taken
// back and imported again, without --force. The batch's rows go (its runs and their
// lines, its actuals or sales inputs, the items it created that nothing else uses);
// values it had superseded are current again; the provenance record stays, marked
// with who undid it and when, and the undo is audited. Refused, naming what depends
// on the batch, while anything does: decisions on its lines, a release of its runs,
// an open drift alert raised since its actuals came in, data using the items it
// created — or any other table that points at its rows (found from the schema's
// foreign keys, so a table added later blocks an undo rather than dangle).
import type { ImportKind, ImportUndoOutcome } from '../../../shared/domain';
import { appendAudit } from '../audit/chain';
import type { Db } from '../db/open';
import { WorkbenchError } from '../errors';
import { keyToIso } from './period-keys';

interface BatchRow {
  batch_id: number;
  kind: ImportKind;
  file_name: string;
  sha256: string | null;
  rows_accepted: number;
  imported_at: string;
  undone_at: string | null;
  undone_by: string | null;
}

interface ForeignKey {
  table: string;
  column: string;
  /** ON DELETE CASCADE: derived data that goes with its parent row. */
  cascade: boolean;
}

const TABLE_WORDS: Record<string, string> = { forecast_lines: 'forecast lines', actuals: 'actuals', sales_inputs: 'sales inputs' };

/** Tables (other than `parent` itself) whose rows point at `parent`, from the schema. */
function childrenOf(db: Db, parent: string): ForeignKey[] {
  return (
    db
      .prepare(
        `SELECT m.name AS tbl, f."from" AS col, f.on_delete AS onDelete
           FROM sqlite_master m, pragma_foreign_key_list(m.name) f
          WHERE m.type = 'table' AND f."table" = ? AND m.name <> ?`,
      )
      .all(parent, parent) as { tbl: string; col: string; onDelete: string }[]
  ).map((r) => ({ table: r.tbl, column: r.col, cascade: r.onDelete.toUpperCase() === 'CASCADE' }));
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function refuse(batch: BatchRow, why: string): never {
  throw new WorkbenchError('INPUT_REJECTED', `batch ${batch.batch_id} (${batch.file_name}) cannot be undone: ${why}`);
}

// ——— what depends on a batch ———

const RUNS_OF_BATCH = 'SELECT run_id FROM forecast_runs WHERE batch_id = @batch';
const LINES_OF_BATCH = `SELECT line_id FROM forecast_lines WHERE run_id IN (${RUNS_OF_BATCH})`;

function runDependents(db: Db, batchId: number): string[] {
  const runs = new Map(
    (db.prepare('SELECT run_id, model_name, model_version, origin FROM forecast_runs WHERE batch_id = ?').all(batchId) as { run_id: number; model_name: string; model_version: string; origin: number }[]).map((r) => [
      r.run_id,
      `run ${r.run_id} (${r.model_name}${r.model_version ? ` ${r.model_version}` : ''}, origin ${keyToIso(r.origin)})`,
    ]),
  );
  const out: string[] = [];
  const decided = db
    .prepare(
      `SELECT fl.run_id, count(*) AS n, group_concat(DISTINCT d.batch_id) AS batches, sum(d.batch_id IS NULL) AS here
         FROM decisions d JOIN forecast_lines fl ON fl.line_id = d.line_id
        WHERE fl.run_id IN (${RUNS_OF_BATCH}) GROUP BY fl.run_id ORDER BY fl.run_id`,
    )
    .all({ batch: batchId }) as { run_id: number; n: number; batches: string | null; here: number }[];
  for (const d of decided) {
    const from = d.here === 0 && d.batches ? ` (from batch ${d.batches.split(',').join(', ')})` : '';
    out.push(`${runs.get(d.run_id)} has ${plural(d.n, 'decision')} on its lines${from}`);
  }
  const released = db.prepare(`SELECT run_id, max(version) AS version FROM releases WHERE run_id IN (${RUNS_OF_BATCH}) GROUP BY run_id ORDER BY run_id`).all({ batch: batchId }) as { run_id: number; version: number }[];
  for (const r of released) out.push(`${runs.get(r.run_id)} was released (version ${r.version})`);
  if (out.length > 0) return out;
  // Anything else pointing at the runs or their lines (line_state and release_lines follow decisions and releases).
  for (const [parent, rows] of [['forecast_runs', RUNS_OF_BATCH], ['forecast_lines', LINES_OF_BATCH]] as const) {
    for (const fk of childrenOf(db, parent)) {
      if (fk.cascade || (parent === 'forecast_lines' && fk.table === 'forecast_runs')) continue;
      const n = db.prepare(`SELECT count(*) FROM "${fk.table}" WHERE "${fk.column}" IN (${rows})`).pluck().get({ batch: batchId }) as number;
      if (n > 0) out.push(`${plural(n, 'row')} of ${fk.table} refer to its ${parent === 'forecast_runs' ? 'runs' : 'forecast lines'}`);
    }
  }
  return out;
}

function historyDependents(db: Db, batch: BatchRow, table: 'actuals' | 'sales_inputs'): string[] {
  const out: string[] = [];
  if (table === 'actuals') {
    // New actuals are what the drift guard acts on: an alert raised since may rest on them.
    const alerts = db
      .prepare('SELECT segment_type, segment_value, raised_at FROM drift_alerts WHERE resolved_at IS NULL AND raised_at >= ? ORDER BY alert_id')
      .all(batch.imported_at) as { segment_type: string; segment_value: string; raised_at: string }[];
    if (alerts.length > 0) {
      const segments = alerts.map((a) => (a.segment_type === 'all' ? 'all items' : `${a.segment_type.replace('_', ' ')} ${a.segment_value}`)).join(', ');
      out.push(`the drift guard raised ${alerts.length === 1 ? 'an alert' : 'alerts'} for ${segments} since it came in (${alerts[0]!.raised_at.slice(0, 16).replace('T', ' ')}); a manager must resolve ${alerts.length === 1 ? 'it' : 'them'} first`);
    }
  }
  const idColumn = table === 'actuals' ? 'actual_id' : 'sales_input_id';
  for (const fk of childrenOf(db, table)) {
    if (fk.cascade) continue;
    const n = db.prepare(`SELECT count(*) FROM "${fk.table}" WHERE "${fk.column}" IN (SELECT ${idColumn} FROM ${table} WHERE batch_id = ?)`).pluck().get(batch.batch_id) as number;
    if (n > 0) out.push(`${plural(n, 'row')} of ${fk.table} refer to its ${TABLE_WORDS[table]}`);
  }
  return out;
}

/** Which of the batch's created items each table still uses (one scan per table). */
function itemsInUse(db: Db, batchId: number): Map<string, string[]> {
  const used = new Map<string, string[]>();
  for (const fk of childrenOf(db, 'items')) {
    const ids = db
      .prepare(`SELECT i.item_id FROM items i WHERE i.batch_id = ? AND i.item_key IN (SELECT DISTINCT "${fk.column}" FROM "${fk.table}") ORDER BY i.item_key`)
      .pluck()
      .all(batchId) as string[];
    for (const id of ids) used.set(id, [...(used.get(id) ?? []), TABLE_WORDS[fk.table] ?? fk.table]);
  }
  return used;
}

function itemBatchDependents(db: Db, batch: BatchRow): string[] {
  const created = db.prepare('SELECT count(*) FROM items WHERE batch_id = ?').pluck().get(batch.batch_id) as number;
  const changed = batch.rows_accepted - created;
  if (changed > 0) {
    return [`it also changed ${plural(changed, 'item')} that ${changed === 1 ? 'was' : 'were'} in the workbook before it, whose earlier values are not kept (import the earlier item file again instead)`];
  }
  const used = itemsInUse(db, batch.batch_id);
  if (used.size === 0) return [];
  const ids = [...used.keys()];
  const tables = [...new Set([...used.values()].flat())];
  const list = `${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ` and ${ids.length - 5} more` : ''}`;
  return [`${ids.length === 1 ? 'item' : 'items'} ${list} ${ids.length === 1 ? 'is' : 'are'} used by ${tables.join(' and ')}`];
}

// ——— taking the rows back ———

export interface Removed {
  runs: number;
  forecastLines: number;
  actuals: number;
  salesInputs: number;
  items: number;
}

/** Runs and lines; the derived rows that cascade from them go too (foreign keys are off meanwhile). */
export function removeRuns(db: Db, batchId: number, removed: Removed): void {
  for (const fk of childrenOf(db, 'forecast_lines')) if (fk.cascade) db.prepare(`DELETE FROM "${fk.table}" WHERE "${fk.column}" IN (${LINES_OF_BATCH})`).run({ batch: batchId });
  for (const fk of childrenOf(db, 'forecast_runs')) {
    if (fk.cascade && fk.table !== 'forecast_lines') db.prepare(`DELETE FROM "${fk.table}" WHERE "${fk.column}" IN (${RUNS_OF_BATCH})`).run({ batch: batchId });
  }
  removed.forecastLines = db.prepare(`DELETE FROM forecast_lines WHERE run_id IN (${RUNS_OF_BATCH})`).run({ batch: batchId }).changes;
  removed.runs = db.prepare('DELETE FROM forecast_runs WHERE batch_id = ?').run(batchId).changes;
}

/** The batch's values go; where that leaves a key without a current value, its latest earlier one is current again. */
export function removeHistory(db: Db, batchId: number, table: 'actuals' | 'sales_inputs'): { removed: number; restored: number } {
  const id = table === 'actuals' ? 'actual_id' : 'sales_input_id';
  db.exec('DROP TABLE IF EXISTS temp.undo_keys');
  db.prepare(`CREATE TEMP TABLE undo_keys AS SELECT DISTINCT item_key, location_key, period FROM ${table} WHERE batch_id = ?`).run(batchId);
  const removed = db.prepare(`DELETE FROM ${table} WHERE batch_id = ?`).run(batchId).changes;
  const restored = db
    .prepare(
      `UPDATE ${table} SET superseded_at = NULL WHERE ${id} IN (
         SELECT max(x.${id}) FROM ${table} x JOIN temp.undo_keys k ON k.item_key = x.item_key AND k.location_key = x.location_key AND k.period = x.period
          GROUP BY x.item_key, x.location_key, x.period HAVING sum(x.superseded_at IS NULL) = 0)`,
    )
    .run().changes;
  db.exec('DROP TABLE temp.undo_keys');
  return { removed, restored };
}

/** Items the batch created that nothing uses any more go; the others stay (and are named). */
function removeCreatedItems(db: Db, batchId: number): { removed: number; kept: string[] } {
  const kept = [...itemsInUse(db, batchId).keys()];
  const removed = db.prepare('DELETE FROM items WHERE batch_id = ? AND item_id NOT IN (SELECT value FROM json_each(?))').run(batchId, JSON.stringify(kept)).changes;
  return { removed, kept };
}

/** `by.user`: a person of the workbook (the caller checked who they are), or null for an anonymous pipeline, as imports allow. */
export function undoImportBatch(db: Db, batchId: number, by: { user: string | null; at: string }): ImportUndoOutcome {
  if (by.user !== null && db.prepare('SELECT 1 FROM users WHERE user_id = ?').get(by.user) === undefined) {
    throw new WorkbenchError('NOT_FOUND', `nobody with the id ${by.user} works in this workbook`);
  }
  const batch = db
    .prepare('SELECT batch_id, kind, file_name, sha256, rows_accepted, imported_at, undone_at, undone_by FROM import_batches WHERE batch_id = ?')
    .get(batchId) as BatchRow | undefined;
  if (!batch) throw new WorkbenchError('NOT_FOUND', `there is no import batch ${batchId}`);
  if (batch.undone_at !== null) {
    throw new WorkbenchError('INPUT_REJECTED', `batch ${batchId} (${batch.file_name}) was already undone on ${batch.undone_at.slice(0, 10)}${batch.undone_by ? ` by ${batch.undone_by}` : ''}`);
  }
  if (batch.kind === 'demo') refuse(batch, 'it is the demo data; start a new workbook instead');
  if (batch.kind === 'decisions') refuse(batch, 'decision history is part of the decisions journal, which is append-only; its decisions stay as the record of what was decided');
  const blockers =
    batch.kind === 'forecasts' ? runDependents(db, batchId) : batch.kind === 'items' ? itemBatchDependents(db, batch) : historyDependents(db, batch, batch.kind);
  if (blockers.length > 0) refuse(batch, blockers.join('; '));

  const removed: Removed = { runs: 0, forecastLines: 0, actuals: 0, salesInputs: 0, items: 0 };
  let restored = 0;
  let keptItems: string[] = [];
  // Nothing points at these rows (checked above, from the schema): foreign-key probes per
  // deleted line would only cost time (release_lines has no index on line_id).
  const fkWasOn = db.pragma('foreign_keys', { simple: true }) === 1;
  if (fkWasOn) db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      if (batch.kind === 'forecasts') removeRuns(db, batchId, removed);
      if (batch.kind === 'actuals' || batch.kind === 'sales_inputs') {
        const h = removeHistory(db, batchId, batch.kind);
        if (batch.kind === 'actuals') removed.actuals = h.removed;
        else removed.salesInputs = h.removed;
        restored = h.restored;
      }
      const items = removeCreatedItems(db, batchId);
      removed.items = items.removed;
      keptItems = items.kept;
      db.prepare('UPDATE import_batches SET undone_at = ?, undone_by = ? WHERE batch_id = ?').run(by.at, by.user, batchId);
      appendAudit(db, {
        at: by.at,
        actor: by.user,
        action: 'import.undo',
        entity: 'import_batch',
        entityId: String(batchId),
        payload: { batchId, kind: batch.kind, fileName: batch.file_name, sha256: batch.sha256, undoneAt: by.at, undoneBy: by.user, removed, restored, keptItems },
      });
      // Derived figures follow by themselves: an undone batch moves the imports' stamp (derived/sources.ts).
    })();
  } finally {
    if (fkWasOn) db.pragma('foreign_keys = ON');
  }
  return { batchId, kind: batch.kind, fileName: batch.file_name, undoneAt: by.at, undoneBy: by.user, removed, restored, keptItems };
}
