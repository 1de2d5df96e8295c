// What kind of file is this? Decided from the first 64 KiB: magic bytes (a zip is an
// XLSX whatever its name), binary and UTF-16 refusal, encoding (BOM, valid UTF-8, else
// Latin-1), line break and delimiter. Reading only a sample keeps opening a 1 GB file
// instant.
import { open } from 'node:fs/promises';
import { TextDecoder } from 'node:util';
import { basename, extname } from 'node:path';
import { WorkbenchError } from '../../../errors';
import { RecordScanner } from './scan';

export const SAMPLE_BYTES = 64 * 1024;
export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];
export type Encoding = 'utf-8' | 'latin1';

export interface FileHead {
  size: number;
  head: Buffer;
}

export async function readHead(path: string): Promise<FileHead> {
  const refuse = (why: string) => new WorkbenchError('INPUT_REJECTED', `${basename(path)} ${why}`, { file: path });
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw refuse(code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code ?? String(err)})`);
  }
  try {
    const stat = await fh.stat();
    if (!stat.isFile()) throw refuse(stat.isDirectory() ? 'is a folder, not a file' : 'is not a regular file');
    const head = Buffer.alloc(Math.min(stat.size, SAMPLE_BYTES));
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    return { size: stat.size, head: head.subarray(0, bytesRead) };
  } finally {
    await fh.close();
  }
}

/** 'xlsx' for a zip, 'csv' for text; throws for binary, UTF-16, legacy .xls and fake .xlsx. */
export function classify(path: string, head: Buffer): 'csv' | 'xlsx' {
  const name = basename(path);
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5) && (head[3] === 4 || head[3] === 6)) {
    return 'xlsx';
  }
  const ext = extname(path).toLowerCase();
  if (ext === '.xlsx' || ext === '.xlsm') {
    throw new WorkbenchError('INPUT_REJECTED', `${name} is not a valid XLSX workbook (it is not a zip archive)`, { file: path });
  }
  const binary = (detail: string) =>
    new WorkbenchError('INPUT_REJECTED', `${name} looks like a binary file, not CSV or XLSX${detail}`, { file: path });
  if (head.length >= 4 && head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) {
    throw binary(' (a legacy .xls workbook? Save it as .xlsx or CSV)');
  }
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) {
    throw binary(' (UTF-16 text is not supported: save it as UTF-8 CSV)');
  }
  if (head.includes(0)) throw binary('');
  return 'csv';
}

export function hasUtf8Bom(head: Buffer): boolean {
  return head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
}

/** UTF-8 when the sample decodes strictly (a sequence cut by the sample's end is fine), else Latin-1. */
export function detectEncoding(head: Buffer, wholeFile: boolean): Encoding {
  if (hasUtf8Bom(head)) return 'utf-8';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: !wholeFile });
    return 'utf-8';
  } catch {
    return 'latin1';
  }
}

/**
 * A streaming decoder for the encoding. 'latin1' decodes as windows-1252, what Excel and
 * most Western-European tools mean by it (0x80 is '€', not a control character).
 * The UTF-8 decoder strips a leading BOM.
 */
export function makeDecoder(encoding: Encoding): TextDecoder {
  return new TextDecoder(encoding === 'utf-8' ? 'utf-8' : 'windows-1252');
}

/** '\r' only for old-Mac files with no '\n' at all; CRLF is read as '\n' with the '\r' trimmed off the last cell. */
export function detectNewline(text: string): '\n' | '\r' {
  return text.indexOf('\n') === -1 && text.indexOf('\r') !== -1 ? '\r' : '\n';
}

const SNIFF_RECORDS = 50;

/**
 * The candidate whose per-record count (outside quotes) agrees across the most sampled
 * records, then the larger count, then the order ',' ';' '\t' '|'. Agreement comes first
 * so a ';' file with decimal commas (header has no commas, data rows do) stays ';'.
 */
export function detectDelimiter(text: string, newline: '\n' | '\r', wholeText: boolean): Delimiter {
  const scanner = new RecordScanner(DELIMITERS, newline.charCodeAt(0));
  const perRecord: number[][] = [];
  let at = 0;
  while (perRecord.length < SNIFF_RECORDS && at < text.length) {
    scanner.reset();
    const end = scanner.scan(text, at);
    if (end === -1 && !wholeText) break; // cut by the sample's end: counts incomplete
    const stop = end === -1 ? text.length : end;
    if (text.slice(at, stop).trim() !== '') perRecord.push([...scanner.counts]);
    at = stop;
  }
  let best: Delimiter = ',';
  let bestAgree = 0;
  let bestMode = 0;
  DELIMITERS.forEach((d, k) => {
    const freq = new Map<number, number>();
    for (const counts of perRecord) freq.set(counts[k]!, (freq.get(counts[k]!) ?? 0) + 1);
    let mode = 0;
    let agree = 0;
    for (const [count, times] of freq) {
      if (count > 0 && (times > agree || (times === agree && count > mode))) {
        mode = count;
        agree = times;
      }
    }
    if (mode > 0 && (agree > bestAgree || (agree === bestAgree && mode > bestMode))) {
      best = d;
      bestAgree = agree;
      bestMode = mode;
    }
  });
  return best;
}
