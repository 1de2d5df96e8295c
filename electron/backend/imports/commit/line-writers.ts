// Writers of the big tables. Lines go in through multi-row INSERTs of CHUNK rows:
// one statement call per thousand lines instead of per line roughly halves the
// JavaScript↔SQLite cost (measured: 1 M forecast lines 1.6–2.3 s → 1.0–1.1 s,
// which is SQLite's own floor for this table and index).
import type { Grain } from '../../../../shared/period';
import { RowDigest } from '../../audit/content-digest';
import type { Db } from '../../db/open';
import type { LineColumns, RunSpec } from '../validated-batch';
import type { KeyResolver } from './key-resolver';
import { WrittenLinesCollector } from '../../exceptions/written-lines';
import { bucketOfKey } from '../period-keys';

const CHUNK = 1000;

/** A buffer of rows flushed CHUNK at a time through one prepared multi-row INSERT. */
export class BulkInsert {
  readonly args: unknown[];
  pos = 0;
  private n = 0;
  /** Rows added since the writer began: the place of the next row. */
  added = 0;
  private readonly many;
  private readonly one;

  /** `digest`: fingerprints the first `columns` values of each row as it is inserted (audit/content-digest.ts). */
  constructor(
    db: Db,
    private readonly sql: string,
    private readonly columns: number,
    private readonly digest?: { into: RowDigest; columns: number },
    /**
     * Told, once each statement has run, the places of its rows (the rows added since the writer began, counted
     * from 0) and the rowid its last row got (a statement's rows get consecutive rowids).
     */
    private readonly written?: (from: number, rows: number, lastRowid: number) => void,
  ) {
    const tuple = `(${Array(columns).fill('?').join(',')})`;
    this.many = db.prepare(`${sql} VALUES ${Array(CHUNK).fill(tuple).join(',')}`);
    this.one = db.prepare(`${sql} VALUES ${tuple}`);
    this.args = new Array(CHUNK * columns).fill(null);
  }

  /** Call after writing `columns` values at args[pos…]. */
  next(): void {
    this.pos += this.columns;
    this.added++;
    if (++this.n === CHUNK) {
      // Spread, not the array: better-sqlite3 reads an array argument element by element
      // through V8's generic property lookup, which cost more than SQLite's own insert
      // (measured: 1 M lines 1.3–1.8 s → 0.9 s of CPU).
      const info = this.many.run(...this.args);
      this.written?.(this.added - CHUNK, CHUNK, Number(info.lastInsertRowid));
      this.digestRows(CHUNK);
      this.n = 0;
      this.pos = 0;
    }
  }

  flush(): void {
    for (let r = 0; r < this.n; r++) {
      const info = this.one.run(this.args.slice(r * this.columns, (r + 1) * this.columns));
      this.written?.(this.added - this.n + r, 1, Number(info.lastInsertRowid));
    }
    this.digestRows(this.n);
    this.n = 0;
    this.pos = 0;
  }

  /** In insertion order, right after the rows went in: rows inserted one by one meanwhile were digested when they went in. */
  private digestRows(n: number): void {
    const d = this.digest;
    if (!d) return;
    for (let r = 0; r < n; r++) d.into.add(this.args, r * this.columns, d.columns);
  }
}

export interface WrittenRun {
  runId: number;
  spec: RunSpec;
  lines: number;
}

export class ForecastWriter {
  /** Fingerprint of the lines written, in insertion order (CONTENT_COLUMNS.lines), for the batch's audit entry. */
  readonly digest = new RowDigest();
  /** The lines of the file's newest run, kept for its scoring right after the import (exceptions/written-lines.ts). */
  readonly newestRunLines = new WrittenLinesCollector();
  /** Each created run's origin key, by run id. */
  private readonly originOfRun = new Map<number, number>();
  private readonly specs: RunSpec[] = [];
  private runIds: number[] = [];
  private originBucket: number[] = [];
  private lines: number[] = [];
  private readonly bulk: BulkInsert;
  private readonly newRun;

