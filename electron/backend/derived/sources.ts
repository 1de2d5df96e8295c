// What derived data is computed from, and how to tell that it changed: each
// source has a stamp read from SQLite that moves whenever the source does, on
// every path into the file (the app, fwb, another program, the sqlite3 shell),
// at the cost of a few index look-ups. The stamps are made of the sources' own
// ids, so a stamp also says where a change starts: decisions after decision X,
// actuals after actual Y (what an incremental rebuild asks, issue 14).
//
// Rows that change in place without a new id are covered by a neighbour that
// does move: a line's state changes only with a new decision or approval, an
// undone batch raises the count of undone ones; and an item, actual, sales input,
// line or run edited in place by any program (the sqlite3 shell included) by the
// count of such edits that migration 008's triggers keep (source_edits).
import type { ReadableDb } from '../db/handles';

/** Each source: named parts, each one scalar query. */
const SOURCES = {
  /** Actuals and sales inputs (new values supersede old ones under new ids). */
  history: {
    actual: 'SELECT max(actual_id) FROM actuals',
    salesInput: 'SELECT max(sales_input_id) FROM sales_inputs',
    edits: "SELECT edits FROM source_edits WHERE source = 'history'",
  },
  /** The forecast runs that are visible (an import creates its runs last, in one short transaction). */
  runs: { run: 'SELECT max(run_id) FROM forecast_runs', count: 'SELECT count(*) FROM forecast_runs', edits: "SELECT edits FROM source_edits WHERE source = 'runs'" },
  /** Forecast lines, those an import has staged under runs not created yet included. */
  lines: { line: 'SELECT max(line_id) FROM forecast_lines', edits: "SELECT edits FROM source_edits WHERE source = 'lines'" },
  /** Import batches made and undone, and items (which the app changes only by import) edited in place. */
  imports: {
    batch: 'SELECT max(batch_id) FROM import_batches',
    undone: 'SELECT count(undone_at) FROM import_batches',
    itemEdits: "SELECT edits FROM source_edits WHERE source = 'items'",
  },
  /**
   * The decisions journal and its approvals, both append-only: line_state follows them. In a
   * team's replica the team's answer may take a row out (team_withdrawn, migration 010): the
   * max ids alone would then fall back, or be passed by newer ids as if only those were new.
   */
  decisions: { decision: 'SELECT max(decision_id) FROM decisions', approval: 'SELECT max(approval_id) FROM approvals', withdrawn: 'SELECT count(*) FROM team_withdrawn' },
  /** Drift alerts raised, and those still open (a restored role resolves them). */
  drift: { alert: 'SELECT max(alert_id) FROM drift_alerts', open: 'SELECT count(*) FROM drift_alerts WHERE resolved_at IS NULL' },
} as const;

export type SourceName = keyof typeof SOURCES;
export const SOURCE_NAMES = Object.keys(SOURCES) as SourceName[];

/** The stamp of some sources: per source, its parts' values (null: the table is empty). */
export type SourceStamp = { [S in SourceName]?: { [P in keyof (typeof SOURCES)[S]]: number | null } };

const statements = new WeakMap<ReadableDb, Map<string, { get(): unknown }>>();

/** The stamps of `sources`, in one statement (prepared once per connection and set of sources). */
export function readSourceStamp(db: ReadableDb, sources: readonly SourceName[]): SourceStamp {
  const parts = sources.flatMap((s) => Object.entries(SOURCES[s]).map(([part, sql]) => ({ s, part, sql })));
  const key = sources.join(',');
  let byKey = statements.get(db);
  if (!byKey) statements.set(db, (byKey = new Map()));
  let statement = byKey.get(key);
  if (!statement) {
    statement = db.prepare(`SELECT ${parts.map((p, i) => `(${p.sql}) AS c${i}`).join(', ')}`).raw();
    byKey.set(key, statement);
  }
  const values = statement.get() as (number | null)[];
  const stamp: Record<string, Record<string, number | null>> = {};
  parts.forEach((p, i) => ((stamp[p.s] ??= {})[p.part] = values[i] ?? null));
  return stamp as SourceStamp;
}

/** The sources whose stamp differs between `before` and `now` (all of them when there is no before). */
export function movedSources(before: SourceStamp | null, now: SourceStamp): SourceName[] {
  return (Object.keys(now) as SourceName[]).filter((s) => before === null || JSON.stringify(before[s]) !== JSON.stringify(now[s]));
}

/**
 * Has anything at all been written, by this connection or by another program,
 * since the stamp was taken? Two cheap reads: total_changes() counts the rows
 * this connection wrote, PRAGMA data_version moves when another one commits.
 * Per connection, so kept in memory only: what the registry skips even the
 * source stamps by while nothing is written, and what in-memory memos keep by.
 */
export function writeStamp(db: ReadableDb): string {
  return `${db.prepare('SELECT total_changes()').pluck().get() as number}:${db.prepare('PRAGMA data_version').pluck().get() as number}`;
}
