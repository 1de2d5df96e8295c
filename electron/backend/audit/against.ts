// `fwb check --against COPY`: a backup or an export recorded the chain head as
// it was then; the workbook's chain must still hold that entry with that hash.
// Whoever holds a single-seat workbook can rewrite its whole chain so it verifies
// again, but not the chain heads already written into copies elsewhere.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import Papa from 'papaparse';
import type { ReadableDb } from '../db/handles';
import { openReadOnly } from '../db/read-only';
import { WorkbenchError } from '../errors';
import { chainHead, type ChainHead } from './chain';
import { BACKUP_CHAIN_HEAD_KEY, CHAIN_HEAD_COLUMN, chainHeadFromXlsxDescription, parseChainHeadToken } from './chain-head';
import type { CheckProblem } from './check-findings';


export interface CopyChainHead extends ChainHead {
  /** The copy it was read from. */
  file: string;
}

/** What a copy's chain head says about the workbook's chain now. */
export function compareChainHeads(db: ReadableDb, copy: CopyChainHead): { verdict: 'continues' | 'rewritten' | 'truncated'; problem?: CheckProblem } {
  if (copy.auditId === 0) return { verdict: 'continues' };
  const now = db.prepare('SELECT hash FROM audit_log WHERE audit_id = ?').pluck().get(copy.auditId) as string | undefined;
  const name = basename(copy.file);
  if (now === undefined) {
    return {
      verdict: 'truncated',
      problem: { check: 'against', message: `${name} was made at audit entry ${copy.auditId}, which this workbook no longer has: entries were removed since (the chain was cut short and rewritten)`, auditId: copy.auditId },
    };
  }
  if (!now.startsWith(copy.hash)) {
    return {
      verdict: 'rewritten',
      problem: { check: 'against', message: `audit entry ${copy.auditId} differs from the one ${name} recorded: the audit chain was rewritten since that copy was made`, auditId: copy.auditId },
    };
  }
  return { verdict: 'continues' };
}

function firstBytes(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    return buf.subarray(0, readSync(fd, buf, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

const unreadable = (path: string, why: string) => new WorkbenchError('INPUT_REJECTED', `${basename(path)} carries no audit chain head to compare with (${why}); give a backup (.sqlite) or a plan or accuracy export (.csv, .xlsx).`, { file: path });

async function fromWorkbook(path: string): Promise<ChainHead | null> {
  const { db, close } = await openReadOnly(path);
  try {
    const recorded = db.prepare('SELECT value FROM workbook_meta WHERE key = ?').pluck().get(BACKUP_CHAIN_HEAD_KEY) as string | undefined;
    return (recorded && parseChainHeadToken(recorded)) || chainHead(db);
  } finally {
    close();
  }
}

function fromCsv(path: string): ChainHead {
  // The header and the first row are enough: every row carries the same head.
  const text = firstBytes(path, 1 << 16).toString('utf8').replace(/^\uFEFF/, '');
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, preview: 1, skipEmptyLines: true });
  const token = parsed.data[0]?.[CHAIN_HEAD_COLUMN];
  const head = token ? parseChainHeadToken(token) : null;
  if (!head) throw unreadable(path, `no ${CHAIN_HEAD_COLUMN} column`);
  return head;
}

async function fromXlsx(path: string): Promise<ChainHead> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(path);
  } catch (err) {
    throw unreadable(path, `not a readable XLSX file: ${(err as Error).message}`);
  }
  const head = chainHeadFromXlsxDescription(workbook.description ?? '');
  if (!head) throw unreadable(path, 'no chain head in its document properties');
  return head;
}

/** Reads the chain head a backup (or any workbook copy), a CSV export or an XLSX export recorded. */
export async function readCopyChainHead(path: string): Promise<CopyChainHead> {
  if (!existsSync(path) || !statSync(path).isFile()) throw new WorkbenchError('INPUT_REJECTED', `There is no file at ${path} to compare with.`, { file: path });
  const magic = firstBytes(path, 16).toString('latin1');
  let head: ChainHead | null;
  if (magic.startsWith('SQLite format 3')) head = await fromWorkbook(path);
  else if (magic.startsWith('PK\u0003\u0004') || extname(path).toLowerCase() === '.xlsx') head = await fromXlsx(path);
  else head = fromCsv(path);
  return { file: path, ...(head ?? { auditId: 0, hash: '' }) };
}
