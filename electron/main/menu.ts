// The application menu and the workbook file dialogs.
import { extname, join } from 'node:path';
import type { BaseWindow, Dialog, Menu as MenuType, MenuItemConstructorOptions, OpenDialogOptions, SaveDialogOptions } from 'electron';

export interface MenuActions {
  newWorkbook(): void;
  openWorkbook(): void;
  revealWorkbook(): void;
  backupWorkbook(): void;
  restoreFromBackup(): void;
  showAbout(): void;
  /** The team workbook (team-menu.ts): sync now, connect the open workbook, disconnect it. */
  syncTeamNow?(): void;
  connectTeam?(): void;
  disconnectTeam?(): void;
}

export interface MenuOptions {
  platform: NodeJS.Platform;
  isPackaged: boolean;
  actions: MenuActions;
}

export function menuTemplate({ platform, isPackaged, actions }: MenuOptions): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'New Workbook…', accelerator: 'CmdOrCtrl+N', click: () => actions.newWorkbook() },
      { label: 'Open Workbook…', accelerator: 'CmdOrCtrl+O', click: () => actions.openWorkbook() },
      { type: 'separator' },
      { label: 'Back Up Workbook…', click: () => actions.backupWorkbook() },
      { label: 'Restore from Backup…', click: () => actions.restoreFromBackup() },
      { type: 'separator' },
      { label: mac ? 'Reveal Workbook in Finder' : 'Reveal Workbook File', click: () => actions.revealWorkbook() },
      { type: 'separator' },
      // The team workbook: a single-seat workbook's Sync now says it is not linked.
      { label: 'Sync Now', accelerator: 'CmdOrCtrl+Shift+S', click: () => actions.syncTeamNow?.() },
      { label: 'Connect to Team Workbook…', click: () => actions.connectTeam?.() },
      { label: 'Disconnect from Team Workbook…', click: () => actions.disconnectTeam?.() },
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit', label: 'Quit' },
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      { role: 'reload' },
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      // DevTools only while developing: the installed app has no way into the page.
      ...(isPackaged ? [] : [{ type: 'separator' } as const, { role: 'toggleDevTools' } as const]),
    ],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [{ label: 'About Forecast Workbench', click: () => actions.showAbout() }],
  };
  const appMenu: MenuItemConstructorOptions[] = mac
    ? [
        {
          label: 'Forecast Workbench',
          submenu: [
            { label: 'About Forecast Workbench', click: () => actions.showAbout() },
            { type: 'separator' },
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            { type: 'separator' },
            { role: 'quit' },
          ],
        },
      ]
    : [];
  return [...appMenu, file, edit, view, help];
}

export function installApplicationMenu(electron: { Menu: typeof MenuType }, options: MenuOptions): MenuType {
  const menu = electron.Menu.buildFromTemplate(menuTemplate(options));
  electron.Menu.setApplicationMenu(menu);
  return menu;
}

export const WORKBOOK_FILTERS = [{ name: 'Workbook', extensions: ['sqlite'] }];

type FileDialog = Pick<Dialog, 'showSaveDialog' | 'showOpenDialog'>;

/** Where to create a new workbook; null if cancelled. Adds .sqlite when no extension was typed. */
export async function askForNewWorkbookPath(dialog: FileDialog, parent: BaseWindow | null, defaultDir: string): Promise<string | null> {
  const options: SaveDialogOptions = {
    title: 'New Workbook',
    buttonLabel: 'Create',
    defaultPath: join(defaultDir, 'New workbook.sqlite'),
    filters: WORKBOOK_FILTERS,
    properties: ['createDirectory'],
  };
  const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
  if (result.canceled || !result.filePath) return null;
  return extname(result.filePath) ? result.filePath : `${result.filePath}.sqlite`;
}

/** Which workbook to open; null if cancelled. */
export async function askForWorkbookToOpen(dialog: FileDialog, parent: BaseWindow | null, defaultDir: string): Promise<string | null> {
  const options: OpenDialogOptions = {
    title: 'Open Workbook',
    defaultPath: defaultDir,
    filters: WORKBOOK_FILTERS,
    properties: ['openFile'],
  };
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}
