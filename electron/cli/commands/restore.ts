// fwb restore --db FILE --from BACKUP [--json]
import { RESTORE_USAGE } from '../usage';
import { parseArgs } from 'node:util';
import { withClient } from '../client';
import type { RestoreOutcome } from '../../backend/host-entry';
import { EXIT, UsageError, type CliIo, type ExitCode } from '../io';
import { rejectedInput } from './rejected';

/** What the workbook put aside says about the backup's audit chain. */
const REPLACED_CHAIN: Record<string, string> = {
  continues: "The workbook put aside holds every audit entry this backup holds, unchanged: its audit chain continued this backup's.\n",
  rewritten: "Note: the workbook put aside does not continue this backup's audit chain — an entry the backup holds was changed after it was taken (fwb check --db ASIDE --against BACKUP names it).\n",
  truncated: "Note: the workbook put aside does not continue this backup's audit chain — entries the backup holds were removed after it was taken.\n",
  unknown: '',
  none: '',
};

export async function restoreCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({
    args: argv,
    options: { db: { type: 'string' }, from: { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  if (!values.db) throw new UsageError('--db FILE is required');
  if (!values.from) throw new UsageError('--from BACKUP is required');
  let done: RestoreOutcome;
  const from = values.from;
  try {
    // Nothing open: the restore swaps files, and must be the only one holding the workbook.
    done = await withClient({ dbPath: values.db, access: 'none' }, (client) => client.host<RestoreOutcome>('restoreWorkbook', { from }));
  } catch (err) {
    return rejectedInput(err, io, 'restore');
  }
  if (values.json) io.stdout.write(`${JSON.stringify(done)}\n`);
  else {
    io.stdout.write(
      `${done.path} restored from ${done.restoredFrom} (schema ${done.schemaVersion}; ${done.auditEntries} audit entries chained, ${done.journalRowsChecked} journal rows match).\n` +
        (done.keptAside ? `The workbook as it was is kept as ${done.keptAside}.\n` : '') +
        REPLACED_CHAIN[done.replacedChain ?? 'none'],
    );
  }
  return EXIT.ok;
}

export { RESTORE_USAGE };
