// The one client of the backend: window.workbench (the preload's bridge) in the
// desktop app, fetch + the launch token against the browser host otherwise.
import type { RequestOf, ResponseOf } from '../shared/contract';
import type { BackendEvent, Result, StagedFile } from '../shared/domain';
import type { MethodName } from '../shared/methods';

export type Transport = 'desktop' | 'browser';

export interface WorkbenchClient {
  transport: Transport;
  call<M extends MethodName>(method: M, payload?: RequestOf<M>): Promise<Result<ResponseOf<M>>>;
  onEvent(listener: (event: BackendEvent) => void): () => void;
  /** Hands a picked or dropped file to the backend for import. */
  stageFile(file: File): Promise<Result<StagedFile>>;
  /** Browser host only: a finished export from the workbook's exports folder, by file name (the desktop app has it on disk already). */
  fetchExport(fileName: string): Promise<Result<Blob>>;
}

type Bridge = {
  transport: 'desktop';
  onEvent(listener: (e: BackendEvent) => void): () => void;
  stageFile(file: File): Promise<Result<StagedFile>>;
} & Record<string, unknown>;

const TOKEN_KEY = 'fwb.token';

/** Takes the token out of the address bar (so it is not bookmarked or shared) and keeps it for this tab. */
function browserToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function desktopClient(bridge: Bridge): WorkbenchClient {
  return {
    transport: 'desktop',
    call: (method, payload) => (bridge[method] as (p: unknown) => Promise<Result<never>>)(payload ?? {}),
    onEvent: (listener) => bridge.onEvent(listener),
    stageFile: (file) => bridge.stageFile(file),
    fetchExport: async () => ({ ok: false, error: { code: 'INVALID_REQUEST', message: 'The desktop app writes exports straight to disk.' } }),
  };
}

function browserClient(): WorkbenchClient {
  const token = browserToken();
  return {
    transport: 'browser',
    async call(method, payload) {
      if (!token) return { ok: false, error: { code: 'UNAUTHORIZED', message: 'No access token: open the address the browser host printed.' } };
      try {
        const response = await fetch(`/api/call/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify(payload ?? {}),
        });
        return (await response.json()) as Result<never>;
      } catch (err) {
        return { ok: false, error: { code: 'BACKEND_UNAVAILABLE', message: `The browser host does not answer: ${(err as Error).message}` } };
      }
    },
    async stageFile(file) {
      if (!token) return { ok: false, error: { code: 'UNAUTHORIZED', message: 'No access token: open the address the browser host printed.' } };
      try {
        // The body is the File itself: the browser streams it, nothing is read into memory here.
        const response = await fetch(`/api/upload?name=${encodeURIComponent(file.name)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/octet-stream', Authorization: `Bearer ${token}` },
          body: file,
        });
        return (await response.json()) as Result<StagedFile>;
      } catch (err) {
        return { ok: false, error: { code: 'BACKEND_UNAVAILABLE', message: `Upload failed: ${(err as Error).message}` } };
      }
    },
    async fetchExport(fileName) {
      if (!token) return { ok: false, error: { code: 'UNAUTHORIZED', message: 'No access token: open the address the browser host printed.' } };
      try {
        const response = await fetch(`/api/exports/${encodeURIComponent(fileName)}`, { headers: { Authorization: `Bearer ${token}` } });
        if (!response.ok) return (await response.json()) as Result<Blob>;
        return { ok: true, value: await response.blob() };
      } catch (err) {
        return { ok: false, error: { code: 'BACKEND_UNAVAILABLE', message: `Download failed: ${(err as Error).message}` } };
      }
    },
    onEvent(listener) {
      if (!token) return () => {};
      const source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
      source.onmessage = (message) => listener(JSON.parse(message.data as string) as BackendEvent);
      return () => source.close();
    },
  };
}

function createClient(): WorkbenchClient {
  const bridge = (window as unknown as { workbench?: Bridge }).workbench;
  return bridge ? desktopClient(bridge) : browserClient();
}

export const api: WorkbenchClient = createClient();
