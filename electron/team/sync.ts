// fwb sync: a replica sends what it has not sent, then pulls what it has not got
// (TEAM.md "Offline first"). Push: unsent decisions in the order they were made, in
// batches, through fwb.submit_decisions; unsent reviews through fwb.review_override.
// Each row carries its uuid, so a push stopped anywhere (the process killed, the answer
// lost) and sent again records each row once: the server answers a known uuid with
// what it stored. Each batch's answers are recorded in the replica in one transaction.
// Pull: the data tables (join.ts) and the journal (shared/team-journal.ts) in one
// snapshot, page by page, each page with its mark.
// The workbook is reached through a port the host wires to the backend's host calls.
import type { JournalPage, JournalTable, Outbox, SyncLedger, TeamChangeOutcome, TeamChangeRefusal, TeamConflict, TeamOutcome, TeamRefusal, UnsentChange } from '../../shared/team-journal';
import { JOURNAL_TABLE_NAMES } from '../../shared/team-journal';
import type { PulledPage, PulledTable, ReplicaState } from '../../shared/team-sync';
import { requireMemberSchema } from './admin';
import { lostConnection, withTeam, type TeamClient } from './connect';
import { TeamError } from './errors';
import { PULL_PAGE_ROWS, pullAll } from './join';
import { pullJournal } from './journal-pull';
import { publishImports, type PublicationPort, type PublishedImport } from './publish-imports';

/** The workbook, as sync needs it. */
export interface SyncPort extends PublicationPort {
  state(): Promise<ReplicaState>;
  outbox(): Promise<Outbox>;
  recordOutcomes(outcomes: TeamOutcome[]): Promise<{ refused: TeamRefusal[] }>;
  recordChangeOutcomes(outcomes: TeamChangeOutcome[]): Promise<{ refused: TeamChangeRefusal[] }>;
  markAcknowledged(ackIds: number[]): Promise<void>;
  applyPage(page: PulledPage): Promise<void>;
  /** After a pull that wrote data rows: the derived data an import refreshes, brought current once. */
  finishPull(): Promise<void>;
  applyJournalPage(page: JournalPage): Promise<void>;
  ledger(): Promise<SyncLedger>;
}

export interface SyncOutcome {
  login: string;
  role: string;
  url: string;
  pushed: { decisions: number; reviews: number; acknowledgements: number };
  /** Imports of this workbook sent to the team by this sync: published (their rows came back with the team's ids), or refused with the reason. */
  publications: PublishedImport[];
  pulled: Partial<Record<PulledTable | JournalTable, number>>;
  /** Rows the server refused during this sync, with its reasons (kept in the workbook for their author). */
  refused: TeamRefusal[];
  /** Every refusal the workbook keeps for this login. */
  refusedBefore: number;
  /** Lines in conflict for this login: two people decided them without seeing each other's decision. */
  conflicts: TeamConflict[];
  unsent: { decisions: number; reviews: number };
  /** Managers' policy, reason-code and release changes: sent by this sync, refused by it (the replica's policy or code put back as the team holds it), still unsent. */
  changes: { pushed: { policies: number; reasonCodes: number; releases: number }; refused: TeamChangeRefusal[]; unsent: number };
}

/** Decisions per fwb.submit_decisions call: large enough that the call's fixed costs are small, small enough that a batch's audit entry (every decision in full) stays well under a few megabytes. */
export const PUSH_BATCH = 1_000;

/** Sends the replica's unsent rows and pulls the team's new ones. The replica must be linked (fwb team join). */
export async function syncTeam(replica: SyncPort, workbookName: string, { url, batch = PUSH_BATCH, pageRows = PULL_PAGE_ROWS }: { url?: string; batch?: number; pageRows?: number } = {}): Promise<SyncOutcome> {
  const state = await replica.state();
  const link = state.link;
  if (!link) throw new TeamError(`${workbookName} is not linked to a team workbook: link it first with fwb team join --db ${workbookName} --url MEMBER_URL.`, 'rejected');
  const teamUrl = url ?? link.url;
  try {
    return await syncWith(replica, workbookName, link, teamUrl, batch, pageRows);
  } catch (err) {
    // Each batch's answers and each pulled page are written with their marks, so a sync cut anywhere is finished by the next.
    throw lostConnection(err, teamUrl) ?? err;
  }
}

