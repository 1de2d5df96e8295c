// Messages between the backend worker and its host (Electron main or the browser host).
import type { ApiError, BackendEvent, Result } from '../../../shared/domain';
import type { Grain } from '../../../shared/period';

export interface DemoSeedOptions {
  items?: number;
  months?: number;
  seed?: number;
}

export interface WorkerInit {
  dbPath: string;
  /** Folder of staged import files, shared with the host that stages them (default: per process, in the temp folder). */
  stagingDir?: string;
  grain?: Grain;
  /** Who this is, for others' busy messages ('the desktop app', 'the browser host'). */
  program?: string;
  /** Fill an empty workbook with the demo data (first start of the app). */
  seedDemoIfEmpty?: boolean | DemoSeedOptions;
}

export type HostToWorker =
  | { type: 'call'; id: number; method: string; payload: unknown }
  /** Host-only calls (backend/host-api.ts): the relays for the page never send these. */
  | { type: 'hostCall'; id: number; method: string; payload: unknown }
  | { type: 'close' };

export type WorkerToHost =
  | { type: 'ready'; backupPath: string | null; migratedFrom: number }
  | { type: 'fatal'; error: ApiError }
  | { type: 'reply'; id: number; result: Result<unknown> }
  | { type: 'event'; event: BackendEvent }
  | { type: 'closed' };