  /**
   * `reserve`: the id of a new run. Lines are written under it as the file is read;
   * the run row itself is created by finish(), in the import's final transaction,
   * which is what makes its lines visible (committer.ts).
   */
  constructor(
    private readonly db: Db,
    private readonly keys: KeyResolver,
    private readonly batchId: number,
    private readonly grain: Grain,
    private readonly at: string,
    private readonly reserve: { runId(): number },
  ) {
    this.bulk = new BulkInsert(db, 'INSERT INTO forecast_lines (run_id, item_key, location_key, period, lag, quantity, lower, upper)', 8, { into: this.digest, columns: 8 }, (from, rows, lastRowid) =>
      this.newestRunLines.placedRows(from, rows, lastRowid),
    );
    this.newRun = db.prepare('INSERT INTO forecast_runs (run_id, model_name, model_version, origin, grain, interval_level, batch_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  }

  addRuns(specs: RunSpec[]): void {
    for (const s of specs) {
      this.specs.push(s);
      this.runIds.push(0); // created with its first line: a run whose rows all failed leaves no trace
      this.originBucket.push(s.originKey === 0 ? NaN : bucketOfKey(s.originKey, this.grain));
      this.lines.push(0);
    }
  }

  private readonly atOrigin = new Map<number, number>();

  /** The run of file run `fileRun`'s model and version at `originKey` (files without origins: one per series origin). */
  runFor(fileRun: number, originKey: number): number {
    const key = fileRun * 100_000_000 + originKey;
    let r = this.atOrigin.get(key);
    if (r === undefined) {
      r = this.specs.length;
      this.addRuns([{ ...this.specs[fileRun]!, originKey }]);
      this.atOrigin.set(key, r);
    }
    return r;
  }

  private createRun(r: number): number {
    const id = this.reserve.runId();
    this.runIds[r] = id;
    this.originOfRun.set(id, this.specs[r]!.originKey);
    return id;
  }

  write(l: LineColumns): void {
    const { run, item, location, period, bucket, quantity } = l;
    const lower = l.lower!;
    const upper = l.upper!;
    const itemKeys = this.keys.itemKeys;
    const locationKeys = this.keys.locationKeys;
    const bulk = this.bulk;
    const args = bulk.args;
    const kept = this.newestRunLines;
    let lastRun = -1;
    let wanted = false;
    for (let k = 0; k < l.count; k++) {
      const r = run[k]!;
      if (r < 0) continue; // a series without an origin (quarantined)
      const runId = this.runIds[r] || this.createRun(r);
      const p = bulk.pos;
      const lo = lower[k]!;
      const hi = upper[k]!;
      if (r !== lastRun) {
        lastRun = r;
        wanted = kept.wants(runId, this.originOfRun.get(runId)!);
      }
      const lag = bucket[k]! - this.originBucket[r]!;
      if (wanted) kept.add(bulk.added, quantity[k]!, lo, hi, itemKeys[item[k]!]!, locationKeys[location[k]!]!, period[k]!, lag);
      args[p] = runId;
      args[p + 1] = itemKeys[item[k]!];
      args[p + 2] = locationKeys[location[k]!];
      args[p + 3] = period[k];
      args[p + 4] = lag;
      args[p + 5] = quantity[k];
      args[p + 6] = lo === lo ? lo : null;
      args[p + 7] = hi === hi ? hi : null;
      this.lines[r]!++;
      bulk.next();
    }
  }

  /** Lines written under a key taken for a new item or location that another import created meanwhile: to the key it has. */
  moveKeys(moved: { items: [number, number][]; locations: [number, number][] }): void {
    // The lines still in the buffer carry the taken keys too: in the table first, then moved with the rest.
    this.bulk.flush();
    this.newestRunLines.spoil();
    const runs = JSON.stringify(this.runIds.filter((id) => id !== 0));
    for (const [column, pairs] of [['item_key', moved.items], ['location_key', moved.locations]] as const) {
      const move = this.db.prepare(`UPDATE forecast_lines SET ${column} = ? WHERE ${column} = ? AND run_id IN (SELECT value FROM json_each(?))`);
      for (const [from, to] of pairs) move.run(to, from, runs);
    }
  }

  /** About how many lines the file holds (its size over the bytes read so far): the kept lines' columns are made that long. */
  expectLines(lines: number): void {
    this.newestRunLines.expectLines(lines);
  }

  /** Once committed: the newest run's lines, kept as written, for its scoring next (exceptions/written-lines.ts). */
  publishNewestRunLines(db: Db): void {
    this.newestRunLines.publish(db, (runId) => this.lines[this.runIds.indexOf(runId)] ?? -1);
  }

  /** The last lines, and the runs: from here on (once committed) the lines are the workbook's. */
  finish(): WrittenRun[] {
    this.bulk.flush();
    this.specs.forEach((s, r) => {
      const id = this.runIds[r]!;
      if (id !== 0) this.newRun.run(id, s.model, s.modelVersion, s.originKey, this.grain, s.intervalLevel, this.batchId, this.at);
    });
    return this.specs.map((spec, r) => ({ runId: this.runIds[r]!, spec, lines: this.lines[r]! })).filter((w) => w.runId !== 0);
  }
}

/**
 * Actuals and sales inputs keep history: a key with a current row gets that row
 * superseded and a new one, unless nothing changed. Keys that cannot have a
 * current row (a table with none, or an item created by this import) skip the
 * lookups and go in bulk.
 */
export class HistoryWriter {
  superseded = 0;
  unchanged = 0;
  /** Fingerprint of the rows written, in insertion order (CONTENT_COLUMNS.actuals / salesInputs), for the batch's audit entry. */
  readonly digest = new RowDigest();
  private readonly digestColumns: number;
  private readonly bulk: BulkInsert;
  private readonly supersede;
  private readonly insertIfNew;
  private readonly emptyBefore: boolean;
  private readonly sales: boolean;

  constructor(
    db: Db,
    kind: 'actuals' | 'sales_inputs',
    private readonly keys: KeyResolver,
    private readonly batchId: number,
    private readonly at: string,
  ) {
    this.sales = kind === 'sales_inputs';
    // The fingerprinted columns first (all but batch_id), in CONTENT_COLUMNS order.
    const cols = this.sales ? 'item_key, location_key, period, quantity, source, note, recorded_at, batch_id' : 'item_key, location_key, period, quantity, recorded_at, batch_id';
    const n = this.sales ? 8 : 6;
    this.digestColumns = n - 1;
    this.bulk = new BulkInsert(db, `INSERT INTO ${kind} (${cols})`, n, { into: this.digest, columns: this.digestColumns });
    // OR IGNORE meets only the partial unique index on current rows: the key still has an identical current row.
    this.insertIfNew = db.prepare(`INSERT OR IGNORE INTO ${kind} (${cols}) VALUES (${Array(n).fill('?').join(', ')})`);
    const same = this.sales ? 'quantity = ? AND source IS ? AND note IS ?' : 'quantity = ?';
    this.supersede = db.prepare(
      `UPDATE ${kind} SET superseded_at = ? WHERE item_key = ? AND location_key = ? AND period = ? AND superseded_at IS NULL AND NOT (${same})`,
    );
    this.emptyBefore = db.prepare(`SELECT 1 FROM ${kind} WHERE superseded_at IS NULL LIMIT 1`).get() === undefined;
  }

  write(l: LineColumns): void {
    const itemKeys = this.keys.itemKeys;
    const locationKeys = this.keys.locationKeys;
    const bulk = this.bulk;
    const args = bulk.args;
    for (let k = 0; k < l.count; k++) {
      const itemKey = itemKeys[l.item[k]!]!;
      const locationKey = locationKeys[l.location[k]!]!;
      const period = l.period[k]!;
      const q = l.quantity[k]!;
      const source = this.sales ? (l.source?.[k] ?? null) : null;
      const note = this.sales ? (l.note?.[k] ?? null) : null;
      const row = this.sales ? [itemKey, locationKey, period, q, source, note, this.at, this.batchId] : [itemKey, locationKey, period, q, this.at, this.batchId];
      if (this.emptyBefore || this.keys.isCreated(itemKey)) {
        const p = bulk.pos;
        for (let i = 0; i < row.length; i++) args[p + i] = row[i];
        bulk.next();
        continue;
      }
      const old = this.sales ? this.supersede.run(this.at, itemKey, locationKey, period, q, source, note) : this.supersede.run(this.at, itemKey, locationKey, period, q);
      const added = this.insertIfNew.run(...row).changes;
      if (added > 0) this.digest.add(row, 0, this.digestColumns);
      if (added === 0) this.unchanged++;
      else if (old.changes > 0) this.superseded++;
    }
  }

  finish(): void {
    this.bulk.flush();
  }
}
