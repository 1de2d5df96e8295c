// CSV → RecordSource. The file is read in 64 KiB pieces, decoded, and handed to
// papaparse's Parser (its string core, fed by us instead of its own streamer so we can
// pull: the consumer's pace sets the reading pace). Per row, papaparse's step cursor
// gives the record's exact text, so rowNumber is the physical line where the record
// starts (line breaks inside quotes counted) and raw is the text as in the file.
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import Papa from 'papaparse';
import { WorkbenchError } from '../../../errors';
import type { RawRecord, RecordSource } from '../../types';
import { capRaw, checkHeader, emptyFileError, formatBytes, RAW_CAP } from './header';
import { RecordScanner } from './scan';
import type { Delimiter, Encoding } from './sniff';
import { makeDecoder } from './sniff';

// Measured on a 51 MB file: 64 KiB pieces parse ~2× faster than 256 KiB or 1 MiB ones
// (bigger decoded strings land in V8's large-object space and slow the scavenger).
const CHUNK_BYTES = 64 * 1024;

export const TRUNCATED_PROBLEM = 'unterminated quoted field (file truncated?)';
// papaparse recovers from a stray quote by reading on to the next plausible closing quote,
// which can glue lines together: never let such a record through as if it were clean.
// Encoding is decided on the first 64 KiB; a Latin-1 byte further down a "UTF-8" file
// decodes to U+FFFD, and a silently mangled item name would become a new item.
export const BAD_UTF8_PROBLEM = 'invalid UTF-8 bytes (does the file mix encodings?)';
export const MALFORMED_QUOTES_PROBLEM = 'malformed quoted field (a quote inside a quoted field must be doubled)';

export interface CsvDialect {
  delimiter: Delimiter;
  encoding: Encoding;
  hadBom: boolean;
  newline: '\n' | '\r';
}

export interface CsvLimits {
  batchSize: number;
  maxLineBytes: number;
}

interface ReadPlan {
  /** Drop the first non-blank record (the header) instead of yielding it. */
  skipHeader: boolean;
  /** The header ended with a delimiter: drop empty cells past this many columns. */
  trimTrailingBeyond: number | null;
  progress: { bytesRead: number };
}

export async function openCsv(path: string, size: number, dialect: CsvDialect, limits: CsvLimits): Promise<RecordSource> {
  const name = basename(path);
  // Header pass: batch size 1 so we stop after the header's piece; the stream is closed
  // when the generator is returned, so an unused source holds no file handle.
  const first = readCsvRecords(path, dialect, { ...limits, batchSize: 1 }, { skipHeader: false, trimTrailingBeyond: null, progress: { bytesRead: 0 } });
  const next = await first.next();
  await first.return(undefined);
  const headRecord = next.done ? undefined : next.value[0];
  if (!headRecord) throw emptyFileError(path);
  if (headRecord.problem) {
    throw new WorkbenchError('INPUT_REJECTED', `${name}: the header (row ${headRecord.rowNumber}) cannot be read: ${headRecord.problem}`, {
      file: path,
      row: headRecord.rowNumber,
    });
  }
  const header = headRecord.values;
  // 'a,b,c,' — a trailing delimiter on every line is an export habit, not an unnamed column.
  let trailing = false;
  while (header.length > 1 && header[header.length - 1] === '') {
    header.pop();
    trailing = true;
  }
  const { leadingIndex } = checkHeader(path, header, headRecord.rowNumber);

  const progress = { bytesRead: 0 };
  return {
    file: path,
    format: { format: 'csv', delimiter: dialect.delimiter, encoding: dialect.encoding, hadBom: dialect.hadBom, decimalComma: dialect.delimiter === ';', ...(leadingIndex ? { leadingIndex } : {}) },
    header,
    progress: () => ({ bytesRead: progress.bytesRead, bytesTotal: size }),
    // Each call reads the file afresh (the header is parsed again and skipped).
    records: () => {
      progress.bytesRead = 0;
      return readCsvRecords(path, dialect, limits, { skipHeader: true, trimTrailingBeyond: trailing ? header.length : null, progress });
    },
  };
}

