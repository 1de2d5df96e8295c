// `npm run web -- --db FILE [--port N]`: the browser host. Prints exactly one line
// on stdout, an address that opens the app once (a one-time launch code, never
// the session token); everything else goes to stderr.
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BackendHost, BackendStartError, discardStagingDir, exportsDirFor, sourceWorkerUrl } from '../backend/host-entry';
import { HostTeam } from '../team/host-team';
import { startWebHost } from './server';
import { openInBrowser, writeLaunchFile, type LaunchFile } from './launch';

const USAGE = 'usage: npm run web -- --db FILE [--port N] [--seed-demo-if-empty] [--open]';

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
    backend = await BackendHost.start(sourceWorkerUrl, { dbPath: resolve(args.db), seedDemoIfEmpty: args['seed-demo-if-empty'], program: 'the browser host' });
  } catch (err) {
    // The backend says what is wrong; at this terminal the way back is the restore command.
    const advice = err instanceof BackendStartError && err.error.hint?.option === 'restoreBackup' ? `; restore a backup with fwb restore --db ${args.db} --from BACKUP` : '';
    const message = err instanceof BackendStartError ? `${err.error.message}${advice}` : (err as Error).message;
    process.stderr.write(`Cannot open the workbook: ${message}\n`);
    return 1;
  }
  const rendererDir = resolve(args['renderer-dir'] ?? new URL('../../out/renderer', import.meta.url).pathname);
  // A linked workbook syncs on open, every 30 s and on demand; a single-seat one never reaches a server.
  // The page's Connect keeps the password it is given in this process's memory only.
  const team = new HostTeam(backend, {
    workbookName: basename(args.db),
    everyS: process.env.FWB_SYNC_EVERY_S ? Math.max(1, Number(process.env.FWB_SYNC_EVERY_S) || 30) : undefined,
  });
  const host = await startWebHost({ backend, rendererDir, port, exportsDir: exportsDirFor(resolve(args.db)), team });
  process.stdout.write(`Forecast Workbench at ${host.launchUrl()}\n`);
  // The browser gets a private launch file with its own one-time code: nothing in its arguments opens the app.
  let launchFile: LaunchFile | null = null;
  if (args.open) {
    launchFile = writeLaunchFile(host.launchUrl());
    openInBrowser(launchFile.url);
  }

  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await team.stop(); // a sync in flight ends before the workbook closes
  await host.close();
  await backend.close();
  discardStagingDir();
  launchFile?.remove();
  return 0;
}

process.exitCode = await main();
