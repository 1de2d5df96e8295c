// Remembered column mappings, per source and kind: a file named like an earlier
// one ('forecast_2026-03.csv' and 'forecast_2026-04.csv') starts from the mapping
// the user gave for it last time.
import type { ReadableDb } from '../../db/handles';
import { basename } from 'node:path';
import type { Db } from '../../db/open';
import type { ImportFileKind } from '../types';

/** 'Forecast_2026-03.csv' → 'forecast_#-#.csv': the same source whatever the date in its name. */
export function sourceKeyOf(path: string): string {
  return basename(path).toLowerCase().replace(/[0-9]+/g, '#');
}

export function loadRememberedMapping(db: ReadableDb, sourceKey: string, kind: ImportFileKind): Record<string, string> {
  const row = db.prepare('SELECT mapping FROM column_mappings WHERE source_key = ? AND kind = ?').get(sourceKey, kind) as { mapping: string } | undefined;
  if (!row) return {};
  try {
    const parsed = JSON.parse(row.mapping) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

/** Stores the user's overrides on top of what was remembered; call inside the import's transaction. */
export function rememberMapping(db: Db, sourceKey: string, kind: ImportFileKind, mapping: Record<string, string>, at: string): void {
  db.prepare(
    `INSERT INTO column_mappings (source_key, kind, mapping, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (source_key, kind) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at`,
  ).run(sourceKey, kind, JSON.stringify(mapping), at);
}
