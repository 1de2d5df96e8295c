// Fingerprints a bulk writer computed from the very values it wrote (a pull into an empty
// replica, team-replica/pulled-content.ts), offered to the seal and to the pulled batches'
// entries so that they need not read every row of a million-line workbook again (~1.2 s).
// The writer answers only when it saw every row of the tables it fingerprints, else null,
// and the caller then reads the rows as before.
import type { Db } from '../db/open';
import type { BatchContent } from './content-digest';

type Offer = () => Map<number | null, BatchContent> | null;

const offers = new WeakMap<Db, Offer>();

/** A writer's fingerprints of every batch (key null: rows of no batch), to be taken at most once. */
export function offerWrittenContents(db: Db, take: Offer): void {
  offers.set(db, take);
}

export function withdrawWrittenContents(db: Db): void {
  offers.delete(db);
}

/** The fingerprints on offer, once; null when none are, or the writer cannot vouch for them. */
export function takeWrittenContents(db: Db): Map<number | null, BatchContent> | null {
  const take = offers.get(db);
  if (!take) return null;
  offers.delete(db);
  return take();
}
