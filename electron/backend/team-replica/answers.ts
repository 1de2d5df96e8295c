// What the team answered the replica's login, as Review lists it (issue 15.3): its refused
// decisions and reviews (team_refusals: the line, what was asked, the server's reason, when)
// and its open conflicts (team_conflicts: the line and both authors with their values).
import type { TeamAnswers, TeamConflictRow, TeamConflictSide, TeamRefusalRow } from '../../../shared/team-journal';
import { periodFromKey } from '../../../shared/period';
import type { ReadableDb } from '../db/handles';

const PLACE = `l.run_id AS runId, i.item_id AS itemId, i.name AS itemName, loc.location_id AS locationId, l.period AS periodKey, l.lag AS lag`;
const PLACE_JOIN = `LEFT JOIN forecast_lines l ON l.line_id = X.line_id LEFT JOIN items i ON i.item_key = l.item_key LEFT JOIN locations loc ON loc.location_key = l.location_key`;

type PlaceRow = { runId: number | null; itemId: string | null; itemName: string | null; locationId: string | null; periodKey: number | null; lag: number | null };
const place = ({ periodKey, ...r }: PlaceRow) => ({ ...r, period: periodKey === null ? null : periodFromKey(periodKey) });

export function teamAnswers(db: ReadableDb): TeamAnswers {
  const login = db.prepare('SELECT login FROM team_link WHERE singleton = 1').pluck().get() as string | undefined;
  if (!login) return { linked: false, login: null, refusals: [], conflicts: [] };

  const refusals = (
    db
      .prepare(
        `SELECT X.sync_uuid AS uuid, X.kind, X.line_id AS lineId, X.request, X.reason, X.refused_at AS refusedAt, ${PLACE}
           FROM team_refusals X ${PLACE_JOIN}
          WHERE X.submitted_by = ? ORDER BY X.refused_at DESC, X.sync_uuid`,
      )
      .all(login) as (PlaceRow & { uuid: string; kind: 'decision' | 'review'; lineId: number | null; request: string; reason: string; refusedAt: string })[]
  ).map(({ request, uuid, kind, lineId, reason, refusedAt, ...p }): TeamRefusalRow => {
    const r = JSON.parse(request) as Record<string, unknown>;
    const text = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : null);
    return {
      uuid,
      kind,
      lineId,
      ...place(p),
      asked: { action: text('action'), quantity: typeof r.quantity === 'number' ? r.quantity : null, reasonCode: text('reason_code'), comment: text('comment'), verdict: text('verdict'), note: text('note') },
      reason,
      refusedAt,
    };
  });

  const side = db.prepare('SELECT action, quantity, reason_code AS reasonCode, decided_at AS decidedAt FROM decisions WHERE sync_uuid = ?');
  const sideOf = (author: string, uuid: string): TeamConflictSide => {
    const d = side.get(uuid) as Omit<TeamConflictSide, 'author'> | undefined;
    return { author, action: d?.action ?? null, quantity: d?.quantity ?? null, reasonCode: d?.reasonCode ?? null, decidedAt: d?.decidedAt ?? null };
  };
  const conflicts = (
    db
      .prepare(
        `SELECT X.line_id AS lineId, X.opened_at AS openedAt, X.author, X.decision_uuid AS uuid, X.other_author AS otherAuthor, X.other_decision_uuid AS otherUuid, ${PLACE}
           FROM team_conflicts X ${PLACE_JOIN}
          WHERE X.resolved_how IS NULL AND ? IN (X.author, X.other_author) ORDER BY X.opened_at DESC, X.conflict_id`,
      )
      .all(login) as (PlaceRow & { lineId: number; openedAt: string; author: string; uuid: string; otherAuthor: string; otherUuid: string })[]
  ).map(({ lineId, openedAt, author, uuid, otherAuthor, otherUuid, ...p }): TeamConflictRow => ({
    lineId,
    ...place(p),
    openedAt,
    // The other decision arrived first (the server flags the later arrival against it).
    sides: [sideOf(otherAuthor, otherUuid), sideOf(author, uuid)],
  }));
  return { linked: true, login, refusals, conflicts };
}
