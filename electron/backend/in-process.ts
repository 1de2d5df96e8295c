// The backend in this thread, for fwb: one command's calls on one workbook need no
// other thread, and a thread's start would cost every command. A host entry of its
// own, lighter than host-entry.ts (which re-exports it): every fwb call is a process
// of its own, and what it loads is start-up time, so this loads neither the worker
// host nor the hosts' file helpers (staging, the exports folder, the restore swap).
// api.ts, host-api.ts and the workbook load on first use.
import type { ApiError, BackendEvent, Result } from '../../shared/domain';
import type { Grain } from '../../shared/period';
import type { BackendContext } from './context';
import type { HostScope } from './host-api';
import { BackendStartError } from './worker/start-error';
// The namespace import lets the bundlers leave out the zod modules never used (its ninety locales above all).
import * as z from 'zod';

export { BackendStartError };

/** A running backend as a host sees it, wherever it runs. */
export interface Backend {
  call(method: string, payload: unknown): Promise<Result<unknown>>;
  hostCall(method: string, payload: unknown): Promise<Result<unknown>>;
  onEvent(listener: (event: BackendEvent) => void): () => void;
  close(): Promise<void>;
}

export interface InProcessOptions {
  dbPath: string;
  /**
   * 'write' opens (and migrates) the workbook; 'read' only looks, never changing
   * the file nor leaving files beside it; 'none' opens nothing, for host calls
   * about files (restore, demo).
   */
  access: 'write' | 'read' | 'none';
  /** Grain of a workbook this creates. */
  grain?: Grain;
  /** Who this is, for others' busy messages. */
  program?: string;
}

/** The backend in this thread, on the workbook at `dbPath`. Rejects with BackendStartError, as a worker's start does, where the file cannot be opened. */
export async function openInProcess(options: InProcessOptions): Promise<Backend> {
  // A command validates a request or two and ends: zod's fast path would first write and
  // compile a parser for each schema (new Function, which no code cache keeps), costing
  // more than the plain parse it saves. The same checks either way.
  z.config({ jitless: true });
  const listeners = new Set<(event: BackendEvent) => void>();
  const emit = (event: BackendEvent) => {
    for (const listener of listeners) listener(event);
  };
  const now = () => new Date();
  let ctx: BackendContext | null = null;
  let closeDb = () => {};
  if (options.access !== 'none') {
    try {
      if (options.access === 'read') {
        const { openReadOnly } = await import('./db/read-only');
        const opened = await openReadOnly(options.dbPath);
        ctx = { db: opened.db, path: options.dbPath, now, emit, stagingDir: '', program: options.program };
        closeDb = () => opened.close();
      } else {
        const { openWorkbook } = await import('./db/open');
        const opened = await openWorkbook(options.dbPath, { grain: options.grain });
        ctx = { db: opened.db, path: options.dbPath, now, emit, stagingDir: '', program: options.program };
        closeDb = () => opened.close();
      }
    } catch (err) {
      throw new BackendStartError(await asApiError(err, options.dbPath));
    }
  }
  const scope: HostScope = { path: options.dbPath, emit, now, ctx };
  return {
    async call(method, payload) {
      if (!ctx) return { ok: false, error: { code: 'BACKEND_UNAVAILABLE', message: 'No workbook is open.' } };
      const { dispatch } = await import('./api');
      return dispatch(ctx, method, payload);
    },
    async hostCall(method, payload) {
      const { hostDispatch } = await import('./host-api');
      return hostDispatch(scope, method, payload);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closeDb();
    },
  };
}

/** An error met opening a workbook, as a sentence: SQLite's "locked" names what holds the file where it can. */
async function asApiError(err: unknown, path: string): Promise<ApiError> {
  const { isSqliteBusy, toApiError } = await import('./errors');
  if (isSqliteBusy(err)) return toApiError((await import('./db/busy')).busyErrorAt(path));
  return toApiError(err);
}
