// First start of the app: an empty workbook gets the demo data, as a job with progress.
import type { BackendContext } from '../context';
import type { DemoSeedOptions } from '../worker/protocol';
import { toApiError } from '../errors';
import { generateDemo } from './generate';
import { refreshCurrentRunExceptions } from '../exceptions/cache';

export function isEmptyWorkbook(ctx: BackendContext): boolean {
  const row = ctx.db.prepare('SELECT (SELECT count(*) FROM items) + (SELECT count(*) FROM forecast_runs) AS n').get() as { n: number };
  return row.n === 0;
}

export function seedDemoIfEmpty(ctx: BackendContext, options: DemoSeedOptions): void {
  if (!isEmptyWorkbook(ctx)) return;
  const jobId = `demo-${Date.now().toString(36)}`;
  try {
    generateDemo(ctx.db, {
      ...options,
      onProgress: (p) => ctx.emit({ type: 'job-progress', jobId, job: 'demo', phase: p.phase, done: p.done, total: p.total }),
    });
    refreshCurrentRunExceptions(ctx.db);
    ctx.emit({ type: 'job-finished', jobId, job: 'demo', ok: true });
    ctx.emit({ type: 'workbook-changed', reason: 'demo' });
  } catch (err) {
    ctx.emit({ type: 'job-finished', jobId, job: 'demo', ok: false, error: toApiError(err) });
  }
}
