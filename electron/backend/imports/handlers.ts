// The import methods of the API: resolve the staged file, run the pipeline, and
// report its progress (api.ts declares them jobs: the job events, the scores of
// the newest run and the announcement come from dispatch).
import { statSync } from 'node:fs';
import type { ParsedRequestOf } from '../../../shared/contract';
import type { ImportOutcome, ImportPreview, ImportUndoOutcome } from '../../../shared/domain';
import type { ReadContext, WriteContext } from '../context';
import { toApiError, WorkbenchError } from '../errors';
import { discardStaged, stagedPath, stagedSha256 } from './staging';
import { requireUser } from '../people/session';
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
  const started = Date.now();
  const { importFile } = await import('./import-file');
  try {
    const result = await importFile(ctx, path, {
      kind: req.kind,
      sheet: req.sheet,
      map: req.map,
      model: req.model,
      modelVersion: req.modelVersion,
      origin: req.origin,
      grain: req.grain,
      strict: req.strict,
      force: req.force,
      expectedSha256,
      unknownItems: req.unknownItems,
      // Provenance: the batch records who imported it.
      user: user.userId,
      onProgress: (p) =>
        ctx.progress?.({
          phase: p.phase,
          done: p.bytesDone ?? p.rowsDone ?? 0,
          total: p.bytesTotal ?? null,
          message: `${p.rowsDone ?? 0} rows · ${Math.round(((p.rowsDone ?? 0) * 1000) / Math.max(1, Date.now() - started))} rows/s`,
        }),
    });
    discardStaged(ctx.stagingDir, req.stagedId);
    return { ...result, batchId: result.batchId ?? null } as ImportOutcome;
  } catch (err) {
    const error = toApiError(err);
    if (!(err instanceof WorkbenchError) || err.code !== 'INPUT_REJECTED') throw err;
    const errors = (err as { errors?: ImportOutcome['errors'] }).errors ?? (error.row !== undefined ? [{ row: error.row, column: error.column ?? null, reason: error.message }] : []);
    return { batchId: null, kind: req.kind, file: path.split(/[\\/]/).pop()!, rowsRead: 0, rowsAccepted: 0, rowsQuarantined: 0, runs: [], errors, warnings: [], refused: error };
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
  const user = requireUser(ctx.db);
  const importedBy = ctx.db.prepare('SELECT imported_by FROM import_batches WHERE batch_id = ?').pluck().get(req.batchId) as string | null | undefined;
  if (importedBy === undefined) throw new WorkbenchError('NOT_FOUND', `there is no import batch ${req.batchId}`);
  if (user.role === 'planner' && importedBy !== user.userId) {
    throw new WorkbenchError('FORBIDDEN', `${user.displayName} is a planner; an analyst, a manager or whoever imported batch ${req.batchId} may undo it.`);
  }
  return undoImportBatch(ctx.db, req.batchId, { user: user.userId, at: ctx.now().toISOString() });
}
