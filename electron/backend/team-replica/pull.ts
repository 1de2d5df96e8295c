// A page of the team's rows written into the replica: one transaction per page, with
// the table's new high-water mark, so a pull stopped at any point (a lost connection,
// a killed process) resumes after the last page written and never writes a row twice.
// Rows keep the server's ids. An actual the team recorded for a key the replica has a
// value of supersedes that value, as a later import of the same key does in a workbook.
// Rows go in through one prepared multi-row INSERT per CHUNK rows (as an import's lines
// do, imports/commit/line-writers.ts): a million pulled lines cost about what their
// import costs. Actuals go row by row: each may supersede the one before it in the page.
import { PULLED_TABLES, type PulledPage, type PulledTable } from '../../../shared/team-sync';
import { appendAudit } from '../audit/chain';
import { isSealed } from '../audit/seal';
import { importBatchAuditPayload, userAuditPayload, type ImportBatchRow, type UserRow } from '../audit/payloads';
import { batchContent } from '../audit/content-digest';
import { readGovernedRecords } from '../audit/records';
import { takeWrittenContents } from '../audit/written-contents';
import { addPulledContent, beginPulledContent, checkPulledContent, endPulledContent, pagePulledContent, voidPulledContent } from './pulled-content';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open';
import { cachedStatement } from '../db/statement-cache';
import { WorkbenchError } from '../errors';

type Prepared = Statement<unknown[]>;

const JSON_COLUMNS = new Set(['options', 'attributes', 'payload']);
const CHUNK = 500;

/** Where each pulled table's rows go in the workbook: its own table, but for the team's audit entries, kept apart from the workbook's own chain. */
const TARGET: Record<PulledTable, string> = { ...(Object.fromEntries(Object.keys(PULLED_TABLES).map((t) => [t, t])) as Record<PulledTable, string>), audit_log: 'team_audit_log' };

/** What follows a table's VALUES: users, locations and items are the rows in force, so a later row of the same key replaces the earlier. */
const ON_CONFLICT: Partial<Record<PulledTable, string>> = {
  users: 'ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name, role = excluded.role',
  locations: 'ON CONFLICT (location_key) DO UPDATE SET location_id = excluded.location_id, name = excluded.name',
  items: `ON CONFLICT (item_key) DO UPDATE SET item_id = excluded.item_id, name = excluded.name, category = excluded.category,
          brand = excluded.brand, family = excluded.family, abc_class = excluded.abc_class, owner_id = excluded.owner_id, unit = excluded.unit,
          attributes = excluded.attributes, introduced_period = excluded.introduced_period, batch_id = excluded.batch_id`,
};

function insertSql(table: PulledTable, rows: number): string {
  const columns = PULLED_TABLES[table];
  const tuple = `(${columns.map(() => '?').join(',')})`;
  return `INSERT INTO ${TARGET[table]} (${columns.join(', ')}) VALUES ${Array(rows).fill(tuple).join(',')} ${ON_CONFLICT[table] ?? ''}`;
}

interface Statements {
  insert(table: PulledTable, rows: number): Prepared;
  supersede: Prepared;
  supersedeSales: Prepared;
  /** A pulled batch is the team's: never one to publish. */
  teamBatch: Prepared;
  mark: Prepared;
}

/** Prepared once per connection: a 500-row statement is worth keeping. */
const prepared = new WeakMap<Db, Statements>();
function statementsOf(db: Db): Statements {
  let s = prepared.get(db);
  if (!s) {
    const inserts = new Map<string, Prepared>();
    s = {
      insert(table, rows) {
        const key = `${table}:${rows}`;
        let st = inserts.get(key);
        if (!st) inserts.set(key, (st = db.prepare<unknown[]>(insertSql(table, rows))));
        return st;
      },
      supersede: db.prepare<unknown[]>(`UPDATE actuals SET superseded_at = ? WHERE item_key = ? AND location_key = ? AND period = ? AND superseded_at IS NULL`),
      supersedeSales: db.prepare<unknown[]>(`UPDATE sales_inputs SET superseded_at = ? WHERE item_key = ? AND location_key = ? AND period = ? AND superseded_at IS NULL`),
      teamBatch: db.prepare<unknown[]>(`INSERT INTO team_batches (batch_id, how) VALUES (?, 'pulled') ON CONFLICT (batch_id) DO UPDATE SET how = 'pulled'`),
      mark: db.prepare<unknown[]>(
        `INSERT INTO team_sync (table_name, last_seq) VALUES (?, ?) ON CONFLICT (table_name) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)`,
      ),
    };
    prepared.set(db, s);
  }
  return s;
}

