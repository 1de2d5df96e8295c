// importFile: hash → refuse a known file → read (parse + map + validate, in a
// worker thread when possible) while committing in short transactions that keep
// the rows out of sight until one final one shows them (design: commit/committer.ts).
// previewFile: the header, the first rows and the mapping, for the UI's editor.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ImportNotice, OptionHint } from '../../../shared/domain';
import type { ReadContext, WriteContext } from '../context';
import { workbookGrain } from '../db/open';
import { WorkbenchError } from '../errors';
import { phaseMark } from '../phase-marks';
import { Committer } from './commit/committer';
import { assertMayImport } from './importer';
import { runDriftGuard } from '../accuracy/drift';
import { isoToKey } from './period-keys';
import { throttle } from './import-errors';
import { detectMapping, KIND_FIELDS, kindRefusal, type Layout, type MappingResult } from './read/mapping';
import { loadRememberedMapping, sourceKeyOf } from './read/mapping-store';
import type { OpenedMessage, ProducerInit } from './read/batch-stream';
import { raise, parseWorkerAvailable, startProducer } from './read/reader-thread';
import { IMPORT_FILE_KINDS, type ImportFileKind, type ImportOptions, type ImportProgress, type ImportResult, type RawRecord, type SourceFormat } from './types';

// Measured: 10 000-row batches cost ~1.7× the CPU of 2 000-row ones (more records survive
// into V8's old generation); 500–2 000 are alike.
const BATCH_ROWS = 2_000;
// A worker costs ~0.3–0.6 s to start (tsx, the parsers) and saves about half the parse
// time (~1 µs a row) by overlapping it with the inserts: worth it from a few hundred thousand rows.
const WORKER_MIN_BYTES = 16 << 20;

/** sha256 and size, read through one reused buffer (a read stream allocating per chunk is 2–4× slower here). */
export async function fileDigest(path: string, onBytes?: (done: number) => void): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  const fh = await open(path, 'r');
  let size = 0;
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      size += bytesRead;
      onBytes?.(size);
    }
  } finally {
    await fh.close();
  }
  return { sha256: hash.digest('hex'), size };
}

function checkFile(path: string): number {
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a file');
    return st.size;
  } catch {
    throw new WorkbenchError('INPUT_REJECTED', `${basename(path)}: no such file`, { file: basename(path) });
  }
}

