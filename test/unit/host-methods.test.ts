// The trusted host's own methods (backend/host-api.ts) as fwb reaches them through
// the host entry in its own thread: the rules hold on this way in too (who may
// import what, passphrases), progress comes as the app's job events, an import's
// outcome has the contract's one shape; and the page can reach none of them.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInProcess, type Backend } from '../../electron/backend/host-entry';
import { hostContract } from '../../electron/backend/host-api';
import { dispatch } from '../../electron/backend/api';
import { toApiError } from '../../electron/backend/errors';
import { startWebHost, type WebHost } from '../../electron/web/server';
import { METHOD_NAMES } from '../../shared/methods';
import type { BackendEvent, ImportOutcome } from '../../shared/domain';
import { addPeople, signInAs, TEST_PASSPHRASE } from '../helpers/people';
import { smallWorkbook, tempDir } from '../helpers/workbook';
import { writeLines } from '../fixtures/import/v_harness';

const HOST_METHODS = ['backupWorkbook', 'verifyRestoreCopy', 'restoreWorkbook', 'checkWorkbook', 'generateDemo', 'signInAs', 'importFile', 'undoImport', 'exportToFile', 'accuracyStairstep', 'accuracyCubeCurrent', 'backendInfo', 'teamReplicaState', 'teamPublicationPage', 'recordTeamLink', 'keepOnlyTeamRules', 'applyTeamPage', 'finishTeamPull', 'teamAuditCopy', 'teamOutbox', 'recordTeamOutcomes', 'recordTeamChangeOutcomes', 'applyTeamJournalPage', 'teamSyncLedger', 'acknowledgeTeamConflict', 'markTeamAcknowledged', 'unlinkTeam', 'unpublishedTeamImports', 'teamLaterPublicationPage', 'recordTeamPublication'];

