// The parse step's entry point: a file on disk → RecordSource (header now, records
// streamed in batches later). The format comes from the file's first bytes, not its
// name: a zip is read as XLSX, text as CSV.
import { WorkbenchError } from '../../../errors';
import type { RecordSource } from '../../types';
import { openCsv } from './csv';
import { emptyFileError } from './header';
import { classify, detectDelimiter, detectEncoding, detectNewline, hasUtf8Bom, makeDecoder, readHead } from './sniff';

export interface ParseOptions {
  /** XLSX: the sheet to read (default: the first). */
  sheet?: string;
  /** CSV: skip detection. */
  delimiter?: ',' | ';' | '\t' | '|';
  /** CSV: skip detection. */
  encoding?: 'utf-8' | 'latin1';
  /** Records per batch, default 5000. */
  batchSize?: number;
  /** CSV: a record longer than this (default 1 MiB) is yielded as a problem record, not buffered. */
  maxLineBytes?: number;
}

export const DEFAULT_BATCH_SIZE = 5000;
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/**
 * Opens `path` for import. Throws WorkbenchError('INPUT_REJECTED') naming the file when it
 * is missing, empty, binary, a broken XLSX, lacks the asked sheet, or has an unusable
 * header (empty or repeated names). records() can be called more than once; each call
 * reads the file from the start.
 */
export async function openRecordSource(path: string, options: ParseOptions = {}): Promise<RecordSource> {
  const batchSize = positiveInt(options.batchSize, DEFAULT_BATCH_SIZE, 'batchSize');
  const maxLineBytes = positiveInt(options.maxLineBytes, DEFAULT_MAX_LINE_BYTES, 'maxLineBytes');
  const { size, head } = await readHead(path);
  if (size === 0) throw emptyFileError(path);

  if (classify(path, head) === 'xlsx') {
    // exceljs is large: load it only for XLSX files, not on every CSV import.
    const { openXlsx } = await import('./xlsx');
    return openXlsx(path, size, options.sheet, batchSize);
  }

  const wholeFile = head.length === size;
  const encoding = options.encoding ?? detectEncoding(head, wholeFile);
  const hadBom = encoding === 'utf-8' && hasUtf8Bom(head);
  const sample = makeDecoder(encoding).decode(head, { stream: !wholeFile });
  const newline = detectNewline(sample);
  const delimiter = options.delimiter ?? detectDelimiter(sample, newline, wholeFile);
  return openCsv(path, size, { delimiter, encoding, hadBom, newline }, { batchSize, maxLineBytes });
}

function positiveInt(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new WorkbenchError('INVALID_REQUEST', `${what} must be a positive integer, got ${value}`);
  }
  return value;
}
