// The writing half of an import, and how it shares the workbook (issue 12.9).
//
// Design. An import holds the workbook's write lock only for short moments, so a
// decision (in the app, or in another program) waits at most for one of them, never
// for the whole file; and nothing half-written is ever visible:
//   1. begin: one short transaction records the import (imports_in_progress, see
//      in-progress.ts: file, program, since when) and reserves its batch id.
//   2. while the file is read, every CHUNK_ROWS rows one short write transaction
//      (BEGIN IMMEDIATE … COMMIT, nothing awaited inside) stores what was read where
//      no query looks: forecast lines under run ids reserved for runs that do not
//      exist yet (new items and locations get reserved keys too), quarantine rows
//      under the batch id that does not exist yet. Between two chunks the
//      transaction is closed: other programs write, and in the app other calls run
//      on the same connection (worker/worker.ts lets them in while the import waits for
//      the reader). Actuals, sales inputs, items and decision history are kept in
//      memory instead: they supersede or update rows in place, which cannot be
//      done out of sight.
//   3. finish: one short final transaction creates the batch, the new items and
//      locations, the runs (which makes their lines visible at once), writes the
//      kinds kept in memory, the audit entry with the fingerprints of every row,
//      and deletes the record. For forecasts it costs a few statements whatever the
//      file's size; for the in-memory kinds it grows with the rows (~1 µs a new
//      row, a few µs one that supersedes another).
// Giving up (a refusal, strict mode, an error) clears what was staged in short
// transactions; a crash leaves the record, and the next opening for writing (or
// the next import) clears the rows of records whose process is gone. `fwb check`
// leaves staged rows out of its findings. Cost: one commit per chunk instead of
// one per file (see README, Benchmarks).
import type { ImportNotice } from '../../../../shared/domain';
import { noRows, tableContent, type BatchContent } from '../../audit/content-digest';
import { importAuditPayload, type ImportBatchRow } from '../../audit/payloads';
import { ensureSealed } from '../../audit/seal';
import type { Db } from '../../db/open';
import { beginImmediate } from '../../db/write-lock';
import { clearAbandonedImports, clearStagedImport, HEARTBEAT_MS, isAbandoned, readImportRecords, startedBy, ImportReservation } from './in-progress';
import { bulkAuditAppender } from '../../audit/bulk-appender';
import type { Grain } from '../../../../shared/period';
import type { DecisionRecord, LineColumns, ValidatedBatch } from '../validated-batch';
import { DecisionWriter } from './decision-writer';
import { ItemWriter } from './item-writer';
import { KeyResolver } from './key-resolver';
import { WalFlusher } from './wal-flush';
import { ForecastWriter, HistoryWriter, type WrittenRun } from './line-writers';
import { withPageCache } from '../../db/page-cache';
import { checkpointInThread } from '../../db/checkpoint-thread';
import { WorkbenchError } from '../../errors';
import { phaseMark } from '../../phase-marks';
import { keyOfBucket, keyToIso } from '../period-keys';
import { ImportRejectedError } from '../import-errors';
import { rememberMapping } from '../read/mapping-store';
import type { OpenedMessage } from '../read/batch-stream';
import { describeOrigins, noOriginReason, orphanRowEntries, seriesKey, SeriesOrigins } from './series-origins';
import type { ImportFileKind, ImportResult, ImportRowError, QuarantineEntry, RawRecord } from '../types';

export interface CommitPlan {
  kind: ImportFileKind;
  file: string;
  size: number;
  sha256: string;
  sourceKey: string;
  grain: Grain;
  strict: boolean;
  user: string | null;
  /** Recorded in import_batches.options. */
  options: Record<string, unknown>;
  /** The mapping to remember for this source (when the user gave overrides). */
  remember: Record<string, string> | null;
  warnings: ImportNotice[];
  /** Who runs the import, for others' busy messages: 'fwb', 'the desktop app', … */
  program: string;
  /** Waits for `work` while letting other calls use the connection (worker/worker.ts); by default simply waits. */
  yieldWhile?: <T>(work: () => Promise<T>) => Promise<T>;
}

