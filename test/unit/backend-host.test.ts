import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackendHost } from '../../electron/backend/worker/host';
import { sourceWorkerUrl } from '../../electron/backend/worker/worker-url';
import type { BackendEvent } from '../../shared/domain';
import { tempDir } from '../helpers/workbook';

describe('the backend worker', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it('seeds an empty workbook off the calling thread, streaming progress, then answers calls', async () => {
    const events: BackendEvent[] = [];
    const host = await BackendHost.start(sourceWorkerUrl, { dbPath: join(t.dir, 'wb.sqlite'), seedDemoIfEmpty: { items: 40, months: 36 } });
    host.onEvent((e) => events.push(e));
    // The host thread stays free while the worker seeds: timers keep firing.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const info = await host.call('getWorkbookInfo', {});
    clearInterval(timer);
    expect(info).toMatchObject({ ok: true, value: { counts: { items: 40 } } });
    expect(events.some((e) => e.type === 'job-progress' && e.job === 'demo')).toBe(true);
    expect(events).toContainEqual(expect.objectContaining({ type: 'job-finished', job: 'demo', ok: true }));
    expect(events).toContainEqual({ type: 'workbook-changed', reason: 'demo' });
    expect(ticks).toBeGreaterThan(0);

    expect(await host.call('getRunLines', { runId: 'x' })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    await host.close();
    expect(await host.call('getWorkbookInfo', {})).toMatchObject({ ok: false, error: { code: 'BACKEND_UNAVAILABLE' } });
  });

  it('fails to start, with the reason, on a workbook from a newer version', async () => {
    const path = join(t.dir, 'future.sqlite');
    const db = new Database(path);
    db.pragma('user_version = 999');
    db.close();
    await expect(BackendHost.start(sourceWorkerUrl, { dbPath: path })).rejects.toMatchObject({ error: { code: 'WORKBOOK_TOO_NEW' } });
  });
});
