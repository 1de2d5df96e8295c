// fwb check --db FILE [--against COPY] [--json]: integrity, foreign keys, the audit
// chain, the journal, releases and governed tables against their audit records.
import { CHECK_USAGE } from '../usage';
import { parseArgs } from 'node:util';
import { chainHeadToken, type CheckReport } from '../../backend/host-entry';
import { withClient, type Client } from '../client';
import type { TeamAuditReport } from '../../team/audit-check';
import type { ReplicaState } from '../../../shared/team-sync';
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
  const { values } = parseArgs({
    args: argv,
    options: { db: { type: 'string' }, against: { type: 'string' }, team: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  if (!values.db) throw new UsageError('--db FILE is required');
  const { db, against } = values;
  // Read-only: checking must never change the file it checks, nor leave files beside it.
  const { report, team } = await withClient({ dbPath: db, access: 'read' }, async (client) => ({
    report: await client.host<CheckReport>('checkWorkbook', against === undefined ? {} : { against }),
    team: values.team ? await teamCheck(client, db) : undefined,
  }));
  if (values.json) io.stdout.write(`${JSON.stringify(team === undefined ? report : { ...report, team })}\n`);
  else {
    if (report.ok) io.stdout.write(okLine(db, report));
    else {
      io.stdout.write(`${db}: FAILED — ${report.firstProblem!.message}\n`);
      for (const p of report.problems.slice(1, 10)) io.stdout.write(`  also: ${p.message}\n`);
      if (report.problems.length > 10) io.stdout.write(`  … ${report.problems.length - 10} more (--json lists up to 100)\n`);
    }
    if (team && 'problem' in team && team.problem !== undefined) io.stdout.write(`${db}: team FAILED — ${team.problem}\n`);
    else if (team && 'ok' in team) {
      io.stdout.write(
        `${db}: team ok — the team's audit chain holds ${team.serverEntries} entries (head ${team.serverHead?.slice(0, 12) ?? 'none'}), and this replica's copy of it (${team.copyEntries} entries, through seq ${team.copyThroughSeq}) is a prefix of it.\n`,
      );
    }
  }
  if (team && 'cannot' in team) {
    io.stderr.write(`fwb check --team: ${team.cannot}\n`);
    return team.exit;
  }
  return report.ok && (team === undefined || (team as TeamAuditReport).ok) ? EXIT.ok : EXIT.failed;
}

/** The team's audit chain and the replica's copy of it (electron/team/audit-check.ts), or why there is none to check. */
async function teamCheck(client: Client, db: string): Promise<TeamAuditReport | { cannot: string; exit: ExitCode }> {
  const state = await client.host<ReplicaState>('teamReplicaState', {});
  if (!state.link) return { cannot: `${db} is not linked to a team workbook, so there is no team chain to check: --team checks a team's replica (fwb team join links one).`, exit: EXIT.rejected };
  const [{ checkTeamAudit }, { TeamError, redact }, { basename }] = await Promise.all([import('../../team/audit-check'), import('../../team/errors'), import('node:path')]);
  try {
    return await checkTeamAudit(state.link.url, { page: (after, limit) => client.host('teamAuditCopy', { after, limit }) }, basename(db));
  } catch (err) {
    if (err instanceof TeamError) return { cannot: `${err.message} The team's chain was not checked.`, exit: EXIT.failed };
    const e = err as { severity?: string; code?: string; message?: string };
    if (typeof e?.severity === 'string' && typeof e.code === 'string') {
      return { cannot: `the team database refused the check: ${redact(e.message ?? '', [process.env.PGPASSWORD])} (SQLSTATE ${e.code}).`, exit: EXIT.failed };
    }
    throw err;
  }
}

export { CHECK_USAGE };