const MAX_ERRORS = 100;
/** Rows per write transaction while reading: ~50–150 ms of holding the write lock, ~30 commits per million lines. */
export const CHUNK_ROWS = 32_768;
/** The lock left free after each chunk: several tries of a waiting writer (write-lock.ts). */
const CHUNK_GAP_MS = 5;
/** Page cache while the held rows are written (db/page-cache.ts): the index of current actuals at 1M lines fits. */
const HELD_WRITE_CACHE_KIB = 65_536;

export class Committer {
  private readonly db: Db;
  private readonly at: string;
  private batchId = 0;
  private reservation: ImportReservation | null = null;
  private keys!: KeyResolver;
  private forecasts: ForecastWriter | null = null;
  private history: HistoryWriter | null = null;
  private items: ItemWriter | null = null;
  private readonly decisions: DecisionRecord[] = [];
  /** Forecasts: lines and quarantine written each CHUNK_ROWS rows; the other kinds keep their rows for the final transaction. */
  private readonly staged: boolean;
  /** Batches read and not yet written; for the kinds written at the end, their rows wait here (quarantine aside). */
  private held: ValidatedBatch[] = [];
  private heldRows = 0;
  private kept: ValidatedBatch[] = [];
  /** Quarantine entries counted, not yet written. */
  private unwritten: QuarantineEntry[] = [];
  /** Files without origins: lines held back until every series' origin is known (series-origins.ts). */
  private readonly deferred: LineColumns[] = [];
  private deferOrigin = false;
  private origins: SeriesOrigins | null = null;
  /** Deferring: the file's item and location ids in the validator's numbering, and the rows quarantined whole. */
  private readonly fileItems: string[] = [];
  private readonly fileLocations: string[] = [];
  private readonly rejectedRows = new Set<number>();
  private originNotice: ImportNotice | null = null;
  /** Keys of new items and locations another import created meanwhile: the lines written under them moved (so their fingerprint is read back). */
  private linesMoved = false;
  private fkWasOn = false;
  /** When this import last wrote to its record (Date.now()). */
  private touchedAt = Date.now();
  /** This import has the connection's automatic checkpoints off (holdCheckpoints). */
  private holdsCheckpoints = false;
  /** Flushes the log between chunks, so the final checkpoint finds it on disk already (wal-flush.ts). */
  private walFlusher: WalFlusher | null = null;
  private readonly bulkKind: boolean;
  readonly errors: ImportRowError[] = [];
  rowsRead = 0;
  rowsAccepted = 0;
  rowsQuarantined = 0;
  /** Quarantine entries of single model cells in rows that were otherwise accepted. */
  private cellsQuarantined = 0;
  private quarantineRow!: { run(...args: unknown[]): unknown };
  private readonly yieldWhile: <T>(work: () => Promise<T>) => Promise<T>;

  /** `at`: the import's timestamp (import_batches.imported_at, recorded_at, created_at…). */
  constructor(
    db: Db,
    at: string,
    private readonly plan: CommitPlan,
    private readonly opened: OpenedMessage,
  ) {
    this.db = db;
    this.at = at;
    this.staged = plan.kind === 'forecasts';
    this.bulkKind = plan.kind === 'forecasts' || plan.kind === 'actuals' || plan.kind === 'sales_inputs';
    this.yieldWhile = plan.yieldWhile ?? ((work) => work());
  }

