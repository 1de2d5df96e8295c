// Releasing a run's final plan (SPEC §2 roles at release, §5 plan versions).
// A release snapshots every line as a numbered version; a rollback is a new
// version copying an earlier one's lines, so no version is ever rewritten.
// Releases are snapshots for export: the working plan (journal, line_state)
// is not changed by a rollback.
import type { ParsedRequestOf } from '../../../shared/contract';
import { MODEL_ROLES, type LineStatus, type ModelRole, type ReleaseOutcome, type ReleaseReview, type ReleaseSummary } from '../../../shared/domain';
import { appendAudit } from '../audit/chain';
import type { ReadContext, WriteContext } from '../context';
import type { Db } from '../db/open';
import { WorkbenchError } from '../errors';
import { appendModelFinals } from './journal';
import { assertRunExists } from './lines';
import { policyResolver } from './policy';
import { rebuildLineState, snapshotRunPlan } from './projection';
import { assertReleaseIntact, releaseLinesHash } from './release-lines';
import { requireManager } from '../people/session';
import { rememberWorkingRun } from '../review/opening-run';
import { keepReleaseChange } from '../team-replica/changes';

interface RunLine {
  lineId: number;
  modelQuantity: number;
  category: string | null;
  abcClass: string | null;
  status: LineStatus | null;
}

/** Counts what the release finds per role, and picks the 'decide' lines nobody touched. */
function review(db: Db, lines: RunLine[]): { review: ReleaseReview; autoFinal: RunLine[] } {
  const policyOf = policyResolver(db);
  const byRole = Object.fromEntries(MODEL_ROLES.map((r) => [r, { lines: 0, reviewed: 0, autoFinalised: 0, unreviewed: 0 }])) as ReleaseReview['byRole'];
  const r: ReleaseReview = { autoFinalised: 0, releasedWithoutReview: 0, pendingReleasedAtPrevious: 0, rejected: 0, byRole };
  const autoFinal: RunLine[] = [];
  for (const line of lines) {
    const role: ModelRole = policyOf(line).effectiveRole;
    const counts = byRole[role];
    counts.lines++;
    if (line.status === null || line.status === 'undecided') {
      if (role === 'decide') {
        autoFinal.push(line);
        counts.autoFinalised++;
        r.autoFinalised++;
      } else {
        counts.unreviewed++;
        // Trigger lines are meant to go out without review; assist and recommend lines were not.
        if (role !== 'trigger') r.releasedWithoutReview++;
      }
      continue;
    }
    counts.reviewed++;
    if (line.status === 'pending_approval') r.pendingReleasedAtPrevious++;
    if (line.status === 'rejected') r.rejected++;
  }
  return { review: r, autoFinal };
}

function nextVersion(db: Db, runId: number): number {
  return (db.prepare('SELECT coalesce(max(version), 0) + 1 FROM releases WHERE run_id = ?').pluck().get(runId) as number);
}

