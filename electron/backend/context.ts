// What every backend function receives: the open workbook, a clock, and a way
// to stream events (job progress) back to whoever called.
import type { BackendEvent } from '../../shared/domain';
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