  /** Records the import (its batch id reserved) in a short transaction of its own. */
  begin(): void {
    const { db, plan } = this;
    // Bulk kinds write keys this import resolved itself (items, locations, runs, the batch), so
    // per-row foreign-key probes only cost time (~0.4 s per million lines). Can only change outside a transaction.
    this.fkWasOn = db.pragma('foreign_keys', { simple: true }) === 1;
    holdCheckpoints(db);
    this.holdsCheckpoints = true;
    if (!db.memory) this.walFlusher = new WalFlusher(`${db.name}-wal`);
    // Rows a crashed import left: cleared before this one counts on the ids.
    clearAbandonedImports(db);
    this.reservation = this.transaction(() => {
      if (!plan.options.force) {
        const twin = readImportRecords(db).find((r) => r.sha256 === plan.sha256 && !isAbandoned(r));
        if (twin) throw new WorkbenchError('INPUT_REJECTED', `${plan.file}: already being imported as batch ${twin.batchId} (${startedBy(twin)})`, { file: plan.file, hint: { option: 'force' } });
      }
      return ImportReservation.begin(db, { kind: plan.kind, fileName: plan.file, sha256: plan.sha256, startedAt: this.at, startedBy: plan.user, program: plan.program }, new Date().toISOString());
    }, 'begin');
    this.batchId = this.reservation.batchId;
    this.keys = new KeyResolver(db, this.batchId, this.at, this.reservation, this.staged);
    this.quarantineRow = db.prepare('INSERT INTO quarantine_rows (batch_id, row_number, column_name, reason, raw_text) VALUES (?, ?, ?, ?, ?)');
    const m = this.opened.mapping;
    if (plan.kind === 'forecasts') {
      this.forecasts = new ForecastWriter(db, this.keys, this.batchId, plan.grain, this.at, this.reservation);
      this.deferOrigin = m.fields.origin === undefined && plan.options.origin === undefined;
      if (this.deferOrigin) this.origins = new SeriesOrigins();
    } else if (plan.kind === 'items') {
      this.items = new ItemWriter(db, this.keys, this.batchId);
    }
  }

  /**
   * One write transaction of this import: short, nothing awaited inside, its
   * record checked first and its reserved ids saved last. Foreign keys are off
   * meanwhile (chunks; the bulk kinds' final one too), and on again before any
   * other call can run.
   */
  private transaction<T>(work: () => T, step: 'begin' | 'chunk' | 'final'): T {
    const { db } = this;
    if (db.inTransaction) throw new Error("an import's writes never run inside another transaction");
    // Staged rows point at rows the final transaction creates: while reading, keys are off for every kind.
    const fkOff = this.fkWasOn && (step === 'chunk' || (step === 'final' && this.bulkKind));
    if (fkOff) db.pragma('foreign_keys = OFF');
    try {
      beginImmediate(db);
      try {
        this.reservation?.refresh(db);
        const out = work();
        if (step === 'chunk') this.reservation!.save(db, new Date().toISOString());
        if (step === 'final') this.reservation!.end(db);
        db.exec('COMMIT');
        return out;
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw err;
      }
    } finally {
      if (fkOff) db.pragma('foreign_keys = ON');
    }
  }

  /** True once strict mode has seen a bad row: nothing more is written, errors are still collected. */
  get refused(): boolean {
    return this.plan.strict && this.rowsQuarantined > 0;
  }

  /**
   * Takes one batch from the reader; every CHUNK_ROWS rows, what was read goes to
   * the workbook (unseen until finish). True when it wrote: the caller then lets
   * others in (letOthersIn) before the next batch.
   */
  add(batch: ValidatedBatch): boolean {
    this.rowsRead += batch.rowsRead;
    this.rowsAccepted += batch.rowsAccepted;
    this.cellsQuarantined += batch.cellsQuarantined;
    this.countQuarantine(batch.quarantine);
    this.held.push(batch);
    this.heldRows += batch.rowsRead;
    // The file's size over the bytes read so far, before its first lines are written: how many the newest run's kept lines may be.
    if (this.forecasts && batch.bytesRead > 0) this.forecasts.expectLines(Math.ceil((1.1 * this.plan.size * this.rowsRead) / batch.bytesRead));
    return this.heldRows >= CHUNK_ROWS && this.writeHeld();
  }

  /**
   * A pause between two chunks: the reader is usually ahead, so without one the
   * next chunk would take the lock again within a millisecond, before a writer
   * waiting for it (trying every millisecond, write-lock.ts) could. In the app,
   * other calls run meanwhile. ~30 pauses per million lines.
   */
  letOthersIn(): Promise<void> {
    this.walFlusher?.kick();
    return this.yieldWhile(() => new Promise<void>((resolve) => setTimeout(resolve, CHUNK_GAP_MS)));
  }

