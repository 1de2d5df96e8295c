// App lifecycle: single instance, the first workbook, the window, File › New/Open,
// and closing the backend on quit. Everything Electron comes in as a parameter so
// tests can drive it with a fake.
import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { App, BrowserWindow, Dialog, IpcMain, Menu, SafeStorage, Session, Shell } from 'electron';
import { type AppLocations, type AppPage, appPageFrom } from './app-page';
import { forwardBackendEvents, registerIpcHandlers } from './ipc';
import { askForNewWorkbookPath, askForWorkbookToOpen, installApplicationMenu } from './menu';
import { installSecurityGuards } from './security';
import { createMainWindow, loadAppPage, windowTitle } from './window';
import { type StartBackend, WorkbookSession, startFailureMessage, workbookName } from './workbook';
import { discardStagingDir } from '../backend/host-entry';
import { backupFromMenu, restoreFromMenu, type BackupRestoreDeps } from './backup-restore';
import { DesktopTeam, TEAM_CONNECT_REQUEST_CHANNEL, disconnectFromMenu, registerTeamIpc, syncEveryS, syncTeamFromMenu, teamPasswords } from './team-menu';

export interface MainElectron {
  app: App;
  BrowserWindow: typeof BrowserWindow;
  dialog: Dialog;
  ipcMain: IpcMain;
  Menu: typeof Menu;
  session: { defaultSession: Session };
  shell: Pick<Shell, 'showItemInFolder'>;
  /** The OS keychain for a team workbook's password (team-password.ts); absent: libpq's conventions only. */
  safeStorage?: Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'>;
}

export interface RunOptions {
  locations: AppLocations;
  startBackend: StartBackend;
  env?: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
}

export interface RunningApp {
  page: AppPage;
  workbook: WorkbookSession;
  window(): BrowserWindow | null;
  newWorkbook(): Promise<void>;
  openWorkbook(): Promise<void>;
  /** File › Back Up Workbook…: the backup's path, or null. */
  backupWorkbook(): Promise<string | null>;
  /** File › Restore from Backup…: where the replaced workbook was kept, or null. */
  restoreFromBackup(): Promise<string | null>;
}

