// How derived data is kept: one rule for all of it. An entry names the sources
// it is computed from (sources.ts); when it is built, the stamps of those sources
// are recorded beside it; it is current while they have not moved, and otherwise
// it is refreshed, told which stamp it was built at, so it can rebuild only what
// moved. Nothing is written while nothing was (the write stamp, per connection,
// lets a check skip even the source stamps while the planner only scrolls).
//
// Derived tables live in the workbook, each declared once with derivedTable()
// (accuracy/cube.ts, exceptions/cache.ts); derivedData() lists them and the
// memos, each as its module loads (api.ts loads a handler's module on its first call). Dispatch brings the ones a method declares up to date before the
// method runs (api.ts, declarations.ts), in a write context, so reads only read. In-memory memos (DerivedMemo) keep answers
// that depend on the whole workbook by the write stamp, the finest there is.
//
// A migration that changes what derived data means clears its recorded stamps
// (as 006 did with accuracy_signature and accuracy_runs) or its entry's format goes up.
import type { ReadableDb, WritableDb } from '../db/handles';
import { readMeta, writeMeta } from '../db/meta';
import { readSourceStamp, writeStamp, type SourceName, type SourceStamp } from './sources';
import { phaseMark } from '../phase-marks';

/** What a refresh is told: the stamp the data was built at (null: never, or by an older format) and the stamp now. */
export interface SourceChange {
  built: SourceStamp | null;
  now: SourceStamp;
}

/** Where an entry keeps the stamp it was built at, beside the data itself. */
export interface StampRecord<K> {
  read(db: WritableDb, key: K): string | undefined;
  write(db: WritableDb, key: K, stamp: string): void;
}

export interface DerivedTable<K = void> {
  readonly name: string;
  readonly sources: readonly SourceName[];
  /** Goes up when the way the data is computed changes: every stamp recorded before is then stale. */
  readonly format: number;
  readonly record: StampRecord<K>;
  /**
   * Rebuilds what the change requires, inside the registry's transaction. Returns
   * how much it rebuilt, or null when there is nothing to keep for this key (the
   * run does not exist), so no stamp is recorded.
   */
  refresh(db: WritableDb, key: K, change: SourceChange): number | null;
  /**
   * Optional: starts, before any refresh of the same bringCurrent, work that can go on
   * beside the others on another thread (a big run's overview while its scores are
   * written); its refresh then takes the result, or computes it itself. Told the same
   * change as the refresh; called only when the entry is stale.
   */
  ahead?(db: WritableDb, key: K, change: SourceChange): void;
  /**
   * Optional: every row the refresh writes points only at rows it read in the same transaction, so
   * SQLite's foreign-key probe per written row is waste (~0.35 s per million scores, issue 14): the
   * refresh's own transaction runs with the connection's foreign keys off, as an import's does.
   * Inside a caller's transaction the setting cannot change, and the probes run as before.
   */
  readonly writesOnlyWhatItRead?: true;
}

/** Every piece of derived data the backend keeps, as each registered itself: the one list of it. */
const registered: { name: string; kind: 'table' | 'memo'; sources: readonly (SourceName | 'workbook')[] }[] = [];
export const derivedData = (): readonly { name: string; kind: 'table' | 'memo'; sources: readonly (SourceName | 'workbook')[] }[] => registered;

/** Declares a derived table (and registers it). */
export function derivedTable<K = void>(table: DerivedTable<K>): DerivedTable<K> {
  if (registered.some((d) => d.name === table.name)) throw new Error(`derived data named twice: ${table.name}`);
  registered.push({ name: table.name, kind: 'table', sources: table.sources });
  return table;
}

/** One derived table wanted current (for a key, where it is kept per key). */
export interface DerivedNeed {
  readonly table: DerivedTable<never>;
  readonly key?: unknown;
}

export function need<K>(table: DerivedTable<K>, ...key: K extends void ? [] : [K]): DerivedNeed {
  return { table: table as DerivedTable<never>, key: key[0] };
}

/** A stamp recorded in workbook_meta: under a fixed key (one per workbook), or under one key per entry's key (one per run). */
export function metaStampRecord<K = void>(metaKey: string | ((key: K) => string)): StampRecord<K> {
  const keyOf = typeof metaKey === 'string' ? () => metaKey : metaKey;
  return {
    read: (db, key) => readMeta(db, keyOf(key)) ?? undefined,
    write: (db, key, stamp) => writeMeta(db, keyOf(key), stamp),
  };
}

const stampText = (format: number, now: SourceStamp) => JSON.stringify({ format, sources: now });

function parseStamp(text: string | undefined, format: number): SourceStamp | null {
  if (text === undefined) return null;
  try {
    const parsed = JSON.parse(text) as { format?: unknown; sources?: SourceStamp };
    return parsed.format === format && typeof parsed.sources === 'object' && parsed.sources !== null ? parsed.sources : null;
  } catch {
    return null; // a stamp of the scheme before this one
  }
}

/** Runs `work` with the connection's foreign keys off when `wanted` and possible (outside a transaction, on), and puts them back. */
function withoutForeignKeysIf<T>(db: WritableDb, wanted: boolean, work: () => T): T {
  const off = wanted && !db.inTransaction && db.pragma('foreign_keys', { simple: true }) === 1;
  if (off) db.pragma('foreign_keys = OFF');
  try {
    return work();
  } finally {
    if (off) db.pragma('foreign_keys = ON');
  }
}

