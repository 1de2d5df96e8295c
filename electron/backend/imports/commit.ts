// The writing half of an import: everything happens in ONE transaction — the
// batch row, new items, runs, lines, quarantine, remembered mapping, audit — so
// a crash or a refusal leaves nothing behind. Batches arrive while the reader
// is still parsing; the transaction stays open across those awaits.
import type { ImportNotice } from '../../../shared/domain';
import { noRows, tableContent, type BatchContent } from '../audit/content-digest';
import { importAuditPayload, type ImportBatchRow } from '../audit/payloads';
import { ensureSealed } from '../audit/seal';
import type { Db } from '../db/open';
import { bulkAuditAppender } from '../demo/audit-writer';
import type { Grain } from '../../../shared/period';
import type { DecisionRecord, LineColumns, ValidatedBatch } from './batch';
import { DecisionWriter } from './commit-decisions';
import { ItemWriter } from './commit-items';
import { KeyResolver } from './commit-keys';
import { ForecastWriter, HistoryWriter, type WrittenRun } from './commit-lines';
import { WorkbenchError } from '../errors';
import { keyOfBucket, keyToIso } from './grid';
import { ImportRejectedError } from './import-errors';
import { rememberMapping } from './mapping-store';
import type { OpenedMessage } from './produce';
import { describeOrigins, noOriginReason, orphanRowEntries, seriesKey, SeriesOrigins } from './series-origins';
import type { ImportFileKind, ImportResult, ImportRowError, QuarantineEntry, RawRecord } from './types';

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
}

const MAX_ERRORS = 100;

export class Committer {
  private readonly db: Db;
  private readonly at: string;
  private batchId = 0;
  private keys!: KeyResolver;
  private forecasts: ForecastWriter | null = null;
  private history: HistoryWriter | null = null;
  private items: ItemWriter | null = null;
  private readonly decisions: DecisionRecord[] = [];
  /** Files without origins: lines held back until every series' origin is known (series-origins.ts). */
  private readonly deferred: LineColumns[] = [];
  private deferOrigin = false;
  private origins: SeriesOrigins | null = null;
  /** Deferring: the file's item and location ids in the validator's numbering, and the rows quarantined whole. */
  private readonly fileItems: string[] = [];
  private readonly fileLocations: string[] = [];
  private readonly rejectedRows = new Set<number>();
  private originNotice: ImportNotice | null = null;
  private fkWasOn = false;
  private open = false;
  readonly errors: ImportRowError[] = [];
  rowsRead = 0;
  rowsAccepted = 0;
  rowsQuarantined = 0;
  /** Quarantine entries of single model cells in rows that were otherwise accepted. */
  private cellsQuarantined = 0;
  private quarantineRow!: { run(...args: unknown[]): unknown };

  /** `at`: the import's timestamp (import_batches.imported_at, recorded_at, created_at…). */
  constructor(
    db: Db,
    at: string,
    private readonly plan: CommitPlan,
    private readonly opened: OpenedMessage,
  ) {
    this.db = db;
    this.at = at;
  }

  begin(): void {
    const { db, plan } = this;
    // Bulk kinds write keys this import resolved itself (items, locations, runs, the batch), so
    // per-row foreign-key probes only cost time (~0.4 s per million lines). Can only change outside a transaction.
    this.fkWasOn = db.pragma('foreign_keys', { simple: true }) === 1;
    const bulk = plan.kind === 'forecasts' || plan.kind === 'actuals' || plan.kind === 'sales_inputs';
    if (bulk && this.fkWasOn) db.pragma('foreign_keys = OFF');
    db.exec('BEGIN IMMEDIATE');
    this.open = true;
    // A workbook's first change by this version seals what older ones wrote; before this batch's rows, so they are not fingerprinted twice.
    ensureSealed(db, this.at);
    this.batchId = Number(
      db
        .prepare(`INSERT INTO import_batches (kind, file_name, file_size, sha256, source, options, imported_by, imported_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)`)
        .run(plan.kind, plan.file, plan.size, plan.sha256, plan.sourceKey, JSON.stringify(plan.options), this.at).lastInsertRowid,
    );
    this.keys = new KeyResolver(db, this.batchId, this.at);
    this.quarantineRow = db.prepare('INSERT INTO quarantine_rows (batch_id, row_number, column_name, reason, raw_text) VALUES (?, ?, ?, ?, ?)');
    const m = this.opened.mapping;
    if (plan.kind === 'forecasts') {
      this.forecasts = new ForecastWriter(db, this.keys, this.batchId, plan.grain, this.at);
      this.deferOrigin = m.fields.origin === undefined && plan.options.origin === undefined;
      if (this.deferOrigin) this.origins = new SeriesOrigins();
    } else if (plan.kind === 'actuals' || plan.kind === 'sales_inputs') {
      this.history = new HistoryWriter(db, plan.kind, this.keys, this.batchId, this.at);
    } else if (plan.kind === 'items') {
      this.items = new ItemWriter(db, this.keys, this.batchId);
    }
  }

