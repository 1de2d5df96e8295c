// A larger page cache for one big write. SQLite's default (2 MB) suits reads;
// a write that touches an index's pages all over (a run's scores written in score
// order, next month's actual of every item added to the index of current actuals)
// would otherwise spill dirty pages to the log and read them back, page after page.
import type { WritableDb } from './handles';

/** Runs `work` with the connection's page cache at least `kib` KiB, and puts it back after. */
export function withPageCache<T>(db: WritableDb, kib: number, work: () => T): T {
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  db.pragma(`cache_size = ${Math.min(cacheSize, -kib)}`);
  try {
    return work();
  } finally {
    db.pragma(`cache_size = ${Math.trunc(cacheSize)}`);
  }
}
