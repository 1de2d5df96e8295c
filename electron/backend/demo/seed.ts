// First start of the app: an empty workbook gets the demo data, as a job with progress;
// and `fwb demo`'s demo workbook file.
import type { BackendContext } from '../context';
import type { DemoSeedOptions } from '../worker/protocol';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { openWorkbook } from '../db/open';
import { moveWorkbookFiles, restoreStamp } from '../db/restore-files';
import { bringCurrent } from '../derived/registry';
import { newestRunExceptions } from '../exceptions/cache';
import { runJob } from '../jobs';
import { generateDemo, type DemoSummary } from './generate';

export type { DemoSummary };

// The demo's clock is fixed so that the same seed gives the same bytes.
const DEMO_CLOCK = () => new Date('2026-10-31T18:00:00.000Z');

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

/**
 * `fwb demo`: the demo workbook written at `target`, built beside it under a temporary
 * name and renamed at the end, so an interrupted run never leaves a half-written
 * workbook under the real name. A file already there is kept aside, never destroyed.
 */
export async function writeDemoFile(target: string, options: { items: number; months: number; seed: number }, emit: BackendContext['emit']): Promise<DemoSummary & { keptAside?: string }> {
  const partial = `${target}.partial-${process.pid}`;
  try {
    return await runJob(emit, 'demo', async (progress) => {
      const { db } = await openWorkbook(partial, { now: DEMO_CLOCK });
      let summary: DemoSummary;
      try {
        summary = generateDemo(db, { ...options, onProgress: (p) => progress({ phase: p.phase, done: p.done, total: p.total }) });
      } finally {
        db.close();
      }
      let keptAside: string | null = null;
      if (existsSync(target) && statSync(target).size > 0) {
        keptAside = `${target}.before-demo-${restoreStamp(new Date())}`;
        moveWorkbookFiles(target, keptAside);
      }
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
      renameSync(partial, target);
      return { ...summary, ...(keptAside ? { keptAside } : {}) };
    });
  } finally {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  }
}
