// fwb check --team: the team's audit chain on the server, and this replica's copy of it.
//   - the server's chain: each entry's hash recomputed the way schema-v2's fwb.append_audit
//     defines it, sha256(prev_hash || '\n' || jsonb_build_array(at as UTC text, actor,
//     action, entity, entity_id, payload)::text), and each entry's prev_hash the hash of
//     the one before (the first: 64 zeros). The server writes the entry's canonical text
//     (jsonb's own rendering, which only PostgreSQL defines); the hashing is done here.
//   - the replica's copy (team_audit_log) must be a prefix of it: every entry the replica
//     pulled, up to its mark, the same as the server's, none missing, none extra.
//   - every decision of the server's journal as its audit entry holds it: the decision's own
//     entry (schema version 2 wrote one per decision) or its batch's (version 5 writes one
//     per fwb.submit_decisions call, holding each decision in full). The chain's hash covers
//     the entry, so a decision changed or put in on the server afterwards is found here.
// A difference is told in one sentence: which seq, and which side changed, known by
// whether each side's entry still gives its own recorded hash.
import { createHash } from 'node:crypto';
import type { Cell } from '../../shared/team-sync';
import { PULLED_TABLES } from '../../shared/team-sync';
import { withTeam, type TeamClient } from './connect';
import { requireTeamSchema } from './admin';
import { TEAM_TABLES } from './schema-v2';
import { AUDIT_AT } from './join';

/** The replica's copy, as the host's teamAuditCopy call reads it. */
export interface AuditCopyPort {
  page(after: number, limit: number): Promise<{ rows: Cell[][]; lastSeq: number }>;
}

export interface TeamAuditReport {
  ok: boolean;
  /** Entries in the server's chain, and its newest hash. */
  serverEntries: number;
  serverHead: string | null;
  /** Entries in the replica's copy, and the seq it has pulled the chain to. */
  copyEntries: number;
  copyThroughSeq: number;
  /** What is wrong, in one sentence (the first problem found). */
  problem?: string;
  /** The seq of the entry concerned, and which side changed: the server's chain, the replica's copy, or unknown. */
  at?: { seq: number; changed: 'server' | 'replica' | 'unknown' };
}

const PAGE = 5_000;
const GENESIS = '0'.repeat(64);
const COLUMNS = PULLED_TABLES.audit_log;
/** The entry's canonical text, as fwb.append_audit hashes it. */
const BODY = `jsonb_build_array(${AUDIT_AT}, actor, action, entity, entity_id, payload)::text`;
const ROW = `json_build_array(seq, audit_id, ${AUDIT_AT}, actor, action, entity, entity_id, payload, prev_hash, hash)`;

const hashOf = (prev: string, body: string) => createHash('sha256').update(`${prev}\n${body}`, 'utf8').digest('hex');
const cellText = (c: Cell | undefined) => JSON.stringify(c ?? null);
const shown = (c: Cell | undefined) => {
  const t = typeof c === 'string' ? c : cellText(c);
  return t.length > 60 ? `${t.slice(0, 57)}…` : t;
};

interface ServerEntry {
  row: Cell[];
  body: string;
}

/** Does this entry of the replica's copy still give its own recorded hash? The server renders its canonical text, as it did when the entry was written. */
async function copyHashHolds(client: TeamClient, row: Cell[]): Promise<boolean> {
  const [, , at, actor, action, entity, entityId, payload, prev, hash] = row;
  const { rows } = await client.query<{ body: string }>('SELECT jsonb_build_array($1::text, $2::text, $3::text, $4::text, $5::text, $6::jsonb)::text AS body', [
    at,
    actor,
    action,
    entity,
    entityId,
    JSON.stringify(payload ?? null),
  ]);
  return hashOf(String(prev), rows[0]!.body) === hash;
}

export async function checkTeamAudit(url: string, copy: AuditCopyPort, workbookName: string): Promise<TeamAuditReport> {
  return withTeam(url, async (client) => {
    await requireTeamSchema(client, TEAM_TABLES);
    // One snapshot of the chain: entries appended meanwhile are left for the next check.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      return await compare(client, copy, workbookName);
    } finally {
      await client.query('COMMIT').catch(() => {});
    }
  });
}

