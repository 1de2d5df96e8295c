// The chain head as backups and exports write it: "<audit id>:<hash>", the
// newest audit entry when the copy was made. A copy's head must stay in the
// workbook's chain for good; if that entry's hash changes, the chain was
// rewritten after the copy was made (against.ts).
import type { ChainHead } from './chain';
import { GENESIS_HASH } from './entry';

/** Hex digits of the hash a CSV export repeats on every row: 64 bits, too many to forge a matching rewrite, few enough not to bloat the file. */
export const SHORT_HASH_DIGITS = 16;

export function chainHeadToken(head: ChainHead | null, short = false): string {
  const h = head ?? { auditId: 0, hash: GENESIS_HASH };
  return `${h.auditId}:${short ? h.hash.slice(0, SHORT_HASH_DIGITS) : h.hash}`;
}

/** Reads a token back; null when the text is not one. The hash may be the short form. */
export function parseChainHeadToken(text: string): ChainHead | null {
  const m = /^(\d+):([0-9a-f]{16,64})$/.exec(text.trim());
  return m ? { auditId: Number(m[1]), hash: m[2]! } : null;
}

/** The column every row of a CSV export carries the (short) chain head in: one more column is what a CSV reader can take without breaking. */
export const CHAIN_HEAD_COLUMN = 'audit_chain_head';

const XLSX_PREFIX = 'Forecast Workbench audit chain head ';

/** The document description (File › Info › Properties › Comments in Excel) an XLSX export carries. */
export const xlsxChainHeadDescription = (head: ChainHead | null) => `${XLSX_PREFIX}${chainHeadToken(head)} (check the workbook against this file to see whether its chain was rewritten since)`;

export function chainHeadFromXlsxDescription(description: string): ChainHead | null {
  return description.startsWith(XLSX_PREFIX) ? parseChainHeadToken(description.slice(XLSX_PREFIX.length).split(/\s/)[0] ?? '') : null;
}

/** Where a backup records the chain head it was taken at (its workbook_meta). */
export const BACKUP_CHAIN_HEAD_KEY = 'backup_chain_head';
