// What a replica sends to the team and what it does with the server's answers:
// unsent decisions in decision order, then unsent reviews; an answer sets the row's
// team_seq (sent), or takes the row out of the local journal into team_withdrawn when
// the server refused it (kept with its reason in team_refusals, for its author) or
// recorded it with another status (its own row then comes back by the pull). Each call
// is one transaction, so an answer is recorded entirely or not at all; a push stopped
// before it was recorded sends the same uuids again and gets the stored answers.
import type { Outbox, SyncLedger, TeamOutcome, TeamRefusal, UnsentAcknowledgement, UnsentDecision, UnsentReview } from '../../../shared/team-journal';
import { appendAudit } from '../audit/chain';
import type { ReadableDb } from '../db/handles';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open';
import { refreshLineState } from '../decisions/projection';
import { WorkbenchError } from '../errors';
import { changeLedger, releaseRecord, unsentChanges } from './changes';

export function outbox(db: ReadableDb): Outbox {
  const decisions = db
    .prepare(
      `SELECT d.sync_uuid AS uuid, d.line_id, d.action, CASE WHEN d.action = 'override' THEN d.quantity END AS quantity, d.source, d.reason_code, d.comment,
              d.decided_at AS decided_at_client, d.based_on_seq, u.sync_uuid AS undoes
         FROM decisions d LEFT JOIN decisions u ON u.decision_id = d.undoes_decision_id
        WHERE d.sync_uuid IS NOT NULL AND d.team_seq IS NULL AND d.action <> 'auto_final'
        ORDER BY d.decision_id`,
    )
    .all() as UnsentDecision[];
  const reviews = db
    .prepare(
      `SELECT a.sync_uuid AS uuid, d.sync_uuid AS decision_uuid, a.verdict, a.note, a.decided_at AS decided_at_client
         FROM approvals a JOIN decisions d ON d.decision_id = a.decision_id
        WHERE a.sync_uuid IS NOT NULL AND a.team_seq IS NULL
        ORDER BY a.approval_id`,
    )
    .all() as UnsentReview[];
  const acknowledgements = db.prepare('SELECT ack_id, line_id FROM team_acknowledgements WHERE sent_at IS NULL ORDER BY ack_id').all() as UnsentAcknowledgement[];
  return { decisions, reviews, acknowledgements, changes: unsentChanges(db) };
}

/** The login has seen a line's conflict: kept until the next sync sends it. Only a conflict of the login's own, still open. */
export function acknowledgeConflict(db: Db, lineId: number, now: () => Date): { lineId: number } {
  const login = db.prepare('SELECT login FROM team_link WHERE singleton = 1').pluck().get() as string | undefined;
  if (!login) throw new WorkbenchError('INVALID_REQUEST', 'This workbook is not linked to a team workbook: there are no conflicts to acknowledge.');
  const open = db.prepare('SELECT 1 FROM team_conflicts WHERE line_id = ? AND resolved_how IS NULL AND ? IN (author, other_author)').get(lineId, login);
  if (!open) throw new WorkbenchError('NOT_FOUND', `Line ${lineId} has no open conflict of ${login}'s to acknowledge (sync first to see the latest).`);
  const at = now().toISOString();
  db.transaction(() => {
    db.prepare('INSERT INTO team_acknowledgements (line_id, made_at) VALUES (?, ?)').run(lineId, at);
    appendAudit(db, { at, actor: login, action: 'team.acknowledge', entity: 'line', entityId: String(lineId), payload: { lineId } });
  }).immediate();
  return { lineId };
}

/** Acknowledgements the server took. */
export function markAcknowledged(db: Db, ackIds: readonly number[], now: () => Date): void {
  const mark = db.prepare('UPDATE team_acknowledgements SET sent_at = ? WHERE ack_id = ? AND sent_at IS NULL');
  const at = now().toISOString();
  db.transaction(() => {
    for (const id of ackIds) mark.run(at, id);
  }).immediate();
}

interface LocalRow {
  id: number;
  line_id: number;
  status: string;
  request: string;
}