function insertRelease(db: Db, r: { runId: number; version: number; kind: 'release' | 'rollback'; restoresVersion: number | null; note: string | null; by: string; at: string }): number {
  return Number(
    db
      .prepare('INSERT INTO releases (run_id, version, kind, restores_version, note, released_by, released_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(r.runId, r.version, r.kind, r.restoresVersion, r.note, r.by, r.at).lastInsertRowid,
  );
}

export function releaseRun(ctx: WriteContext, req: ParsedRequestOf<'releaseRun'>): ReleaseOutcome {
  const { db } = ctx;
  const user = requireManager(db, 'release a plan');
  const at = ctx.now().toISOString();
  const note = req.note?.trim() || null;
  return db
    .transaction((): ReleaseOutcome => {
      assertRunExists(db, req.runId);
      // The plan of record comes from the journal itself, never from a stale cache.
      rebuildLineState(db, req.runId);
      const lines = db
        .prepare(
          `SELECT fl.line_id AS lineId, fl.quantity AS modelQuantity, i.category, i.abc_class AS abcClass, ls.status
             FROM forecast_lines fl JOIN items i ON i.item_key = fl.item_key LEFT JOIN line_state ls ON ls.line_id = fl.line_id
            WHERE fl.run_id = ? ORDER BY fl.line_id`,
        )
        .all(req.runId) as RunLine[];
      if (lines.length === 0) throw new WorkbenchError('INVALID_REQUEST', `Run ${req.runId} has no lines to release.`);
      const found = review(db, lines);
      // 'decide': lines nobody touched become final on their own, each an audited decision.
      appendModelFinals(db, found.autoFinal, { action: 'auto_final', decidedBy: user.userId, decidedAt: at });
      const version = nextVersion(db, req.runId);
      const releaseId = insertRelease(db, { runId: req.runId, version, kind: 'release', restoresVersion: null, note, by: user.userId, at });
      rememberWorkingRun(db, user.userId, req.runId);
      const count = snapshotRunPlan(db, req.runId, releaseId);
      const sha256 = releaseLinesHash(db, releaseId);
      const outcome: ReleaseOutcome = { releaseId, runId: req.runId, version, kind: 'release', restoresVersion: null, lines: count, sha256, review: found.review };
      appendAudit(db, { at, actor: user.userId, action: 'release', entity: 'release', entityId: String(releaseId), payload: { ...outcome, note, releasedBy: user.userId, releasedAt: at } });
      // In a team's replica the next sync sends it with its lines; the team numbers its version.
      keepReleaseChange(db, releaseId, user.userId, at);
      return outcome;
    })
    .immediate();
}

export function rollbackRun(ctx: WriteContext, req: ParsedRequestOf<'rollbackRun'>): ReleaseOutcome {
  const { db } = ctx;
  const user = requireManager(db, 'roll back a plan');
  const at = ctx.now().toISOString();
  const note = req.note.trim();
  return db
    .transaction((): ReleaseOutcome => {
      assertRunExists(db, req.runId);
      const target = db.prepare('SELECT release_id FROM releases WHERE run_id = ? AND version = ?').pluck().get(req.runId, req.toVersion) as number | undefined;
      if (target === undefined) throw new WorkbenchError('NOT_FOUND', `Run ${req.runId} has no release version ${req.toVersion}.`);
      const version = nextVersion(db, req.runId);
      if (req.toVersion === version - 1) throw new WorkbenchError('INVALID_REQUEST', `Version ${req.toVersion} is already the current plan of run ${req.runId}.`);
      assertReleaseIntact(db, target, 'rolled back to');
      const releaseId = insertRelease(db, { runId: req.runId, version, kind: 'rollback', restoresVersion: req.toVersion, note, by: user.userId, at });
      rememberWorkingRun(db, user.userId, req.runId);
      const count = db
        .prepare('INSERT INTO release_lines (release_id, line_id, final_quantity, source, decision_id) SELECT ?, line_id, final_quantity, source, decision_id FROM release_lines WHERE release_id = ?')
        .run(releaseId, target).changes;
      const sha256 = releaseLinesHash(db, releaseId);
      const outcome: ReleaseOutcome = { releaseId, runId: req.runId, version, kind: 'rollback', restoresVersion: req.toVersion, lines: count, sha256, review: null };
      appendAudit(db, { at, actor: user.userId, action: 'rollback', entity: 'release', entityId: String(releaseId), payload: { ...outcome, note, releasedBy: user.userId, releasedAt: at } });
      keepReleaseChange(db, releaseId, user.userId, at);
      return outcome;
    })
    .immediate();
}

type SummaryRow = Omit<ReleaseSummary, 'current'>;

export function listReleases({ db }: ReadContext, req: ParsedRequestOf<'listReleases'>): { runId: number; releases: ReleaseSummary[] } {
  assertRunExists(db, req.runId);
  const rows = db
    .prepare(
      `SELECT r.release_id AS releaseId, r.version, r.kind, r.restores_version AS restoresVersion, r.note, r.released_by AS releasedBy,
              u.display_name AS releasedByName, r.released_at AS releasedAt,
              (SELECT count(*) FROM release_lines rl WHERE rl.release_id = r.release_id) AS lines,
              (SELECT json_extract(a.payload, '$.sha256') FROM audit_log a
                WHERE a.entity = 'release' AND a.entity_id = CAST(r.release_id AS TEXT) ORDER BY a.audit_id DESC LIMIT 1) AS sha256
         FROM releases r LEFT JOIN users u ON u.user_id = r.released_by
        WHERE r.run_id = ? ORDER BY r.version DESC`,
    )
    .all(req.runId) as SummaryRow[];
  const current = rows[0]?.version;
  return { runId: req.runId, releases: rows.map((r) => ({ ...r, current: r.version === current })) };
}
