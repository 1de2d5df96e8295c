// The accuracy cube's cells as comparable text: what tests compare an incrementally
// kept or newly built cube with a reference by.
import type { Db } from '../../electron/backend/db/open';

export const CELL_TABLES = ['accuracy_cells', 'accuracy_override_cells'] as const;

/** Every cell of both tables, fractional sums to `digits` significant digits (a sum may add its lines in another order), in one order. */
export function cubeRows(db: Db, digits: number): Record<string, string[]> {
  const rows: Record<string, string[]> = {};
  for (const table of CELL_TABLES) {
    rows[table] = (db.prepare(`SELECT * FROM ${table}`).raw().all() as unknown[][])
      .map((r) => JSON.stringify(r.map((v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(digits)) : v))))
      .sort();
  }
  return rows;
}
