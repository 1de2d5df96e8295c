// The backend thread: owns the workbook and runs every query and job, so nothing
// slow ever runs on the thread that serves the window or the HTTP host.
import { parentPort, workerData } from 'node:worker_threads';
import type { BackendEvent } from '../../shared/domain';
import { dispatch } from './api';
import { hostDispatch } from './host-api';
import type { BackendContext } from './context';
import { openWorkbook } from './db/open';
import { toApiError } from './errors';
import { seedDemoIfEmpty } from './demo/seed';
import { defaultStagingDir } from './imports/staging';
import type { HostToWorker, WorkerInit, WorkerToHost } from './protocol';

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');
const post = (message: WorkerToHost) => port.postMessage(message);

async function main(init: WorkerInit): Promise<void> {
  const opened = await openWorkbook(init.dbPath, { grain: init.grain });
  const ctx: BackendContext = {
    db: opened.db,
    path: opened.path,
    now: () => new Date(),
    emit: (event: BackendEvent) => post({ type: 'event', event }),
    stagingDir: init.stagingDir ?? defaultStagingDir(),
  };

  // Calls are answered in arrival order; the queue keeps a slow call from
  // interleaving with the next one's writes.
  let queue: Promise<unknown> = Promise.resolve();
  port!.on('message', (message: HostToWorker) => {
    if (message.type === 'close') {
      queue.finally(() => {
        opened.db.close();
        post({ type: 'closed' });
        process.exit(0);
      });
      return;
    }
    queue = queue.then(async () => {
      const result = message.type === 'hostCall' ? await hostDispatch(ctx, message.method, message.payload) : await dispatch(ctx, message.method, message.payload);
      post({ type: 'reply', id: message.id, result });
    });
  });
  post({ type: 'ready', backupPath: opened.backupPath, migratedFrom: opened.migratedFrom });

  if (init.seedDemoIfEmpty) {
    queue = queue.then(() => seedDemoIfEmpty(ctx, init.seedDemoIfEmpty === true ? {} : init.seedDemoIfEmpty || {}));
  }
}

main(workerData as WorkerInit).catch((err) => {
  post({ type: 'fatal', error: toApiError(err) });
});
