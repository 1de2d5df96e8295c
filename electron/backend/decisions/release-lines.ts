// The fingerprint of a release: sha256 over its lines in line order, one line of
// text each: "line_id<TAB>final_quantity<TAB>source<TAB>decision_id or empty\n".
// Recorded in the release's audit entry, so a release line altered later, or a
// rollback that did not copy its version faithfully, shows.
import { createHash } from 'node:crypto';
import type { Db } from '../db/open';

export function releaseLinesHash(db: Db, releaseId: number): string {
  const hash = createHash('sha256');
  const rows = db
    .prepare('SELECT line_id, final_quantity, source, decision_id FROM release_lines WHERE release_id = ? ORDER BY line_id')
    .raw()
    .iterate(releaseId) as IterableIterator<[number, number, string, number | null]>;
  for (const [lineId, quantity, source, decisionId] of rows) hash.update(`${lineId}\t${quantity}\t${source}\t${decisionId ?? ''}\n`);
  return hash.digest('hex');
}