/**
 * A pull's checkpoints are held until its end, as an import's are (imports/commit/committer.ts): a page is
 * megabytes, and a checkpoint after each page's commit would copy the growing log into the file again and
 * again. Per connection and in memory only: a pull stopped midway leaves the log to SQLite's next checkpoint.
 */
const heldCheckpoints = new WeakMap<Db, number>();

/** After a pull's last page: automatic checkpoints as they were, and one now (PASSIVE: it never waits for a reader). */
export function endPull(db: Db): void {
  const autocheckpoint = heldCheckpoints.get(db);
  if (autocheckpoint === undefined) return;
  heldCheckpoints.delete(db);
  db.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
  db.pragma('wal_checkpoint(PASSIVE)');
}

export function applyPulledPage(db: Db, page: PulledPage): { written: number } {
  const columns = PULLED_TABLES[page.table];
  const width = columns.length;
  // Each cell checked as it is converted, before anything is written (the host call checks only the page's shape:
  // a second pass over a million lines' cells cost ~0.25 s).
  const values: (string | number | null)[] = new Array(page.rows.length * width);
  page.rows.forEach((row, r) => {
    if (row.length !== width) throw new WorkbenchError('INVALID_REQUEST', `A pulled row of ${page.table} has ${row.length} columns, not ${width}: nothing of the page was written.`);
    for (let c = 0; c < width; c++) values[r * width + c] = sqliteValue(page.table, columns[c]!, row[c]);
  });
  if (!heldCheckpoints.has(db)) {
    heldCheckpoints.set(db, db.pragma('wal_autocheckpoint', { simple: true }) as number);
    db.pragma('wal_autocheckpoint = 0');
    beginPulledContent(db);
  } else checkPulledContent(db);
  const st = statementsOf(db);
  const write = db.transaction((parents: ParentCheck[] | null) => {
    if (parents) checkParents(db, page.table, parents, values, width, page.rows.length);
    if (page.table === 'actuals') {
      const one = st.insert('actuals', 1);
      for (let r = 0; r < page.rows.length; r++) {
        const v = values.slice(r * width, (r + 1) * width);
        st.supersede.run(v[6], v[1], v[2], v[3]);
        one.run(v);
      }
    } else if (page.table === 'sales_inputs') {
      const one = st.insert('sales_inputs', 1);
      for (let r = 0; r < page.rows.length; r++) {
        const v = values.slice(r * width, (r + 1) * width);
        st.supersedeSales.run(v[8], v[1], v[2], v[3]);
        one.run(v);
      }
    } else {
      let r = 0;
      if (page.rows.length >= CHUNK) {
        const many = st.insert(page.table, CHUNK);
        // Spread, not the array: better-sqlite3 reads an array argument through V8's generic lookup (line-writers.ts).
        for (; r + CHUNK <= page.rows.length; r += CHUNK) many.run(...values.slice(r * width, (r + CHUNK) * width));
      }
      const one = st.insert(page.table, 1);
      for (; r < page.rows.length; r++) one.run(values.slice(r * width, (r + 1) * width));
      // A person of the team, audited as a change made here is (fwb check compares each user with its latest entry);
      // a workbook not sealed yet records it in its seal, with everything else pulled before its first entry.
      if (page.table === 'users' && isSealed(db)) {
        const read = db.prepare('SELECT * FROM users WHERE user_id = ?');
        for (const row of page.rows) {
          const user = read.get(sqliteValue(page.table, columns[0]!, row[0])) as UserRow;
          appendAudit(db, { at: new Date().toISOString(), actor: null, action: 'user.team', entity: 'user', entityId: user.user_id, payload: userAuditPayload(user) });
        }
      }
    }
    if (page.table === 'import_batches') for (const row of page.rows) st.teamBatch.run(row[0]);
    st.mark.run(page.table, page.lastSeq);
    addPulledContent(db, page.table, values, width, page.rows.length);
  });
  // Lines, the bulk of a pull, go in with foreign keys off and their parents checked once a page (parentsChecked).
  const parents = db.inTransaction ? null : parentChecks(db, page.table);
  const fkOff = parents !== null && db.pragma('foreign_keys', { simple: true }) === 1;
  if (fkOff) db.pragma('foreign_keys = OFF');
  try {
    write(parents);
  } catch (err) {
    voidPulledContent(db);
    throw err;
  } finally {
    if (fkOff) db.pragma('foreign_keys = ON');
  }
  pagePulledContent(db);
  return { written: page.rows.length };
}

/** A foreign key of a pulled table: the pulled column, and the parent row it must name. */
interface ParentCheck {
  column: number;
  name: string;
  parent: string;
  key: string;
}