async function syncWith(replica: SyncPort, workbookName: string, link: NonNullable<ReplicaState['link']>, teamUrl: string, batch: number, pageRows: number): Promise<SyncOutcome> {
  return withTeam(teamUrl, async (client) => {
    const me = (await client.query<{ login: string }>('SELECT session_user AS login')).rows[0]!.login;
    if (me !== link.login) {
      throw new TeamError(`${workbookName} is the replica of login "${link.login}", not "${me}": sync it with that login (its password through PGPASSWORD, ~/.pgpass or PGSERVICE).`, 'rejected');
    }
    await requireMemberSchema(client, 'sync');
    const before = new Set((await replica.ledger()).refusals.map((r) => r.uuid));
    // Imports first: the pull that follows must never meet rows of the workbook's own under ids the team gives others.
    const publications = await publishImports(client, replica, me, workbookName);
    const outbox = await replica.outbox();
    // Policies and reason codes before decisions: a manager's own decisions made after a change are judged by it on the server too.
    const governance = await pushChanges(client, replica, outbox.changes.filter((c) => c.kind !== 'release'), me, link.role);
    const pushed = await push(client, replica, outbox, batch, me, link.role);
    // Releases after decisions and reviews: the lines they freeze name decisions the server must hold first.
    const released = await pushChanges(client, replica, outbox.changes.filter((c) => c.kind === 'release'), me, link.role);
    const journal: SyncOutcome['pulled'] = {};
    const data = await pullAll(client, replica, pageRows, async (c, marks) => {
      for (const table of JOURNAL_TABLE_NAMES) journal[table] = await pullJournal(c, replica, table, marks[table] ?? 0, pageRows);
    });
    const pulled: SyncOutcome['pulled'] = { ...data, ...journal };
    const ledger = await replica.ledger();
    return {
      login: me,
      role: link.role,
      url: link.url,
      pushed,
      publications,
      pulled,
      // Refused by this push, or found refused by the pull (a push whose answer was lost).
      refused: ledger.refusals.filter((r) => !before.has(r.uuid)),
      refusedBefore: before.size,
      conflicts: ledger.conflicts,
      unsent: ledger.unsent,
      changes: {
        pushed: {
          policies: outbox.changes.filter((c) => c.kind === 'policy').length,
          reasonCodes: outbox.changes.filter((c) => c.kind === 'reason_code').length,
          releases: outbox.changes.filter((c) => c.kind === 'release').length,
        },
        refused: [...governance, ...released],
        unsent: ledger.changes.unsent,
      },
    };
  });
}

/** The server's refusal of the whole call (a role that may not do it): every row of it is refused with the server's sentence. */
function refusedByRole(err: unknown, what: string, login: string, role: string): string | null {
  const e = err as { code?: string; message?: string };
  if (e.code !== '42501' || typeof e.message !== 'string') return null;
  // The function's own sentence when it has one; PostgreSQL's grant check has none of ours.
  return /^permission denied/.test(e.message) ? `Only ${what}; login "${login}" is a ${role} of this team, and the team's server refused it (${e.message}).` : e.message;
}

/** One decision's answer as the server's functions give it (bigints may come as strings). */
interface ServerAnswer {
  uuid: string;
  status: TeamOutcome['status'];
  reason: string | null;
  seq: number | string | null;
}

const CHANGE_CALL: Record<UnsentChange['kind'], { sql: string; what: string }> = {
  policy: { sql: 'SELECT fwb.save_policy($1::uuid, $2::jsonb) AS out', what: 'managers may change a policy' },
  reason_code: { sql: 'SELECT fwb.save_reason_code($1::uuid, $2::jsonb) AS out', what: 'managers may change reason codes' },
  release: { sql: 'SELECT fwb.release_run($1::uuid, $2::jsonb) AS out', what: 'managers may release a plan' },
};

/** The drift guard's step-down: any member's replica sends it (it can only lower the model's role). */
const STEP_DOWN_CALL = { sql: 'SELECT fwb.step_down_policy($1::uuid, $2::jsonb) AS out', what: "members of the team may step a segment's model role down" };

