// The import methods of the API: resolve the staged file, run the pipeline, and
// report its progress. What an import does besides is declared in effects.ts.
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { ParsedRequestOf } from '../../../shared/contract';
import type { ApiErrorCode, ImportOutcome, ImportPreview, ImportUndoOutcome, SessionUser } from '../../../shared/domain';
import type { ReadContext, WriteContext } from '../context';
import { toApiError, WorkbenchError } from '../errors';
import { currentUser, requireUser } from '../people/session';
import { ImportRejectedError } from './import-errors';
import { discardStaged, stagedPath, stagedSha256 } from './staging';
import type { ImportOptions } from './types';
import { undoImportBatch } from './undo';

export async function previewImport(ctx: ReadContext, req: ParsedRequestOf<'previewImport'>): Promise<ImportPreview> {
  const path = stagedPath(ctx.stagingDir, req.stagedId);
  // Loaded on first use: the pipeline (parsers, exceljs) stays out of the worker's start-up.
  const { previewFile } = await import('./import-file');
  const preview = await previewFile(ctx, path, { kind: req.kind, sheet: req.sheet, map: req.map });
  return { ...toPreview(preview), size: statSync(path).size };
}

export async function runImport(ctx: WriteContext, req: ParsedRequestOf<'runImport'>): Promise<ImportOutcome> {
  // Every import through the app is someone's, and their role says what they may load (imports/importer.ts).
  const user = requireUser(ctx.db);
  const path = stagedPath(ctx.stagingDir, req.stagedId);
  const expectedSha256 = stagedSha256(ctx.stagingDir, req.stagedId);
  const { stagedId: _staged, ...options } = req;
  // Provenance: the batch records who imported it.
  const outcome = await importAs(ctx, path, { ...options, expectedSha256, user: user.userId }, ['INPUT_REJECTED']);
  if (outcome.batchId !== null) discardStaged(ctx.stagingDir, req.stagedId);
  return outcome;
}

/** A host's import of a file by its path (fwb import), as whoever is signed in on this connection, or nobody. */
export function importPath(ctx: WriteContext, path: string, options: Omit<ImportOptions, 'user' | 'onProgress' | 'expectedSha256'>): Promise<ImportOutcome> {
  // A request the pipeline finds wrong (a kind, a mapping) is the file's refusal here too: fwb reports both alike.
  return importAs(ctx, path, { ...options, user: currentUser(ctx.db)?.userId }, ['INPUT_REJECTED', 'INVALID_REQUEST']);
}

/** One import, its progress reported to the job, and one outcome, a refused file included. */
async function importAs(ctx: WriteContext, path: string, options: Omit<ImportOptions, 'onProgress'>, refusals: ApiErrorCode[]): Promise<ImportOutcome> {
  const started = Date.now();
  // Loaded on first use: the pipeline (parsers, exceljs) stays out of the worker's start-up.
  const { importFile } = await import('./import-file');
  try {
    return await importFile(ctx, path, {
      ...options,
      onProgress: (p) =>
        ctx.progress?.({
          phase: p.phase,
          done: p.bytesDone ?? p.rowsDone ?? 0,
          total: p.bytesTotal ?? null,
          rows: p.rowsDone ?? 0,
          message: `${p.rowsDone ?? 0} rows · ${Math.round(((p.rowsDone ?? 0) * 1000) / Math.max(1, Date.now() - started))} rows/s`,
        }),
    });
  } catch (err) {
    const error = toApiError(err);
    // A refused file is an outcome (its rows' errors listed); any other failure is the call's.
    if (!(err instanceof WorkbenchError) || !refusals.includes(err.code)) throw err;
    const rejected = err instanceof ImportRejectedError ? err : null;
    const errors = rejected?.errors ?? (error.row !== undefined ? [{ row: error.row, column: error.column ?? null, reason: error.message }] : []);
    return { batchId: null, kind: options.kind, file: basename(path), rowsRead: rejected?.rowsRead ?? 0, rowsAccepted: 0, rowsQuarantined: rejected?.rowsQuarantined ?? 0, runs: [], errors, warnings: [], refused: error };
  }
}

// Adapts the pipeline's preview to the contract's shape.
function toPreview(p: unknown): Omit<ImportPreview, 'size'> {
  return p as unknown as Omit<ImportPreview, 'size'>;
}

/**
 * Loading and taking back data is the analysts' job (and their manager's); whoever
 * imported a batch may also take it back.
 */
export function undoImport(ctx: WriteContext, req: ParsedRequestOf<'undoImportBatch'>): ImportUndoOutcome {
  return undoAs(ctx, req.batchId, requireUser(ctx.db));
}

/** fwb import --undo: as whoever is signed in on this connection, or nobody (a command run by the workbook's owner). */
export function undoImportAsCommand(ctx: WriteContext, batchId: number): ImportUndoOutcome {
  return undoAs(ctx, batchId, currentUser(ctx.db));
}

/** One undo by `user`, or by nobody (a command run by the workbook's owner without --user), whatever the way in. */
function undoAs(ctx: WriteContext, batchId: number, user: SessionUser | null): ImportUndoOutcome {
  const importedBy = ctx.db.prepare('SELECT imported_by FROM import_batches WHERE batch_id = ?').pluck().get(batchId) as string | null | undefined;
  if (importedBy === undefined) throw new WorkbenchError('NOT_FOUND', `there is no import batch ${batchId}`);
  if (user?.role === 'planner' && importedBy !== user.userId) {
    throw new WorkbenchError('FORBIDDEN', `${user.displayName} is a planner; an analyst, a manager or whoever imported batch ${batchId} may undo it.`);
  }
  return undoImportBatch(ctx.db, batchId, { user: user?.userId ?? null, at: ctx.now().toISOString() });
}