async function compare(client: TeamClient, copy: AuditCopyPort, workbookName: string): Promise<TeamAuditReport> {
  const first = await copy.page(0, PAGE);
  const copyThroughSeq = first.lastSeq;
  let copyRows = first.rows;
  let copyIndex = 0;
  let copyEntries = 0;
  let copyPrev = GENESIS;
  let serverEntries = 0;
  let prev = GENESIS;
  let afterId = 0;
  const report = (problem?: string, at?: TeamAuditReport['at']): TeamAuditReport => ({
    ok: problem === undefined,
    serverEntries,
    serverHead: prev === GENESIS ? null : prev,
    copyEntries,
    copyThroughSeq,
    ...(problem !== undefined ? { problem } : {}),
    ...(at ? { at } : {}),
  });
  const nextCopy = async (): Promise<Cell[] | undefined> => {
    if (copyIndex === copyRows.length && copyRows.length === PAGE) {
      copyRows = (await copy.page(Number(copyRows[copyRows.length - 1]![0]), PAGE)).rows;
      copyIndex = 0;
    }
    return copyRows[copyIndex];
  };

  for (;;) {
    // The chain's order is the entries' order of writing (audit_id), as append_audit reads it.
    const { rows } = await client.query<{ row: Cell[]; body: string }>(
      `SELECT ${ROW} AS row, ${BODY} AS body FROM fwb.audit_log WHERE audit_id > $1 ORDER BY audit_id LIMIT $2`,
      [afterId, PAGE],
    );
    for (const { row, body } of rows as ServerEntry[]) {
      const seq = Number(row[0]);
      const what = `the team's audit entry at seq ${seq} (${String(row[4])} by ${String(row[3] ?? 'the server')})`;
      if (row[8] !== prev) {
        return report(
          `The team's audit chain on the server is broken at seq ${seq}: ${what} does not follow the entry before it (its prev_hash is not that entry's hash), so an entry was removed or put in on the server.`,
          { seq, changed: 'server' },
        );
      }
      if (hashOf(prev, body) !== row[9]) {
        return report(
          `The team's audit chain on the server is broken at seq ${seq}: ${what} no longer gives its recorded hash, so it was changed on the server after it was written.`,
          { seq, changed: 'server' },
        );
      }
      prev = String(row[9]);
      serverEntries++;
      afterId = Number(row[1]);

      // The replica's copy: up to its mark, entry for entry the server's.
      if (seq > copyThroughSeq) continue;
      const mine = await nextCopy();
      if (mine === undefined || Number(mine[0]) > seq) {
        return report(
          `${workbookName}'s copy of the team's audit chain lacks ${what}, which it pulled (its copy reaches seq ${copyThroughSeq}): the copy was changed outside fwb; pull it again into a new workbook (fwb team join).`,
          { seq, changed: 'replica' },
        );
      }
      if (Number(mine[0]) < seq) break; // an entry of the copy the server does not have: told below
      const differs = COLUMNS.findIndex((_c, i) => cellText(mine[i]) !== cellText(row[i]));
      if (differs >= 0) {
        const column = COLUMNS[differs]!;
        const copyHolds = mine[8] === copyPrev && (await copyHashHolds(client, mine));
        const detail = `its ${column} is ${shown(mine[differs])} in ${workbookName} and ${shown(row[differs])} on the server`;
        return copyHolds
          ? report(
              `The team's audit chain on the server was rewritten at seq ${seq} after ${workbookName} pulled it (${detail}): both still hash, so someone with the server's superuser recomputed the chain; the replica's copy is the earlier record.`,
              { seq, changed: 'server' },
            )
          : report(`${workbookName}'s copy of the team's audit entry at seq ${seq} was changed outside fwb (${detail}, and the copy no longer gives its recorded hash): the server's chain holds.`, {
              seq,
              changed: 'replica',
            });
      }
      copyPrev = String(mine[9]);
      copyEntries++;
      copyIndex++;
    }
    if (rows.length < PAGE) break;
  }
  const extra = await nextCopy();
  if (extra !== undefined) {
    const seq = Number(extra[0]);
    const holds = extra[8] === copyPrev && (await copyHashHolds(client, extra));
    return report(
      holds
        ? `${workbookName}'s copy holds the team's audit entry at seq ${seq} (${String(extra[4])} by ${String(extra[3] ?? 'the server')}), which the server's chain no longer has: it was removed on the server after ${workbookName} pulled it.`
        : `${workbookName}'s copy holds an audit entry at seq ${seq} that the server's chain does not have and that does not give its recorded hash: it was put into the copy outside fwb.`,
      { seq, changed: holds ? 'server' : 'replica' },
    );
  }
  const decision = await firstDecisionUnlikeItsEntry(client);
  if (decision) {
    const what = `the team's decision at seq ${decision.seq} (decision ${decision.decision_id} by ${decision.decided_by ?? 'nobody'})`;
    return report(
      decision.entry === null
        ? `The team's journal on the server holds ${what}, which no audit entry records: it was put into fwb.decisions on the server outside fwb's functions.`
        : `The team's journal on the server no longer holds ${what} as its audit entry recorded it: it was changed on the server after it was written.`,
      { seq: Number(decision.seq), changed: 'server' },
    );
  }
  return report();
}

/** The first decision (by seq) that no audit entry holds, or that differs from the entry's copy; the copy read back into the table's row type, so the session's time zone does not matter. */
async function firstDecisionUnlikeItsEntry(client: TeamClient): Promise<{ seq: string; decision_id: string; decided_by: string | null; entry: unknown } | undefined> {
  const { rows } = await client.query<{ seq: string; decision_id: string; decided_by: string | null; entry: unknown }>(
    `WITH entries AS (
       SELECT a.entity_id::bigint AS decision_id, a.payload AS entry FROM fwb.audit_log a WHERE a.entity = 'decision'
       UNION ALL
       SELECT (e.value->>'decision_id')::bigint, e.value FROM fwb.audit_log a CROSS JOIN LATERAL jsonb_array_elements(a.payload->'decisions') e WHERE a.action = 'decision.batch'
     )
     SELECT d.seq, d.decision_id, d.decided_by, e.entry FROM fwb.decisions d LEFT JOIN entries e ON e.decision_id = d.decision_id
      WHERE e.entry IS NULL OR jsonb_populate_record(NULL::fwb.decisions, e.entry) IS DISTINCT FROM d
      ORDER BY d.seq LIMIT 1`,
  );
  return rows[0];
}
