// The open workbook: one backend worker at a time. Switching starts the new
// backend first and closes the old one only once the new file opened, so a
// refused file (too new, not a workbook) leaves the current workbook in place.
import { basename, resolve } from 'node:path';
import type { BackendEvent, Result } from '../../shared/domain';
import { BackendStartError, type WorkerInit } from '../backend/host-entry';

export interface Backend {
  call(method: string, payload: unknown): Promise<Result<unknown>>;
  onEvent(listener: (event: BackendEvent) => void): () => void;
  close(): Promise<void>;
  /** Host-only calls (backend/host-api.ts) for the File menu's backup and restore. */
  hostCall?(method: string, payload: unknown): Promise<Result<unknown>>;
}

export type StartBackend = (init: WorkerInit) => Promise<Backend>;

export interface OpenOptions {
  /** Fill an empty workbook with the demo data (first start only). */
  seedDemoIfEmpty: boolean;
}

interface Current {
  path: string;
  backend: Backend;
  /** Unwires the backend; closing waits for it (the team sync under way ends first). */
  stopForwarding: () => void | Promise<void>;
}

export class WorkbookSession {
  private current: Current | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly startBackend: StartBackend,
    /** Wires a new backend's events to the window (and its team sync); returns the unsubscribe, which the close awaits. */
    private readonly subscribe: (backend: Backend, path: string) => () => void | Promise<void>,
  ) {}

  get path(): string | null {
    return this.current?.path ?? null;
  }

  /** The open workbook's backend, after any switch in progress has finished. */
  async backend(): Promise<Backend | null> {
    await this.queue;
    return this.current?.backend ?? null;
  }

  /** Opens `path`; rejects with BackendStartError if refused, keeping the current workbook. */
  open(path: string, options: OpenOptions): Promise<void> {
    return this.enqueue(async () => {
      const dbPath = resolve(path);
      if (this.current?.path === dbPath) return;
      const backend = await this.startBackend({ dbPath, seedDemoIfEmpty: options.seedDemoIfEmpty });
      const previous = this.current;
      this.current = { path: dbPath, backend, stopForwarding: this.subscribe(backend, dbPath) };
      if (previous) await closeQuietly(previous);
    });
  }

  /** Lets queued calls finish, then closes the workbook and stops its worker. */
  close(): Promise<void> {
    return this.enqueue(async () => {
      const previous = this.current;
      this.current = null;
      if (previous) await closeQuietly(previous);
    });
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

async function closeQuietly(workbook: Current): Promise<void> {
  try {
    await workbook.stopForwarding();
  } catch (err) {
    process.stderr.write(`Unwiring ${workbook.path} failed: ${(err as Error).message}\n`);
  }
  try {
    await workbook.backend.close();
  } catch (err) {
    process.stderr.write(`Closing ${workbook.path} failed: ${(err as Error).message}\n`);
  }
}

export function workbookName(path: string): string {
  return basename(path).replace(/\.sqlite$/i, '');
}

export function startFailureMessage(err: unknown): string {
  if (err instanceof BackendStartError) {
    // The backend says what is wrong; the desktop app names its own way out.
    return err.error.hint?.option === 'restoreBackup' ? `${err.error.message}: File › Restore from Backup… puts a backup in its place.` : err.error.message;
  }
  return err instanceof Error ? err.message : String(err);
}