  /** Staged kinds: the held batches' rows; the others: only their quarantine rows (their data waits for finish). True when it wrote. */
  private writeHeld(): boolean {
    const batches = this.held;
    this.held = [];
    this.heldRows = 0;
    if (this.refused) {
      this.unwritten = [];
      return false;
    }
    if (!this.staged) {
      // Their quarantine entries are counted (and written below): only their rows wait for finish.
      for (const b of batches) b.quarantine = [];
      this.kept.push(...batches);
      // Nothing to write: only now and then a touch of the record, that others see the import is alive.
      if (this.unwritten.length === 0 && Date.now() - this.touchedAt < HEARTBEAT_MS) return false;
    }
    this.touchedAt = Date.now();
    this.transaction(() => {
      this.writeQuarantine();
      if (this.staged) for (const b of batches) this.apply(b);
    }, 'chunk');
    return true;
  }

  /** A batch's rows into the tables (forecasts: while reading; the other kinds: in the final transaction). */
  private apply(batch: ValidatedBatch): void {
    this.keys.addItems(batch.newItems, true);
    this.keys.addLocations(batch.newLocations);
    this.forecasts?.addRuns(batch.newRuns);
    if (this.origins) {
      this.fileItems.push(...batch.newItems);
      this.fileLocations.push(...batch.newLocations);
      for (const q of batch.quarantine) if (!q.cellOnly) this.rejectedRows.add(q.rowNumber);
    }
    if (batch.lines && batch.lines.count > 0) {
      if (this.origins) {
        this.origins.note(batch.lines);
        this.deferred.push(batch.lines);
      } else if (this.forecasts) this.forecasts.write(batch.lines);
      else this.history!.write(batch.lines);
    }
    if (batch.items) this.items!.write(batch.items);
    if (batch.decisions) this.decisions.push(...batch.decisions);
  }

  private countQuarantine(entries: QuarantineEntry[]): void {
    for (const q of entries) {
      this.rowsQuarantined++;
      if (this.errors.length < MAX_ERRORS) this.errors.push({ row: q.rowNumber, column: q.column, reason: q.reason, ...(q.hint ? { hint: q.hint } : {}) });
      this.unwritten.push(q);
    }
  }

  /** Inside a transaction of this import: quarantine rows counted so far (none once strict mode refused). */
  private writeQuarantine(): void {
    if (!this.refused) for (const q of this.unwritten) this.quarantineRow.run(this.batchId, q.rowNumber, q.column, q.reason, q.raw);
    this.unwritten = [];
  }

