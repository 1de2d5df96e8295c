// The job sequence, once: a job id, job-progress events while it runs, and
// job-finished when it ends, with the error if it failed. Imports, exports and
// the demo seeding run through it (api.ts for the methods declared as jobs,
// demo/seed.ts for the first start); the renderer's status line and progress
// bars, and the CLI's progress line, read these events.
import type { ApiError, BackendEvent } from '../../shared/domain';
import type { JobProgress } from './context';
import { toApiError } from './errors';

export type JobKind = 'import' | 'import-undo' | 'export' | 'demo' | 'backup';

export interface JobOptions<T> {
  /** A job that returns a refusal as its value (an import rejected as a whole) still ends as failed, with that refusal. */
  refusalOf?: (out: T) => ApiError | null | undefined;
  /** A failure is left to the caller to tell, not announced as the job's end (an undo refused shows in its dialog). */
  quietFailure?: boolean;
}

export async function runJob<T>(
  emit: (event: BackendEvent) => void,
  job: JobKind,
  work: (progress: (p: JobProgress) => void) => T | Promise<T>,
  options: JobOptions<T> = {},
): Promise<T> {
  // node:crypto taken when a job starts, not when this module loads: fwb accuracy, a process per call, starts none.
  const jobId = `${job}-${process.getBuiltinModule('node:crypto').randomBytes(6).toString('hex')}`;
  let out: T;
  try {
    out = await work((p) => emit({ type: 'job-progress', jobId, job, ...p }));
  } catch (err) {
    if (!options.quietFailure) emit({ type: 'job-finished', jobId, job, ok: false, error: toApiError(err) });
    throw err;
  }
  const refusal = options.refusalOf?.(out);
  emit(refusal ? { type: 'job-finished', jobId, job, ok: false, error: refusal } : { type: 'job-finished', jobId, job, ok: true });
  return out;
}
