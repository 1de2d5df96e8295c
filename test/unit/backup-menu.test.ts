// File › Back Up Workbook… and File › Restore from Backup… in the desktop shell,
// driven through the fake `electron` module with the real backend worker.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkWorkbook } from '../../electron/backend/audit/check';
import { BackendHost } from '../../electron/backend/worker/host';
import { sourceWorkerUrl } from '../../electron/backend/worker/worker-url';
import { openWorkbook } from '../../electron/backend/db/open';
import type { AppLocations } from '../../electron/main/app-page';
import { type MainElectron, type RunningApp, runApp } from '../../electron/main/lifecycle';
import { menuTemplate } from '../../electron/main/menu';
import { createFakeElectron, type FakeElectron } from '../fakes/electron';
import { fillSmallWorkbook, FIXED_NOW, tempDir } from '../helpers/workbook';

const outDir = '/opt/Forecast Workbench/resources/app.asar/out';
const locations: AppLocations = {
  preloadPath: join(outDir, 'preload', 'index.cjs'),
  rendererIndex: join(outDir, 'renderer', 'index.html'),
  workerUrl: pathToFileURL(join(outDir, 'main', 'worker.js')),
};
const decisions = (path: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM decisions').pluck().get() as number;
  } finally {
    db.close();
  }
};

describe('File menu: back up and restore', () => {
  let t: ReturnType<typeof tempDir>;
  let electron: FakeElectron;
  let running: RunningApp;
  let workbook: string;

  beforeEach(async () => {
    t = tempDir('fwb-menu-backup-');
    const userData = join(t.dir, 'userData');
    mkdirSync(userData, { recursive: true });
    workbook = join(userData, 'workbook.sqlite');
    const { db } = await openWorkbook(workbook, { now: FIXED_NOW });
    fillSmallWorkbook(db);
    db.close();
    electron = createFakeElectron({ userData, documents: t.dir });
    running = (await runApp(electron as unknown as MainElectron, { locations, startBackend: (init) => BackendHost.start(sourceWorkerUrl, init), env: {}, platform: 'linux' }))!;
  });
  afterEach(async () => {
    await running.workbook.close();
    t.cleanup();
  });

  /** A decision through the open workbook's backend, as the page would make it. */
  async function decideSomething(): Promise<void> {
    const backend = (await running.workbook.backend())!;
    expect(await backend.call('signIn', { userId: 'ana', displayName: 'Ana', role: 'planner' })).toMatchObject({ ok: true });
    const lines = (await backend.call('getRunLines', { runId: 1, limit: 1 })) as { ok: true; value: { rows: { lineId: number }[] } };
    expect(await backend.call('decideLine', { lineId: lines.value.rows[0]!.lineId, action: 'override', quantity: 3, reasonCode: 'promotion', comment: 'after the backup' })).toMatchObject({ ok: true });
  }

  it('has both items in the File menu, wired to the actions', () => {
    const calls: string[] = [];
    const actions = { newWorkbook() {}, openWorkbook() {}, revealWorkbook() {}, showAbout() {}, backupWorkbook: () => calls.push('backup'), restoreFromBackup: () => calls.push('restore') };
    const file = menuTemplate({ platform: 'linux', isPackaged: true, actions })[0]!;
    const items = file.submenu as { label?: string; click?: () => void }[];
    items.find((i) => i.label === 'Back Up Workbook…')!.click!();
    items.find((i) => i.label === 'Restore from Backup…')!.click!();
    expect(calls).toEqual(['backup', 'restore']);
    // And the installed menu of the running app has them too.
    const installed = JSON.stringify(electron.Menu.applicationMenu!.template);
    expect(installed).toContain('Back Up Workbook…');
    expect(installed).toContain('Restore from Backup…');
  });

  it('backs up the open workbook where the save dialog says, and restores it, keeping the current file aside', async () => {
    const backup = join(t.dir, 'kept');
    electron.dialog.saveResults.push({ canceled: false, filePath: backup });
    expect(await running.backupWorkbook()).toBe(`${backup}.sqlite`);
    expect(electron.dialog.saveDialogs[0]).toMatchObject({ title: 'Back Up Workbook', defaultPath: expect.stringMatching(/workbook backup \d{4}-\d{2}-\d{2}\.sqlite$/) });
    expect(electron.dialog.messageBoxes.at(-1)).toMatchObject({ message: 'Workbook backed up' });
    const copy = await openWorkbook(`${backup}.sqlite`, { readonly: true });
    expect(checkWorkbook(copy.db).ok).toBe(true);
    copy.db.close();

    await decideSomething();
    // Cancelled at the confirmation: nothing happens.
    electron.dialog.openResults.push({ canceled: false, filePaths: [`${backup}.sqlite`] });
    expect(await running.restoreFromBackup()).toBeNull();
    expect(electron.dialog.messageBoxes.at(-1)).toMatchObject({ type: 'warning', buttons: ['Restore', 'Cancel'] });

    electron.dialog.openResults.push({ canceled: false, filePaths: [`${backup}.sqlite`] });
    electron.dialog.messageBoxResponses.push(0);
    const aside = await running.restoreFromBackup();
    expect(electron.dialog.errors).toEqual([]);
    expect(aside).toMatch(/workbook\.sqlite\.before-restore-/);
    expect(decisions(aside!)).toBe(1);
    // The backend is open again, on the restored file: the decision made after the backup is gone.
    const backend = (await running.workbook.backend())!;
    const info = (await backend.call('getWorkbookInfo', {})) as { ok: true; value: { path: string; counts: { decisions: number } } };
    expect(info.value).toMatchObject({ path: workbook, counts: { decisions: 0 } });
    expect(electron.dialog.messageBoxes.at(-1)).toMatchObject({ message: 'Workbook restored' });
    expect(readdirSync(join(t.dir, 'userData')).filter((f) => f.includes('.restoring-'))).toEqual([]);
  });

  it('refuses a file that is not a workbook, leaving the open workbook as it was', async () => {
    await decideSomething();
    const bogus = join(t.dir, 'notes.sqlite');
    writeFileSync(bogus, 'not a database at all, just some text that is long enough to be looked at'.repeat(20));
    electron.dialog.openResults.push({ canceled: false, filePaths: [bogus] });
    electron.dialog.messageBoxResponses.push(0);
    expect(await running.restoreFromBackup()).toBeNull();
    expect(electron.dialog.errors).toEqual([{ title: 'Cannot restore from notes.sqlite', content: expect.stringMatching(/notes\.sqlite is not a Forecast Workbench workbook[\s\S]*The open workbook was not changed/) }]);
    const backend = (await running.workbook.backend())!;
    expect(await backend.call('getWorkbookInfo', {})).toMatchObject({ ok: true, value: { counts: { decisions: 1 } } });
    expect(readdirSync(join(t.dir, 'userData')).filter((f) => f.includes('restor'))).toEqual([]);
    expect(existsSync(bogus)).toBe(true);
  });
});
