// The record an import under way keeps in the workbook (imports_in_progress,
// migration 6): which file, since when, by which program; the batch id it will
// commit as; the ids it has reserved for the runs, items and locations its final
// transaction creates. The design of the whole is at the top of committer.ts.
//
// Ids: an import writes its forecast lines long before it creates their runs and
// new items, so it reserves their ids. Every key our importers create is taken
// above both the table's largest and the largest any record has reserved, read in
// the same write transaction, so two imports (in two processes) never collide;
// a program that does not know the records (the demo generator on an empty
// workbook, an older version) may still take one, which the final transaction
// finds and refuses cleanly.
//
// Liveness: a record whose process is gone (same machine, no such pid; or this
// very thread, no longer running it), or that nobody has touched for half an hour,
// is an interrupted import; its rows are cleared at the next opening for writing,
// or when an import starts.
import { hostname } from 'node:os';
import type { Db } from '../../db/open';
import { WorkbenchError } from '../../errors';

export interface ImportRecord {
  batchId: number;
  kind: string;
  fileName: string;
  sha256: string | null;
  startedAt: string;
  startedBy: string | null;
  program: string;
  pid: number;
  host: string;
  thread: number;
  heartbeatAt: string | null;
  runIds: number[];
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "started 10:31 by fwb" (today), "started 2026-11-03 10:31 by sam in the desktop app": local time, the person's own clock. */
export function startedBy(r: Pick<ImportRecord, 'startedAt' | 'startedBy' | 'program'>, now = new Date()): string {
  const t = new Date(r.startedAt);
  const time = `${pad(t.getHours())}:${pad(t.getMinutes())}`;
  const when = Number.isNaN(t.getTime()) ? r.startedAt : t.toDateString() === now.toDateString() ? time : `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${time}`;
  return `started ${when} by ${r.startedBy ? `${r.startedBy} in ${r.program}` : r.program}`;
}

/**
 * A record that has not been touched for this long is taken for gone, wherever its
 * process runs (another machine, or a pid reused since): a live import touches its
 * record at least every HEARTBEAT_MS while it reads.
 */
const STALE_MS = 30 * 60_000;
export const HEARTBEAT_MS = 10_000;

/** Batches this thread is importing now: its own records that are not in here are leftovers. */
const running = new Set<number>();

export function hasImportRecords(db: Db): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'imports_in_progress'").get() !== undefined;
}

export function readImportRecords(db: Db): ImportRecord[] {
  if (!hasImportRecords(db)) return [];
  const rows = db
    .prepare(
      `SELECT batch_id AS batchId, kind, file_name AS fileName, sha256, started_at AS startedAt, started_by AS startedBy, program, pid, host, thread,
              heartbeat_at AS heartbeatAt, run_ids AS runIds
         FROM imports_in_progress ORDER BY batch_id`,
    )
    .all() as (Omit<ImportRecord, 'runIds'> & { runIds: string })[];
  return rows.map((r) => ({ ...r, runIds: JSON.parse(r.runIds) as number[] }));
}

/** This thread's id, taken when asked: node:worker_threads loads Node's streams, which a read (fwb accuracy) never needs. */
const threadId = () => process.getBuiltinModule('node:worker_threads').threadId;

const isOurs = (r: ImportRecord) => r.host === hostname() && r.pid === process.pid && r.thread === threadId();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function isAbandoned(r: ImportRecord, now = Date.now()): boolean {
  if (r.host === hostname() && r.pid === process.pid && r.thread === threadId()) return !running.has(r.batchId);
  if (now - Date.parse(r.heartbeatAt ?? r.startedAt) > STALE_MS) return true;
  return r.host === hostname() && r.pid !== process.pid && !processAlive(r.pid);
}

/** Imports under way in other programs (or other threads of this one): what a busy workbook is most likely busy with. */
export function othersImporting(db: Db): ImportRecord[] {
  return readImportRecords(db).filter((r) => !isOurs(r) && !isAbandoned(r));
}

/** SQL: the run ids imports under way have reserved (their lines are staged; the runs do not exist yet). */
export const STAGED_RUN_IDS_SQL = 'SELECT j.value FROM imports_in_progress p, json_each(p.run_ids) j';

/** Reserved ids that stand for rows nobody can see yet: lines of these runs, quarantine rows of these batches. */
export function stagedRowOwners(db: Db): { runIds: Set<number>; batchIds: Set<number> } {
  const records = readImportRecords(db);
  return { runIds: new Set(records.flatMap((r) => r.runIds)), batchIds: new Set(records.map((r) => r.batchId)) };
}

const DELETE_CHUNK = 20_000;

/**
 * Removes what an import staged (its lines, its quarantine rows) and its record,
 * in short transactions: the rows are invisible, so removing them piecemeal shows
 * nothing half-done. Foreign keys are off meanwhile, as for the import itself: no
 * row can point at a staged line, and each probe would cost a scan.
 */
