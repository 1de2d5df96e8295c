// The IPC surface: one handler per contract method, nothing else. Each handler
// first checks that the call comes from the app's own top-level page (as VS Code
// validates senderFrame), then relays to the backend, which validates the payload.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { ApiError, BackendEvent, Result } from '../../shared/domain';
import { statSync } from 'node:fs';
import { EVENT_CHANNEL, METHOD_NAMES, STAGE_FILE_CHANNEL, type MethodName, ipcChannel } from '../../shared/methods';
import { defaultStagingDir, stageCopy } from '../backend/host-entry';
import { type AppPage, isAppPageUrl } from './app-page';

export interface BackendRelay {
  call(method: string, payload: unknown): Promise<Result<unknown>>;
}

export interface IpcOptions {
  page: AppPage;
  /** The open workbook's backend; waits while File › Open switches workbooks. */
  backend(): Promise<BackendRelay | null>;
  stagingDir?: string;
}

function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

type SenderFrame = Pick<NonNullable<IpcMainInvokeEvent['senderFrame']>, 'url' | 'parent'>;

/** Only the app's own page, in the top frame, may call the backend. */
export function isTrustedSender(frame: SenderFrame | null | undefined, page: AppPage): boolean {
  if (!frame) return false; // navigated away or destroyed
  if (frame.parent !== null) return false;
  return isAppPageUrl(frame.url, page);
}

const forbidden = (method: MethodName): Result<never> => ({
  ok: false,
  error: { code: 'FORBIDDEN', message: `${method} may only be called by the Forecast Workbench window.` },
});

const noWorkbook: ApiError = { code: 'BACKEND_UNAVAILABLE', message: 'No workbook is open.' };

export function registerIpcHandlers(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, options: IpcOptions): () => void {
  for (const method of METHOD_NAMES) {
    ipcMain.handle(ipcChannel(method), async (event: IpcMainInvokeEvent, payload: unknown): Promise<Result<unknown>> => {
      if (!isTrustedSender(event.senderFrame, options.page)) return forbidden(method);
      const backend = await options.backend();
      if (!backend) return { ok: false, error: noWorkbook };
      return backend.call(method, payload);
    });
  }
  // Staging is transport, not contract: the browser host takes uploads over HTTP instead.
  ipcMain.handle(STAGE_FILE_CHANNEL, async (event: IpcMainInvokeEvent, path: unknown): Promise<Result<unknown>> => {
    if (!isTrustedSender(event.senderFrame, options.page)) return { ok: false, error: { code: 'FORBIDDEN', message: 'Only the Forecast Workbench window may stage files.' } };
    if (typeof path !== 'string' || path === '' || !isRegularFile(path)) {
      return { ok: false, error: { code: 'INVALID_REQUEST', message: 'Choose a file on this computer to import.' } };
    }
    try {
      return { ok: true, value: await stageCopy(options.stagingDir ?? defaultStagingDir(), path) };
    } catch (err) {
      return { ok: false, error: { code: 'INTERNAL', message: `Could not read ${path}: ${(err as Error).message}` } };
    }
  });
  return () => {
    for (const method of METHOD_NAMES) ipcMain.removeHandler(ipcChannel(method));
    ipcMain.removeHandler(STAGE_FILE_CHANNEL);
  };
}

export interface EventSource {
  onEvent(listener: (event: BackendEvent) => void): () => void;
}

type EventTarget = { isDestroyed(): boolean; webContents: Pick<WebContents, 'send'> };

/** Backend events (job progress, workbook changes) go to the window, if it is open. */
export function forwardBackendEvents(source: EventSource, window: () => EventTarget | null): () => void {
  return source.onEvent((event) => {
    const target = window();
    if (target && !target.isDestroyed()) target.webContents.send(EVENT_CHANNEL, event);
  });
}