export async function importFile(ctx: WriteContext, path: string, options: ImportOptions): Promise<ImportResult> {
  const { db } = ctx;
  const kind = options.kind;
  const file = basename(path);
  if (!IMPORT_FILE_KINDS.includes(kind)) throw new WorkbenchError('INVALID_REQUEST', `unknown import kind "${kind}"`);
  assertMayImport(db, options.user ?? null, kind);
  const bytesTotal = checkFile(path);
  const warnings: ImportNotice[] = [];
  const grain = workbookGrain(db);
  if (options.grain && options.grain !== grain) warnings.push({ code: 'grain_ignored', message: `the grain asked for (${options.grain}) was ignored: this workbook's grain is ${grain}` });
  const originKey = options.origin === undefined ? 0 : isoToKey(options.origin);
  if (options.origin !== undefined && originKey === 0) {
    throw new WorkbenchError('INPUT_REJECTED', `the origin must be a date written YYYY-MM-DD, got "${options.origin}"`, { hint: { option: 'origin' } });
  }
  // Only an item file creates items unless asked: a typo in a forecast file must not become SKU-99999.
  const unknownItems = options.unknownItems ?? (kind === 'items' ? 'create' : 'reject');
  const sourceKey = sourceKeyOf(path);
  const remembered = loadRememberedMapping(db, sourceKey, kind);
  const overrides = options.map ?? {};
  const init: ProducerInit = {
    path,
    kind,
    sheet: options.sheet,
    batchSize: BATCH_ROWS,
    overrides,
    remembered,
    grain,
    originKey,
    model: options.model ?? null,
    modelVersion: options.modelVersion ?? '',
    unknownItems,
    knownItems: unknownItems === 'reject' && (kind === 'forecasts' || kind === 'actuals' || kind === 'sales_inputs') ? new Set(db.prepare('SELECT item_id FROM items').pluck().all() as string[]) : null,
  };
  const progress = throttle(options.onProgress, 100, (p) => p.phase);
  const report = (phase: ImportProgress['phase'], rowsDone: number, bytesDone: number, force = false) => progress({ phase, rowsDone, bytesDone, bytesTotal }, force);

  // The reader starts first: a worker's start-up and first batches overlap the hashing.
  phaseMark('import start');
  const producer = startProducer(init, options.worker ?? (bytesTotal >= WORKER_MIN_BYTES && parseWorkerAvailable()));
  // While the file is read, others may use the workbook (worker/worker.ts): this import holds no transaction then.
  const yieldWhile = ctx.yieldWhile ?? (<T>(work: () => Promise<T>) => work());
  let committer: Committer | null = null;
  try {
    const { sha256, size } = await yieldWhile(() => fileDigest(path, (done) => report('hashing', 0, done)));
    if (options.expectedSha256 !== undefined && sha256 !== options.expectedSha256) {
      throw new WorkbenchError('INPUT_REJECTED', `${file} changed after it was uploaded (its sha256 is not the one taken then), so it was not imported: choose the file again.`, { file });
    }
    // An undone batch no longer holds the file's data: the same bytes may come in again.
    const earlier = db.prepare('SELECT batch_id, imported_at FROM import_batches WHERE sha256 = ? AND undone_at IS NULL ORDER BY batch_id LIMIT 1').get(sha256) as { batch_id: number; imported_at: string } | undefined;
    if (earlier && !options.force) {
      throw new WorkbenchError('INPUT_REJECTED', `${file}: already imported as batch ${earlier.batch_id} on ${earlier.imported_at.slice(0, 10)}`, { file, hint: { option: 'force' } });
    }
    const first = await yieldWhile(() => producer.next());
    if (first.type === 'rejected') throw new WorkbenchError('INPUT_REJECTED', first.message, { file, hint: first.hint });
    if (first.type === 'failed') raise(first.error);
    if (first.type !== 'opened') throw new Error(`the import's reader sent ${first.type} before the header`);
    if (first.format.leadingIndex) warnings.push({ code: 'index_column_ignored', message: 'the first column has no name and was ignored (a row index, as pandas writes it)' });
    if (first.modelFromFileName) {
      warnings.push({ code: 'model_from_file_name', message: `no model column and no model given: the runs are named after the file ("${first.model}")`, hint: { option: 'model' } });
    }
    committer = new Committer(db, ctx.now().toISOString(), {
      kind,
      file,
      size,
      sha256,
      sourceKey,
      grain,
      strict: options.strict === true,
      user: options.user ?? null,
      options: batchOptions(options, first, grain, unknownItems),
      remember: Object.keys(overrides).length > 0 ? { ...remembered, ...overrides } : null,
      warnings,
      program: ctx.program ?? 'Forecast Workbench',
      yieldWhile,
    }, first);
    phaseMark('first batch header');
    committer.begin();
    for (;;) {
      const message = await yieldWhile(() => producer.next());
      if (message.type === 'done') break;
      if (message.type === 'failed') raise(message.error);
      if (message.type !== 'batch') continue;
      producer.ack();
      if (committer.add(message.batch)) await committer.letOthersIn();
      report('reading', committer.rowsRead, message.batch.bytesRead);
    }
    // Nothing to import is bad input, not an empty batch that would need undoing (abandoned below).
    phaseMark('all batches added');
    if (committer.rowsRead === 0) throw new WorkbenchError('INPUT_REJECTED', `${file}: the file has a header but no data rows`, { file });
    await committer.placeHeldLines(() => rereadRecords(path, options.sheet));
    report('committing', committer.rowsRead, bytesTotal, true);
    const result = committer.finish();
    phaseMark('finish done');
    // New actuals are what reveal drift: the guard looks at once, in the app and the CLI alike.
    if (kind === 'actuals' && result.rowsAccepted > 0) runDriftGuard(db, ctx.now());
    return result;
  } catch (err) {
    committer?.abandon();
    throw err;
  } finally {
    await producer.stop();
  }
}

