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
}
