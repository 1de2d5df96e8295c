// Statements a connection runs once per row of a large write (each pulled decision appends
// an audit entry and takes a journal id): compiled once per connection, not per call. A pull
// of 5,000 decisions spent a fifth of its time compiling the same four statements.
import type { Statement } from 'better-sqlite3';
import type { Db } from './open';

const byConnection = new WeakMap<Db, Map<string, Statement<unknown[]>>>();

/** The connection's compiled statement for `sql`, compiled on first use. Not for statements a caller reconfigures (pluck, raw) differently from another. */
export function cachedStatement(db: Db, sql: string): Statement<unknown[]> {
  let statements = byConnection.get(db);
  if (!statements) byConnection.set(db, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) statements.set(sql, (statement = db.prepare<unknown[]>(sql)));
  return statement;
}
