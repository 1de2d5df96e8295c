// The one window: secure webPreferences, the app page, our own title.
import type { BrowserWindow as BrowserWindowType } from 'electron';
import type { AppPage } from './app-page';
import { secureWebPreferences } from './security';

/** The renderer's --bg, so a resize or a slow first paint never flashes white. */
export const APP_BACKGROUND = '#f4f5f7';

export const windowTitle = (workbookName: string) => `Forecast Workbench — ${workbookName}`;

export interface WindowElectron {
  BrowserWindow: typeof BrowserWindowType;
}

export interface MainWindowOptions {
  preloadPath: string;
  page: AppPage;
  title: string;
}

export function createMainWindow(electron: WindowElectron, options: MainWindowOptions): BrowserWindowType {
  const window = new electron.BrowserWindow({
    width: 1360,
    height: 880,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: options.title,
    backgroundColor: APP_BACKGROUND,
    webPreferences: secureWebPreferences(options.preloadPath),
  });
  // The page's <title> would replace the workbook name; the shell owns the title.
  window.on('page-title-updated', (event) => event.preventDefault());
  window.once('ready-to-show', () => window.show());
  void loadAppPage(window, options.page);
  return window;
}

export function loadAppPage(window: BrowserWindowType, page: AppPage): Promise<void> {
  const loading = page.kind === 'file' ? window.loadFile(page.indexPath) : window.loadURL(page.url);
  // A failed load (missing build) shows in the window; never crash the main process over it.
  return loading.catch((err: Error) => {
    process.stderr.write(`Could not load the app page: ${err.message}\n`);
  });
}
