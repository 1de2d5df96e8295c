// Numbered, append-only migrations; the schema version is PRAGMA user_version,
// which equals the number of migrations applied.
import m001 from './001-init';

export const MIGRATIONS: readonly string[] = [m001];
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
