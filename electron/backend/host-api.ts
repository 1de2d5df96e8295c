// Calls only the host may make (the desktop shell's File menu), never the page:
// they take paths on disk, which an untrusted renderer must not be able to name.
// They travel as 'hostCall' messages, which neither the IPC relay nor the
// browser host ever sends, so the contract's METHOD_NAMES stay the page's whole API.
import { z } from 'zod';
import type { Result } from '../../shared/domain';
import type { BackendContext } from './context';
import { asBusyError } from './db/busy';
import { toApiError } from './errors';
import { backupWorkbook, type BackupOutcome } from './db/backup';
import { verifyRestoreCopy, type BackupVerdict } from './db/restore';
import { parseWorkerFile } from './imports/read/reader-thread';

const absolutePath = z.string().min(1).max(4096);

export const hostContract = {
  /** File › Back up workbook…: an online backup of the open workbook to `outPath`. */
  backupWorkbook: {
    request: z.object({ outPath: absolutePath, overwrite: z.boolean().default(false) }).strict(),
    run: (ctx: BackendContext, req: { outPath: string; overwrite: boolean }): Promise<BackupOutcome> => backupWorkbook(ctx.db, req.outPath, { overwrite: req.overwrite }),
  },
  /** File › Restore from backup…: checks the shell's copy of the backup before the shell swaps it in. */
  verifyRestoreCopy: {
    request: z.object({ path: absolutePath, displayName: z.string().min(1).max(300) }).strict(),
    run: (_ctx: BackendContext, req: { path: string; displayName: string }): Promise<BackupVerdict> => verifyRestoreCopy(req.path, req.displayName),
  },
  /** How this backend runs, for the host's diagnostics: the file large imports are parsed in (null: the backend's own thread). */
  backendInfo: {
    request: z.object({}).strict(),
    run: async (): Promise<{ parseWorker: string | null }> => ({ parseWorker: parseWorkerFile() }),
  },
} as const;

export type HostMethodName = keyof typeof hostContract;

export async function hostDispatch(ctx: BackendContext, method: unknown, payload: unknown): Promise<Result<unknown>> {
  if (typeof method !== 'string' || !Object.hasOwn(hostContract, method)) {
    return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `Unknown host method: ${String(method).slice(0, 100)}` } };
  }
  const entry = hostContract[method as HostMethodName];
  const parsed = entry.request.safeParse(payload ?? {});
  if (!parsed.success) {
    return { ok: false, error: { code: 'INVALID_REQUEST', message: `Invalid request for ${method}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ')}` } };
  }
  try {
    return { ok: true, value: await (entry.run as (ctx: BackendContext, req: unknown) => Promise<unknown>)(ctx, parsed.data) };
  } catch (err) {
    return { ok: false, error: toApiError(asBusyError(err, ctx.db)) };
  }
}
