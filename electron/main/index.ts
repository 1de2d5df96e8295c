// Entry of the Electron main process (out/main/index.js). Thin on purpose: the
// lifecycle, window, security guard, IPC and menu live in their own modules and
// take Electron as a parameter.
import { BrowserWindow, Menu, app, dialog, ipcMain, safeStorage, session, shell } from 'electron';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendHost } from '../backend/host-entry';
import { appLocations } from './app-page';
import { runApp } from './lifecycle';

// The main build emits out/main/index.js and out/main/worker.js side by side.
const locations = appLocations(dirname(fileURLToPath(import.meta.url)));

runApp(
  { app, BrowserWindow, dialog, ipcMain, Menu, session, shell, safeStorage },
  { locations, startBackend: (init) => BackendHost.start(locations.workerUrl, { ...init, program: 'the desktop app' }) },
).catch((err: unknown) => {
  // A sentence, never a stack: the person can do nothing with one.
  dialog.showErrorBox('Forecast Workbench could not start', `${err instanceof Error ? err.message : String(err)}\n\nThis is a fault of the app; please report it.`);
  app.exit(1);
});