/** A push's answers come 500 at a time, each looked up and marked: compiled once per connection, not per answer (a tenth of a 10,000-decision sync was compiling them). */
interface AnswerStatements {
  localDecision: Statement<unknown[]>;
  localApproval: Statement<unknown[]>;
  seqOfDecision: Statement<unknown[]>;
  seqOfApproval: Statement<unknown[]>;
}
const answerStatements = new WeakMap<Db, AnswerStatements>();
function statementsOf(db: Db): AnswerStatements {
  let s = answerStatements.get(db);
  if (!s) {
    s = {
      localDecision: db.prepare<unknown[]>(
        `SELECT decision_id AS id, line_id, status, json_object('action', action, 'quantity', quantity, 'source', source, 'reason_code', reason_code, 'comment', comment, 'decided_at', decided_at) AS request
           FROM decisions WHERE sync_uuid = ? AND team_seq IS NULL`,
      ),
      localApproval: db.prepare<unknown[]>(
        `SELECT a.approval_id AS id, d.line_id, a.verdict AS status, json_object('decision_id', a.decision_id, 'verdict', a.verdict, 'note', a.note, 'decided_at', a.decided_at) AS request
           FROM approvals a JOIN decisions d ON d.decision_id = a.decision_id WHERE a.sync_uuid = ? AND a.team_seq IS NULL`,
      ),
      seqOfDecision: db.prepare<unknown[]>('UPDATE decisions SET team_seq = ? WHERE sync_uuid = ?'),
      seqOfApproval: db.prepare<unknown[]>('UPDATE approvals SET team_seq = ? WHERE sync_uuid = ?'),
    };
    answerStatements.set(db, s);
  }
  return s;
}

function localRow(db: Db, kind: TeamOutcome['kind'], uuid: string): LocalRow | undefined {
  const s = statementsOf(db);
  return (kind === 'decision' ? s.localDecision : s.localApproval).get(uuid) as LocalRow | undefined;
}

/**
 * Takes a row out of the local journal because the team's answer replaces it; its
 * audit entry stays, and team_withdrawn says why it is gone. An unsent undo of a
 * withdrawn decision goes with it (the server cannot have recorded it either).
 * Returns the lines whose plan must be derived again.
 */
export function withdraw(db: Db, kind: TeamOutcome['kind'], row: LocalRow, uuid: string, why: 'refused' | 'restated', at: string, reason: string | null): number[] {
  const entity = kind === 'decision' ? 'decision' : 'approval';
  // The line's cached state may name the row until it is derived again below, in this transaction.
  db.pragma('defer_foreign_keys = ON');
  db.prepare('INSERT INTO team_withdrawn (entity, local_id, sync_uuid, why, at) VALUES (?, ?, ?, ?, ?)').run(entity, row.id, uuid, why, at);
  appendAudit(db, { at, actor: null, action: `team.${why}`, entity: 'team_withdrawn', entityId: uuid, payload: { entity, localId: row.id, uuid, why, reason } });
  if (kind === 'decision') {
    const undos = db.prepare("SELECT decision_id AS id, line_id, status, '{}' AS request, sync_uuid FROM decisions WHERE undoes_decision_id = ? AND team_seq IS NULL").all(row.id) as (LocalRow & { sync_uuid: string })[];
    for (const u of undos) withdraw(db, 'decision', u, u.sync_uuid, why, at, reason);
    unnameInReleases(db, row.id, at);
    db.prepare('DELETE FROM decisions WHERE decision_id = ?').run(row.id);
  } else db.prepare('DELETE FROM approvals WHERE approval_id = ?').run(row.id);
  return [row.line_id];
}

/**
 * A release of this replica's that names a decision the team refused (an automatic final of a
 * line someone else decided first) holds the line as released but names no decision, as the
 * team's copy of the release does; audited with the lines' new sha256, so fwb check holds.
 */
function unnameInReleases(db: Db, decisionId: number, at: string): void {
  const releases = db.prepare('SELECT DISTINCT release_id FROM release_lines WHERE decision_id = ?').pluck().all(decisionId) as number[];
  if (releases.length === 0) return;
  db.prepare('UPDATE release_lines SET decision_id = NULL WHERE decision_id = ?').run(decisionId);
  for (const releaseId of releases) {
    appendAudit(db, { at, actor: null, action: 'release.restated', entity: 'release', entityId: String(releaseId), payload: { ...releaseRecord(db, releaseId), unnamedDecision: decisionId } });
  }
}

