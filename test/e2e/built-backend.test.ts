// The backend as the packaged app runs it (out/main/worker.js, built by `npm run build`):
// a large import is read in the same parse worker as in fwb and in runs from source.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendHost } from '../../electron/backend/worker/host';
import { stageCopy } from '../../electron/backend/imports/staging';
import type { BackendEvent } from '../../shared/domain';
import { tempDir } from '../helpers/workbook';

const OUT_MAIN = join(import.meta.dirname, '..', '..', 'out', 'main');

describe('the built backend worker (out/main)', () => {
  const t = tempDir('fwb-built-backend-');
  let backend: BackendHost;
  const events: BackendEvent[] = [];

  beforeAll(async () => {
    if (!existsSync(join(OUT_MAIN, 'worker.js'))) throw new Error('out/main/worker.js is missing: run npm run build first');
    backend = await BackendHost.start(pathToFileURL(join(OUT_MAIN, 'worker.js')), { dbPath: join(t.dir, 'built.sqlite'), stagingDir: join(t.dir, 'staging'), program: 'the desktop app' });
    backend.onEvent((e) => events.push(e));
  });
  afterAll(async () => {
    await backend?.close();
    t.cleanup();
  });

  it('names its bundled parse worker, beside itself', async () => {
    const info = await backend.hostCall('backendInfo', {});
    expect(info).toEqual({ ok: true, value: { parseWorker: join(OUT_MAIN, 'parse-worker.js') } });
  });

  it('imports a file of more than 16 MB through that parse worker', async () => {
    const rows = ['item_id,period,forecast'];
    for (let i = 0; rows.length <= 560_000; i++) rows.push(`ITEM-WITH-A-LONG-NAME-${String(i % 20_000).padStart(6, '0')},${2026 + Math.floor(i / 20_000 / 12)}-${String((Math.floor(i / 20_000) % 12) + 1).padStart(2, '0')}-01,${(i % 997) + 0.5}`);
    const path = join(t.dir, 'big-forecasts.csv');
    writeFileSync(path, `${rows.join('\n')}\n`);
    expect(statSync(path).size).toBeGreaterThan(16 << 20);
    expect(await backend.call('signIn', { displayName: 'Mia Manager', role: 'manager', newPassphrase: 'a long passphrase 1' })).toMatchObject({ ok: true });
    const staged = await stageCopy(join(t.dir, 'staging'), path);
    const done = await backend.call('runImport', { stagedId: staged.stagedId, kind: 'forecasts', model: 'ets', origin: '2025-12-01', unknownItems: 'create' });
    expect(done).toMatchObject({ ok: true, value: { rowsRead: 560_000, rowsAccepted: 560_000, rowsQuarantined: 0 } });
    expect(events.some((e) => e.type === 'job-finished' && e.job === 'import' && e.ok)).toBe(true);
  }, 180_000);
});
