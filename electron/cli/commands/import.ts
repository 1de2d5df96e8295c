// fwb import --db FILE --kind KIND [options] FILE...
import { IMPORT_USAGE } from '../usage';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { BackendContext } from '../../backend/context';
import { openWorkbook } from '../../backend/db/open';
import { WorkbenchError } from '../../backend/errors';
import { ImportRejectedError } from '../../backend/imports/import-errors';
import { fieldsOf } from '../../backend/imports/read/mapping';
import type { ImportFileKind, ImportResult, ImportRowError } from '../../backend/imports/types';
import type { ImportNotice, ImportUndoOutcome } from '../../../shared/domain';
import { withCliHint } from '../hints';
import { formatUndoOutcome } from '../../../shared/format';
import { GRAINS, type Grain } from '../../../shared/period';
import { EXIT, positiveInt, progressLine, UsageError, type CliIo, type ExitCode } from '../io';
import { actAsPerson, refusePassphraseInArgv } from '../person';


const KINDS: Record<string, ImportFileKind> = {
  items: 'items',
  forecasts: 'forecasts',
  actuals: 'actuals',
  'sales-inputs': 'sales_inputs',
  sales_inputs: 'sales_inputs',
  decisions: 'decisions',
};

function parseMap(kind: ImportFileKind, entries: string[]): Record<string, string> {
  const map: Record<string, string> = {};
  const known = fieldsOf(kind);
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0 || eq === entry.length - 1) throw new UsageError(`--map expects field=column, got "${entry}"`);
    const field = entry.slice(0, eq).trim();
    if (!known.includes(field)) throw new UsageError(`--map: unknown field "${field}" for ${kind} (fields: ${known.join(', ')})`);
    map[field] = entry.slice(eq + 1).trim();
  }
  return map;
}

// JSON keeps its stable shape (errors as {row, column, reason}, warnings as text): hints are worded for fwb in the text.
const rowErrors = (errors: ImportRowError[]) => errors.map((e) => ({ row: e.row, column: e.column, reason: withCliHint(e.reason, e.hint) }));
const notes = (warnings: ImportNotice[]) => warnings.map((w) => withCliHint(w.message, w.hint));

function jsonOf(r: ImportResult | null, kind: ImportFileKind, file: string, err?: WorkbenchError) {
  if (r) return { batchId: r.batchId, kind: r.kind, file: r.file, rowsRead: r.rowsRead, rowsAccepted: r.rowsAccepted, rowsQuarantined: r.rowsQuarantined, runs: r.runs, errors: rowErrors(r.errors), warnings: notes(r.warnings) };
  const rejected = err instanceof ImportRejectedError ? err : null;
  return {
    batchId: null,
    kind,
    file,
    rowsRead: rejected?.rowsRead ?? 0,
    rowsAccepted: 0,
    rowsQuarantined: rejected?.rowsQuarantined ?? 0,
    runs: [],
    errors: rowErrors(rejected?.errors ?? (err?.row !== undefined ? [{ row: err.row, column: err.column ?? null, reason: err.message }] : [])),
    warnings: [],
    refused: { code: err?.code ?? 'INPUT_REJECTED', message: withCliHint(err?.message ?? '', err?.hint) },
  };
}

function summary(r: ImportResult): string {
  const runs = r.runs.map((x) => `run ${x.runId} ${x.model}${x.modelVersion ? ` ${x.modelVersion}` : ''} (origin ${x.origin}, ${x.lines} lines)`);
  const lines = [`${r.file}: batch ${r.batchId}, ${r.rowsRead} rows read, ${r.rowsAccepted} accepted, ${r.rowsQuarantined} quarantined${runs.length ? `; ${runs.join('; ')}` : ''}`];
  for (const w of notes(r.warnings)) lines.push(`  note: ${w}`);
  return `${lines.join('\n')}\n`;
}

const errorLine = (file: string, e: ImportRowError) => `${file}:${e.row}:${e.column ?? ''}: ${withCliHint(e.reason, e.hint)}\n`;