/** Keeps a refusal for its author (once per uuid). */
export function keepRefusal(db: Db, r: TeamRefusal & { submittedBy: string; request: string; seq: number | null }): void {
  db.prepare(
    'INSERT INTO team_refusals (sync_uuid, kind, submitted_by, line_id, request, reason, refused_at, team_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sync_uuid) DO NOTHING',
  ).run(r.uuid, r.kind, r.submittedBy, r.lineId, r.request, r.reason, r.refusedAt, r.seq);
}

/** Records the server's answers to pushed rows, in one transaction; returns the refusals newly kept. */
export function recordOutcomes(db: Db, outcomes: readonly TeamOutcome[], now: () => Date): { refused: TeamRefusal[] } {
  const login = db.prepare('SELECT login FROM team_link WHERE singleton = 1').pluck().get() as string | undefined;
  if (!login) throw new Error('This workbook is not linked to a team workbook.');
  const refused: TeamRefusal[] = [];
  db.transaction(() => {
    const touched = new Set<number>();
    const at = now().toISOString();
    for (const o of outcomes) {
      const row = localRow(db, o.kind, o.uuid);
      if (!row) continue; // answered before (a retried push): already recorded
      if (o.status === 'refused') {
        const refusal: TeamRefusal = { uuid: o.uuid, kind: o.kind, lineId: row.line_id, reason: o.reason ?? 'Refused by the team workbook.', refusedAt: at };
        keepRefusal(db, { ...refusal, submittedBy: login, request: row.request, seq: o.seq });
        refused.push(refusal);
        for (const l of withdraw(db, o.kind, row, o.uuid, 'refused', at, refusal.reason)) touched.add(l);
      } else if (o.kind === 'decision' && o.status !== row.status) {
        // The server's policy said otherwise (e.g. it waits for approval): its own row comes back by the pull.
        for (const l of withdraw(db, o.kind, row, o.uuid, 'restated', at, o.reason)) touched.add(l);
      } else {
        (o.kind === 'decision' ? statementsOf(db).seqOfDecision : statementsOf(db).seqOfApproval).run(o.seq, o.uuid);
      }
    }
    for (const line of touched) refreshLineState(db, line);
  }).immediate();
  return { refused };
}

/** The replica's unsent rows, the refusals kept for its login and its open conflicts. */
export function syncLedger(db: ReadableDb): SyncLedger {
  const login = db.prepare('SELECT login FROM team_link WHERE singleton = 1').pluck().get() as string | undefined;
  const count = (sql: string) => Number(db.prepare(sql).pluck().get());
  return {
    unsent: {
      // Named: SQLite's planner took the uuid index and read every synced row (25 ms at 25,000 decisions).
      decisions: count('SELECT count(*) FROM decisions INDEXED BY decisions_unsent WHERE sync_uuid IS NOT NULL AND team_seq IS NULL'),
      reviews: count('SELECT count(*) FROM approvals WHERE sync_uuid IS NOT NULL AND team_seq IS NULL'),
    },
    refusals: db
      .prepare('SELECT sync_uuid AS uuid, kind, line_id AS lineId, reason, refused_at AS refusedAt FROM team_refusals WHERE submitted_by = ? ORDER BY refused_at, sync_uuid')
      .all(login ?? '') as TeamRefusal[],
    conflicts: (
      db
        .prepare(
          `SELECT line_id AS lineId, json_group_array(DISTINCT who) AS authors, min(opened_at) AS openedAt FROM (
             SELECT line_id, author AS who, opened_at FROM team_conflicts WHERE resolved_how IS NULL AND ? IN (author, other_author)
             UNION ALL SELECT line_id, other_author, opened_at FROM team_conflicts WHERE resolved_how IS NULL AND ? IN (author, other_author))
           GROUP BY line_id ORDER BY line_id`,
        )
        .all(login ?? '', login ?? '') as { lineId: number; authors: string; openedAt: string }[]
    ).map((c) => ({ lineId: c.lineId, authors: (JSON.parse(c.authors) as string[]).sort(), openedAt: c.openedAt })),
    changes: changeLedger(db),
  };
}
