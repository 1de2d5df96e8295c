// Typed errors inside the backend; the dispatcher turns them into ApiError values.
import type { ApiError, ApiErrorCode, OptionHint } from '../../shared/domain';

export class WorkbenchError extends Error {
  readonly code: ApiErrorCode;
  readonly file?: string;
  readonly row?: number;
  readonly column?: string;
  /** An option that would change the outcome; the message itself names no way in's wording. */
  readonly hint?: OptionHint;

  constructor(code: ApiErrorCode, message: string, where: { file?: string; row?: number; column?: string; hint?: OptionHint } = {}) {
    super(message);
    this.name = 'WorkbenchError';
    this.code = code;
    this.file = where.file;
    this.row = where.row;
    this.column = where.column;
    if (where.hint !== undefined) this.hint = where.hint;
  }
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof WorkbenchError) {
    const out: ApiError = { code: err.code, message: err.message };
    if (err.file !== undefined) out.file = err.file;
    if (err.row !== undefined) out.row = err.row;
    if (err.column !== undefined) out.column = err.column;
    if (err.hint !== undefined) out.hint = err.hint;
    return out;
  }
  // A damaged page met mid-call (an export, accuracy): a sentence and the way back, never SQLite's words alone.
  if (isDamageError(err)) {
    noteDamage();
    return { code: 'WORKBOOK_DAMAGED', message: `The workbook is damaged (${(err as Error).message}); nothing was written. ${RESTORE_ADVICE}.`, hint: { option: 'restoreBackup' } };
  }
  // Where nobody could say what holds the workbook (db/busy.ts names it where it can), still a sentence, never INTERNAL.
  if (isSqliteBusy(err)) return { code: 'WORKBOOK_BUSY', message: BUSY_SENTENCE };
  if (isAddonLoadError(err)) return { code: 'BACKEND_UNAVAILABLE', message: ADDON_SENTENCE(err as Error) };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: `Unexpected backend error: ${message}` };
}

/**
 * better-sqlite3's compiled engine could not be loaded: most often built for another Node than the one
 * running (installed under one Node, run under another), which Node words in terms of module versions.
 */
export function isAddonLoadError(err: unknown): boolean {
  return err instanceof Error && (err as { code?: unknown }).code === 'ERR_DLOPEN_FAILED';
}

const ADDON_SENTENCE = (err: Error) =>
  /NODE_MODULE_VERSION/.test(err.message)
    ? `The SQLite engine this program uses (better-sqlite3) was built for another version of Node than this one (${process.versions.node}), so no workbook was opened or changed. Run \`npm rebuild better-sqlite3\` in the project's folder with this Node, or run the program with the Node it was built for.`
    : `The SQLite engine this program uses (better-sqlite3) could not be loaded (${err.message.split('\n')[0]}), so no workbook was opened or changed. Run \`npm rebuild better-sqlite3\` in the project's folder, then try again.`;

/** A busy workbook when nothing recorded what holds it. */
export const BUSY_SENTENCE = 'The workbook is busy: another program is writing to it; try again in a moment.';

/** SQLite's "database is locked" (SQLITE_BUSY and its kin): another connection holds the workbook. */
export function isSqliteBusy(err: unknown): boolean {
  return err instanceof Error && err.name === 'SqliteError' && /^SQLITE_(BUSY|LOCKED)/.test(String((err as { code?: unknown }).code));
}

/** SQLite's error codes for a file whose pages do not hold together (SQLITE_CORRUPT and its extended forms): see db/damage.ts. */
export function isDamageError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_CORRUPT');
}

let sightings = 0;
/** Damage found in this thread (a check's finding, a damaged page met mid-call): a session that saw any is not remembered as sound (db/check-memory.ts). */
export function noteDamage(): void {
  sightings++;
}
export const damageSightings = () => sightings;

/** What to do about damage, in neutral words: each entry point names its own way to restore (hint 'restoreBackup'). */
export const RESTORE_ADVICE = 'Restore it from a backup; the damaged file is kept aside, not deleted';