  /**
   * A forecast file without origins, once read: each series' origin from its own
   * actuals, its lines into the run of their model at that origin; the rows of series
   * without one into quarantine (read again from `reread` for their raw text), or the
   * whole file refused when no series has one.
   */
  async placeHeldLines(reread: () => AsyncIterable<RawRecord[]>): Promise<void> {
    this.writeHeld();
    const forecasts = this.forecasts;
    if (!forecasts || !this.origins || this.refused) return;
    const { plan } = this;
    const { orphans, seriesByOrigin } = this.origins.resolve(this.db, this.keys, plan.grain);
    if (seriesByOrigin.size === 0 && orphans.length > 0) {
      throw new WorkbenchError(
        'INPUT_REJECTED',
        `${plan.file}: no origin: the file has no origin (or cutoff) column, none was given, and the workbook has no actual of its items before their first forecast period`,
        { file: plan.file, hint: { option: 'origin' } },
      );
    }
    if (orphans.length > 0) {
      const reasons = new Map(orphans.map((o) => [seriesKey(this.fileItems[o.item]!, this.fileLocations[o.location]!), noOriginReason(this.fileItems[o.item]!, this.fileLocations[o.location]!, o.firstPeriod)]));
      const fields = this.opened.mapping.fields;
      const entries = await this.yieldWhile(() => orphanRowEntries(reread(), { item: fields.item_id!, location: fields.location_id }, reasons, this.rejectedRows));
      this.rowsAccepted -= entries.length;
      this.countQuarantine(entries);
      if (this.refused) return;
      // Items this import created have no actuals, so no series of theirs has an origin:
      // with all their rows in quarantine, they are not created after all.
      this.keys.dropCreatedItems(orphans.map((o) => this.fileItems[o.item]!));
    }
    // The held lines go in as the rest did: a chunk per transaction.
    let from = 0;
    while (from < this.deferred.length) {
      let rows = 0;
      let to = from;
      while (to < this.deferred.length && rows < CHUNK_ROWS) rows += this.deferred[to++]!.count;
      const part = this.deferred.slice(from, to);
      this.transaction(() => {
        this.writeQuarantine();
        for (const lines of part) {
          this.origins!.assignRuns(lines, (fileRun, originBucket) => forecasts.runFor(fileRun, keyOfBucket(originBucket, plan.grain)));
          forecasts.write(lines);
        }
      }, 'chunk');
      from = to;
      await this.letOthersIn();
    }
    this.deferred.length = 0;
    if (seriesByOrigin.size > 0) {
      this.originNotice = {
        code: 'origins_from_actuals',
        message: `no origin given: each series' origin is its last actual before its first forecast period: ${describeOrigins(seriesByOrigin)}`,
        hint: { option: 'origin' },
      };
    }
  }