async function* readCsvRecords(path: string, dialect: CsvDialect, limits: CsvLimits, plan: ReadPlan): AsyncGenerator<RawRecord[]> {
  const { batchSize, maxLineBytes } = limits;
  const nl = dialect.newline;
  const nlCode = nl.charCodeAt(0);
  const longProblem = `line longer than ${formatBytes(maxLineBytes)}`;
  const trimBeyond = plan.trimTrailingBeyond;

  let line = 1; // physical line where `pending` (the unparsed text) starts
  let pending = '';
  let text = ''; // the piece being parsed; rows are slices of it
  let prev = 0; // where the current row starts in `text`
  let textHasBadBytes = false; // `text` holds U+FFFD from undecodable UTF-8
  let headerSeen = false;
  let batch: RawRecord[] = [];
  const ready: RawRecord[][] = [];

  const emit = (rec: RawRecord): void => {
    if (!headerSeen) {
      headerSeen = true;
      if (plan.skipHeader) return;
    }
    batch.push(rec);
    if (batch.length >= batchSize) {
      ready.push(batch);
      batch = [];
    }
  };

  // One parsed row, from `start` to `end` (line break included) in `text`.
  const addRow = (row: string[], start: number, end: number, rowNumber: number, problem: string | null): void => {
    if (end - start > maxLineBytes) {
      emit({ rowNumber, values: [], raw: text.slice(start, start + RAW_CAP), problem: longProblem });
      return;
    }
    let blank = true;
    for (let i = 0; i < row.length; i++) {
      let v = row[i]!;
      const vn = v.length;
      // trim() only when an end is whitespace: most cells are clean, and this is per cell.
      if (vn > 0 && (v.charCodeAt(0) <= 32 || v.charCodeAt(vn - 1) <= 32 || v.charCodeAt(0) > 126 || v.charCodeAt(vn - 1) > 126)) {
        v = v.trim();
        row[i] = v;
      }
      if (blank && v !== '') blank = false;
    }
    if (blank && problem === null) return; // empty line, or only delimiters/spaces
    if (problem === null && textHasBadBytes) {
      const bad = text.indexOf('\uFFFD', start);
      if (bad !== -1 && bad < end) problem = BAD_UTF8_PROBLEM;
    }
    if (trimBeyond !== null) while (row.length > trimBeyond && row[row.length - 1] === '') row.pop();

    let rawEnd = end;
    if (rawEnd - start > RAW_CAP) rawEnd = start + RAW_CAP;
    else {
      if (text.charCodeAt(rawEnd - 1) === nlCode) rawEnd--;
      if (text.charCodeAt(rawEnd - 1) === 13) rawEnd--;
    }
    const rec: RawRecord = { rowNumber, values: row, raw: text.slice(start, rawEnd) };
    if (problem !== null) rec.problem = problem;
    emit(rec);
  };

  // Text with quotes: papaparse's quote-aware path, row by row through `step`, whose
  // cursor marks where each row ends; rows may span lines, so line breaks are counted.
  const onStep = (r: Papa.ParseStepResult<string[]>): void => {
    const row = (r.data as unknown as string[][])[0]!;
    const start = prev;
    const end = r.meta.cursor;
    prev = end;
    const rowNumber = line;
    for (let k = text.indexOf(nl, start); k !== -1 && k < end; k = text.indexOf(nl, k + 1)) line++;
    let problem: string | null = null;
    if (r.errors.length > 0) problem = r.errors.some((e) => e.code === 'MissingQuotes') ? TRUNCATED_PROBLEM : MALFORMED_QUOTES_PROBLEM;
    addRow(row, start, end, rowNumber, problem);
  };
  const quotedParser = new Papa.Parser({ delimiter: dialect.delimiter, newline: nl, quoteChar: '"', step: onStep });
  // Text without quotes (the common case): papaparse's split-based fast path over the
  // whole piece (no per-row step objects). Each row is one line, and its extent is its
  // fields' lengths plus the delimiters plus the line break.
  const plainParser = new Papa.Parser({ delimiter: dialect.delimiter, newline: nl, quoteChar: '"' });

  const parse = (input: string, final: boolean): void => {
    text = input;
    prev = 0;
    textHasBadBytes = dialect.encoding === 'utf-8' && input.indexOf('\uFFFD') !== -1;
    // Not final: the last, possibly partial, row is left unparsed for the next piece.
    if (input.indexOf('"') !== -1) {
      quotedParser.parse(input, 0, !final);
    } else {
      const rows = (plainParser.parse(input, 0, !final) as Papa.ParseResult<string[]>).data;
      let pos = 0;
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r]!;
        let len = row.length; // delimiters + the line break
        for (let i = 0; i < row.length; i++) len += row[i]!.length;
        const end = Math.min(pos + len, input.length); // the file's last line may lack a line break
        addRow(row, pos, end, line++, null);
        pos = end;
      }
      prev = pos;
    }
    pending = final ? '' : input.slice(prev);
    text = '';
  };

  // An over-long record is reported once and then skipped with the quote-aware scanner,
  // never buffered: memory stays bounded whatever the file holds.
  let skipping: RecordScanner | null = null;
  const startSkipping = (): void => {
    emit({ rowNumber: line, values: [], raw: capRaw(pending), problem: longProblem });
    const scanner = new RecordScanner([dialect.delimiter], nlCode);
    const end = scanner.scan(pending);
    if (end === -1) {
      skipping = scanner;
      pending = '';
    } else {
      line += scanner.newlines;
      pending = pending.slice(end);
    }
  };

  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const decoder = makeDecoder(dialect.encoding);
  try {
    for await (const buf of stream as AsyncIterable<Buffer>) {
      plan.progress.bytesRead += buf.length;
      let piece = decoder.decode(buf, { stream: true });
      if (skipping !== null) {
        const scanner: RecordScanner = skipping;
        const end = scanner.scan(piece);
        if (end === -1) continue;
        line += scanner.newlines;
        skipping = null;
        piece = piece.slice(end);
      }
      // No line break in the piece: no record can end in it, so do not re-parse `pending`.
      if (piece.indexOf(nl) === -1) pending += piece;
      else parse(pending + piece, false);
      while (skipping === null && pending.length > maxLineBytes) startSkipping();
      if (ready.length > 0) {
        yield* ready.splice(0);
      }
    }
    const rest = pending + decoder.decode();
    if (skipping === null && rest.length > 0) parse(rest, true);
    if (batch.length > 0) ready.push(batch);
    yield* ready.splice(0);
  } finally {
    stream.destroy();
  }
}
