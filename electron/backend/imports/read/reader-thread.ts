// Starts the reading half of an import (batch-stream.ts) in its parse worker, or
// in this thread, behind one pull interface. Every launch mode has the parse
// worker: from sources (parse-worker-source.mjs), the bundled fwb (out/cli) and
// the built app (out/main/parse-worker.js, named by the backend worker at start).
import { workerUrl } from './worker-file';
import { Worker } from 'node:worker_threads';
import { WorkbenchError } from '../../errors';
import type { ErrorData, ProducerInit, ProducerMessage } from './batch-stream';
import type { ApiErrorCode } from '../../../../shared/domain';

export interface Producer {
  next(): Promise<ProducerMessage>;
  /** Tells a worker one batch was consumed (flow control). */
  ack(): void;
  stop(): Promise<void>;
}

export { parseWorkerAvailable, parseWorkerFile, useParseWorker } from './worker-file';

export function startProducer(init: ProducerInit, useWorker: boolean): Producer {
  return useWorker ? workerProducer(init) : inThreadProducer(init);
}

function inThreadProducer(init: ProducerInit): Producer {
  // The parsers load on first use only: with a worker, this thread never needs them.
  const gen = import('./batch-stream').then(({ produce }) => produce(init));
  return {
    async next() {
      const r = await (await gen).next();
      return r.done ? { type: 'done' } : r.value;
    },
    ack() {},
    async stop() {
      await (await gen).return(undefined);
    },
  };
}

function workerProducer(init: ProducerInit): Producer {
  const consumed = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(workerUrl()!, { workerData: { init, consumed } });
  const queue: ProducerMessage[] = [];
  let waiting: ((m: ProducerMessage) => void) | null = null;
  let finished = false;
  const push = (m: ProducerMessage) => {
    if (m.type === 'done' || m.type === 'failed' || m.type === 'rejected') finished = true;
    if (waiting) {
      const w = waiting;
      waiting = null;
      w(m);
    } else queue.push(m);
  };
  worker.on('message', (m: ProducerMessage) => push(m));
  worker.on('error', (err) => push({ type: 'failed', error: { code: 'INTERNAL', message: `the import's reader failed: ${err.message}` } }));
  worker.on('exit', (code) => {
    if (!finished) push({ type: 'failed', error: { code: 'INTERNAL', message: `the import's reader stopped unexpectedly (exit ${code})` } });
  });
  return {
    next() {
      const m = queue.shift();
      if (m) return Promise.resolve(m);
      return new Promise((resolve) => (waiting = resolve));
    },
    ack() {
      Atomics.add(consumed, 0, 1);
      Atomics.notify(consumed, 0);
    },
    async stop() {
      finished = true;
      await worker.terminate();
    },
  };
}

/** Re-raises an error that crossed from the worker as a WorkbenchError (or a plain Error). */
export function raise(error: ErrorData): never {
  if (error.code === 'INTERNAL') throw new Error(error.message);
  throw new WorkbenchError(error.code as ApiErrorCode, error.message, { file: error.file, row: error.row, column: error.column, hint: error.hint });
}
