// fwb sync: push, then pull, for a workbook linked to a team (fwb team join).
// Parsing and printing only; the work is in electron/team/sync.ts and the backend's host calls.
import { parseArgs } from 'node:util';
import { TeamError, redact } from '../../team/errors';
import { EXIT, UsageError, positiveInt, type CliIo, type ExitCode } from '../io';

/** FWB_TEAM_PAGE_ROWS: rows per page of the pull (default join.ts's PULL_PAGE_ROWS), as for fwb team join. */
function pageRows(): { pageRows?: number } {
  const n = Number(process.env.FWB_TEAM_PAGE_ROWS);
  return Number.isInteger(n) && n > 0 ? { pageRows: n } : {};
}

export async function syncCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  if (argv.some((a) => a === '--password' || a.startsWith('--password=') || a === '--url' || a.startsWith('--url='))) {
    throw new UsageError('fwb sync takes the team URL from the workbook and the password from PGPASSWORD, ~/.pgpass or PGSERVICE, never the command line');
  }
  const { values } = parseArgs({ args: argv, options: { db: { type: 'string' }, acknowledge: { type: 'string', multiple: true }, json: { type: 'boolean', default: false } }, strict: true });
  const acknowledge = (values.acknowledge ?? []).map((v) => positiveInt('acknowledge', v, 1));
  const dbPath = values.db;
  if (typeof dbPath !== 'string' || dbPath === '') throw new UsageError('--db FILE is required');
  const [{ syncTeam }, { withClient }, { basename }, { existsSync }] = await Promise.all([import('../../team/sync'), import('../client'), import('node:path'), import('node:fs')]);
  if (!existsSync(dbPath)) throw new UsageError(`${dbPath} does not exist: a team replica is made by fwb team join --db ${dbPath} --url MEMBER_URL`);
  try {
    const done = await withClient({ dbPath, access: 'write' }, async (client) => {
      for (const lineId of acknowledge) await client.host('acknowledgeTeamConflict', { lineId });
      return syncTeam(
        {
          state: () => client.host('teamReplicaState', {}),
          outbox: () => client.host('teamOutbox', {}),
          recordOutcomes: (outcomes) => client.host('recordTeamOutcomes', { outcomes }),
          recordChangeOutcomes: (outcomes) => client.host('recordTeamChangeOutcomes', { outcomes }),
          markAcknowledged: (ackIds) => client.host('markTeamAcknowledged', { ackIds }),
          applyPage: (page) => client.host('applyTeamPage', page),
          finishPull: () => client.host('finishTeamPull', {}),
          applyJournalPage: (page) => client.host('applyTeamJournalPage', page),
          ledger: () => client.host('teamSyncLedger', {}),
          unpublished: () => client.host('unpublishedTeamImports', {}),
          laterPublicationPage: (batchId, uuid, table, after, limit) => client.host('teamLaterPublicationPage', { batchId, uuid, table, after, limit }),
          recordPublication: (answer, login) => client.host('recordTeamPublication', { answer, login }),
        },
        basename(dbPath),
        // Decisions per call to the server, rows per pulled page (as fwb team join's): tests set them small to stop a sync between calls.
        { ...(process.env.FWB_SYNC_BATCH ? { batch: Math.max(1, Number.parseInt(process.env.FWB_SYNC_BATCH, 10) || 1) } : {}), ...pageRows() },
      );
    });
    // Rows the team refused during this sync are input rejected (exit 3), although the rest was sent and pulled:
    // a script must not take a refused decision for a recorded one. Refusals of earlier syncs were told then (exit 0).
    const refusedImports = done.publications.filter((p) => p.status === 'refused');
    const exit = done.refused.length > 0 || refusedImports.length > 0 || done.changes.refused.length > 0 ? EXIT.rejected : EXIT.ok;
    if (values.json) {
      io.stdout.write(`${JSON.stringify(done)}\n`);
      return exit;
    }
    const n = (x: number | undefined, what: string) => `${(x ?? 0).toLocaleString('en-US')} ${what}${x === 1 ? '' : 's'}`;
    const p = done.pulled;
    io.stdout.write(
      `${dbPath} synced with the team workbook at ${done.url} as ${done.login} (${done.role}): sent ${n(done.pushed.decisions, 'decision')}, ${n(done.pushed.reviews, 'review')} and ${n(done.pushed.acknowledgements, 'acknowledgement')}; ` +
        `received ${n(p.decisions, 'decision')}, ${n(p.approvals, 'review')}, ${n(p.policies, 'policy version')}, ${n(p.forecast_lines, 'forecast line')}, ${n(p.actuals, 'actual')}.\n`,
    );
    for (const p of done.publications) {
      if (p.status === 'published') {
        const versions = p.changedItems ? `; ${n(p.changedItems, 'item')} the team held ${p.changedItems === 1 ? 'has' : 'have'} a new version, which judges decisions from now on` : '';
        io.stdout.write(`  Published ${p.fileName} (${p.kind.replace('_', ' ')}) to the team as batch ${p.teamBatchId}; its rows now carry the team's ids${versions}.\n`);
      }
      else io.stdout.write(`  ${p.reason} The import is not in the team's data.\n`);
    }
    for (const r of done.refused) io.stdout.write(`  Refused by the team (${r.kind}${r.lineId !== null ? ` on line ${r.lineId}` : ''}): ${r.reason} It is kept in this workbook, not in the team's plan.\n`);
    const c = done.changes;
    if (c.pushed.policies + c.pushed.reasonCodes + c.pushed.releases > 0) {
      io.stdout.write(`  Sent ${n(c.pushed.policies, 'policy change')}, ${n(c.pushed.reasonCodes, 'reason-code change')} and ${n(c.pushed.releases, 'release')}.\n`);
    }
    for (const r of c.refused) io.stdout.write(`  Refused by the team (${r.what}): ${r.reason} ${r.kind === 'release' ? 'The release stays in this workbook only.' : "This workbook's copy is put back as the team holds it."}\n`);
    if (c.unsent > 0) io.stdout.write(`  Still unsent: ${n(c.unsent, 'policy, reason-code or release change')}.\n`);
    const earlier = done.refusedBefore;
    if (earlier > 0) io.stdout.write(`  ${n(earlier, 'row')} refused by the team at earlier syncs ${earlier === 1 ? 'is' : 'are'} kept in this workbook with the reasons.\n`);
    for (const c of done.conflicts) io.stdout.write(`  Line ${c.lineId} is in conflict: ${c.authors.join(' and ')} decided it without seeing each other's decision; decide it again, or acknowledge it (fwb sync --db FILE --acknowledge LINE), to settle it.\n`);
    if (done.unsent.decisions + done.unsent.reviews > 0) io.stdout.write(`  Still unsent: ${n(done.unsent.decisions, 'decision')}, ${n(done.unsent.reviews, 'review')}.\n`);
    return exit;
  } catch (err) {
    if (err instanceof TeamError) {
      io.stderr.write(`fwb sync: ${err.message}${err.kind === 'failed' ? ' Nothing unsent was lost: it stays in the workbook and goes with the next sync.' : ''}\n`);
      return err.kind === 'rejected' ? EXIT.rejected : EXIT.failed;
    }
    const e = err as { severity?: string; code?: string; message?: string };
    if (typeof e?.severity === 'string' && typeof e.code === 'string') {
      io.stderr.write(`fwb sync: the team's server refused it: ${redact(e.message ?? '', [process.env.PGPASSWORD])} (SQLSTATE ${e.code}). What was answered before is recorded; sync again to send the rest.\n`);
      return EXIT.failed;
    }
    throw err;
  }
}
