// fwb backup --db FILE --out FILE [--force] [--json]
import { BACKUP_USAGE } from '../usage';
import { formatBytes } from '../../../shared/format';
import { parseArgs } from 'node:util';
import { chainHeadToken, type BackupOutcome } from '../../backend/host-entry';
import { Client } from '../client';
import { EXIT, UsageError, type CliIo, type ExitCode } from '../io';
import { showJobProgress } from '../progress';
import { rejectedInput } from './rejected';

export async function backupCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({
    args: argv,
    options: { db: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  if (!values.db) throw new UsageError('--db FILE is required');
  if (!values.out) throw new UsageError('--out FILE is required');
  try {
    // Read-only: the online backup reads the workbook, and never migrates or changes it.
    const client = await Client.open({ dbPath: values.db, access: 'read' });
    const stopProgress = showJobProgress(io, client, (p) => `backing up ${p.done}/${p.total} pages`);
    try {
      const done = await client.host<BackupOutcome>('backupWorkbook', { outPath: values.out, overwrite: values.force });
      stopProgress();
      if (values.json) io.stdout.write(`${JSON.stringify({ db: values.db, ...done })}\n`);
      else {
        const head = done.chainHead ? `; audit chain head ${chainHeadToken(done.chainHead, true)}` : '';
        io.stdout.write(`${values.db} backed up to ${done.path} (${formatBytes(done.bytes)}, schema ${done.schemaVersion}${head}).\n`);
      }
      return EXIT.ok;
    } finally {
      stopProgress();
      await client.close();
    }
  } catch (err) {
    return rejectedInput(err, io, 'backup');
  }
}

export { BACKUP_USAGE };