export async function runApp(electron: MainElectron, options: RunOptions): Promise<RunningApp | null> {
  const { app, dialog } = electron;
  const platform = options.platform ?? process.platform;

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  app.enableSandbox();

  const page = appPageFrom(options.env ?? process.env, app.isPackaged, options.locations.rendererIndex);

  let window: BrowserWindow | null = null;
  // A linked workbook syncs from main (team-menu.ts); its password is kept in the OS keychain.
  const team = new DesktopTeam({ passwords: teamPasswords(electron.safeStorage, () => app.getPath('userData')), everyS: syncEveryS(options.env ?? process.env) });
  const workbook = new WorkbookSession(options.startBackend, (backend, path) => {
    const stopForwarding = forwardBackendEvents(backend, () => window);
    if (backend.hostCall) team.attach(backend as Required<typeof backend>, basename(path));
    // Closing waits for a sync under way on this workbook (bounded), then stops forwarding its events.
    return async () => {
      await team.detach(backend);
      stopForwarding();
    };
  });
  registerIpcHandlers(electron.ipcMain, { page, backend: () => workbook.backend() });
  registerTeamIpc(electron.ipcMain, page, () => team);

  const showWindow = () => {
    const title = windowTitle(workbookName(workbook.path ?? 'workbook'));
    if (window && !window.isDestroyed()) {
      window.setTitle(title);
      void loadAppPage(window, page); // a fresh page for the new workbook
      return;
    }
    window = createMainWindow(electron, { preloadPath: options.locations.preloadPath, page, title });
    window.on('closed', () => {
      window = null;
    });
  };

  const focusWindow = () => {
    if (!window || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  };

  const workbookDir = () => dirname(workbook.path ?? app.getPath('documents'));

  /** New Workbook never replaces a file: an existing one is refused, not emptied. */
  const refuseExisting = (path: string): boolean => {
    if (!existsSync(path)) return false;
    dialog.showErrorBox(
      'That file already exists',
      `${path}\n\nNew Workbook never replaces a file. Choose another name, or use File › Open Workbook… to open it.`,
    );
    return true;
  };

  /** Opens `path` in place of the current workbook; a refused file is reported and left as it is. */
  const switchTo = async (path: string): Promise<void> => {
    try {
      await workbook.open(path, { seedDemoIfEmpty: false });
    } catch (err) {
      dialog.showErrorBox(`Cannot open ${basename(path)}`, startFailureMessage(err));
      return;
    }
    app.addRecentDocument(path);
    showWindow();
  };

  const newWorkbook = async () => {
    const path = await askForNewWorkbookPath(dialog, window, workbookDir());
    if (path && !refuseExisting(path)) await switchTo(path);
  };

  const openWorkbook = async () => {
    const path = await askForWorkbookToOpen(dialog, window, workbookDir());
    if (path) await switchTo(path);
  };

  const backupRestore: BackupRestoreDeps = { dialog, window: () => window, workbook, showWorkbook: () => showWindow() };
  const backupWorkbook = () => backupFromMenu(backupRestore);
  const restoreFromBackup = () => restoreFromMenu(backupRestore);

  /** After a refused start: open another file, make a new one, or quit (null). */
  const askForAnotherWorkbook = async (): Promise<string | null> => {
    for (;;) {
      const { response } = await dialog.showMessageBox({
        type: 'question',
        title: 'Forecast Workbench',
        message: 'Open another workbook?',
        detail: 'The workbook that could not be opened was not changed.',
        buttons: ['Open Workbook…', 'New Workbook…', 'Quit'],
        defaultId: 0,
        cancelId: 2,
        noLink: true,
      });
      if (response === 0) {
        const path = await askForWorkbookToOpen(dialog, null, workbookDir());
        if (path) return path;
      } else if (response === 1) {
        const path = await askForNewWorkbookPath(dialog, null, app.getPath('documents'));
        if (path && !refuseExisting(path)) return path;
      } else {
        return null;
      }
    }
  };

  const openFirstWorkbook = async (): Promise<boolean> => {
    const userData = app.getPath('userData');
    mkdirSync(userData, { recursive: true, mode: 0o700 }); // the plan is private to its user
    let path = join(userData, 'workbook.sqlite');
    let seedDemoIfEmpty = true;
    for (;;) {
      try {
        await workbook.open(path, { seedDemoIfEmpty });
        return true;
      } catch (err) {
        dialog.showErrorBox(`Cannot open ${basename(path)}`, startFailureMessage(err));
        const next = await askForAnotherWorkbook();
        if (!next) return false;
        path = next;
        seedDemoIfEmpty = false;
      }
    }
  };

  app.on('second-instance', focusWindow);
  app.on('window-all-closed', () => {
    if (platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!window && workbook.path) showWindow();
  });

  // Quit waits for the backend to finish queued calls and close the workbook.
  let backendClosed = false;
  let closing = false;
  app.on('will-quit', (event) => {
    if (backendClosed) return;
    event.preventDefault();
    if (closing) return;
    closing = true;
    void workbook.close().finally(() => {
      backendClosed = true;
      discardStagingDir();
      app.quit();
    });
  });

  await app.whenReady();
  // Sessions exist only once the app is ready; no webContents exists before either.
  installSecurityGuards(electron, page, { allowDevtools: !app.isPackaged });
  app.setAboutPanelOptions({ applicationName: 'Forecast Workbench', applicationVersion: app.getVersion() });
  installApplicationMenu(electron, {
    platform,
    isPackaged: app.isPackaged,
    actions: {
      newWorkbook: () => void newWorkbook(),
      openWorkbook: () => void openWorkbook(),
      backupWorkbook: () => void backupWorkbook(),
      restoreFromBackup: () => void restoreFromBackup(),
      revealWorkbook: () => {
        if (workbook.path) electron.shell.showItemInFolder(workbook.path);
      },
      showAbout: () => app.showAboutPanel(),
      syncTeamNow: () => void syncTeamFromMenu(dialog, team),
      // The dialog is the page's (a URL field and a password field): main only tells it to open.
      connectTeam: () => window?.webContents.send(TEAM_CONNECT_REQUEST_CHANNEL),
      disconnectTeam: () => void disconnectFromMenu(dialog, () => window, team),
    },
  });

  if (!(await openFirstWorkbook())) {
    app.quit();
    return null;
  }
  showWindow();
  return { page, workbook, window: () => window, newWorkbook, openWorkbook, backupWorkbook, restoreFromBackup };
}
