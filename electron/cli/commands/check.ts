// fwb check --db FILE [--against COPY] [--json]: integrity, foreign keys, the audit
// chain, the journal, releases and governed tables against their audit records.
import { CHECK_USAGE } from '../usage';
import { parseArgs } from 'node:util';
import { chainHeadToken, type CheckReport } from '../../backend/host-entry';
import { withClient } from '../client';
import { EXIT, UsageError, type CliIo, type ExitCode } from '../io';

const UNVERIFIED_WORDS: Record<string, [string, string]> = {
  user: ['user', 'users'],
  policy: ['policy', 'policies'],
  reason_code: ['reason code', 'reason codes'],
  import_batch: ['import batch', 'import batches'],
  batch_rows: ['batch’s rows', 'batches’ rows'],
};

function okLine(db: string, r: CheckReport): string {
  const parts = [
    `${db}: ok — integrity ok, ${r.auditEntries} audit entries chained (head ${chainHeadToken(r.chainHead, true)}), ${r.journalRowsChecked} journal rows, ${r.releasesChecked} releases and ${r.governedRowsChecked} governed rows match their audit records.`,
  ];
  if (r.against) parts.push(`The chain still holds the head ${r.against.file} recorded (entry ${r.against.auditId}).`);
  const unverified = Object.entries(r.unverified).map(([kind, n]) => `${n} ${UNVERIFIED_WORDS[kind]?.[n === 1 ? 0 : 1] ?? kind}`);
  if (unverified.length > 0) parts.push(`Written by an older version without a record, so not verifiable until its first change here seals it: ${unverified.join(', ')}.`);
  return `${parts.join('\n')}\n`;
}

export async function checkCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({ args: argv, options: { db: { type: 'string' }, against: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true });
  if (!values.db) throw new UsageError('--db FILE is required');
  const { db, against } = values;
  // Read-only: checking must never change the file it checks, nor leave files beside it.
  const report = await withClient({ dbPath: db, access: 'read' }, (client) => client.host<CheckReport>('checkWorkbook', against === undefined ? {} : { against }));
  if (values.json) io.stdout.write(`${JSON.stringify(report)}\n`);
  else if (report.ok) io.stdout.write(okLine(db, report));
  else {
    io.stdout.write(`${db}: FAILED — ${report.firstProblem!.message}\n`);
    for (const p of report.problems.slice(1, 10)) io.stdout.write(`  also: ${p.message}\n`);
    if (report.problems.length > 10) io.stdout.write(`  … ${report.problems.length - 10} more (--json lists up to 100)\n`);
  }
  return report.ok ? EXIT.ok : EXIT.failed;
}

export { CHECK_USAGE };
