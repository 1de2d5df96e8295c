// fwb check --db FILE [--json]: integrity, foreign keys, the audit chain, the journal.
import { CHECK_USAGE } from '../usage';
import { parseArgs } from 'node:util';
import { checkWorkbook } from '../../backend/audit/check';
import { openReadOnly } from '../../backend/db/read-only';
import { EXIT, UsageError, type CliIo, type ExitCode } from '../io';


export async function checkCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({ args: argv, options: { db: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true });
  if (!values.db) throw new UsageError('--db FILE is required');
  // Read-only: checking must never change the file it checks, nor leave files beside it.
  const { db, close } = await openReadOnly(values.db);
  try {
    const report = checkWorkbook(db);
    if (values.json) io.stdout.write(`${JSON.stringify(report)}\n`);
    else if (report.ok) {
      io.stdout.write(`${values.db}: ok — integrity ok, ${report.auditEntries} audit entries chained, ${report.journalRowsChecked} journal rows match their audit entries.\n`);
    } else {
      io.stdout.write(`${values.db}: FAILED — ${report.firstProblem!.message}\n`);
      for (const p of report.problems.slice(1, 10)) io.stdout.write(`  also: ${p.message}\n`);
    }
    return report.ok ? EXIT.ok : EXIT.failed;
  } finally {
    close();
  }
}

export { CHECK_USAGE };
