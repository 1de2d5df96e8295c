// Files chosen in the UI are staged before import: the browser host streams the
// upload into the staging folder, the desktop shell copies the picked file there.
// The backend then only ever reads files inside that folder, by an opaque id, so
// an untrusted page can never name an arbitrary path.
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StagedFile } from '../../../shared/domain';
import { WorkbenchError } from '../errors';

const STAGED_ID = /^[A-Za-z0-9_-]{16,64}$/;

export function defaultStagingDir(): string {
  return join(tmpdir(), `forecast-workbench-staging-${process.pid}`);
}

/** A file name safe on every platform, keeping what a person recognises. */
export function safeFileName(name: string): string {
  const base = basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f<>:"/\\|?*]/g, '_').trim();
  return (base === '' || base === '.' || base === '..' ? 'upload' : base).slice(0, 200);
}

function newSlot(stagingDir: string, name: string): { stagedId: string; path: string } {
  const stagedId = randomBytes(12).toString('base64url');
  const dir = join(stagingDir, stagedId);
  mkdirSync(dir, { recursive: true });
  return { stagedId, path: join(dir, safeFileName(name)) };
}

export async function stageStream(stagingDir: string, name: string, stream: Readable): Promise<StagedFile> {
  const slot = newSlot(stagingDir, name);
  await pipeline(stream, createWriteStream(slot.path));
  return { stagedId: slot.stagedId, name: basename(slot.path), size: statSync(slot.path).size };
}

export async function stageCopy(stagingDir: string, sourcePath: string): Promise<StagedFile> {
  const slot = newSlot(stagingDir, basename(sourcePath));
  await copyFile(sourcePath, slot.path);
  return { stagedId: slot.stagedId, name: basename(slot.path), size: statSync(slot.path).size };
}

/** The path of a staged file; refuses anything that is not an id we handed out. */
export function stagedPath(stagingDir: string, stagedId: string): string {
  const dir = join(stagingDir, stagedId);
  if (!STAGED_ID.test(stagedId) || !existsSync(dir)) {
    throw new WorkbenchError('NOT_FOUND', 'That file is no longer staged for import; choose it again.');
  }
  const [file] = readdirSync(dir);
  if (!file) throw new WorkbenchError('NOT_FOUND', 'That staged file is empty; choose it again.');
  return join(dir, file);
}

/** On exit: files staged but never imported are not kept. */
export function discardStagingDir(stagingDir: string = defaultStagingDir()): void {
  rmSync(stagingDir, { recursive: true, force: true });
}

export function discardStaged(stagingDir: string, stagedId: string): void {
  if (STAGED_ID.test(stagedId)) rmSync(join(stagingDir, stagedId), { recursive: true, force: true });
}
