// Where an export or a backup is written: a target that can be written, and the
// temporary name beside it that the finished file is renamed from.
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
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

/** A name next to `path` that nobody else uses (hidden on Unix); the caller removes it on failure. */
export function partialPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.partial-${randomBytes(4).toString('hex')}`);
}

/** Errors of the file system that mean "this target cannot be written", not "the export broke". */
export function isUnwritable(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOENT' || code === 'EISDIR';
}
