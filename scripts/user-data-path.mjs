// Where Electron keeps the app's data (app.getPath('userData')), worked out
// without Electron, so `npm start` opens the same workbook whether it runs the
// desktop app or falls back to the browser host.
import { homedir } from 'node:os';
import path from 'node:path';

export const PRODUCT_NAME = 'Forecast Workbench';

/** Electron's appData: the per-user config folder of the platform. */
export function appDataDir({ platform = process.platform, env = process.env, home = homedir() } = {}) {
  if (platform === 'win32') return env.APPDATA || path.win32.join(home, 'AppData', 'Roaming');
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support');
  // Chromium takes XDG_CONFIG_HOME as is when set and non-empty.
  return env.XDG_CONFIG_HOME || path.posix.join(home, '.config');
}

/** app.getPath('userData'): appData + the product name from package.json. */
export function userDataDir(options = {}) {
  const join = (options.platform ?? process.platform) === 'win32' ? path.win32.join : path.posix.join;
  return join(appDataDir(options), options.productName ?? PRODUCT_NAME);
}

/** The workbook the desktop app opens on first start. */
export function defaultWorkbookPath(options = {}) {
  const join = (options.platform ?? process.platform) === 'win32' ? path.win32.join : path.posix.join;
  return join(userDataDir(options), 'workbook.sqlite');
}
