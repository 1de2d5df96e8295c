// Rules shared by the CSV and XLSX readers: what a usable header is, and how raw text is
// capped for quarantine.
import { basename } from 'node:path';
import { WorkbenchError } from '../../../errors';

/** Longest raw text kept per record: enough to recognise the line, bounded for quarantine. */
export const RAW_CAP = 500;

export function capRaw(text: string): string {
  return text.length > RAW_CAP ? text.slice(0, RAW_CAP) : text;
}

export function emptyFileError(path: string, detail = ''): WorkbenchError {
  return new WorkbenchError('INPUT_REJECTED', `${basename(path)} is empty${detail}`, { file: path });
}

/**
 * Mapping works by column name, so empty or repeated names (compared trimmed and
 * case-insensitively, as the mapper does) would make a column unreachable or ambiguous:
 * refuse the file and name the 1-based positions so the user can fix it. One exception:
 * an unnamed FIRST column before named ones is the row index pandas writes with
 * to_csv()/to_excel(); it cannot be mapped, so it is ignored (returns leadingIndex).
 */
export function checkHeader(path: string, header: readonly string[], row: number): { leadingIndex: boolean } {
  const name = basename(path);
  const empty: number[] = [];
  const seen = new Map<string, number[]>();
  const leadingIndex = header.length > 1 && header[0] === '' && header.slice(1).some((h) => h !== '');
  header.forEach((h, i) => {
    if (h === '' && i === 0 && leadingIndex) return;
    if (h === '') {
      empty.push(i + 1);
      return;
    }
    const key = h.toLowerCase();
    const at = seen.get(key);
    if (at) at.push(i + 1);
    else seen.set(key, [i + 1]);
  });
  const problems: string[] = [];
  if (empty.length > 0) {
    problems.push(`${empty.length === 1 ? 'column' : 'columns'} ${listPositions(empty)} ${empty.length === 1 ? 'has' : 'have'} no name`);
  }
  for (const at of seen.values()) {
    if (at.length > 1) problems.push(`'${header[at[0]! - 1]}' appears more than once (columns ${listPositions(at)})`);
  }
  if (problems.length > 0) {
    throw new WorkbenchError('INPUT_REJECTED', `${name}: the header (row ${row}) is not usable: ${problems.join('; ')}`, {
      file: path,
      row,
    });
  }
  return { leadingIndex };
}

function listPositions(at: number[]): string {
  if (at.length === 1) return String(at[0]);
  return `${at.slice(0, -1).join(', ')} and ${at[at.length - 1]}`;
}

/** '1 MiB' for 1048576, '64 KiB', else bytes: how the long-line problem names the limit. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
