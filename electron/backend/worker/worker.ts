// The backend thread: owns the workbook and runs every query and job, so nothing
// slow ever runs on the thread that serves the window or the HTTP host.
import { parentPort, workerData } from 'node:worker_threads';
import type { BackendEvent } from '../../../shared/domain';
import { dispatch } from '../api';
import { hostDispatch } from '../host-api';
import type { BackendContext } from '../context';
import { openWorkbook } from '../db/open';
import { ConnectionTurns } from './connection-turns';
import { toApiError } from '../errors';
import { seedDemoIfEmpty } from '../demo/seed';
import { defaultStagingDir } from '../imports/staging';
import type { HostToWorker, WorkerInit, WorkerToHost } from './protocol';
import { useParseWorker } from '../imports/read/reader-thread';

// Built (out/main/worker.js), the parse worker is bundled beside this file (electron.vite.config.ts);
// from sources, reader-thread.ts finds its own. A variable, so the bundler leaves the name alone.
const BUILT_PARSE_WORKER = './parse-worker.js';
if (!import.meta.url.endsWith('.ts')) useParseWorker(new URL(BUILT_PARSE_WORKER, import.meta.url));

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
    program: init.program ?? 'Forecast Workbench',
  };

  // Calls take turns on the one connection in arrival order; an import gives its
  // turn up while it reads its file, so the app's reads and decisions are answered
  // meanwhile (connection-turns.ts).
  const turns = new ConnectionTurns(opened.db);
  port!.on('message', (message: HostToWorker) => {
    if (message.type === 'close') {
      void turns.idle().then(() => {
        opened.close();
        post({ type: 'closed' });
        process.exit(0);
      });
      return;
    }
    void turns.run(async (yieldWhile) => {
      const callCtx: BackendContext = { ...ctx, yieldWhile };
      const result = message.type === 'hostCall' ? await hostDispatch({ path: ctx.path, emit: ctx.emit, now: ctx.now, ctx: callCtx }, message.method, message.payload) : await dispatch(callCtx, message.method, message.payload);
      post({ type: 'reply', id: message.id, result });
    });
  });
  post({ type: 'ready', backupPath: opened.backupPath, migratedFrom: opened.migratedFrom });

  if (init.seedDemoIfEmpty) {
    // Its own turn, never given up: calls wait until the demo is in.
    void turns.run(async () => seedDemoIfEmpty(ctx, init.seedDemoIfEmpty === true ? {} : init.seedDemoIfEmpty || {}));
  }
}

main(workerData as WorkerInit).catch((err) => {
  post({ type: 'fatal', error: toApiError(err) });
});