  /** The final transaction: the batch, its new items, runs, held rows and audit entry, all visible at once. */
  finish(): ImportResult {
    this.writeHeld();
    if (this.refused) this.refuse();
    const { plan } = this;
    const warnings = [...plan.warnings];
    let runs: WrittenRun[] = [];
    this.transaction(() => {
      // A workbook's first change by this version seals what older ones wrote; before this batch's rows, so they are not fingerprinted twice.
      ensureSealed(this.db, this.at);
      if (!plan.options.force) {
        const twin = this.db.prepare('SELECT batch_id, imported_at FROM import_batches WHERE sha256 = ? AND undone_at IS NULL ORDER BY batch_id LIMIT 1').get(plan.sha256) as { batch_id: number; imported_at: string } | undefined;
        if (twin) throw new WorkbenchError('INPUT_REJECTED', `${plan.file}: already imported as batch ${twin.batch_id} on ${twin.imported_at.slice(0, 10)}`, { file: plan.file, hint: { option: 'force' } });
      }
      this.createReserved(() => {
        this.db
          .prepare(`INSERT INTO import_batches (batch_id, kind, file_name, file_size, sha256, source, options, imported_by, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)`)
          .run(this.batchId, plan.kind, plan.file, plan.size, plan.sha256, plan.sourceKey, JSON.stringify(plan.options), this.at);
        // imported_by references users: the importer is one already (importFile refuses anyone else).
        if (this.staged) {
          const moved = this.keys.createPending();
          if (moved.items.length > 0 || moved.locations.length > 0) {
            this.forecasts!.moveKeys(moved);
            this.linesMoved = true;
          }
        }
      });
      this.writeQuarantine();
      if (!this.staged) {
        if (plan.kind === 'actuals' || plan.kind === 'sales_inputs') this.history = new HistoryWriter(this.db, plan.kind, this.keys, this.batchId, this.at);
        // A month of every item lands all over the index of current values: its pages kept in memory while written.
        withPageCache(this.db, HELD_WRITE_CACHE_KIB, () => {
          for (const b of this.kept) this.apply(b);
          this.history?.finish();
        });
        this.kept = [];
      }
      if (this.forecasts) {
        if (this.originNotice) warnings.push(this.originNotice);
        runs = this.createReserved(() => this.forecasts!.finish());
      }
      const audit = bulkAuditAppender(this.db);
      if (this.decisions.length > 0) {
        const writer = new DecisionWriter(this.db, this.keys, audit, this.batchId, this.at, plan.user);
        writer.write(this.decisions);
        this.rowsAccepted -= writer.quarantine.length;
        const entries = writer.quarantine.sort((a, b) => a.rowNumber - b.rowNumber);
        this.countQuarantine(entries);
        if (this.refused) this.refuse();
        this.writeQuarantine();
      }
      warnings.push(...this.describeChanges());

      const models = [...new Set(runs.map((r) => r.spec.model))];
      const versions = [...new Set(runs.map((r) => r.spec.modelVersion))];
      const row: ImportBatchRow = {
        batch_id: this.batchId,
        kind: plan.kind,
        file_name: plan.file,
        file_size: plan.size,
        sha256: plan.sha256,
        source: plan.sourceKey,
        options: JSON.stringify(plan.options),
        model_name: models.length > 0 ? models.join(', ') : null,
        model_version: versions.length > 0 ? versions.join(', ') : null,
        rows_read: this.rowsRead,
        rows_accepted: this.rowsAccepted,
        rows_quarantined: this.rowsQuarantined,
        imported_by: plan.user,
        imported_at: this.at,
      };
      this.db
        .prepare('UPDATE import_batches SET model_name = ?, model_version = ?, rows_read = ?, rows_accepted = ?, rows_quarantined = ?, imported_by = ? WHERE batch_id = ?')
        .run(row.model_name, row.model_version, row.rows_read, row.rows_accepted, row.rows_quarantined, row.imported_by, row.batch_id);
      if (plan.remember) rememberMapping(this.db, plan.sourceKey, plan.kind, plan.remember, this.at);
      audit({ at: this.at, actor: plan.user, action: 'import', entity: 'import_batch', entityId: String(this.batchId), payload: importAuditPayload(row, this.content(), this.keys.createdUsers) });
    }, 'final');
    this.reservation?.release();
    this.restoreCheckpoints(true);
    // Committed: the newest run's lines as written, for its scoring next (exceptions/written-lines.ts).
    this.forecasts?.publishNewestRunLines(this.db);
    return {
      batchId: this.batchId,
      kind: plan.kind,
      file: plan.file,
      rowsRead: this.rowsRead,
      rowsAccepted: this.rowsAccepted,
      rowsQuarantined: this.rowsQuarantined,
      runs: runs.map((r) => ({ runId: r.runId, model: r.spec.model, modelVersion: r.spec.modelVersion, origin: keyToIso(r.spec.originKey), lines: r.lines })),
      errors: this.errors,
      warnings,
    };
  }

  /**
   * Rows created under reserved ids: a program that does not know the reservations
   * (an older version, the demo generator) may have taken one meanwhile.
   */
  private createReserved<T>(work: () => T): T {
    try {
      return work();
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (!code.startsWith('SQLITE_CONSTRAINT')) throw err;
      throw new WorkbenchError(
        'INPUT_REJECTED',
        `${this.plan.file}: another program added rows to the workbook meanwhile under the ids this import had set aside (${(err as Error).message}); nothing was imported: import the file again`,
        { file: this.plan.file },
      );
    }
  }

  /** Fingerprints of what this batch wrote: lines and history rows as they went in, its few runs read back. */
  private content(): BatchContent {
    const history = this.history?.digest.result() ?? noRows();
    return {
      runs: tableContent(this.db, 'runs', this.batchId),
      lines: this.linesMoved ? tableContent(this.db, 'lines', this.batchId) : (this.forecasts?.digest.result() ?? noRows()),
      actuals: this.plan.kind === 'actuals' ? history : noRows(),
      salesInputs: this.plan.kind === 'sales_inputs' ? history : noRows(),
    };
  }

