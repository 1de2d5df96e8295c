// The desktop app's quit closes the workbook only once a team sync under way on it has ended
// (as the browser host's close does), so the worker is not closed under the sync. Electron's
// objects are the fakes the other desktop tests use; the workbook is a backend whose host
// calls answer as a linked workbook's, with the sync's first look at it held until released.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AppLocations } from '../../electron/main/app-page';
import { type MainElectron, runApp } from '../../electron/main/lifecycle';
import type { Backend, StartBackend } from '../../electron/main/workbook';
import type { BackendEvent, Result } from '../../shared/domain';
import { createFakeElectron } from '../fakes/electron';

vi.mock('electron', async () => {
  const { createFakeElectron } = await import('../fakes/electron');
  return createFakeElectron();
});

const outDir = '/opt/Forecast Workbench/resources/app.asar/out';
const locations: AppLocations = {
  preloadPath: join(outDir, 'preload', 'index.cjs'),
  rendererIndex: join(outDir, 'renderer', 'index.html'),
  workerUrl: pathToFileURL(join(outDir, 'main', 'worker.js')),
};

/** A linked workbook (to a server that is never reached here); the sync's first host call waits for `release`. */
class LinkedBackend implements Backend {
  readonly log: string[] = [];
  inFlight = 0;
  release: () => void = () => {};
  async call(): Promise<Result<unknown>> {
    return { ok: true, value: null };
  }
  onEvent(_listener: (event: BackendEvent) => void): () => void {
    return () => {};
  }
  async close(): Promise<void> {
    this.log.push('close');
  }
  async hostCall(method: string): Promise<Result<unknown>> {
    if (method !== 'teamReplicaState') return { ok: false, error: { code: 'INTERNAL', message: `unexpected ${method}` } };
    this.inFlight += 1;
    this.log.push('sync looks at the link');
    await new Promise<void>((r) => (this.release = r));
    this.log.push('sync done');
    // By now the app is closing: the sync goes no further.
    return { ok: true, value: { link: { url: 'postgres://ana@127.0.0.1:1/team', teamId: 't', login: 'ana', role: 'planner', linkedHow: 'pulled', linkedAt: '2026-12-06T00:00:00Z' } } };
  }
}

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'fwb-quit-sync-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

describe('the desktop app’s quit and a team sync under way', () => {
  it('waits for the sync to end before it closes the workbook and quits', async () => {
    const electron = createFakeElectron({ userData: join(tmp, 'userData'), documents: tmp });
    const backend = new LinkedBackend();
    const start: StartBackend = async () => backend;
    await runApp(electron as unknown as MainElectron, { locations, startBackend: start, env: {}, platform: 'linux' });
    await vi.waitFor(() => expect(backend.inFlight).toBe(1));

    electron.app.quit();
    await new Promise((r) => setTimeout(r, 200));
    expect(electron.app.quitted).toBe(false);
    expect(backend.log).toEqual(['sync looks at the link']); // not closed under the sync

    backend.release();
    await vi.waitFor(() => expect(electron.app.quitted).toBe(true));
    expect(backend.log).toEqual(['sync looks at the link', 'sync done', 'close']);
  });
});
