// The fingerprint of a release: sha256 over its lines in line order, one line of
// text each: "line_id<TAB>final_quantity<TAB>source<TAB>decision_id or empty\n".
// Recorded in the release's audit entry, so a release line altered later, or a
// rollback that did not copy its version faithfully, shows.
import type { ReadableDb } from '../db/handles';
import { WorkbenchError } from '../errors';

export function releaseLinesHash(db: ReadableDb, releaseId: number): string {
  // node:crypto taken when a release is hashed, not when this module loads (fwb accuracy reaches it through the drift guard).
  const hash = process.getBuiltinModule('node:crypto').createHash('sha256');
  const rows = db
    .prepare('SELECT line_id, final_quantity, source, decision_id FROM release_lines WHERE release_id = ? ORDER BY line_id')
    .raw()
    .iterate(releaseId) as IterableIterator<[number, number, string, number | null]>;
  for (const [lineId, quantity, source, decisionId] of rows) hash.update(`${lineId}\t${quantity}\t${source}\t${decisionId ?? ''}\n`);
  return hash.digest('hex');
}

/**
 * Refuses to hand on a released version whose lines no longer hash to what its
 * release entry recorded: an altered snapshot must not go out to ERP, nor come
 * back as the plan of a rollback. (Entries without a sha256 cannot be compared.)
 */
export function assertReleaseIntact(db: ReadableDb, releaseId: number, what: string): void {
  const entry = db
    .prepare("SELECT audit_id AS auditId, json_extract(payload, '$.sha256') AS sha256 FROM audit_log WHERE entity = 'release' AND entity_id = ? ORDER BY audit_id DESC LIMIT 1")
    .get(String(releaseId)) as { auditId: number; sha256: string | null } | undefined;
  if (entry?.sha256 && releaseLinesHash(db, releaseId) !== entry.sha256) {
    const v = db.prepare('SELECT run_id AS runId, version FROM releases WHERE release_id = ?').get(releaseId) as { runId: number; version: number };
    throw new WorkbenchError(
      'INPUT_REJECTED',
      `Version ${v.version} of run ${v.runId} no longer matches what its release recorded (audit entry ${entry.auditId}): its lines were altered outside the app, so it was not ${what}. Run fwb check, and restore the workbook from a backup.`,
    );
  }
}