  private describeChanges(): ImportNotice[] {
    const out: ImportNotice[] = [];
    const list = (ids: string[]) => `${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ` and ${ids.length - 10} more` : ''}`;
    const { createdItems, createdLocations } = this.keys;
    if (createdItems.length > 0) out.push({ code: 'items_created', message: `created ${createdItems.length} new item${createdItems.length > 1 ? 's' : ''}: ${list(createdItems)}` });
    if (createdLocations.length > 0) out.push({ code: 'locations_created', message: `created ${createdLocations.length} new location${createdLocations.length > 1 ? 's' : ''}: ${list(createdLocations)}` });
    if (this.history && (this.history.superseded > 0 || this.history.unchanged > 0)) {
      out.push({ code: 'values_superseded', message: `${this.history.superseded} earlier value${this.history.superseded === 1 ? '' : 's'} superseded (kept in history), ${this.history.unchanged} unchanged` });
    }
    if (this.cellsQuarantined > 0) {
      const n = this.cellsQuarantined;
      out.push({ code: 'model_cells_quarantined', message: `${n} model${n === 1 ? "'s forecast was" : "s' forecasts were"} quarantined in rows whose other models were imported` });
    }
    if (this.items) out.push({ code: 'items_written', message: `${this.items.created} items added, ${this.items.updated} updated` });
    return out;
  }

  /** Strict mode: refuse the file, naming its first bad row (what was staged is cleared by abandon()). */
  private refuse(): never {
    const first = this.errors[0]!;
    const where = `row ${first.row}${first.column ? `, column ${first.column}` : ''}`;
    throw new ImportRejectedError(
      `${this.plan.file}: refused (strict): ${where}: ${first.reason}${this.rowsQuarantined > 1 ? ` (${this.rowsQuarantined} bad rows in all)` : ''}; nothing was imported`,
      { file: this.plan.file, row: first.row, column: first.column ?? undefined },
      this.errors,
      { rowsRead: this.rowsRead, rowsQuarantined: this.rowsQuarantined },
    );
  }

  /**
   * The import is given up: what it staged goes, in short transactions. When even
   * that cannot be done now (another program holds the workbook), the record stays
   * and the next opening, or import, clears it.
   */
  abandon(): void {
    const reservation = this.reservation;
    this.reservation = null;
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    try {
      if (reservation) clearStagedImport(this.db, { batchId: reservation.batchId, runIds: [...reservation.reservedRuns] });
    } catch {
      // Left for clearAbandonedImports: nobody sees the rows meanwhile.
    } finally {
      reservation?.release();
      this.restoreCheckpoints(false);
    }
  }

  private restoreCheckpoints(checkpointNow: boolean): void {
    this.walFlusher?.close();
    this.walFlusher = null;
    if (!this.holdsCheckpoints) return;
    this.holdsCheckpoints = false;
    releaseCheckpoints(this.db, checkpointNow, this.rowsAccepted);
  }
}

/**
 * One checkpoint after an import, as a single transaction had: one after each
 * chunk's commit would copy the growing log into the file again and again (~10 %
 * of an import's time). Counted per connection: the app may run two imports at once.
 */
const checkpointHolds = new WeakMap<Db, { imports: number; autocheckpoint: number }>();

function holdCheckpoints(db: Db): void {
  const hold = checkpointHolds.get(db);
  if (hold) {
    hold.imports++;
    return;
  }
  checkpointHolds.set(db, { imports: 1, autocheckpoint: db.pragma('wal_autocheckpoint', { simple: true }) as number });
  db.pragma('wal_autocheckpoint = 0');
}

function releaseCheckpoints(db: Db, checkpointNow: boolean, rowsWritten: number): void {
  const hold = checkpointHolds.get(db);
  if (!hold) return;
  hold.imports -= 1;
  if (hold.imports > 0) return;
  checkpointHolds.delete(db);
  db.pragma(`wal_autocheckpoint = ${hold.autocheckpoint}`);
  // PASSIVE: copies what no reader still needs, and never waits for anyone; on another thread when one can be had
  // (db/checkpoint-thread.ts), while this one computes and writes the new run's scores.
  phaseMark('final transaction done');
  if (checkpointNow && !checkpointInThread(db, rowsWritten)) db.pragma('wal_checkpoint(PASSIVE)');
  phaseMark('checkpointed');
}
