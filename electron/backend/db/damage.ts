// A damaged workbook: bytes changed under SQLite (a bad disk, a half-copied
// file, a sync tool), so its b-trees no longer hold together. Such a file is
// never written to — a write could spread the damage over pages that are still
// good — and every way in says so in a sentence with the way back (a backup),
// never with SQLite's own error and a stack trace.
import { basename } from 'node:path';
import { isDamageError, noteDamage, RESTORE_ADVICE, WorkbenchError } from '../errors';
import type { Db } from './open';

// Kept with the errors (errors.ts), which turn a damaged page met mid-call into WORKBOOK_DAMAGED.
export { isDamageError, RESTORE_ADVICE } from '../errors';

export function damagedWorkbookError(path: string, detail: string): WorkbenchError {
  return new WorkbenchError('WORKBOOK_DAMAGED', `${basename(path)} is damaged (${detail}), so it was not opened for writing and nothing in it was changed. ${RESTORE_ADVICE}`, {
    file: path,
    hint: { option: 'restoreBackup' },
  });
}

let quickChecks = 0;
/** How many quick checks this thread ran: tests see with it whether an open checked (db/check-memory.ts). */
export const quickChecksRun = () => quickChecks;

/**
 * SQLite's quick check (structure of every b-tree, without the slower index
 * cross-check of integrity_check): 'ok', or the first thing it found wrong.
 * A page too broken to read makes SQLite throw rather than answer; that is damage too.
 */
export function quickCheck(db: Db): string {
  quickChecks++;
  const verdict = quickCheckVerdict(db);
  if (verdict !== 'ok') noteDamage();
  return verdict;
}

function quickCheckVerdict(db: Db): string {
  try {
    const rows = db.pragma('quick_check(1)') as { quick_check: string }[];
    return readableFinding(rows[0]?.quick_check ?? 'ok');
  } catch (err) {
    if (isDamageError(err)) return (err as Error).message;
    throw err;
  }
}

/** One line of SQLite's check output, without its "*** in database main ***" heading. */
export function readableFinding(text: string): string {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^\*\*\* in database \w+ \*\*\*$/.test(line.trim()))
    .join('; ');
}

/** Refuses to go on with a workbook that fails the quick check. */
export function assertNotDamaged(db: Db, path: string): void {
  const verdict = quickCheck(db);
  if (verdict !== 'ok') throw damagedWorkbookError(path, `SQLite's quick check: ${verdict}`);
}
