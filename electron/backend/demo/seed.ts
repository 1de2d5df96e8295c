// First start of the app: an empty workbook gets the demo data, as a job with progress.
import type { BackendContext } from '../context';
import type { DemoSeedOptions } from '../worker/protocol';
import { bringCurrent } from '../derived/registry';
import { newestRunExceptions } from '../exceptions/cache';
import { runJob } from '../jobs';
import { generateDemo } from './generate';

export function isEmptyWorkbook(ctx: BackendContext): boolean {
  const row = ctx.db.prepare('SELECT (SELECT count(*) FROM items) + (SELECT count(*) FROM forecast_runs) AS n').get() as { n: number };
  return row.n === 0;
}

export async function seedDemoIfEmpty(ctx: BackendContext, options: DemoSeedOptions): Promise<void> {
  if (!isEmptyWorkbook(ctx)) return;
  try {
    await runJob(ctx.emit, 'demo', (progress) => {
      generateDemo(ctx.db, { ...options, onProgress: (p) => progress({ phase: p.phase, done: p.done, total: p.total }) });
      // The newest run's scores now, so the first page shown is not the one paying.
      bringCurrent(ctx.db, newestRunExceptions(ctx.db));
    });
  } catch {
    return; // the job's end told it (job-finished with the error); nothing was announced as changed
  }
  ctx.emit({ type: 'workbook-changed', reason: 'demo' });
}
