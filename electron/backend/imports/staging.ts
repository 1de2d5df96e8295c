// Files chosen in the UI are staged before import: the browser host streams the
// upload into the staging folder, the desktop shell copies the picked file there.
// The backend then only ever reads files inside that folder, by an opaque id, so
// an untrusted page can never name an arbitrary path.
//
// The folder is private (issue 12.6): a fresh 0700 folder per process, never a
// predictable shared path another user could make first; a folder that is a
// link or belongs to someone else is refused. Each file's sha256 is taken as it
// is staged and checked again when it is imported, so a file changed in between
// is refused instead of imported.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StagedFile } from '../../../shared/domain';
import { WorkbenchError } from '../errors';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../db/private-files';

const STAGED_ID = /^[A-Za-z0-9_-]{16,64}$/;

let processStagingDir: string | null = null;

/**
 * This process's staging folder, made on first use with mkdtemp (0700, a name
 * nobody can guess). The host passes it to its backend worker, so both stage and
 * read in the same folder (backend/worker/host.ts).
 */
export function defaultStagingDir(): string {
  if (processStagingDir === null || !existsSync(processStagingDir)) {
    processStagingDir = mkdtempSync(join(tmpdir(), 'forecast-workbench-staging-'));
  }
  return processStagingDir;
}

/** A file name safe on every platform, keeping what a person recognises. */
export function safeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are among what a file name may not hold
  const base = basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f<>:"/\\|?*]/g, '_').trim();
  return (base === '' || base === '.' || base === '..' ? 'upload' : base).slice(0, 200);
}

/** Where the sha256 taken at staging is kept: beside the slot (an id never holds a dot, a slot's file is inside it). */
const digestPathOf = (stagingDir: string, stagedId: string) => join(stagingDir, `${stagedId}.sha256`);

function newSlot(stagingDir: string, name: string): { stagedId: string; path: string } {
  ensurePrivateDir(stagingDir, 'staging folder');
  const stagedId = randomBytes(12).toString('base64url');
  const dir = ensurePrivateDir(join(stagingDir, stagedId), 'staging folder');
  return { stagedId, path: join(dir, safeFileName(name)) };
}

export async function stageStream(stagingDir: string, name: string, stream: Readable): Promise<StagedFile> {
  const slot = newSlot(stagingDir, name);
  const hash = createHash('sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(stream, hashing, createWriteStream(slot.path, { flags: 'wx', mode: PRIVATE_FILE_MODE }));
    writeFileSync(digestPathOf(stagingDir, slot.stagedId), hash.digest('hex'), { flag: 'wx', mode: PRIVATE_FILE_MODE });
  } catch (err) {
    discardStaged(stagingDir, slot.stagedId);
    throw err;
  }
  return { stagedId: slot.stagedId, name: basename(slot.path), size: statSync(slot.path).size };
}

export async function stageCopy(stagingDir: string, sourcePath: string): Promise<StagedFile> {
  return stageStream(stagingDir, basename(sourcePath), createReadStream(sourcePath));
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

/** The sha256 the file had when it was staged (the import refuses the file if it no longer has it). */
export function stagedSha256(stagingDir: string, stagedId: string): string {
  try {
    return readFileSync(digestPathOf(stagingDir, stagedId), 'utf8');
  } catch {
    throw new WorkbenchError('NOT_FOUND', 'That file is no longer staged for import; choose it again.');
  }
}

/** On exit: files staged but never imported are not kept. */
export function discardStagingDir(stagingDir: string | null = processStagingDir): void {
  if (stagingDir === null) return;
  rmSync(stagingDir, { recursive: true, force: true });
  if (stagingDir === processStagingDir) processStagingDir = null;
}

export function discardStaged(stagingDir: string, stagedId: string): void {
  if (!STAGED_ID.test(stagedId)) return;
  rmSync(join(stagingDir, stagedId), { recursive: true, force: true });
  rmSync(digestPathOf(stagingDir, stagedId), { force: true });
}