export function clearStagedImport(db: Db, record: Pick<ImportRecord, 'batchId' | 'runIds'>): void {
  const fkWasOn = db.pragma('foreign_keys', { simple: true }) === 1;
  if (fkWasOn) db.pragma('foreign_keys = OFF');
  try {
    const lines = db.prepare(`DELETE FROM forecast_lines WHERE line_id IN (SELECT line_id FROM forecast_lines WHERE run_id = ? LIMIT ${DELETE_CHUNK})`);
    const hasRun = db.prepare('SELECT 1 FROM forecast_runs WHERE run_id = ?');
    for (const runId of record.runIds) {
      // A run that exists belongs to whoever created it (this import never did, or it would have no record).
      if (hasRun.get(runId)) continue;
      while (lines.run(runId).changes > 0);
    }
    const quarantine = db.prepare(`DELETE FROM quarantine_rows WHERE quarantine_id IN (SELECT quarantine_id FROM quarantine_rows WHERE batch_id = ? LIMIT ${DELETE_CHUNK})`);
    if (!db.prepare('SELECT 1 FROM import_batches WHERE batch_id = ?').get(record.batchId)) while (quarantine.run(record.batchId).changes > 0);
    db.prepare('DELETE FROM imports_in_progress WHERE batch_id = ?').run(record.batchId);
  } finally {
    if (fkWasOn) db.pragma('foreign_keys = ON');
  }
  running.delete(record.batchId);
}

/** Clears the rows of imports whose program is gone; returns how many. Busy: left for the next time. */
export function clearAbandonedImports(db: Db): number {
  if (db.readonly || db.inTransaction) return 0;
  let cleared = 0;
  for (const r of readImportRecords(db)) {
    if (!isAbandoned(r)) continue;
    clearStagedImport(db, r);
    cleared++;
  }
  return cleared;
}

export interface ImportStart {
  kind: string;
  fileName: string;
  sha256: string;
  startedAt: string;
  startedBy: string | null;
  program: string;
}

/**
 * This import's record and the ids it hands out. Every method runs inside one of
 * the import's write transactions (committer.ts): refresh() first, save() last.
 */
export class ImportReservation {
  private itemFloor = 0;
  private locationFloor = 0;
  private runFloor = 0;
  private itemsTaken = false;
  private locationsTaken = false;
  private readonly runIds: number[] = [];
  private runsTaken = false;

  private constructor(readonly batchId: number) {}

  /** Takes the next batch id (above every batch and every record) and records the import. */
  static begin(db: Db, start: ImportStart, at: string): ImportReservation {
    const batchId =
      (db.prepare('SELECT max(coalesce((SELECT max(batch_id) FROM import_batches), 0), coalesce((SELECT max(batch_id) FROM imports_in_progress), 0))').pluck().get() as number) + 1;
    db.prepare(
      `INSERT INTO imports_in_progress (batch_id, kind, file_name, sha256, started_at, started_by, program, pid, host, thread, heartbeat_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(batchId, start.kind, start.fileName, start.sha256, start.startedAt, start.startedBy, start.program, process.pid, hostname(), threadId(), at);
    running.add(batchId);
    return new ImportReservation(batchId);
  }

  /** Still ours (an import taken for abandoned may have been cleared), and where the ids stand now. */
  refresh(db: Db): void {
    if (!db.prepare('SELECT 1 FROM imports_in_progress WHERE batch_id = ?').get(this.batchId)) {
      throw new WorkbenchError('INTERNAL', `the import (batch ${this.batchId}) was taken for abandoned and cleared by another program meanwhile; nothing of it was kept: import the file again`);
    }
    const floors = db
      .prepare(
        `SELECT max(coalesce((SELECT max(item_key) FROM items), 0), coalesce((SELECT max(max_item_key) FROM imports_in_progress), 0)) AS items,
                max(coalesce((SELECT max(location_key) FROM locations), 0), coalesce((SELECT max(max_location_key) FROM imports_in_progress), 0)) AS locations,
                max(coalesce((SELECT max(run_id) FROM forecast_runs), 0), coalesce((SELECT max(j.value) FROM imports_in_progress p, json_each(p.run_ids) j), 0)) AS runs`,
      )
      .get() as { items: number; locations: number; runs: number };
    this.itemFloor = floors.items;
    this.locationFloor = floors.locations;
    this.runFloor = floors.runs;
  }

  itemKey(): number {
    this.itemsTaken = true;
    return ++this.itemFloor;
  }

  locationKey(): number {
    this.locationsTaken = true;
    return ++this.locationFloor;
  }

  runId(): number {
    const id = ++this.runFloor;
    this.runIds.push(id);
    this.runsTaken = true;
    return id;
  }

  /** The runs whose lines this import has written (or is about to). */
  get reservedRuns(): readonly number[] {
    return this.runIds;
  }

  /** Records the ids taken since refresh(), and that the import is still at work. */
  save(db: Db, at: string): void {
    const sets = ['heartbeat_at = @at'];
    if (this.itemsTaken) sets.push('max_item_key = @items');
    if (this.locationsTaken) sets.push('max_location_key = @locations');
    if (this.runsTaken) sets.push('run_ids = @runs');
    db.prepare(`UPDATE imports_in_progress SET ${sets.join(', ')} WHERE batch_id = @batch`).run({
      at,
      items: this.itemFloor,
      locations: this.locationFloor,
      runs: JSON.stringify(this.runIds),
      batch: this.batchId,
    });
    this.itemsTaken = this.locationsTaken = this.runsTaken = false;
  }

  /** In the final transaction: the import is done, its rows are the workbook's. */
  end(db: Db): void {
    db.prepare('DELETE FROM imports_in_progress WHERE batch_id = ?').run(this.batchId);
  }

  /** After the final transaction committed (or the import was given up). */
  release(): void {
    running.delete(this.batchId);
  }
}