export async function importCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  refusePassphraseInArgv(argv);
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string' },
      kind: { type: 'string' },
      model: { type: 'string' },
      'model-version': { type: 'string' },
      origin: { type: 'string' },
      grain: { type: 'string' },
      map: { type: 'string', multiple: true },
      sheet: { type: 'string' },
      strict: { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      'create-items': { type: 'boolean', default: false },
      'reject-unknown-items': { type: 'boolean', default: false },
      user: { type: 'string' },
      'passphrase-stdin': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      undo: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (!values.db) throw new UsageError('--db FILE is required');
  if (values.undo !== undefined) {
    const importOnly = ['kind', 'model', 'model-version', 'origin', 'grain', 'map', 'sheet'].filter((k) => values[k as keyof typeof values] !== undefined);
    if (positionals.length > 0 || importOnly.length > 0) throw new UsageError(`--undo BATCH takes no files${importOnly.length ? ` and no --${importOnly.join(', --')}` : ''}`);
    if (values['passphrase-stdin'] && values.user === undefined) throw new UsageError('--passphrase-stdin goes with --user ID');
    return undoCommand(values.db, positiveInt('undo', values.undo, 0), values.user, values['passphrase-stdin'], values.json, io);
  }
  if (!values.kind) throw new UsageError('--kind is required');
  const kind = KINDS[values.kind];
  if (!kind) throw new UsageError(`unknown --kind "${values.kind}" (items, forecasts, actuals, sales-inputs, decisions)`);
  if (positionals.length === 0) throw new UsageError('no FILE to import');
  if (values.grain !== undefined && !GRAINS.includes(values.grain as Grain)) throw new UsageError(`--grain must be one of ${GRAINS.join(', ')}, got "${values.grain}"`);
  if (values.origin !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.origin)) throw new UsageError(`--origin must be a date written YYYY-MM-DD, got "${values.origin}"`);
  if (values['create-items'] && values['reject-unknown-items']) throw new UsageError('--create-items and --reject-unknown-items exclude each other');
  const map = parseMap(kind, values.map ?? []);
  if (values['passphrase-stdin'] && values.user === undefined) throw new UsageError('--passphrase-stdin goes with --user ID');
  // Acting as someone needs a workbook that knows them: never create one just to refuse.
  if (values.user !== undefined && !existsSync(values.db)) throw new WorkbenchError('NOT_FOUND', `No workbook at ${values.db}, so nobody named by --user works in it yet; import without --user to create one.`);

  // Loaded here, not at the top: the pipeline (parsers, exceljs) would slow every other command's start.
  const { importFile } = await import('../../backend/imports/import-file');
  const { db } = await openWorkbook(values.db, { grain: values.grain as Grain | undefined });
  const ctx: BackendContext = { db, path: values.db, now: () => new Date(), emit: () => {}, stagingDir: '', program: 'fwb' };
  const show = progressLine(io);
  let exit: ExitCode = EXIT.ok;
  try {
    const user = values.user === undefined ? undefined : await actAsPerson(ctx, values.user, io, values['passphrase-stdin']);
    for (const path of positionals) {
      const file = basename(path);
      try {
        const result = await importFile(ctx, path, {
          kind,
          model: values.model,
          modelVersion: values['model-version'],
          origin: values.origin,
          grain: values.grain as Grain | undefined,
          map,
          sheet: values.sheet,
          strict: values.strict,
          force: values.force,
          unknownItems: values['create-items'] ? 'create' : 'reject',
          user,
          onProgress: (p) => show(`${file}: ${p.phase} ${p.bytesTotal > 0 ? Math.floor((100 * p.bytesDone) / p.bytesTotal) : 0}% (${p.rowsDone} rows)`),
        });
        show('');
        io.stdout.write(values.json ? `${JSON.stringify(jsonOf(result, kind, file))}\n` : summary(result));
        if (!values.json) for (const e of result.errors) io.stderr.write(errorLine(file, e));
      } catch (err) {
        show('');
        if (!(err instanceof WorkbenchError) || (err.code !== 'INPUT_REJECTED' && err.code !== 'INVALID_REQUEST')) throw err;
        exit = EXIT.rejected;
        if (values.json) io.stdout.write(`${JSON.stringify(jsonOf(null, kind, file, err))}\n`);
        const rows = err instanceof ImportRejectedError ? err.errors : [];
        if (rows.length > 0) for (const e of rows) io.stderr.write(errorLine(file, e));
        io.stderr.write(`fwb import: ${withCliHint(err.message, err.hint)}\n`);
      }
    }
  } finally {
    db.close();
  }
  return exit;
}

function undoSummary(o: ImportUndoOutcome): string {
  return `${o.fileName}: batch ${o.batchId} undone${o.undoneBy ? ` by ${o.undoneBy}` : ''}: ${formatUndoOutcome(o)}\n`;
}

/** fwb import --undo BATCH: takes a batch back (see backend/imports/undo.ts). */
async function undoCommand(dbPath: string, batchId: number, userId: string | undefined, passphraseStdin: boolean, json: boolean, io: CliIo): Promise<ExitCode> {
  const { undoImportBatch } = await import('../../backend/imports/undo');
  if (!existsSync(dbPath)) throw new WorkbenchError('NOT_FOUND', `No workbook at ${dbPath}.`);
  const { db } = await openWorkbook(dbPath);
  const ctx: BackendContext = { db, path: dbPath, now: () => new Date(), emit: () => {}, stagingDir: '', program: 'fwb' };
  try {
    // Undoing as someone is acting as them: the same passphrase rule as importing.
    const user = userId === undefined ? null : await actAsPerson(ctx, userId, io, passphraseStdin);
    const outcome = undoImportBatch(db, batchId, { user, at: new Date().toISOString() });
    io.stdout.write(json ? `${JSON.stringify(outcome)}\n` : undoSummary(outcome));
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof WorkbenchError) || (err.code !== 'INPUT_REJECTED' && err.code !== 'NOT_FOUND')) throw err;
    if (json) io.stdout.write(`${JSON.stringify({ batchId, refused: { code: err.code, message: err.message } })}\n`);
    io.stderr.write(`fwb import: ${err.message}\n`);
    return EXIT.rejected;
  } finally {
    db.close();
  }
}

export { IMPORT_USAGE };
