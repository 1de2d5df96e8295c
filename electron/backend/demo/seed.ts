// First start of the app: an empty workbook gets the demo data, as a job with progress;
// and `fwb demo`'s demo workbook file.
import type { BackendContext } from '../context';
import type { DemoSeedOptions } from '../worker/protocol';
import { toApiError } from '../errors';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { openWorkbook } from '../db/open';
import { moveWorkbookFiles, restoreStamp } from '../db/restore-files';
import { generateDemo, type DemoSummary } from './generate';

export type { DemoSummary };

// The demo's clock is fixed so that the same seed gives the same bytes.
const DEMO_CLOCK = () => new Date('2026-10-31T18:00:00.000Z');
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

/**
 * `fwb demo`: the demo workbook written at `target`, built beside it under a temporary
 * name and renamed at the end, so an interrupted run never leaves a half-written
 * workbook under the real name. A file already there is kept aside, never destroyed.
 */
export async function writeDemoFile(target: string, options: { items: number; months: number; seed: number }, emit: BackendContext['emit']): Promise<DemoSummary & { keptAside?: string }> {
  const partial = `${target}.partial-${process.pid}`;
  const jobId = `demo-${Date.now().toString(36)}`;
  try {
    const { db } = await openWorkbook(partial, { now: DEMO_CLOCK });
    let summary: DemoSummary;
    try {
      summary = generateDemo(db, { ...options, onProgress: (p) => emit({ type: 'job-progress', jobId, job: 'demo', phase: p.phase, done: p.done, total: p.total }) });
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
    emit({ type: 'job-finished', jobId, job: 'demo', ok: true });
    return { ...summary, ...(keptAside ? { keptAside } : {}) };
  } catch (err) {
    emit({ type: 'job-finished', jobId, job: 'demo', ok: false, error: toApiError(err) });
    throw err;
  } finally {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  }
}
