// Electron's security checklist, applied in one place. The renderer is treated as
// untrusted: it gets no Node, no navigation, no new windows, no permissions, no
// remote content, and a strict Content-Security-Policy.
import type { App, Session, WebContents, WebPreferences } from 'electron';
import { CONTENT_SECURITY_POLICY_HEADER } from '../../shared/csp';
import { type AppPage, type RequestPolicy, isAllowedNavigation, isAllowedRequest } from './app-page';

export { isAllowedNavigation, isAllowedRequest };

/** The webPreferences of every window this app opens. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

type Headers = Record<string, string[]>;

/** Response headers with our CSP in place of any the response carried. */
export function withContentSecurityPolicy(headers: Headers | undefined): Headers {
  const out: Headers = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY_HEADER];
  return out;
}

/** Rules for one webContents: no navigation away, no popups, no <webview>. */
export function guardWebContents(contents: WebContents, page: AppPage): void {
  const stayOnAppPage = (event: { preventDefault(): void }, url: string) => {
    if (!isAllowedNavigation(url, page)) event.preventDefault();
  };
  contents.on('will-navigate', stayOnAppPage);
  contents.on('will-frame-navigate', (event) => stayOnAppPage(event, event.url));
  contents.on('will-redirect', stayOnAppPage);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

const hardened = new WeakSet<Session>();

/** Rules for a session: deny every permission, load nothing remote, attach the CSP. */
export function hardenSession(session: Session, page: AppPage, policy: RequestPolicy): void {
  if (hardened.has(session)) return;
  hardened.add(session);
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAllowedRequest(details.url, page, policy) });
  });
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) });
  });
  // Downloads would write wherever the page asks; exports go through the backend.
  session.on('will-download', (event) => event.preventDefault());
}

export interface SecurityElectron {
  app: Pick<App, 'on'>;
  session: { defaultSession: Session };
}

/** The one guard: every webContents this app ever creates gets the same rules. */
export function installSecurityGuards(electron: SecurityElectron, page: AppPage, policy: RequestPolicy): void {
  hardenSession(electron.session.defaultSession, page, policy);
  electron.app.on('web-contents-created', (_event, contents) => {
    guardWebContents(contents, page);
    hardenSession(contents.session, page, policy);
  });
}