/** Per connection: the write stamp at which each table (and key) was last found current. */
const foundCurrent = new WeakMap<WritableDb, Map<string, string>>();

function bringOneCurrent(db: WritableDb, table: DerivedTable<never>, key: unknown): number {
  const id = `${table.name}|${String(key)}`;
  let known = foundCurrent.get(db);
  if (!known) foundCurrent.set(db, (known = new Map()));
  // Inside a caller's transaction a rollback could take back what is built here: nothing is memorised then.
  const outside = !db.inTransaction;
  if (outside && known.get(id) === writeStamp(db)) return 0;
  let rebuilt = 0;
  if (table.record.read(db, key as never) !== stampText(table.format, readSourceStamp(db, table.sources))) {
    rebuilt = withoutForeignKeysIf(db, table.writesOnlyWhatItRead === true, () => db.transaction(() => {
      // Read again under the write lock: the stamp recorded is the one the data is built from.
      const now = readSourceStamp(db, table.sources);
      const recorded = table.record.read(db, key as never);
      const text = stampText(table.format, now);
      if (recorded === text) return 0;
      phaseMark(`refresh ${table.name} start`);
      const n = table.refresh(db, key as never, { built: parseStamp(recorded, table.format), now });
      phaseMark(`refresh ${table.name} end`);
      if (n !== null) table.record.write(db, key as never, text);
      return n ?? 0;
    })());
    phaseMark(`refresh ${table.name} committed`);
  }
  if (outside) known.set(id, writeStamp(db));
  return rebuilt;
}

/**
 * Brings derived tables up to date; returns how much was rebuilt. A read-only
 * look at a workbook (fwb check, a plan export) leaves them as they are: the
 * readers then see what was last built.
 */
export function bringCurrent(db: WritableDb, needs: readonly DerivedNeed[]): number {
  if (db.readonly) return 0;
  // Inside a caller's transaction nothing it has not committed is visible to another thread;
  // and with nothing else to bring current, another thread would only add its start.
  if (!db.inTransaction && needs.length > 1) {
    for (const { table, key } of needs) {
      if (!table.ahead) continue;
      const recorded = table.record.read(db, key as never);
      const now = readSourceStamp(db, table.sources);
      if (recorded !== stampText(table.format, now)) table.ahead(db, key as never, { built: parseStamp(recorded, table.format), now });
    }
  }
  let rebuilt = 0;
  for (const { table, key } of needs) rebuilt += bringOneCurrent(db, table, key);
  return rebuilt;
}

/**
 * A small in-memory memo of answers computed from the workbook (a filter's line
 * count, a list's order), valid while nothing has been written: kept by the
 * write stamp, so a write anywhere, by any program, renews them. Reading it
 * never writes the workbook.
 */
export class DerivedMemo<V> {
  private readonly byDb = new WeakMap<ReadableDb, Map<string, { stamp: string; value: V }>>();
  constructor(
    readonly name: string,
    private readonly capacity: number,
  ) {
    registered.push({ name, kind: 'memo', sources: ['workbook'] });
  }

  get(db: ReadableDb, key: string, compute: () => V): V {
    let entries = this.byDb.get(db);
    if (!entries) this.byDb.set(db, (entries = new Map()));
    const stamp = writeStamp(db);
    const hit = entries.get(key);
    if (hit && hit.stamp === stamp) {
      // Most recently used last, so the oldest goes first when full.
      entries.delete(key);
      entries.set(key, hit);
      return hit.value;
    }
    const value = compute();
    entries.delete(key);
    entries.set(key, { stamp, value });
    while (entries.size > this.capacity) entries.delete(entries.keys().next().value!);
    return value;
  }
}

/**
 * An in-memory memo kept by the stamps of the sources it is computed from rather
 * than the write stamp: a write that leaves them still (a decision, for an answer
 * made of lines and actuals only) keeps it; a change of them on any path renews it.
 */
export class SourcesMemo<V> {
  private readonly byDb = new WeakMap<ReadableDb, Map<string, { stamp: string; value: V }>>();
  constructor(
    readonly name: string,
    private readonly sources: readonly SourceName[],
    private readonly capacity: number,
  ) {
    registered.push({ name, kind: 'memo', sources });
  }

  get(db: ReadableDb, key: string, compute: () => V): V {
    let entries = this.byDb.get(db);
    if (!entries) this.byDb.set(db, (entries = new Map()));
    const stamp = JSON.stringify(readSourceStamp(db, this.sources));
    const hit = entries.get(key);
    entries.delete(key);
    const value = hit && hit.stamp === stamp ? hit.value : compute();
    // Most recently used last, so the oldest goes first when full.
    entries.set(key, { stamp, value });
    while (entries.size > this.capacity) entries.delete(entries.keys().next().value!);
    return value;
  }
}

/**
 * Whether derived tables are current, found without writing a byte: a
 * read-only look (fwb accuracy) answers from them only when they are, and
 * otherwise the caller opens the workbook for writing to bring them up to date.
 */
export function isCurrent(db: ReadableDb, needs: readonly DerivedNeed[]): boolean {
  // The stamp records only read (metaStampRecord and the like); their type asks for the writable handle they are written through.
  return needs.every(({ table, key }) => table.record.read(db as WritableDb, key as never) === stampText(table.format, readSourceStamp(db, table.sources)));
}
