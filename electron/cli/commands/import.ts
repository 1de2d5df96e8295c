// fwb import --db FILE --kind KIND [options] FILE...
import { IMPORT_USAGE } from '../usage';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { fieldsOf } from '../../backend/host-entry';
import type { ImportFileKind, ImportNotice, ImportOutcome, ImportUndoOutcome } from '../../../shared/domain';
import { BackendRefusal, Client } from '../client';
import { showJobProgress } from '../progress';
import { withCliHint } from '../hints';
import { formatUndoOutcome } from '../../../shared/format';
import { GRAINS, type Grain } from '../../../shared/period';
import { EXIT, positiveInt, UsageError, type CliIo, type ExitCode } from '../io';
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

type RowError = ImportOutcome['errors'][number];

// JSON keeps its stable shape (errors as {row, column, reason}, warnings as text): hints are worded for fwb in the text.
const rowErrors = (errors: RowError[]) => errors.map((e) => ({ row: e.row, column: e.column, reason: withCliHint(e.reason, e.hint) }));
const notes = (warnings: ImportNotice[]) => warnings.map((w) => withCliHint(w.message, w.hint));

/** The backend's outcome as fwb prints it: its own fields, the messages worded for the command line. */
function jsonOf(o: ImportOutcome) {
  const json = { batchId: o.batchId, kind: o.kind, file: o.file, rowsRead: o.rowsRead, rowsAccepted: o.rowsAccepted, rowsQuarantined: o.rowsQuarantined, runs: o.runs, errors: rowErrors(o.errors), warnings: notes(o.warnings) };
  return o.refused ? { ...json, refused: { code: o.refused.code, message: withCliHint(o.refused.message, o.refused.hint) } } : json;
}

function summary(r: ImportOutcome): string {
  const runs = r.runs.map((x) => `run ${x.runId} ${x.model}${x.modelVersion ? ` ${x.modelVersion}` : ''} (origin ${x.origin}, ${x.lines} lines)`);
  const lines = [`${r.file}: batch ${r.batchId}, ${r.rowsRead} rows read, ${r.rowsAccepted} accepted, ${r.rowsQuarantined} quarantined${runs.length ? `; ${runs.join('; ')}` : ''}`];
  for (const w of notes(r.warnings)) lines.push(`  note: ${w}`);
  return `${lines.join('\n')}\n`;
}

function nothingAccepted(db: string, o: ImportOutcome): string {
  const rows = o.rowsQuarantined === 1 ? 'its one row is' : `its ${o.rowsQuarantined} rows are`;
  return `no row of ${o.file} was accepted: ${rows} in quarantine (batch ${o.batchId}). See them with fwb export --db ${db} --what quarantine --batch ${o.batchId} --format csv --out FILE, fix the file and import it again.`;
}

const errorLine = (file: string, e: RowError) => `${file}:${e.row}:${e.column ?? ''}: ${withCliHint(e.reason, e.hint)}\n`;

/** The rows a refusal lists on their own lines: not the one row a refusal itself names (said once, in its own line). */
function refusedRows(o: ImportOutcome): RowError[] {
  const only = o.errors.length === 1 ? o.errors[0]! : null;
  return only && o.refused?.row === only.row && o.refused.message === only.reason ? [] : o.errors;
}

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
  if (values.user !== undefined && !existsSync(values.db)) throw new BackendRefusal({ code: 'NOT_FOUND', message: `No workbook at ${values.db}, so nobody named by --user works in it yet; import without --user to create one.` });

  const client = await Client.open({ dbPath: values.db, access: 'write', grain: values.grain as Grain | undefined });
  let exit: ExitCode = EXIT.ok;
  try {
    if (values.user !== undefined) await actAsPerson(client, values.user, io, values['passphrase-stdin']);
    for (const path of positionals) {
      const file = basename(path);
      const stopProgress = showJobProgress(io, client, (p) => `${file}: ${p.phase} ${p.total ? Math.floor((100 * p.done) / p.total) : 0}% (${p.rows ?? 0} rows)`);
      let outcome: ImportOutcome;
      try {
        outcome = await client.host<ImportOutcome>('importFile', {
          path,
          kind,
          model: values.model,
          modelVersion: values['model-version'],
          origin: values.origin,
          grain: values.grain,
          map,
          sheet: values.sheet,
          strict: values.strict,
          force: values.force,
          unknownItems: values['create-items'] ? 'create' : 'reject',
        });
      } finally {
        stopProgress();
      }
      if (values.json) io.stdout.write(`${JSON.stringify(jsonOf(outcome))}\n`);
      if (outcome.refused) {
        exit = EXIT.rejected;
        for (const e of refusedRows(outcome)) io.stderr.write(errorLine(file, e));
        io.stderr.write(`fwb import: ${withCliHint(outcome.refused.message, outcome.refused.hint)}\n`);
        continue;
      }
      if (!values.json) io.stdout.write(summary(outcome));
      if (!values.json) for (const e of outcome.errors) io.stderr.write(errorLine(file, e));
      // A file none of whose rows went in is a rejection a script must notice, though its batch
      // (and quarantine) is kept; a file with some rows in is done, its bad rows listed above.
      if (outcome.rowsRead > 0 && outcome.rowsAccepted === 0) {
        exit = EXIT.rejected;
        io.stderr.write(`fwb import: ${nothingAccepted(values.db, outcome)}\n`);
      }
    }
  } finally {
    await client.close();
  }
  return exit;
}

function undoSummary(o: ImportUndoOutcome): string {
  return `${o.fileName}: batch ${o.batchId} undone${o.undoneBy ? ` by ${o.undoneBy}` : ''}: ${formatUndoOutcome(o)}\n`;
}

/** fwb import --undo BATCH: takes a batch back (see backend/imports/undo.ts). */
async function undoCommand(dbPath: string, batchId: number, userId: string | undefined, passphraseStdin: boolean, json: boolean, io: CliIo): Promise<ExitCode> {
  if (!existsSync(dbPath)) throw new BackendRefusal({ code: 'NOT_FOUND', message: `No workbook at ${dbPath}.` });
  const client = await Client.open({ dbPath, access: 'write' });
  try {
    // Undoing as someone is acting as them: the same passphrase rule as importing.
    if (userId !== undefined) await actAsPerson(client, userId, io, passphraseStdin);
    const outcome = await client.host<ImportUndoOutcome>('undoImport', { batchId });
    io.stdout.write(json ? `${JSON.stringify(outcome)}\n` : undoSummary(outcome));
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof BackendRefusal) || (err.error.code !== 'INPUT_REJECTED' && err.error.code !== 'NOT_FOUND')) throw err;
    if (json) io.stdout.write(`${JSON.stringify({ batchId, refused: { code: err.error.code, message: err.error.message } })}\n`);
    io.stderr.write(`fwb import: ${err.error.message}\n`);
    return EXIT.rejected;
  } finally {
    await client.close();
  }
}

export { IMPORT_USAGE };
