// The workbook's own key–value table (workbook_meta): its name and grain, and what
// derived data keeps beside its tables (stamps, a run's kept overview or layout).
import type { ReadableDb, WritableDb } from './handles';

export function readMeta(db: ReadableDb, key: string): string | null {
  const row = db.prepare('SELECT value FROM workbook_meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

export function writeMeta(db: WritableDb, key: string, value: string): void {
  db.prepare('INSERT OR REPLACE INTO workbook_meta (key, value) VALUES (?, ?)').run(key, value);
}

export function deleteMeta(db: WritableDb, ...keys: string[]): void {
  db.prepare(`DELETE FROM workbook_meta WHERE key IN (${keys.map(() => '?').join(', ')})`).run(...keys);
}
