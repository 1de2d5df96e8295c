// Taking the workbook's write lock, fairly, from any of our programs.
//
// Why not SQLite's own busy handler: it sleeps longer and longer between tries
// (up to 100 ms), while an import leaves the lock free only for a few
// milliseconds between two of its chunks (imports/commit/committer.ts): a decision waiting
// that way could miss gap after gap for seconds. Our writers try every
// millisecond instead, until BUSY_TIMEOUT_MS, and then fail with SQLite's busy
// error, which every way in turns into WORKBOOK_BUSY (busy.ts).
//
// Why IMMEDIATE: a deferred transaction that read before another program's commit
// (an import's chunk, a few times a second) cannot write after it at all — SQLite
// answers SQLITE_BUSY_SNAPSHOT at once, without waiting — and a decision made
// during an import would fail for nothing.
import type Database from 'better-sqlite3';
import { isSqliteBusy } from '../errors';

type Db = Database.Database;

/** How long a write waits for another program's transaction before it says the workbook is busy. */
export const BUSY_TIMEOUT_MS = 5000;
const RETRY_MS = 1;

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** BEGIN IMMEDIATE, tried every millisecond until `timeoutMs`; then SQLite's busy error. */
export function beginImmediate(db: Db, timeoutMs = BUSY_TIMEOUT_MS): void {
  const deadline = Date.now() + timeoutMs;
  // The connection's own timeout would make each try wait in SQLite's coarse steps.
  db.pragma('busy_timeout = 0');
  try {
    for (;;) {
      try {
        db.exec('BEGIN IMMEDIATE');
        return;
      } catch (err) {
        if (!isSqliteBusy(err) || Date.now() >= deadline) throw err;
        Atomics.wait(sleeper, 0, 0, RETRY_MS);
      }
    }
  } finally {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

/**
 * db.transaction(fn) of this connection begins with beginImmediate (better-sqlite3's
 * own begins deferred, or waits in SQLite's steps): the lock is taken here, and the
 * library's function, finding a transaction open, runs inside it as a savepoint.
 */
export function immediateTransactions(db: Db): void {
  const make = db.transaction.bind(db);
  db.transaction = ((fn: (...args: unknown[]) => unknown) => {
    const library = make(fn);
    const run = function (this: unknown, ...args: unknown[]): unknown {
      if (db.inTransaction) return library.apply(this, args);
      beginImmediate(db);
      try {
        const result = library.apply(this, args);
        db.exec('COMMIT');
        return result;
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw err;
      }
    };
    Object.defineProperties(run, {
      default: { value: run },
      immediate: { value: run },
      deferred: { value: library.deferred },
      exclusive: { value: library.exclusive },
      database: { value: db, enumerable: true },
    });
    return run;
  }) as Db['transaction'];
}
