// An import's checkpoint on the second core (issue 14). Once a big import has
// committed, its log holds every page it wrote (~70 MB at 1M lines) and copying it
// into the file took ~0.2 s of the importing thread, which has the run's scores to
// compute and write next. A PASSIVE checkpoint from another connection copies what
// no reader still needs while this connection goes on writing (a writer only appends
// to the log), so it runs on a thread of its own; closing the workbook waits for it
// first, so the last connection's close still finds the file whole.
// The thread is the import's parse worker started for this task (parse-worker.ts),
// as the run overview's is, so each build that has the one has the other.
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { sqliteAddon } from './sqlite-addon';
import type { Worker } from 'node:worker_threads';
import type { Db } from './open';
import { parseWorkerFile } from '../imports/read/worker-file';

/** What the thread is handed. */
export interface CheckpointTask {
  task: 'checkpoint';
  path: string;
  /** Set to 1 once the checkpoint has ended, done or not. */
  done: Int32Array;
}

/** A log smaller than this is copied in place: a thread's start (~0.1 s) costs more than its checkpoint. */
let threadFromBytes = 16 << 20;
/**
 * Rows an import wrote from which its checkpoint goes to a thread: a small import's checkpoint is a moment's work,
 * whatever another program has logged meanwhile (~0.2 s of copying at 1M lines, a thread's start ~0.1 s).
 */
let threadFromRows = 100_000;
/** For tests: the size of log and the rows written from which the checkpoint goes to a thread. */
export function checkpointThreadFrom(bytes: number, rows = bytes === 0 ? 0 : 100_000): void {
  threadFromBytes = bytes;
  threadFromRows = rows;
}

/** How long closing the workbook waits for the thread (it then closes anyway: a checkpoint left half-done is safe). */
const WAIT_MS = 60_000;

const running = new WeakMap<Db, { worker: Worker; done: Int32Array }>();

/** Tells whoever waits on `done` that the checkpoint has ended, done or not. */
function signalEnd(done: Int32Array): void {
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
}

/**
 * Starts a PASSIVE checkpoint of `db`'s file on another thread after an import that wrote `rows` rows; false when
 * none was started (a small import or log, an in-memory workbook, no worker file, one already running), and the
 * caller then checkpoints itself. Never throws.
 */
export function checkpointInThread(db: Db, rows: number): boolean {
  // A thread that has ended is let go here, so a workbook kept open (the app) hands each big import's checkpoint on.
  const earlier = running.get(db);
  if (earlier && Atomics.load(earlier.done, 0) === 1) awaitCheckpointThread(db);
  if (rows < threadFromRows || db.memory || !db.name || running.has(db)) return false;
  const file = parseWorkerFile();
  if (!file) return false;
  try {
    if (statSync(`${db.name}-wal`).size < threadFromBytes) return false;
    // node:worker_threads taken here, not when this module loads: it loads Node's streams.
    const { Worker } = process.getBuiltinModule('node:worker_threads');
    const done = new Int32Array(new SharedArrayBuffer(4));
    const task: CheckpointTask = { task: 'checkpoint', path: db.name, done };
    const worker = new Worker(file, { workerData: task });
    // It does not keep the process alive: closing the workbook waits for it (awaitCheckpointThread).
    worker.unref();
    worker.on('error', () => signalEnd(done));
    worker.on('exit', () => signalEnd(done));
    running.set(db, { worker, done });
    return true;
  } catch {
    return false;
  }
}

/** Whether a checkpoint thread was started for `db` and not yet waited for or let go (for tests). */
export function checkpointThreadStarted(db: Db): boolean {
  return running.has(db);
}

/** Waits for `db`'s checkpoint thread, if one runs, to end (before the connection closes or checkpoints itself). */
export function awaitCheckpointThread(db: Db): void {
  const r = running.get(db);
  if (!r) return;
  running.delete(db);
  Atomics.wait(r.done, 0, 0, WAIT_MS);
  void r.worker.terminate();
}

/** The thread's side: its own connection, one PASSIVE checkpoint, closed; always signals the end. */
export function checkpointHere(task: CheckpointTask): void {
  try {
    const db = new Database(task.path, { fileMustExist: true, nativeBinding: sqliteAddon() });
    try {
      // As the workbook's own connections (db/open.ts): a checkpoint syncs the file once, at its end.
      db.pragma('synchronous = NORMAL');
      db.pragma('wal_checkpoint(PASSIVE)');
    } finally {
      db.close();
    }
  } catch {
    // Not done: the workbook's next checkpoint (its close at the latest) copies the log instead.
  } finally {
    signalEnd(task.done);
  }
}