/** The file's records once more, from the start (to find the raw text of rows judged only once the file was read). */
async function* rereadRecords(path: string, sheet: string | undefined): AsyncGenerator<RawRecord[]> {
  const { openRecordSource } = await import('./read/parse/open');
  const source = await openRecordSource(path, { sheet, batchSize: BATCH_ROWS });
  yield* source.records();
}

/** What import_batches.options records: how the file was read and mapped. */
function batchOptions(options: ImportOptions, opened: OpenedMessage, grain: string, unknownItems: string): Record<string, unknown> {
  const m = opened.mapping;
  const out: Record<string, unknown> = {
    format: opened.format,
    layout: m.layout,
    mapping: Object.fromEntries(Object.entries(m.fields).map(([field, i]) => [field, opened.header[i]])),
    grain,
    strict: options.strict === true,
    unknownItems,
  };
  if (m.layout === 'wide') out.models = m.models.map((x) => ({ name: x.name, level: x.level }));
  if (options.origin !== undefined) out.origin = options.origin;
  if (options.model !== undefined) out.model = options.model;
  if (options.modelVersion !== undefined) out.modelVersion = options.modelVersion;
  if (options.sheet !== undefined) out.sheet = options.sheet;
  if (options.force) out.force = true;
  return out;
}

export interface FilePreview {
  file: string;
  format: SourceFormat;
  header: string[];
  /** The first 20 rows' cells. */
  rows: string[][];
  layout: Layout;
  fields: { field: string; required: boolean; column: string | null; source: 'detected' | 'remembered' | 'override' | null }[];
  unmapped: string[];
  missing: string[];
  /** Wide forecasts: the model columns, one run each. */
  models: string[];
  mapping: MappingResult;
  /** Data rows in the file, estimated from the first rows' length (CSV). */
  rowCountEstimate?: number;
  /** The file plainly is of another kind (see kindRefusal): importing it as this kind will be refused. */
  otherKind?: { message: string; hint: OptionHint };
}

const PREVIEW_ROWS = 20;

export async function previewFile(ctx: ReadContext, path: string, options: { kind: ImportFileKind; sheet?: string; map?: Record<string, string> }): Promise<FilePreview> {
  checkFile(path);
  const { openRecordSource } = await import('./read/parse/open');
  const source = await openRecordSource(path, { sheet: options.sheet, batchSize: PREVIEW_ROWS });
  const remembered = loadRememberedMapping(ctx.db, sourceKeyOf(path), options.kind);
  const mapping = detectMapping(options.kind, source.header, options.map ?? {}, remembered);
  const rows: string[][] = [];
  let rawBytes = 0;
  const it = source.records()[Symbol.asyncIterator]();
  try {
    while (rows.length < PREVIEW_ROWS) {
      const next = await it.next();
      if (next.done) break;
      for (const r of next.value.slice(0, PREVIEW_ROWS - rows.length)) {
        rows.push(r.values);
        rawBytes += Buffer.byteLength(r.raw) + 1;
      }
    }
  } finally {
    await it.return?.();
  }
  const { bytesTotal } = source.progress();
  const preview: FilePreview = {
    file: basename(path),
    format: source.format,
    header: source.header,
    rows,
    layout: mapping.layout,
    fields: KIND_FIELDS[options.kind].map((spec) => {
      const i = mapping.fields[spec.field];
      return {
        field: spec.field,
        required: spec.required && !(spec.field === 'forecast' && mapping.layout === 'wide'),
        column: i === undefined ? null : source.header[i]!,
        source: mapping.sources[spec.field] ?? null,
      };
    }),
    unmapped: mapping.unmapped,
    missing: mapping.missing,
    models: mapping.models.map((m) => m.name),
    mapping,
  };
  const otherKind = kindRefusal(basename(path), mapping, source.header);
  if (otherKind !== null) preview.otherKind = otherKind;
  if (source.format.format === 'csv' && rows.length > 0 && rawBytes > 0) {
    const headerBytes = Buffer.byteLength(source.header.join(source.format.delimiter ?? ',')) + 1;
    preview.rowCountEstimate = Math.max(rows.length, Math.round(((bytesTotal - headerBytes) * rows.length) / rawBytes));
  }
  return preview;
}
