// A big run's overview computed on the second core while this thread writes the
// run's exception scores (issue 14: seconds of an import's warm-ups at 1M lines).
// The thread reads the committed workbook through its own read-only connection, in
// one read transaction, and sends back the overview with the source stamp it read
// it at; the refresh takes it only when that stamp is the one it records, and
// otherwise computes the overview itself, so the kept overview is the same either way.
// The thread is the import's parse worker started for this task (parse-worker.ts),
// so each build that has the one has the other.
import Database from 'better-sqlite3';
import { sqliteAddon } from '../db/sqlite-addon';
import type { MessagePort, Worker } from 'node:worker_threads';
import type { ReadableDb, WritableDb } from '../db/handles';
import { readSourceStamp, type SourceName, type SourceStamp } from '../derived/sources';
import { parseWorkerFile } from '../imports/read/worker-file';

/** What the thread is handed. */
export interface OverviewTask {
  task: 'run-overview';
  path: string;
  runId: number;
  sources: readonly SourceName[];
  port: MessagePort;
  /** Set to 1 once the answer is posted: the refresh waits on it without an event loop turn. */
  done: Int32Array;
}

type Answer<T> = { stamp: SourceStamp; overview: T } | { error: string };

/** Runs smaller than this are computed in place: a thread's start costs more than their overview. */
let threadFrom = 100_000;
/** For tests: the size of run from which the overview goes to a thread. */
export function overviewThreadFrom(lines: number): void {
  threadFrom = lines;
}

/** How long the refresh waits for the thread before computing the overview itself. */
const WAIT_MS = 120_000;

interface Pending {
  runId: number;
  worker: Worker;
  port: MessagePort;
  done: Int32Array;
}
const pending = new WeakMap<WritableDb, Pending>();

function stop(p: Pending): void {
  p.port.close();
  void p.worker.terminate();
}

/** Starts the overview of `runId` on another thread when the run is big and the workbook a file; never throws. */
export function startOverviewThread(db: WritableDb, runId: number, sources: readonly SourceName[]): void {
  const before = pending.get(db);
  if (before) stop(before);
  pending.delete(db);
  const file = parseWorkerFile();
  if (!file || db.memory || !db.name) return;
  const lines = db.prepare('SELECT count(*) FROM (SELECT 1 FROM forecast_lines WHERE run_id = ? LIMIT ?)').pluck().get(runId, threadFrom) as number;
  if (lines < threadFrom) return;
  try {
    // node:worker_threads taken here, not when this module loads: it loads Node's streams, and a read never starts a thread.
    const { MessageChannel, Worker } = process.getBuiltinModule('node:worker_threads');
    const { port1, port2 } = new MessageChannel();
    const done = new Int32Array(new SharedArrayBuffer(4));
    const task: OverviewTask = { task: 'run-overview', path: db.name, runId, sources, port: port2, done };
    const worker = new Worker(file, { workerData: task, transferList: [port2] });
    // Neither keeps the process: an answer not taken (the refresh did not run) is simply dropped.
    worker.unref();
    port1.unref();
    worker.on('error', () => undefined);
    pending.set(db, { runId, worker, port: port1, done });
  } catch {
    // No thread to be had: the refresh computes the overview itself.
  }
}

/** The overview the thread computed for `runId` at the stamp `now`; null when there is none to take (then compute it). */
export function takeOverviewFromThread<T>(db: WritableDb, runId: number, now: SourceStamp): T | null {
  const p = pending.get(db);
  if (!p || p.runId !== runId) return null;
  pending.delete(db);
  try {
    if (Atomics.wait(p.done, 0, 0, WAIT_MS) === 'timed-out') return null;
    const answer = process.getBuiltinModule('node:worker_threads').receiveMessageOnPort(p.port)?.message as Answer<T> | undefined;
    if (!answer || 'error' in answer) return null;
    // Read at another state of the workbook (another program wrote in between): not the overview of `now`.
    return JSON.stringify(answer.stamp) === JSON.stringify(now) ? answer.overview : null;
  } finally {
    stop(p);
  }
}

/** The thread's side: opens the workbook read-only, computes, answers, and always signals it answered. */
export function answerInThread<T>(task: OverviewTask, compute: (db: ReadableDb, runId: number) => T): void {
  let answer: Answer<T>;
  try {
    const db = new Database(task.path, { readonly: true, fileMustExist: true, nativeBinding: sqliteAddon() });
    try {
      db.pragma('busy_timeout = 5000');
      // One read transaction: the stamp and the overview see the same state of the file.
      answer = db.transaction(() => ({ stamp: readSourceStamp(db, task.sources), overview: compute(db, task.runId) }))();
    } finally {
      db.close();
    }
  } catch (err) {
    answer = { error: err instanceof Error ? err.message : String(err) };
  }
  task.port.postMessage(answer);
  task.port.close();
  Atomics.store(task.done, 0, 1);
  Atomics.notify(task.done, 0);
}
