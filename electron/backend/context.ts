// What every backend function receives: the open workbook, a clock, and a way
// to stream events (job progress, what changed) back to whoever called. A
// handler of the API gets a narrower view (api.ts): the workbook readable only
// when it is a read, and no events of its own, since its declaration in the
// table says what it announces and dispatch announces it.
import type { BackendEvent } from '../../shared/domain';
import type { ReadableDb } from './db/handles';
import type { Db } from './db/open';

export interface BackendContext {
  db: Db;
  path: string;
  now: () => Date;
  emit: (event: BackendEvent) => void;
  /** Where uploaded or picked files wait for import (see imports/staging.ts). */
  stagingDir: string;
  /** Which program this is ('fwb', 'the desktop app', 'the browser host'): named to others when it holds the workbook. */
  program?: string;
  /**
   * Awaits `work` (reading a file, a parser) while other calls may use the
   * workbook's connection, then takes it back (worker/worker.ts). Only called with no
   * transaction open. Absent where nothing else shares the connection (fwb).
   */
  yieldWhile?: <T>(work: () => Promise<T>) => Promise<T>;
}

/** How far a job has come (jobs.ts turns it into a job-progress event). */
export interface JobProgress {
  phase: string;
  done: number;
  total: number | null;
  message?: string;
  /** Rows read so far, where the job reads rows (import). */
  rows?: number;
}

/**
 * What a writing handler of the API is handed: the workbook, writable, and no
 * way to emit events of its own (its declaration in api.ts says what it
 * announces). `progress` is there when the method is declared a job.
 */
export interface WriteContext extends Omit<BackendContext, 'emit'> {
  progress?: (p: JobProgress) => void;
}

/** What a reading handler is handed: the workbook to read only, the derived data it declared already current. */
export interface ReadContext extends Omit<WriteContext, 'db'> {
  db: ReadableDb;
}
