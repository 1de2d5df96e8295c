// Where the app's own page lives, and which URLs count as it. The desktop shell
// loads one page: out/renderer/index.html from disk, or the electron-vite dev
// server during `electron-vite dev`. Everything else is foreign.
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export type AppPage =
  | { kind: 'file'; indexPath: string }
  | { kind: 'dev'; url: string };

/** The built app next to the main bundle: out/main/ → out/preload, out/renderer. */
export interface AppLocations {
  preloadPath: string;
  rendererIndex: string;
  workerUrl: URL;
}

export function appLocations(mainDir: string): AppLocations {
  const outDir = join(mainDir, '..');
  return {
    preloadPath: join(outDir, 'preload', 'index.cjs'),
    rendererIndex: join(outDir, 'renderer', 'index.html'),
    workerUrl: pathToFileURL(join(mainDir, 'worker.js')),
  };
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The dev server (ELECTRON_RENDERER_URL, set by `electron-vite dev`) is honoured
 * only in an unpackaged app and only on loopback, so an environment variable can
 * never point the installed app at remote content.
 */
export function appPageFrom(env: Record<string, string | undefined>, isPackaged: boolean, rendererIndex: string): AppPage {
  const devUrl = env.ELECTRON_RENDERER_URL;
  if (!isPackaged && devUrl) {
    try {
      const url = new URL(devUrl);
      if ((url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTS.has(url.hostname)) {
        return { kind: 'dev', url: url.href };
      }
    } catch {
      // not a URL: fall through to the built files
    }
  }
  return { kind: 'file', indexPath: rendererIndex };
}

export function appPageUrl(page: AppPage): string {
  return page.kind === 'file' ? pathToFileURL(page.indexPath).href : page.url;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** Decoded path of a file: URL, compared case-insensitively where the file system is. */
function filePath(url: URL, platform: NodeJS.Platform): string | null {
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  return platform === 'win32' || platform === 'darwin' ? path.toLowerCase() : path;
}

/**
 * Is `url` the app's own page? For the built app: file:// and exactly
 * out/renderer/index.html (query and hash may differ). For the dev server: its
 * origin. Used for navigation and for checking who sends IPC.
 */
export function isAppPageUrl(url: string, page: AppPage, platform: NodeJS.Platform = process.platform): boolean {
  const target = parse(url);
  if (!target) return false;
  if (page.kind === 'dev') return target.origin === new URL(page.url).origin;
  if (target.protocol !== 'file:' || (target.host !== '' && target.host !== 'localhost')) return false;
  const path = filePath(target, platform);
  return path !== null && path === filePath(new URL(appPageUrl(page)), platform);
}

/** May a frame navigate to `url`? Only to the app's own page (a reload, a hash change). */
export function isAllowedNavigation(url: string, page: AppPage, platform: NodeJS.Platform = process.platform): boolean {
  return isAppPageUrl(url, page, platform);
}

export interface RequestPolicy {
  /** DevTools' own pages (devtools://) load only in an unpackaged app. */
  allowDevtools: boolean;
}

/**
 * May the app load `url` at all? Only its own files (out/renderer/**), inline
 * data: images and, in development, the dev server (including its HMR socket).
 * Nothing remote, ever.
 */
export function isAllowedRequest(url: string, page: AppPage, policy: RequestPolicy, platform: NodeJS.Platform = process.platform): boolean {
  const target = parse(url);
  if (!target) return false;
  if (target.protocol === 'data:') return true;
  if (target.protocol === 'devtools:') return policy.allowDevtools;
  if (page.kind === 'dev') {
    const dev = new URL(page.url);
    return ['http:', 'https:', 'ws:', 'wss:'].includes(target.protocol) && target.host === dev.host;
  }
  if (target.protocol !== 'file:' || (target.host !== '' && target.host !== 'localhost')) return false;
  const path = filePath(target, platform);
  // Escaped separators or dot segments survive URL normalisation; refuse them.
  if (path === null || path.includes('\\') || path.split('/').includes('..')) return false;
  const rendererDir = filePath(new URL(pathToFileURL(dirname(page.indexPath)).href + '/'), platform);
  return rendererDir !== null && path.startsWith(rendererDir);
}
