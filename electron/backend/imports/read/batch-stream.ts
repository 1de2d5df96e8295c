// The reading half of an import: parse → map → validate, as a stream of messages.
// It runs either in the calling thread or in a worker thread (parse-worker.ts),
// where parsing a million rows overlaps the other thread's inserts; both run
// this same generator, so they behave the same.
import { basename, extname } from 'node:path';
import type { OptionHint } from '../../../../shared/domain';
import type { Grain } from '../../../../shared/period';
import type { ValidatedBatch } from '../validated-batch';
import { detectMapping, kindRefusal, mappingRefusal, type MappingResult } from './mapping';
import { openRecordSource } from './parse/open';
import type { ImportFileKind, SourceFormat } from '../types';
import { createValidator } from '../validate/validator';

export interface ProducerInit {
  path: string;
  kind: ImportFileKind;
  sheet?: string;
  batchSize: number;
  overrides: Record<string, string>;
  remembered: Record<string, string>;
  grain: Grain;
  originKey: number;
  /** --model, if given. */
  model: string | null;
  modelVersion: string;
  unknownItems: 'create' | 'reject';
  knownItems: Set<string> | null;
}

export interface OpenedMessage {
  type: 'opened';
  format: SourceFormat;
  header: string[];
  mapping: MappingResult;
  /** The model name rows without a model column get, and whether it was made up from the file name. */
  model: string;
  modelFromFileName: boolean;
}

/** A WorkbenchError as plain data, to cross a thread boundary. */
export interface ErrorData {
  code: string;
  message: string;
  file?: string;
  row?: number;
  column?: string;
  hint?: OptionHint;
}

export type ProducerMessage =
  | OpenedMessage
  | { type: 'batch'; batch: ValidatedBatch }
  | { type: 'rejected'; message: string; hint?: OptionHint }
  | { type: 'failed'; error: ErrorData }
  | { type: 'done' };

/** Model name for files with no model column: --model, Prophet's own, or the file's name. */
function defaultModel(init: ProducerInit, mapping: MappingResult): { model: string; fromFileName: boolean } {
  if (init.model) return { model: init.model, fromFileName: false };
  if (init.kind !== 'forecasts') return { model: '', fromFileName: false };
  if (mapping.layout === 'prophet') return { model: 'Prophet', fromFileName: false };
  return { model: basename(init.path, extname(init.path)), fromFileName: mapping.layout === 'long' && mapping.fields.model === undefined };
}

export async function* produce(init: ProducerInit): AsyncGenerator<ProducerMessage> {
  const source = await openRecordSource(init.path, { sheet: init.sheet, batchSize: init.batchSize });
  const mapping = detectMapping(init.kind, source.header, init.overrides, init.remembered);
  const otherKind = kindRefusal(basename(init.path), mapping, source.header);
  if (otherKind !== null) {
    yield { type: 'rejected', ...otherKind };
    return;
  }
  const refusal = mappingRefusal(basename(init.path), mapping, source.header);
  if (refusal !== null) {
    yield { type: 'rejected', message: refusal };
    return;
  }
  const { model, fromFileName } = defaultModel(init, mapping);
  yield { type: 'opened', format: source.format, header: source.header, mapping, model, modelFromFileName: fromFileName };
  const validator = createValidator({
    kind: init.kind,
    header: source.header,
    mapping,
    format: source.format,
    grain: init.grain,
    originKey: init.originKey,
    model,
    modelVersion: init.modelVersion,
    unknownItems: init.unknownItems,
    knownItems: init.unknownItems === 'reject' && init.kind !== 'items' && init.kind !== 'decisions' ? init.knownItems ?? new Set() : null,
  });
  for await (const records of source.records()) {
    if (records.length === 0) continue;
    yield { type: 'batch', batch: validator.validate(records, source.progress()) };
  }
  yield { type: 'done' };
}

export function errorData(err: unknown): ErrorData {
  const e = err as { code?: unknown; message?: unknown; file?: string; row?: number; column?: string; hint?: OptionHint; stack?: string };
  const code = typeof e?.code === 'string' ? e.code : 'INTERNAL';
  const out: ErrorData = { code, message: typeof e?.message === 'string' ? e.message : String(err) };
  if (e?.file !== undefined) out.file = e.file;
  if (e?.row !== undefined) out.row = e.row;
  if (e?.column !== undefined) out.column = e.column;
  if (e?.hint !== undefined) out.hint = e.hint;
  return out;
}