  /** True once strict mode has seen a bad row: nothing more is written, errors are still collected. */
  get refused(): boolean {
    return this.plan.strict && this.rowsQuarantined > 0;
  }

  add(batch: ValidatedBatch): void {
    this.rowsRead += batch.rowsRead;
    this.rowsAccepted += batch.rowsAccepted;
    this.cellsQuarantined += batch.cellsQuarantined;
    this.addQuarantine(batch.quarantine);
    if (this.refused) return;
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

  private addQuarantine(entries: QuarantineEntry[]): void {
    for (const q of entries) {
      this.rowsQuarantined++;
      if (this.errors.length < MAX_ERRORS) this.errors.push({ row: q.rowNumber, column: q.column, reason: q.reason, ...(q.hint ? { hint: q.hint } : {}) });
      if (!this.refused) this.quarantineRow.run(this.batchId, q.rowNumber, q.column, q.reason, q.raw);
    }
  }

  /**
   * A forecast file without origins, once read: each series' origin from its own
   * actuals, its lines into the run of their model at that origin; the rows of series
   * without one into quarantine (read again from `reread` for their raw text), or the
   * whole file refused when no series has one.
   */
  async placeHeldLines(reread: () => AsyncIterable<RawRecord[]>): Promise<void> {
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
      const entries = await orphanRowEntries(reread(), { item: fields.item_id!, location: fields.location_id }, reasons, this.rejectedRows);
      this.rowsAccepted -= entries.length;
      this.addQuarantine(entries);
      if (this.refused) return;
      // Items this import created have no actuals, so no series of theirs has an origin:
      // with all their rows in quarantine, they are not created after all.
      this.keys.dropCreatedItems(orphans.map((o) => this.fileItems[o.item]!));
    }
    for (const lines of this.deferred) {
      this.origins.assignRuns(lines, (fileRun, originBucket) => forecasts.runFor(fileRun, keyOfBucket(originBucket, plan.grain)));
      forecasts.write(lines);
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

  /** Writes what was held back, records the batch and its audit entry, commits. */
  finish(): ImportResult {
    const { plan } = this;
    const warnings = [...plan.warnings];
    let runs: WrittenRun[] = [];
    if (this.forecasts && !this.refused) {
      if (this.originNotice) warnings.push(this.originNotice);
      runs = this.forecasts.finish();
    }
    const audit = bulkAuditAppender(this.db);
    if (this.decisions.length > 0 && !this.refused) {
      const writer = new DecisionWriter(this.db, this.keys, audit, this.batchId, this.at, plan.user);
      writer.write(this.decisions);
      this.rowsAccepted -= writer.quarantine.length;
      this.addQuarantine(writer.quarantine.sort((a, b) => a.rowNumber - b.rowNumber));
    }
    if (this.refused) this.refuse();
    this.history?.finish();
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
    this.db.exec('COMMIT');
    this.open = false;
    this.restoreForeignKeys();
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

  /** Fingerprints of what this batch wrote: lines and history rows as they went in, its few runs read back. */
  private content(): BatchContent {
    const history = this.history?.digest.result() ?? noRows();
    return {
      runs: tableContent(this.db, 'runs', this.batchId),
      lines: this.forecasts?.digest.result() ?? noRows(),
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

  /** Strict mode: undo everything and refuse the file, naming its first bad row. */
  private refuse(): never {
    this.rollback();
    const first = this.errors[0]!;
    const where = `row ${first.row}${first.column ? `, column ${first.column}` : ''}`;
    throw new ImportRejectedError(
      `${this.plan.file}: refused (strict): ${where}: ${first.reason}${this.rowsQuarantined > 1 ? ` (${this.rowsQuarantined} bad rows in all)` : ''}; nothing was imported`,
      { file: this.plan.file, row: first.row, column: first.column ?? undefined },
      this.errors,
      { rowsRead: this.rowsRead, rowsQuarantined: this.rowsQuarantined },
    );
  }

  rollback(): void {
    if (this.open) {
      this.open = false;
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
    }
    this.restoreForeignKeys();
  }

  private restoreForeignKeys(): void {
    if (this.fkWasOn && this.db.pragma('foreign_keys', { simple: true }) !== 1) this.db.pragma('foreign_keys = ON');
  }
}
