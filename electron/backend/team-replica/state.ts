// What a workbook holds as a team's replica: its link (migration 009's team_link) and
// how much data of its own it has, which decides whether joining publishes, pulls or
// is refused (electron/team/join.ts).
import type { ReplicaState, TeamLink } from '../../../shared/team-sync';
import { workbookGrain, type Db } from '../db/open';
import { appendAudit } from '../audit/chain';
import { WorkbenchError } from '../errors';

export function replicaState(db: Db): ReplicaState {
  const count = (sql: string) => Number(db.prepare(sql).pluck().get());
  return {
    link: teamLinkOf(db),
    rows: {
      batches: count('SELECT count(*) FROM import_batches WHERE undone_at IS NULL'),
      items: count('SELECT count(*) FROM items'),
      runs: count('SELECT count(*) FROM forecast_runs'),
      actuals: count('SELECT count(*) FROM actuals'),
      salesInputs: count('SELECT count(*) FROM sales_inputs'),
      decisions: count('SELECT count(*) FROM decisions'),
    },
    marks: syncMarks(db),
    grain: workbookGrain(db),
    unpublishedImports: db.prepare("SELECT 1 FROM team_link").get()
      ? count(`SELECT count(*) FROM import_batches b WHERE b.undone_at IS NULL AND b.kind IN ('items', 'forecasts', 'actuals', 'sales_inputs')
                 AND NOT EXISTS (SELECT 1 FROM team_batches t WHERE t.batch_id = b.batch_id)`)
      : 0,
    maxIds: { batches: count('SELECT coalesce(max(batch_id), 0) FROM import_batches'), salesInputs: count('SELECT coalesce(max(sales_input_id), 0) FROM sales_inputs') },
  };
}

export function teamLinkOf(db: Db): TeamLink | null {
  const row = db.prepare('SELECT url, team_id, login, role, linked_how, linked_at FROM team_link WHERE singleton = 1').get() as
    | { url: string; team_id: string; login: string; role: TeamLink['role']; linked_how: TeamLink['linkedHow']; linked_at: string }
    | undefined;
  return row ? { url: row.url, teamId: row.team_id, login: row.login, role: row.role, linkedHow: row.linked_how, linkedAt: row.linked_at } : null;
}

/** Links the workbook, with the seq its replica holds of every table (0: nothing pulled yet). Refuses a URL with a password. */
export function recordTeamLink(db: Db, link: TeamLink, marks: Record<string, number>): void {
  if (/^[a-z]+:\/\/[^/@]*:[^/@]*@/i.test(link.url)) throw new Error('A team link is kept without its password.');
  db.transaction(() => {
    db.prepare(
      `INSERT INTO team_link (singleton, url, team_id, login, role, linked_how, linked_at) VALUES (1, ?, ?, ?, ?, ?, ?)`,
    ).run(link.url, link.teamId, link.login, link.role, link.linkedHow, link.linkedAt);
    const mark = db.prepare('INSERT INTO team_sync (table_name, last_seq) VALUES (?, ?) ON CONFLICT (table_name) DO UPDATE SET last_seq = excluded.last_seq');
    for (const [table, seq] of Object.entries(marks)) mark.run(table, seq);
    // What the workbook holds when it is linked is the team's (published now) or stays its own: never published later.
    db.prepare(`INSERT INTO team_batches (batch_id, how) SELECT batch_id, 'linked' FROM import_batches WHERE true ON CONFLICT (batch_id) DO NOTHING`).run();
  })();
}

/** The highest seq this replica holds, per pulled table. */
export function syncMarks(db: Db): Record<string, number> {
  const rows = db.prepare('SELECT table_name, last_seq FROM team_sync').all() as { table_name: string; last_seq: number }[];
  return Object.fromEntries(rows.map((r) => [r.table_name, r.last_seq]));
}

export interface UnlinkOutcome {
  /** The team URL the workbook was linked to (without a password), or null if it was single-seat. */
  url: string | null;
  login: string | null;
  /** Decisions and reviews made here that the team never received: they stay in this workbook only. */
  unsent: { decisions: number; reviews: number };
  /** A manager's policy, reason-code and release changes made here that the team never received. */
  unsentChanges: number;
}

/**
 * Disconnect: the workbook becomes single-seat again. The link and its marks (team_link,
 * team_sync) are emptied, so nothing reaches for the server and the person is the signed-in
 * one again; everything pulled, the journal with its team seqs, the refusals, conflicts and
 * the audit copy stay as the record of what the team said. Unsent decisions would then never
 * reach the team, so they refuse the unlink unless `keepUnsent` says the person confirmed it.
 * A disconnected workbook holds data, so it cannot join a team again: connect a new one.
 * `syncNowAt` is where the asking host offers Sync Now (its menus differ), named in the refusal.
 */
export function unlinkTeam(db: Db, { keepUnsent, syncNowAt }: { keepUnsent: boolean; syncNowAt?: string }, now: () => Date): UnlinkOutcome {
  return db.transaction((): UnlinkOutcome => {
    const link = teamLinkOf(db);
    const count = (sql: string) => Number(db.prepare(sql).pluck().get());
    const unsent = {
      decisions: count('SELECT count(*) FROM decisions WHERE sync_uuid IS NOT NULL AND team_seq IS NULL'),
      reviews: count('SELECT count(*) FROM approvals WHERE sync_uuid IS NOT NULL AND team_seq IS NULL'),
    };
    const unsentChanges = count("SELECT count(*) FROM team_changes WHERE status = 'unsent'");
    if (!link) return { url: null, login: null, unsent, unsentChanges };
    const waiting = unsent.decisions + unsent.reviews + unsentChanges;
    if (!keepUnsent && waiting > 0) {
      const what = [plural(unsent.decisions, 'decision'), plural(unsent.reviews, 'review'), plural(unsentChanges, 'policy, reason-code or release change')].filter(Boolean).join(' and ');
      throw new WorkbenchError(
        'INPUT_REJECTED',
        `${what} made here ${waiting === 1 ? 'has' : 'have'} not been sent to the team: sync first${syncNowAt ? ` (${syncNowAt})` : ''}, or confirm that they stay in this workbook only and never reach the team.`,
      );
    }
    db.prepare('DELETE FROM team_sync').run();
    db.prepare('DELETE FROM team_link').run();
    appendAudit(db, { at: now().toISOString(), actor: link.login, action: 'team.disconnect', entity: 'team_link', entityId: link.teamId, payload: { url: link.url, login: link.login, unsentKept: unsent, unsentChangesKept: unsentChanges } });
    return { url: link.url, login: link.login, unsent, unsentChanges };
  })();
}

const plural = (n: number, what: string) => (n === 0 ? '' : `${n} ${what}${n === 1 ? '' : 's'}`);