/**
 * The tables written with foreign keys off: a page of 20,000 lines made 60,000 probes of runs, items and
 * locations that hold a few hundred distinct keys (~0.4 s a million lines, as an import measured).
 */
const PARENTS_CHECKED_PER_PAGE: ReadonlySet<PulledTable> = new Set(['forecast_lines']);
const parentChecksOf = new WeakMap<Db, Map<PulledTable, ParentCheck[] | null>>();

/** The table's foreign keys as page checks; null (keys stay on) for a table not listed, or one with a key the pull does not write. */
function parentChecks(db: Db, table: PulledTable): ParentCheck[] | null {
  if (!PARENTS_CHECKED_PER_PAGE.has(table)) return null;
  let known = parentChecksOf.get(db);
  if (!known) parentChecksOf.set(db, (known = new Map()));
  if (known.has(table)) return known.get(table)!;
  const columns: readonly string[] = PULLED_TABLES[table];
  const keys = db.pragma(`foreign_key_list(${TARGET[table]})`) as { table: string; from: string; to: string | null; seq: number }[];
  const checks: ParentCheck[] | null = keys.some((k) => k.seq > 0 || !columns.includes(k.from))
    ? null
    : keys.map((k) => ({ column: columns.indexOf(k.from), name: k.from, parent: k.table, key: k.to ?? 'rowid' }));
  known.set(table, checks);
  return checks;
}

/** Every parent the page's rows name is in the replica: what the foreign keys would have checked row by row. */
function checkParents(db: Db, table: PulledTable, checks: ParentCheck[], values: readonly (string | number | null)[], width: number, rows: number): void {
  for (const check of checks) {
    const named = new Set<string | number>();
    for (let r = 0; r < rows; r++) {
      const v = values[r * width + check.column]!;
      if (v !== null) named.add(v);
    }
    if (named.size === 0) continue;
    const held = cachedStatement(db, `SELECT count(*) AS n FROM ${check.parent} WHERE ${check.key} IN (SELECT value FROM json_each(?))`).get(JSON.stringify([...named])) as { n: number };
    if (held.n !== named.size) {
      throw new WorkbenchError('INVALID_REQUEST', `A pulled page of ${table} names ${named.size - held.n} ${check.parent} row(s) by ${check.name} that the replica does not hold: nothing of the page was written.`);
    }
  }
}

/** A pulled cell as SQLite stores it; anything PostgreSQL's JSON does not give (a list, an infinite number, nothing) refuses the page. */
function sqliteValue(table: PulledTable, column: string, cell: unknown): string | number | null {
  if (cell === null) return null;
  switch (typeof cell) {
    case 'number':
      if (!Number.isFinite(cell)) break;
      return JSON_COLUMNS.has(column) ? JSON.stringify(cell) : cell;
    case 'string':
      return JSON_COLUMNS.has(column) ? JSON.stringify(cell) : cell;
    case 'boolean':
      return JSON_COLUMNS.has(column) ? JSON.stringify(cell) : cell ? 1 : 0;
    case 'object':
      if (Array.isArray(cell)) break;
      return JSON.stringify(cell);
  }
  throw new WorkbenchError('INVALID_REQUEST', `A pulled row of ${table} holds a ${column} that is not text, a finite number, a boolean, null or an object: nothing of the page was written.`);
}

/**
 * After a pull: each pulled batch of a sealed workbook that no entry records yet gets its own
 * entry (what an import writes: the batch and its rows' fingerprints), so `fwb check` holds the
 * rows of a later publication to their record as it does an import's. Once, when the pull is
 * whole: a batch's lines may come over several pages.
 */
export function auditPulledBatches(db: Db, at: string): number {
  try {
    if (!isSealed(db)) return 0;
    const records = readGovernedRecords(db);
    const batches = (db.prepare(`SELECT b.* FROM import_batches b JOIN team_batches t ON t.batch_id = b.batch_id AND t.how = 'pulled' ORDER BY b.batch_id`).all() as ImportBatchRow[]).filter(
      (b) => !records.batches.has(String(b.batch_id)),
    );
    if (batches.length === 0) return 0;
    // What the pull computed as it wrote, when it saw every row (pulled-content.ts); else each batch's rows read again.
    const written = takeWrittenContents(db);
    db.transaction(() => {
      for (const b of batches) {
        const content = written?.get(b.batch_id) ?? batchContent(db, b.batch_id);
        appendAudit(db, { at, actor: null, action: 'import', entity: 'import_batch', entityId: String(b.batch_id), payload: { ...importBatchAuditPayload(b), content, team: true } });
      }
    })();
    return batches.length;
  } finally {
    endPulledContent(db);
  }
}
