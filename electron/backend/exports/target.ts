// Where an export or a backup is written: a target that can be written, and the
// temporary name beside it that the finished file is renamed from. The rules of
// what may be replaced live here, for every way in (fwb export and backup, the
// app's exports and File › Back Up): never the workbook, its -wal, -shm or
// journal, or the backups kept beside it; any other existing file only when asked.
import { randomBytes } from 'node:crypto';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { WorkbenchError } from '../errors';

/** The absolute target; refuses, naming the path, a missing folder or a folder given as the file. */
export function assertWritableTarget(outPath: string): string {
  const path = resolve(outPath);
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new WorkbenchError('INPUT_REJECTED', `Cannot write ${path}: the folder ${dir} does not exist.`);
  }
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new WorkbenchError('INPUT_REJECTED', `Cannot write ${path}: it is a folder; give a file name.`);
  }
  return path;
}

export interface TargetRules {
  /** The workbook being read: it and the files SQLite and the app keep beside it are never a target. */
  workbookPath: string;
  /** Replace an existing file (fwb --force, or a save dialog that asked already). Default: refuse. */
  overwrite?: boolean;
}

/** Files beside a workbook that are part of it: name suffix → what it is, for the message. */
const WORKBOOK_SIDE_FILES: [RegExp, string][] = [
  [/^-wal$/, 'its write-ahead log'],
  [/^-shm$/, 'its shared-memory index'],
  [/^-journal$/, 'its rollback journal'],
  [/^\.v\d+-.+\.bak$/, 'the backup taken before a migration'],
  [/^\.before-restore-.+$/, 'the copy a restore kept aside'],
  [/^\.restoring-.+$/, 'a restore in progress'],
  [/^\.before-demo-.+$/, 'the copy fwb demo kept aside'],
];

const caseInsensitive = process.platform === 'darwin' || process.platform === 'win32';
const sameName = (a: string, b: string) => (caseInsensitive ? a.toLowerCase() === b.toLowerCase() : a === b);

/** The path with its folder's symbolic links resolved (the file itself may not exist yet). */
function canonical(path: string): string {
  const abs = resolve(path);
  try {
    return join(realpathSync(dirname(abs)), basename(abs));
  } catch {
    return abs;
  }
}

function sameFile(a: string, b: string): boolean {
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    // Hard links and symbolic links are other names of the same file.
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/**
 * The absolute target of an export or backup under the rules above; throws
 * INPUT_REJECTED naming the path and what to do instead.
 */
export function assertExportTarget(outPath: string, rules: TargetRules): string {
  const path = assertWritableTarget(outPath);
  const workbook = canonical(rules.workbookPath);
  const target = canonical(path);
  if (sameName(target, workbook) || sameFile(target, workbook)) {
    throw new WorkbenchError('INPUT_REJECTED', `${path} is the workbook itself; write to another file.`, { file: path });
  }
  if (sameName(dirname(target), dirname(workbook))) {
    const name = basename(target);
    const stem = basename(workbook);
    if (name.length > stem.length && sameName(name.slice(0, stem.length), stem)) {
      const side = WORKBOOK_SIDE_FILES.find(([pattern]) => pattern.test(name.slice(stem.length)));
      if (side) throw new WorkbenchError('INPUT_REJECTED', `${path} belongs to the workbook ${stem} (${side[1]}); write to another file.`, { file: path });
    }
  }
  if (existsSync(path) && !rules.overwrite) {
    throw new WorkbenchError('INPUT_REJECTED', `${path} already exists`, { file: path, hint: { option: 'replace' } });
  }
  return path;
}

/** A name next to `path` that nobody else uses (hidden on Unix); the caller removes it on failure. */
export function partialPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.partial-${randomBytes(4).toString('hex')}`);
}

/** Errors of the file system that mean "this target cannot be written", not "the export broke". */
export function isUnwritable(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOENT' || code === 'EISDIR';
}
