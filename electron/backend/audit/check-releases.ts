// Releases against their audit entries: the release row as recorded, and its
// snapshot (release_lines) against the sha256 and line count the entry recorded
// when it was taken. An altered snapshot would otherwise export, and roll
// forward into later rollbacks, as if it had been released.
import type { ReadableDb } from '../db/handles';
import { releaseLinesHash } from '../decisions/release-lines';
import { describeDifferences, differences, type Findings } from './check-findings';

interface ReleaseRow {
  release_id: number;
  run_id: number;
  version: number;
  kind: string;
  restores_version: number | null;
  note: string | null;
  released_by: string | null;
  released_at: string;
  lines: number;
}

/** Returns the number of releases checked. */
export function checkReleases(db: ReadableDb, f: Findings): number {
  const entries = new Map<string, { auditId: number; payload: Record<string, unknown> }>();
  for (const e of db.prepare("SELECT audit_id, entity_id, payload FROM audit_log WHERE entity = 'release' ORDER BY audit_id").iterate() as IterableIterator<{ audit_id: number; entity_id: string; payload: string }>) {
    entries.set(e.entity_id, { auditId: e.audit_id, payload: JSON.parse(e.payload) as Record<string, unknown> });
  }
  const rows = db
    .prepare('SELECT r.*, (SELECT count(*) FROM release_lines l WHERE l.release_id = r.release_id) AS lines FROM releases r ORDER BY release_id')
    .all() as ReleaseRow[];
  for (const r of rows) {
    const id = String(r.release_id);
    const label = `release ${id} (run ${r.run_id}, version ${r.version})`;
    const record = entries.get(id);
    entries.delete(id);
    if (!record) {
      f.add({ check: 'release', message: `${label} has no audit entry (written outside the app?)`, entity: 'release', entityId: id });
      continue;
    }
    const now = { releaseId: r.release_id, runId: r.run_id, version: r.version, kind: r.kind, restoresVersion: r.restores_version, note: r.note, releasedBy: r.released_by, releasedAt: r.released_at, lines: r.lines };
    const diffs = differences(now, record);
    if (typeof record.payload.sha256 === 'string' && releaseLinesHash(db, r.release_id) !== record.payload.sha256) {
      diffs.push(`its ${r.lines} lines no longer hash to the sha256 recorded (${record.payload.sha256.slice(0, 12)}…)`);
    }
    if (diffs.length > 0) {
      f.add({ check: 'release', message: `${label} differs from what audit entry ${record.auditId} recorded: ${describeDifferences(diffs)}`, auditId: record.auditId, entity: 'release', entityId: id });
    }
  }
  for (const [id, record] of entries) {
    f.add({ check: 'release', message: `release ${id}, recorded in audit entry ${record.auditId}, is gone (deleted outside the app)`, auditId: record.auditId, entity: 'release', entityId: id });
  }
  return rows.length;
}
