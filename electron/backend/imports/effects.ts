// What an import and an import's undo do besides their work (the job events, the
// scores of the newest run, the announcement), declared once and carried out by
// dispatch (api.ts) for the page and by the host method for fwb's import of a
// file by its path (host-api.ts) alike. Apart from the handlers, so the table
// declares them without loading the import pipeline.
import type { ImportOutcome, ImportUndoOutcome } from '../../../shared/domain';
import type { Effects } from '../declarations';
import { newestRunExceptions } from '../exceptions/cache';
import { newestRunOverview } from '../queries/run-overview';

/** An import's side effects: a job (a refused file ends it failed), the newest run rescored and its overview kept, the workbook announced changed unless refused. */
export const IMPORT_EFFECTS: Effects<unknown, ImportOutcome> = {
  job: { kind: 'import', refusalOf: (out) => out.refused },
  refreshes: (_req, db) => [...newestRunExceptions(db), ...newestRunOverview(db)],
  announces: { 'workbook-changed': (_db, _req, out) => (out.refused ? null : { reason: 'import' }) },
};

/**
 * An undo's: a finished job of its own (the status line no longer reports an earlier import's refusal of this
 * file; a refusal shows in the undo dialog instead), the newest run rescored and its overview kept, the workbook announced changed.
 */
export const UNDO_EFFECTS: Effects<unknown, ImportUndoOutcome> = {
  job: { kind: 'import-undo', quietFailure: true },
  refreshes: (_req, db) => [...newestRunExceptions(db), ...newestRunOverview(db)],
  announces: { 'workbook-changed': () => ({ reason: 'import-undo' }) },
};
