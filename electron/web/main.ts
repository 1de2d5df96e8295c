// `npm run web -- --db FILE [--port N]`: the browser host. Prints exactly one line
// on stdout, the URL with its token; everything else goes to stderr.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BackendHost, BackendStartError } from '../backend/host';
import { sourceWorkerUrl } from '../backend/worker-url';
import { discardStagingDir } from '../backend/imports/staging';
import { startWebHost } from './server';
import { exportsDirFor } from '../backend/exports/folder';

const USAGE = 'usage: npm run web -- --db FILE [--port N] [--seed-demo-if-empty] [--open]';

function openBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    process.stderr.write('No display here to open a browser on: open the URL above yourself.\n');
    return;
  }
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`Could not start ${opener}: open the URL above yourself.\n`));
  child.unref();
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        db: { type: 'string' },
        port: { type: 'string' },
        'seed-demo-if-empty': { type: 'boolean', default: false },
        open: { type: 'boolean', default: false },
        'renderer-dir': { type: 'string' },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (!args.db) {
    process.stderr.write(`--db is required\n${USAGE}\n`);
    return 2;
  }
  const port = args.port === undefined ? 0 : Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be a port number, got ${args.port}\n${USAGE}\n`);
    return 2;
  }

  let backend: BackendHost;
  try {
    backend = await BackendHost.start(sourceWorkerUrl, { dbPath: resolve(args.db), seedDemoIfEmpty: args['seed-demo-if-empty'] });
  } catch (err) {
    const message = err instanceof BackendStartError ? err.error.message : (err as Error).message;
    process.stderr.write(`Cannot open the workbook: ${message}\n`);
    return 1;
  }
  const rendererDir = resolve(args['renderer-dir'] ?? new URL('../../out/renderer', import.meta.url).pathname);
  const host = await startWebHost({ backend, rendererDir, port, exportsDir: exportsDirFor(resolve(args.db)) });
  process.stdout.write(`Forecast Workbench at ${host.url}\n`);
  if (args.open) openBrowser(host.url);

  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await host.close();
  await backend.close();
  discardStagingDir();
  return 0;
}

process.exitCode = await main();
