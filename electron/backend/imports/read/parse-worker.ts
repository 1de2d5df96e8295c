// The parse worker: runs parse → map → validate (batch-stream.ts) off the writing
// thread and posts each validated batch with its buffers transferred. At most
// CREDITS batches wait unconsumed, so a slow writer never makes the worker
// buffer the whole file.
import { parentPort, workerData } from 'node:worker_threads';
import { transferables } from '../validated-batch';
import type { OverviewTask } from '../../queries/run-overview-thread';
import type { CheckpointTask } from '../../db/checkpoint-thread';
import { errorData, produce, type ProducerInit, type ProducerMessage } from './batch-stream';

const CREDITS = 64;
const port = parentPort;
if (!port) throw new Error('parse-worker.ts must run in a worker thread');

// The writing thread counts the batches it consumed in this shared cell: flow control
// without a message per batch (500 small messages cost it ~0.3 s of its time).
const { consumed } = workerData as { consumed: Int32Array };
// In Node since 16; not yet in TypeScript's ES2023 lib.
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, ms: number): { value: string | Promise<string> } }).waitAsync;

async function run(init: ProducerInit): Promise<void> {
  // A pending waitAsync does not keep a thread alive; a listening port does.
  port!.on('message', () => {});
  let posted = 0;
  try {
    for await (const message of produce(init)) {
      if (message.type !== 'batch') {
        port!.postMessage(message);
        continue;
      }
      port!.postMessage(message, transferables(message.batch));
      posted++;
      for (let seen = Atomics.load(consumed, 0); posted - seen >= CREDITS; seen = Atomics.load(consumed, 0)) {
        await waitAsync(consumed, 0, seen, 1000).value;
      }
    }
  } catch (err) {
    port!.postMessage({ type: 'failed', error: errorData(err) } satisfies ProducerMessage);
  } finally {
    // Let the thread end once its last message is out; the importer terminates it anyway.
    port!.unref();
  }
}

// The same thread also computes a big run's overview beside the import's scoring (queries/run-overview-thread.ts).
if ((workerData as { task?: string }).task === 'run-overview') {
  const task = workerData as OverviewTask;
  Promise.all([import('../../queries/run-overview-thread'), import('../../queries/run-overview')])
    .then(([thread, overview]) => thread.answerInThread(task, overview.overviewOfRun))
    // Not loaded: no answer, and the refresh, told at once, computes the overview itself.
    .catch(() => {
      task.port.close();
      Atomics.store(task.done, 0, 1);
      Atomics.notify(task.done, 0);
    });
} else if ((workerData as { task?: string }).task === 'checkpoint') {
  // And an import's checkpoint beside its scoring (db/checkpoint-thread.ts).
  const task = workerData as CheckpointTask;
  import('../../db/checkpoint-thread')
    .then((thread) => thread.checkpointHere(task))
    .catch(() => {
      Atomics.store(task.done, 0, 1);
      Atomics.notify(task.done, 0);
    });
} else void run((workerData as { init: ProducerInit }).init);
