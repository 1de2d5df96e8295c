// Runs the backend in a worker thread and relays calls and events. Electron's main
// process and the browser host both use this; neither touches SQLite itself.
import { Worker } from 'node:worker_threads';
import type { BackendEvent, Result } from '../../../shared/domain';
import type { HostToWorker, WorkerInit, WorkerToHost } from './protocol';
import { defaultStagingDir } from '../imports/staging';
import { BackendStartError } from './start-error';

export { BackendStartError };

export class BackendHost {
  private nextId = 1;
  private readonly pending = new Map<number, (result: Result<unknown>) => void>();
  private readonly listeners = new Set<(event: BackendEvent) => void>();
  private exited = false;

  private constructor(private readonly worker: Worker) {}

  /** Starts the worker and resolves once the workbook is open (migrated if needed). */
  static start(workerUrl: URL | string, init: WorkerInit): Promise<BackendHost> {
    // The worker reads staged files from the folder this thread stages them in (a worker would make its own).
    const worker = new Worker(workerUrl, { workerData: { ...init, stagingDir: init.stagingDir ?? defaultStagingDir() } });
    const host = new BackendHost(worker);
    return new Promise((resolve, reject) => {
      worker.on('message', (message: WorkerToHost) => {
        switch (message.type) {
          case 'ready':
            resolve(host);
            break;
          case 'fatal':
            reject(new BackendStartError(message.error));
            void worker.terminate();
            break;
          case 'reply':
            host.pending.get(message.id)?.(message.result);
            host.pending.delete(message.id);
            break;
          case 'event':
            for (const listener of host.listeners) listener(message.event);
            break;
          case 'closed':
            break;
        }
      });
      worker.on('error', (err) => {
        reject(new BackendStartError({ code: 'INTERNAL', message: `Backend failed: ${err.message}` }));
        host.failAll(`Backend failed: ${err.message}`);
      });
      worker.on('exit', () => {
        host.exited = true;
        host.failAll('The backend has stopped.');
        reject(new BackendStartError({ code: 'BACKEND_UNAVAILABLE', message: 'The backend stopped before it was ready.' }));
      });
    });
  }

  call(method: string, payload: unknown): Promise<Result<unknown>> {
    return this.request('call', method, payload);
  }

  /** A host-only call (backend/host-api.ts): for the shell's own menus, never relayed from the page. */
  hostCall(method: string, payload: unknown): Promise<Result<unknown>> {
    return this.request('hostCall', method, payload);
  }

  /** One request to the worker, answered by the message that carries its id. */
  private request(type: 'call' | 'hostCall', method: string, payload: unknown): Promise<Result<unknown>> {
    if (this.exited) return Promise.resolve({ ok: false, error: { code: 'BACKEND_UNAVAILABLE', message: 'The backend has stopped.' } });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.send({ type, id, method, payload });
    });
  }

  onEvent(listener: (event: BackendEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Lets queued calls finish, closes the workbook, stops the thread. */
  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.send({ type: 'close' });
    await exited;
  }

  private send(message: HostToWorker): void {
    this.worker.postMessage(message);
  }

  private failAll(message: string): void {
    for (const resolve of this.pending.values()) resolve({ ok: false, error: { code: 'BACKEND_UNAVAILABLE', message } });
    this.pending.clear();
  }
}
