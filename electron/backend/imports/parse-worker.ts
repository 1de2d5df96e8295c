// The parse worker: runs parse → map → validate (produce.ts) off the writing
// thread and posts each validated batch with its buffers transferred. At most
// CREDITS batches wait unacknowledged, so a slow writer never makes the worker
// buffer the whole file.
import { parentPort, workerData } from 'node:worker_threads';
import { transferables } from './batch';
import { errorData, produce, type ProducerInit, type ProducerMessage } from './produce';

const CREDITS = 64;
const port = parentPort;
if (!port) throw new Error('parse-worker.ts must run in a worker thread');

let inFlight = 0;
let wake: (() => void) | null = null;
port.on('message', (message: unknown) => {
  if (message !== 'ack') return;
  inFlight--;
  wake?.();
  wake = null;
});

async function run(init: ProducerInit): Promise<void> {
  try {
    for await (const message of produce(init)) {
      if (message.type !== 'batch') {
        port!.postMessage(message);
        continue;
      }
      port!.postMessage(message, transferables(message.batch));
      inFlight++;
      while (inFlight >= CREDITS) await new Promise<void>((resolve) => (wake = resolve));
    }
  } catch (err) {
    port!.postMessage({ type: 'failed', error: errorData(err) } satisfies ProducerMessage);
  } finally {
    // Let the thread end once its last message is out; the importer terminates it anyway.
    port!.unref();
  }
}

void run(workerData as ProducerInit);