/** Sends managers' changes (and the drift guard's step-downs) one by one, in the order they were made; each answer recorded before the next is sent. */
async function pushChanges(client: TeamClient, replica: SyncPort, changes: UnsentChange[], login: string, role: string): Promise<TeamChangeRefusal[]> {
  const refused: TeamChangeRefusal[] = [];
  for (const c of changes) {
    const call = c.kind === 'policy' && c.payload.step_down === true ? STEP_DOWN_CALL : CHANGE_CALL[c.kind];
    let outcome: TeamChangeOutcome;
    let finals: TeamOutcome[] | undefined;
    try {
      const { rows } = await client.query<{ out: { uuid: string; status: TeamChangeOutcome['status']; reason: string | null; seq: number | string | null; version?: number; decisions?: ServerAnswer[] } }>(call.sql, [
        c.uuid,
        JSON.stringify(c.payload),
      ]);
      const o = rows[0]!.out;
      outcome = { kind: c.kind, uuid: c.uuid, status: o.status, reason: o.reason, seq: o.seq === null ? null : Number(o.seq), ...(o.version !== undefined ? { version: Number(o.version) } : {}) };
      finals = o.decisions?.map((d) => ({ kind: 'decision', uuid: d.uuid, status: d.status, reason: d.reason, seq: d.seq === null ? null : Number(d.seq) }));
    } catch (err) {
      const why = refusedByRole(err, call.what, login, role);
      if (why === null) throw err;
      outcome = { kind: c.kind, uuid: c.uuid, status: 'refused', reason: why, seq: null };
    }
    // A release's automatic finals: the team's answer to each, or, the release refused, its reason for all of them.
    if (c.kind === 'release') {
      const sent = (c.payload.auto_final ?? []) as [number, string, string][];
      const answers = finals ?? (outcome.status === 'refused' ? sent.map(([, uuid]): TeamOutcome => ({ kind: 'decision', uuid, status: 'refused', reason: outcome.reason, seq: null })) : []);
      if (answers.length > 0) await replica.recordOutcomes(answers);
    }
    refused.push(...(await replica.recordChangeOutcomes([outcome])).refused);
  }
  return refused;
}

async function push(client: TeamClient, replica: SyncPort, { decisions, reviews, acknowledgements }: Outbox, batch: number, login: string, role: string): Promise<SyncOutcome['pushed']> {
  const send = async (chunk: typeof decisions): Promise<TeamOutcome[]> => {
    try {
      const { rows } = await client.query<{ out: { uuid: string; status: TeamOutcome['status']; reason: string | null; seq: number | null }[] }>('SELECT fwb.submit_decisions($1::jsonb) AS out', [JSON.stringify(chunk)]);
      return rows[0]!.out.map((o) => ({ kind: 'decision', uuid: o.uuid, status: o.status, reason: o.reason, seq: o.seq === null ? null : Number(o.seq) }));
    } catch (err) {
      const why = refusedByRole(err, 'planners and managers may decide forecast lines', login, role);
      if (why === null) throw err;
      return chunk.map((d) => ({ kind: 'decision', uuid: d.uuid, status: 'refused', reason: why, seq: null }));
    }
  };
  // The next batch goes out before this one's answers are written, so the server judges it while the
  // workbook records (batches still arrive in order: one connection answers its queries in turn). A sync
  // stopped between the two sends the unrecorded batch again and gets the stored answers.
  let next = decisions.length > 0 ? send(decisions.slice(0, batch)) : null;
  for (let i = 0; next !== null; i += batch) {
    const outcomes = await next;
    next = i + batch < decisions.length ? send(decisions.slice(i + batch, i + 2 * batch)) : null;
    // An answer not awaited yet must not be an unhandled rejection if recording this one fails first.
    next?.catch(() => {});
    await replica.recordOutcomes(outcomes);
  }
  for (const r of reviews) {
    let outcome: TeamOutcome;
    try {
      const { rows } = await client.query<{ out: { uuid: string; status: TeamOutcome['status']; reason: string | null; seq: number | null } }>(
        'SELECT fwb.review_override($1::uuid, $2::uuid, $3, $4, $5::timestamptz) AS out',
        [r.uuid, r.decision_uuid, r.verdict, r.note, r.decided_at_client],
      );
      const o = rows[0]!.out;
      outcome = { kind: 'review', uuid: r.uuid, status: o.status, reason: o.reason, seq: o.seq === null ? null : Number(o.seq) };
    } catch (err) {
      const why = refusedByRole(err, 'managers may approve or reject overrides', login, role);
      if (why === null) throw err;
      outcome = { kind: 'review', uuid: r.uuid, status: 'refused', reason: why, seq: null };
    }
    await replica.recordOutcomes([outcome]);
  }
  // Acknowledgements: each closes the login's open conflicts of the line (none left open is not an error).
  for (const a of acknowledgements) await client.query('SELECT fwb.acknowledge_conflict($1::bigint)', [a.line_id]);
  if (acknowledgements.length > 0) await replica.markAcknowledged(acknowledgements.map((a) => a.ack_id));
  return { decisions: decisions.length, reviews: reviews.length, acknowledgements: acknowledgements.length };
}