describe('host-only methods through the host entry, in process', () => {
  const t = tempDir('fwb-host-methods-');
  let path: string;
  let backend: Backend;
  const events: BackendEvent[] = [];
  const good = writeLines(t.dir, 'good.csv', ['sku,month,fcst', 'A,2026-07-01,10', 'B,2026-07-01,5']);
  const mixed = writeLines(t.dir, 'mixed.csv', ['sku,month,fcst', 'A,2026-08-01,10', 'B,2026-08-01,x', 'C,2026-08-15,4']);

  beforeAll(async () => {
    const small = await smallWorkbook(t.dir);
    await addPeople(small.ctx, { userId: 'mia', displayName: 'Mia' }, [{ userId: 'pia', displayName: 'Pia', role: 'planner' }]);
    small.ctx.db.close();
    path = small.path;
    backend = await openInProcess({ dbPath: path, access: 'write', program: 'fwb' });
    backend.onEvent((e) => events.push(e));
  });
  afterAll(async () => {
    await backend.close();
    t.cleanup();
  });

  it('has the calls fwb needs, and the page reaches none of them', async () => {
    expect(Object.keys(hostContract).sort()).toEqual([...HOST_METHODS].sort());
    for (const method of HOST_METHODS) {
      // The IPC relay opens one channel per contract method, and the browser host calls the contract's dispatcher.
      expect(METHOD_NAMES as readonly string[]).not.toContain(method);
      expect(await backend.call(method, {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    }
  });

  it('asks for the passphrase of a manager, refuses a wrong one, and signs a planner in', async () => {
    expect(await backend.hostCall('signInAs', { userId: 'mia' })).toEqual({ ok: true, value: { needsPassphrase: { displayName: 'Mia', role: 'manager' } } });
    expect(await backend.hostCall('signInAs', { userId: 'mia', passphrase: 'not it at all' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await backend.hostCall('signInAs', { userId: 'pia' })).toEqual({ ok: true, value: { signedIn: 'pia' } });
    expect(await backend.call('getSession', {})).toMatchObject({ ok: true, value: { user: { userId: 'pia' } } });
  });

  it('refuses a pulled page whose cells are not what the team database gives, before anything is written', async () => {
    const items = () => backend.hostCall('teamReplicaState', {});
    const before = JSON.stringify(await items());
    for (const rows of [[['A', ['nested']]], [['A', Number.POSITIVE_INFINITY]], [['A', undefined]], ['A'], 'A']) {
      expect(await backend.hostCall('applyTeamPage', { table: 'items', rows, lastSeq: 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    }
    expect(JSON.stringify(await items())).toBe(before);
  });

  it('holds the import rules for whoever signed in: a planner may not load forecasts by path either', async () => {
    const r = await backend.hostCall('importFile', { path: good, kind: 'forecasts', model: 'ets', origin: '2026-06-01', unknownItems: 'create' });
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(/Pia is a planner/) } });
    expect(await backend.hostCall('importFile', { path: 7, kind: 'forecasts' })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });

  it('imports a file by its path as the signed-in manager, with the job events the app shows and the contract’s outcome', async () => {
    expect(await backend.hostCall('signInAs', { userId: 'mia', passphrase: TEST_PASSPHRASE })).toEqual({ ok: true, value: { signedIn: 'mia' } });
    events.length = 0;
    const r = (await backend.hostCall('importFile', { path: mixed, kind: 'forecasts', model: 'ets', origin: '2026-06-01', unknownItems: 'create' })) as { ok: true; value: ImportOutcome };
    expect(r.ok).toBe(true);
    expect(r.value).toMatchObject({ kind: 'forecasts', file: 'mixed.csv', rowsRead: 3, rowsAccepted: 1, rowsQuarantined: 2 });
    expect(events.filter((e) => e.type === 'job-progress' && e.job === 'import').length).toBeGreaterThan(0);
    expect(events).toContainEqual(expect.objectContaining({ type: 'job-finished', job: 'import', ok: true }));
    const batches = (await backend.call('listImportBatches', {})) as { ok: true; value: { batches: { batchId: number; importedBy: string | null }[] } };
    expect(batches.value.batches.find((b) => b.batchId === r.value.batchId)).toMatchObject({ importedBy: 'mia' });
  });

  it('holds the undo rule for whoever signed in: a planner may not take back someone else’s batch', async () => {
    expect(await backend.hostCall('signInAs', { userId: 'pia' })).toEqual({ ok: true, value: { signedIn: 'pia' } });
    expect(await backend.hostCall('undoImport', { batchId: 1 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(/Pia is a planner/) } });
    const batches = (await backend.call('listImportBatches', {})) as { ok: true; value: { batches: { batchId: number; undoneAt: string | null }[] } };
    expect(batches.value.batches.find((b) => b.batchId === 1)).toMatchObject({ undoneAt: null });
    expect(await backend.hostCall('signInAs', { userId: 'mia', passphrase: TEST_PASSPHRASE })).toEqual({ ok: true, value: { signedIn: 'mia' } });
  });

  it('reports a refused file in the same shape, its rows read and quarantined counted', async () => {
    const r = (await backend.hostCall('importFile', { path: mixed, kind: 'forecasts', model: 'ets', origin: '2026-06-01', unknownItems: 'create', strict: true, force: true })) as { ok: true; value: ImportOutcome };
    expect(r.value).toMatchObject({ batchId: null, rowsRead: 3, rowsAccepted: 0, rowsQuarantined: 2, refused: { code: 'INPUT_REJECTED' } });
    expect(r.value.errors.map((e) => e.row)).toEqual([3, 4]);
    expect(events).toContainEqual(expect.objectContaining({ type: 'job-finished', job: 'import', ok: false }));
  });

  it('backs up with the job events the app’s status line shows, finished also when refused', async () => {
    events.length = 0;
    const out = join(t.dir, 'kept.sqlite');
    expect(await backend.hostCall('backupWorkbook', { outPath: out })).toMatchObject({ ok: true, value: { path: out } });
    expect(events.some((e) => e.type === 'job-progress' && e.job === 'backup' && e.total !== null && e.done <= e.total)).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'job-finished', job: 'backup', ok: true });
    expect(await backend.hostCall('backupWorkbook', { outPath: out })).toMatchObject({ ok: false, error: { code: 'INPUT_REJECTED' } });
    expect(events.at(-1)).toMatchObject({ type: 'job-finished', job: 'backup', ok: false, error: { code: 'INPUT_REJECTED' } });
  });

  it('exports to a path by the contract’s rules, refusing what the contract refuses', async () => {
    const out = join(t.dir, 'audit.csv');
    expect(await backend.hostCall('exportToFile', { request: { what: 'audit', format: 'csv', runId: 1 }, outPath: out })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/a run only goes with the plan/) } });
    expect(existsSync(out)).toBe(false);
    expect(await backend.hostCall('exportToFile', { request: { what: 'audit', format: 'csv' }, outPath: out })).toMatchObject({ ok: true, value: { what: 'audit', path: out } });
    expect(events).toContainEqual(expect.objectContaining({ type: 'job-finished', job: 'export', ok: true }));
  });
});

describe('the app’s import (runImport)', () => {
  it('counts a refused file’s rows as the command line does, in the one outcome shape', async () => {
    const t = tempDir('fwb-run-import-refused-');
    try {
      const { ctx } = await smallWorkbook(t.dir);
      await signInAs(ctx, { userId: 'mia', displayName: 'Mia', role: 'manager' });
      const { stageCopy } = await import('../../electron/backend/host-entry');
      const staged = await stageCopy(ctx.stagingDir, writeLines(t.dir, 'bad.csv', ['sku,month,fcst', 'A,2026-08-01,10', 'B,2026-08-01,x']));
      const r = await dispatch(ctx, 'runImport', { stagedId: staged.stagedId, kind: 'forecasts', model: 'ets', origin: '2026-06-01', unknownItems: 'create', strict: true });
      expect(r).toMatchObject({ ok: true, value: { batchId: null, rowsRead: 2, rowsQuarantined: 1, refused: { code: 'INPUT_REJECTED' } } });
      ctx.db.close();
    } finally {
      t.cleanup();
    }
  });
});

describe('a damaged page met mid-call', () => {
  it('is WORKBOOK_DAMAGED with the way back, not an unexpected error', () => {
    const err = Object.assign(new Error('database disk image is malformed'), { name: 'SqliteError', code: 'SQLITE_CORRUPT' });
    expect(toApiError(err)).toMatchObject({ code: 'WORKBOOK_DAMAGED', message: expect.stringMatching(/damaged \(database disk image is malformed\).*backup/), hint: { option: 'restoreBackup' } });
  });
});

describe('the browser host', () => {
  it('answers a page’s call of any host-only method as unknown, writing nothing', async () => {
    const t = tempDir('fwb-web-host-methods-');
    const backend = await openInProcess({ dbPath: join(t.dir, 'w.sqlite'), access: 'write' });
    let host: WebHost | null = null;
    try {
      const { mkdirSync, writeFileSync } = await import('node:fs');
      mkdirSync(join(t.dir, 'renderer'));
      writeFileSync(join(t.dir, 'renderer', 'index.html'), '<!doctype html><title>x</title>');
      host = await startWebHost({ backend, rendererDir: join(t.dir, 'renderer'), stagingDir: join(t.dir, 'staging') });
      for (const method of HOST_METHODS) {
        const res = await fetch(`http://127.0.0.1:${host.port}/api/call/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${host.token}` },
          body: JSON.stringify({ outPath: join(t.dir, 'x.sqlite'), path: join(t.dir, 'x.csv'), kind: 'items', from: join(t.dir, 'y.sqlite') }),
        });
        const body = (await res.json()) as { ok: boolean; error?: { code: string } };
        expect(body).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
      }
      expect(existsSync(join(t.dir, 'x.sqlite'))).toBe(false);
    } finally {
      await host?.close();
      await backend.close();
      t.cleanup();
    }
  });
});

describe('fwb’s progress line', () => {
  it('shows the import’s job events while a person watches, and clears them', async () => {
    const t = tempDir('fwb-progress-');
    try {
      const { runCli } = await import('../../electron/cli/main');
      const file = writeLines(t.dir, 'watched.csv', ['sku,month,fcst', 'A,2026-07-01,10', 'B,2026-07-01,5']);
      let stderr = '';
      const status = await runCli(['import', '--db', join(t.dir, 'w.sqlite'), '--kind', 'forecasts', '--model', 'ets', '--origin', '2026-06-01', '--create-items', file], {
        stdout: { write: () => true },
        stderr: { write: (s: string) => (stderr += s), isTTY: true },
      });
      expect(status).toBe(0);
      // Each drawing of the line starts by clearing it (carriage return, erase line); the last one leaves it clear.
      const CLEAR_LINE = '\r\x1b[2K';
      const drawn = stderr.split(CLEAR_LINE).slice(1);
      expect(drawn.some((text) => /^watched\.csv: (hashing|reading|committing) \d+% \(\d+ rows\)/.test(text))).toBe(true);
      expect(stderr.endsWith(CLEAR_LINE)).toBe(true);
    } finally {
      t.cleanup();
    }
  });
});
