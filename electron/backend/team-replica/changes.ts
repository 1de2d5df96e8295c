// A manager's changes of what the team shares — policies, reason codes, releases — made
// in a linked workbook: kept unsent (migration 018's team_changes) in the transaction
// that makes them, sent by the next sync in the order they were made, and settled by the
// server's answer or, when the answer was lost, by the pull that brings the row back
// with the same uuid. In a single-seat workbook nothing is kept: there is no team.
import type { Cell } from '../../../shared/team-sync';
import type { TeamChangeKind, TeamChangeOutcome, TeamChangeRefusal, UnsentChange } from '../../../shared/team-journal';
import { appendAudit } from '../audit/chain';
import { policyAuditPayload, reasonCodeRecord, type PolicyRow, type ReasonCodeRow } from '../audit/payloads';
import type { ReadableDb } from '../db/handles';
import type { Db } from '../db/open';
import { releaseLinesHash } from '../decisions/release-lines';

const hasTable = new WeakMap<ReadableDb, boolean>();
/** The login a linked workbook acts as; undefined in a single-seat workbook (or one from before migration 18). */
export function linkedLogin(db: ReadableDb): string | undefined {
  let has = hasTable.get(db);
  if (has === undefined) hasTable.set(db, (has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'team_changes'").get() !== undefined));
  return has ? (db.prepare('SELECT login FROM team_link WHERE singleton = 1').pluck().get() as string | undefined) : undefined;
}

/** The words a change is named by in a refusal: "policy for category Snacks", "reason code promotion", "release of run 7". */
const policyWhat = (p: { segment_type: string; segment_value: string }) =>
  `policy for ${p.segment_type === 'all' ? 'all items' : `${p.segment_type === 'abc_class' ? 'ABC class' : 'category'} ${p.segment_value}`}`;

/** What fwb.save_policy takes: the policy as it now stands here (the server keeps it as the segment's next version). */
function policyPayload(row: PolicyRow): Record<string, unknown> {
  return {
    segment_type: row.segment_type,
    segment_value: row.segment_value,
    model_role: row.model_role,
    approval_pct: row.approval_pct,
    approval_units: row.approval_units,
    freeze_lags: row.freeze_lags,
    comment_pct: row.comment_pct,
    drift_threshold_pts: row.drift_threshold_pts,
    stepped_down_at: row.stepped_down_at,
  };
}

function keep(db: Db, c: { kind: TeamChangeKind; localId: string; what: string; payload: Record<string, unknown>; before: unknown; by: string; at: string }): void {
  db.prepare('INSERT INTO team_changes (uuid, kind, local_id, what, payload, before, made_by, made_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    // node:crypto taken when a change is kept, not when this module loads: the drift guard reaches it from fwb accuracy.
    process.getBuiltinModule('node:crypto').randomUUID(),
    c.kind,
    c.localId,
    c.what,
    JSON.stringify(c.payload),
    c.before === undefined || c.before === null ? null : JSON.stringify(c.before),
    c.by,
    c.at,
  );
}

/** Call inside the transaction that changed the policy, after it: the team gets the policy as it now stands. `before` undefined: a new segment. */
export function keepPolicyChange(db: Db, after: PolicyRow, before: PolicyRow | undefined, by: string, at: string): void {
  if (!linkedLogin(db)) return;
  keep(db, { kind: 'policy', localId: String(after.policy_id), what: policyWhat(after), payload: policyPayload(after), before, by, at });
}

/**
 * The drift guard's step-down in a team's replica (any member's: it only lowers the role). The team takes it
 * as a step down of the version this replica judged (`based_on`, its updated_at as the team gave it; null when
 * the segment had no policy of its own and the guard made one), naming the evidence.
 */
export function keepStepDownChange(db: Db, after: PolicyRow, judged: PolicyRow | undefined, evidence: Record<string, unknown>, at: string): void {
  const login = linkedLogin(db);
  if (!login) return;
  const payload = { step_down: true, segment_type: after.segment_type, segment_value: after.segment_value, based_on: judged?.updated_at ?? null, evidence };
  keep(db, { kind: 'policy', localId: String(after.policy_id), what: `step-down of the ${policyWhat(after)}`, payload, before: judged, by: login, at });
}

export function keepReasonCodeChange(db: Db, after: ReasonCodeRow, before: ReasonCodeRow | undefined, by: string, at: string): void {
  if (!linkedLogin(db)) return;
  const payload = { code: after.code, label: after.label, comment_required: after.comment_required === 1, active: after.active === 1 };
  keep(db, { kind: 'reason_code', localId: after.code, what: `reason code ${after.code}`, payload, before, by, at });
}

/** A release or rollback as this replica froze it: each line's final quantity and source, and the uuid of the decision it came from (the team's ids are the replica's for lines, not for decisions). */
export function keepReleaseChange(db: Db, releaseId: number, by: string, at: string): void {
  if (!linkedLogin(db)) return;
  const r = db.prepare('SELECT run_id, kind, restores_version, note FROM releases WHERE release_id = ?').get(releaseId) as { run_id: number; kind: string; restores_version: number | null; note: string | null };
  const lines = db
    .prepare('SELECT rl.line_id, rl.final_quantity, rl.source, d.sync_uuid FROM release_lines rl LEFT JOIN decisions d ON d.decision_id = rl.decision_id WHERE rl.release_id = ? ORDER BY rl.line_id')
    .raw()
    .all(releaseId) as [number, number, string, string | null][];
  // The lines this replica finalised at release because the model decides there, not sent yet: the team judges them on arrival.
  const autoFinal = db
    .prepare(
      `SELECT d.line_id, d.sync_uuid, d.decided_at FROM release_lines rl JOIN decisions d ON d.decision_id = rl.decision_id
        WHERE rl.release_id = ? AND d.action = 'auto_final' AND d.sync_uuid IS NOT NULL AND d.team_seq IS NULL ORDER BY d.decision_id`,
    )
    .raw()
    .all(releaseId) as [number, string, string][];
  const payload = { run_id: r.run_id, kind: r.kind, restores_version: r.restores_version, note: r.note, lines, auto_final: autoFinal };
  keep(db, { kind: 'release', localId: String(releaseId), what: `${r.kind === 'rollback' ? 'rollback' : 'release'} of run ${r.run_id}`, payload, before: null, by, at });
}

/** Unsent changes, in the order they were made. */
export function unsentChanges(db: ReadableDb): UnsentChange[] {
  if (!linkedLogin(db)) return [];
  return (db.prepare("SELECT uuid, kind, payload FROM team_changes WHERE status = 'unsent' ORDER BY change_id").all() as { uuid: string; kind: TeamChangeKind; payload: string }[]).map((c) => ({
    uuid: c.uuid,
    kind: c.kind,
    payload: JSON.parse(c.payload) as Record<string, unknown>,
  }));
}

interface ChangeRow {
  change_id: number;
  uuid: string;
  kind: TeamChangeKind;
  local_id: string;
  what: string;
  before: string | null;
  payload: string;
  status: string;
}

/** Puts a refused policy or reason code back as it was before the change (audited, so fwb check holds), so the replica enforces what the team does. */
function putBack(db: Db, c: ChangeRow, at: string): void {
  if (c.kind === 'policy') closeRefusedStepDown(db, c, at);
  if (c.before === null) {
    removeRefusedNew(db, c, at);
    return;
  }
  if (c.kind === 'policy') {
    const b = JSON.parse(c.before) as PolicyRow;
    db.prepare(
      `UPDATE policies SET model_role = @model_role, approval_pct = @approval_pct, approval_units = @approval_units, freeze_lags = @freeze_lags, comment_pct = @comment_pct,
         drift_threshold_pts = @drift_threshold_pts, stepped_down_at = @stepped_down_at, updated_by = @updated_by, updated_at = @updated_at
       WHERE segment_type = @segment_type AND segment_value = @segment_value`,
    ).run(b);
    const row = db.prepare('SELECT * FROM policies WHERE segment_type = ? AND segment_value = ?').get(b.segment_type, b.segment_value) as PolicyRow | undefined;
    if (row) appendAudit(db, { at, actor: null, action: 'policy.change', entity: 'policy', entityId: String(row.policy_id), payload: policyAuditPayload(row) });
  } else if (c.kind === 'reason_code') {
    const b = JSON.parse(c.before) as ReasonCodeRow;
    db.prepare('UPDATE reason_codes SET label = @label, comment_required = @comment_required, active = @active, sort_order = @sort_order WHERE code = @code').run(b);
    const row = db.prepare('SELECT * FROM reason_codes WHERE code = ?').get(b.code) as ReasonCodeRow;
    appendAudit(db, { at, actor: null, action: 'reason_code.change', entity: 'reason_code', entityId: row.code, payload: { ...reasonCodeRecord(row), updatedBy: null, updatedAt: at, from: 'team' } });
  }
}

/**
 * A step-down the team refused (its policy changed since the guard judged it) closes the
 * replica's drift alert it came with, as a manager's restore does: the guard then judges the
 * policy the team holds, and steps down again if the drift goes on.
 */
function closeRefusedStepDown(db: Db, c: ChangeRow, at: string): void {
  const p = JSON.parse(c.payload) as { step_down?: boolean; segment_type: string; segment_value: string };
  if (p.step_down !== true) return;
  db.prepare("UPDATE drift_alerts SET resolved_at = ?, resolution = 'step-down refused by the team: its policy changed since' WHERE segment_type = ? AND segment_value = ? AND resolved_at IS NULL").run(
    at,
    p.segment_type,
    p.segment_value,
  );
}

/**
 * A brand-new policy segment or reason code the team refused has no earlier version to put back:
 * it leaves the replica (audited as removed, which fwb check reads as the row's end), so the
 * replica enforces what the team does. A code that decisions here already name cannot leave
 * (they keep their reason): it is retired instead, and those decisions, which the team refuses
 * for the same reason, leave with their own refusals.
 */
function removeRefusedNew(db: Db, c: ChangeRow, at: string): void {
  if (c.kind === 'policy') {
    const p = JSON.parse(c.payload) as { segment_type: string; segment_value: string };
    const row = db.prepare('SELECT * FROM policies WHERE segment_type = ? AND segment_value = ?').get(p.segment_type, p.segment_value) as PolicyRow | undefined;
    // The 'all' policy is never new (every workbook has one), and a later version of the segment the team took stays.
    if (!row || row.segment_type === 'all' || isSentLater(db, c, 'policy', row.policy_id)) return;
    removePolicy(db, row, 'refused by the team', at);
  } else if (c.kind === 'reason_code') {
    const row = db.prepare('SELECT * FROM reason_codes WHERE code = ?').get(c.local_id) as ReasonCodeRow | undefined;
    if (!row || isSentLater(db, c, 'reason_code', c.local_id)) return;
    removeReasonCode(db, row, 'refused by the team', at);
  }
}

function removePolicy(db: Db, row: PolicyRow, because: string, at: string): void {
  db.prepare('DELETE FROM policies WHERE policy_id = ?').run(row.policy_id);
  appendAudit(db, { at, actor: null, action: 'policy.removed', entity: 'policy', entityId: String(row.policy_id), payload: { ...policyAuditPayload(row), removedBecause: because } });
}

/** Removed, or retired when decisions here name it (they keep their reason); audited either way. Answers which. */
function removeReasonCode(db: Db, row: ReasonCodeRow, because: string, at: string): 'removed' | 'retired' {
  const code = row.code;
  if (db.prepare('SELECT 1 FROM decisions WHERE reason_code = ? LIMIT 1').get(code)) {
    db.prepare('UPDATE reason_codes SET active = 0 WHERE code = ?').run(code);
    const retired = db.prepare('SELECT * FROM reason_codes WHERE code = ?').get(code) as ReasonCodeRow;
    appendAudit(db, { at, actor: null, action: 'reason_code.change', entity: 'reason_code', entityId: code, payload: { ...reasonCodeRecord(retired), updatedBy: null, updatedAt: at, from: 'team' } });
    return 'retired';
  }
  db.prepare('DELETE FROM reason_codes WHERE code = ?').run(code);
  appendAudit(db, { at, actor: null, action: 'reason_code.removed', entity: 'reason_code', entityId: code, payload: { ...reasonCodeRecord(row), removedBecause: because } });
  return 'removed';
}

/**
 * The first workbook of a team, once it has published and pulled the team's journal: the team's
 * decision rules are the ones in force (the server judges every decision by them), so the
 * policy segments and reason codes of its own that the team does not hold leave it, audited,
 * a code its own decisions name retired instead. Answers what left, for the join to say.
 */
export function keepOnlyTeamRules(db: Db, team: { policies: readonly (readonly [string, string])[]; reasonCodes: readonly string[] }, now: () => Date): { policies: string[]; reasonCodes: string[] } {
  const held = new Set(team.policies.map(([type, value]) => `${type}\u0000${value}`));
  const codes = new Set(team.reasonCodes);
  const at = now().toISOString();
  return db.transaction(() => {
    const policies = (db.prepare("SELECT * FROM policies WHERE segment_type <> 'all' ORDER BY segment_type, segment_value").all() as PolicyRow[])
      .filter((row) => !held.has(`${row.segment_type}\u0000${row.segment_value}`))
      .map((row) => {
        removePolicy(db, row, 'not among the team workbook\'s policies', at);
        return `${row.segment_type === 'abc_class' ? 'ABC class' : 'category'} ${row.segment_value}`;
      });
    const reasonCodes = (db.prepare('SELECT * FROM reason_codes ORDER BY code').all() as ReasonCodeRow[])
      .filter((row) => !codes.has(row.code))
      .map((row) => `${row.code}${removeReasonCode(db, row, 'not among the team workbook\'s reason codes', at) === 'retired' ? ' (retired: decisions here name it)' : ''}`);
    return { policies, reasonCodes };
  }).immediate();
}

/** A later change of the same row this replica made and the team took (or may still take): the row is no longer only the refused one's. */
function isSentLater(db: Db, c: ChangeRow, kind: TeamChangeKind, localId: string | number): boolean {
  return db.prepare("SELECT 1 FROM team_changes WHERE kind = ? AND local_id = ? AND change_id > ? AND status <> 'refused'").get(kind, String(localId), c.change_id) !== undefined;
}

/** Moves a local release to another version of its run, audited (fwb check compares the row with its latest entry). */
function renumberRelease(db: Db, releaseId: number, version: number, at: string): void {
  const r = db.prepare('SELECT * FROM releases WHERE release_id = ?').get(releaseId) as { version: number } | undefined;
  if (!r || r.version === version) return;
  db.prepare('UPDATE releases SET version = ? WHERE release_id = ?').run(version, releaseId);
  appendAudit(db, { at, actor: null, action: 'release.renumbered', entity: 'release', entityId: String(releaseId), payload: releaseRecord(db, releaseId) });
}

/** A release as its audit entry records it (releases.ts writes the same keys). */
export function releaseRecord(db: Db, releaseId: number): Record<string, unknown> {
  const r = db
    .prepare('SELECT r.*, (SELECT count(*) FROM release_lines l WHERE l.release_id = r.release_id) AS lines FROM releases r WHERE release_id = ?')
    .get(releaseId) as { release_id: number; run_id: number; version: number; kind: string; restores_version: number | null; note: string | null; released_by: string | null; released_at: string; lines: number };
  return {
    releaseId: r.release_id,
    runId: r.run_id,
    version: r.version,
    kind: r.kind,
    restoresVersion: r.restores_version,
    note: r.note,
    releasedBy: r.released_by,
    releasedAt: r.released_at,
    lines: r.lines,
    sha256: releaseLinesHash(db, releaseId),
  };
}

/** Frees a version of a run taken here by a release of this replica's own the team numbered otherwise (it gets its own number when its row comes back). */
function freeVersion(db: Db, runId: number, version: number, at: string): void {
  const holder = db.prepare('SELECT release_id FROM releases WHERE run_id = ? AND version = ?').pluck().get(runId, version) as number | undefined;
  if (holder === undefined) return;
  const top = db.prepare('SELECT max(version) FROM releases WHERE run_id = ?').pluck().get(runId) as number;
  renumberRelease(db, holder, top + 1, at);
}

/** The team's answer to one change: sent (a release takes the version the team gave it), or refused with the reason kept. */
function settle(db: Db, c: ChangeRow, o: { status: string; seq: number | null; reason: string | null; version?: number }, at: string): TeamChangeRefusal | null {
  if (o.status === 'refused') {
    const reason = o.reason ?? 'Refused by the team workbook.';
    db.prepare("UPDATE team_changes SET status = 'refused', reason = ?, answered_at = ? WHERE change_id = ?").run(reason, at, c.change_id);
    putBack(db, c, at);
    appendAudit(db, { at, actor: null, action: 'team.refused', entity: 'team_change', entityId: c.uuid, payload: { kind: c.kind, what: c.what, reason } });
    return { uuid: c.uuid, kind: c.kind, what: c.what, reason };
  }
  db.prepare("UPDATE team_changes SET status = 'sent', team_seq = ?, answered_at = ? WHERE change_id = ?").run(o.seq, at, c.change_id);
  if (c.kind === 'release') {
    const releaseId = Number(c.local_id);
    db.prepare('INSERT INTO team_releases (release_id, uuid, team_seq) VALUES (?, ?, ?) ON CONFLICT (release_id) DO UPDATE SET team_seq = excluded.team_seq').run(releaseId, c.uuid, o.seq);
    if (o.version !== undefined) {
      const runId = db.prepare('SELECT run_id FROM releases WHERE release_id = ?').pluck().get(releaseId) as number;
      const holder = db.prepare('SELECT release_id FROM releases WHERE run_id = ? AND version = ?').pluck().get(runId, o.version) as number | undefined;
      if (holder !== releaseId) {
        freeVersion(db, runId, o.version, at);
        renumberRelease(db, releaseId, o.version, at);
      }
    }
  }
  return null;
}

const changeByUuid = (db: Db, uuid: string) => db.prepare('SELECT * FROM team_changes WHERE uuid = ?').get(uuid) as ChangeRow | undefined;

/** Records the server's answers to pushed changes, in one transaction; returns the refusals. */
export function recordChangeOutcomes(db: Db, outcomes: readonly TeamChangeOutcome[], now: () => Date): { refused: TeamChangeRefusal[] } {
  const refused: TeamChangeRefusal[] = [];
  const at = now().toISOString();
  db.transaction(() => {
    for (const o of outcomes) {
      const c = changeByUuid(db, o.uuid);
      if (!c || c.status !== 'unsent') continue; // answered before (a retried push, or the pull found it)
      const r = settle(db, c, o, at);
      if (r) refused.push(r);
    }
  }).immediate();
  return { refused };
}

/** A pulled policy or reason code whose uuid is a change of this replica's: its answer was lost, the pull settles it. */
export function settlePulledChange(db: Db, uuid: Cell, seq: number, at: string): void {
  if (typeof uuid !== 'string' || !linkedLogin(db)) return;
  const c = changeByUuid(db, uuid);
  if (c && c.status === 'unsent') settle(db, c, { status: 'saved', seq, reason: null }, at);
}

type Row = Record<string, Cell>;

/**
 * A release pulled from the team. This replica's own (its answer lost) is settled and
 * takes the team's version; anyone else's is written with its lines (decisions named by
 * uuid, as this replica holds them) and its audit entry, with the version the team gave it.
 */
export function applyPulledRelease(db: Db, r: Row, at: string): void {
  const uuid = String(r.uuid);
  const runId = Number(r.run_id);
  const version = Number(r.version);
  const own = changeByUuid(db, uuid);
  if (own) {
    if (own.status === 'unsent') settle(db, own, { status: 'released', seq: r.seq === undefined ? null : Number(r.seq), reason: null, version }, at);
    return;
  }
  if (db.prepare('SELECT 1 FROM team_releases WHERE uuid = ?').get(uuid)) return;
  freeVersion(db, runId, version, at);
  const releaseId = Number(
    db
      .prepare('INSERT INTO releases (run_id, version, kind, restores_version, note, released_by, released_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(runId, version, r.kind, r.restores_version, r.note, r.released_by, r.released_at).lastInsertRowid,
  );
  const lines = ((r.lines as { lines?: unknown } | null)?.lines ?? []) as [number, number, string, string | null][];
  const decisionOf = db.prepare('SELECT decision_id FROM decisions WHERE sync_uuid = ?').pluck();
  const insert = db.prepare('INSERT INTO release_lines (release_id, line_id, final_quantity, source, decision_id) VALUES (?, ?, ?, ?, ?)');
  for (const [lineId, quantity, source, decisionUuid] of lines) {
    insert.run(releaseId, lineId, quantity, source, decisionUuid === null ? null : ((decisionOf.get(decisionUuid) as number | undefined) ?? null));
  }
  db.prepare('INSERT INTO team_releases (release_id, uuid, team_seq) VALUES (?, ?, ?)').run(releaseId, uuid, null);
  appendAudit(db, { at: String(r.released_at), actor: r.released_by === null ? null : String(r.released_by), action: String(r.kind), entity: 'release', entityId: String(releaseId), payload: { ...releaseRecord(db, releaseId), review: null, from: 'team' } });
}

/** What fwb sync reports of the changes: how many wait, and the refusals kept. */
export function changeLedger(db: ReadableDb): { unsent: number; refused: TeamChangeRefusal[] } {
  if (!linkedLogin(db)) return { unsent: 0, refused: [] };
  return {
    unsent: Number(db.prepare("SELECT count(*) FROM team_changes WHERE status = 'unsent'").pluck().get()),
    refused: db.prepare("SELECT uuid, kind, what, reason FROM team_changes WHERE status = 'refused' ORDER BY change_id").all() as TeamChangeRefusal[],
  };
}
