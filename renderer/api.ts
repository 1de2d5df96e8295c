// The one client of the backend: window.workbench (the preload's bridge) in the
// desktop app, fetch + the session token (traded for a one-time launch code) against the browser host otherwise.
import type { RequestOf, ResponseOf } from '../shared/contract';
import type { BackendEvent, Result, StagedFile } from '../shared/domain';
import type { MethodName } from '../shared/methods';
import type { TeamConnectAnswer, TeamDisconnectAnswer, TeamPageMethod, TeamStatus } from '../shared/team-status';

export type Transport = 'desktop' | 'browser';

export interface WorkbenchClient {
  transport: Transport;
  call<M extends MethodName>(method: M, payload?: RequestOf<M>): Promise<Result<ResponseOf<M>>>;
  onEvent(listener: (event: BackendEvent) => void): () => void;
  /** Hands a picked or dropped file to the backend for import. */
  stageFile(file: File): Promise<Result<StagedFile>>;
  /** Browser host only: a finished export from the workbook's exports folder, by file name (the desktop app has it on disk already). */
  fetchExport(fileName: string): Promise<Result<Blob>>;
  /** The host's team sync of a linked workbook (shared/team-status.ts): its status, or a sync now. */
  team(method: TeamPageMethod): Promise<Result<TeamStatus>>;
  /** Connect to Team Workbook…'s answer: the desktop app keeps the password in the OS keychain, the browser host in its memory until it stops. */
  teamConnect(request: { url: string; password: string }): Promise<Result<TeamConnectAnswer>>;
  /** Browser host only (the desktop app asks in its File menu): Disconnect, once the page has asked; keepUnsent after the second question. */
  teamDisconnect(keepUnsent: boolean): Promise<Result<TeamDisconnectAnswer>>;
  /** Desktop only: the File menu asks for the Connect dialog. Returns the unsubscribe. */
  onTeamConnectRequest(listener: () => void): () => void;
}

type Bridge = {
  transport: 'desktop';
  onEvent(listener: (e: BackendEvent) => void): () => void;
  stageFile(file: File): Promise<Result<StagedFile>>;
} & Record<string, unknown>;

const TOKEN_KEY = 'fwb.token';
const NO_TOKEN = 'No access token: open the address the browser host printed.';

interface Session {
  token: string | null;
  /** Why there is no token, in words for the person (a spent launch link). */
  problem?: string;
}

/** Takes a parameter out of the address bar, so it is not bookmarked, shared or kept in history. */
function takeFromAddress(name: string): string | null {
  const url = new URL(window.location.href);
  const value = url.searchParams.get(name);
  if (value === null) return null;
  url.searchParams.delete(name);
  window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  return value;
}

/**
 * This tab's session token, kept in its session storage. The host's addresses
 * carry a one-time launch code, traded here for the token once (the token itself
 * is never in an address another program was given); an address with the token
 * itself is taken as is (scripts and tests that traded a code already).
 */
async function browserSession(): Promise<Session> {
  const code = takeFromAddress('code');
  if (code !== null) {
    try {
      const response = await fetch('/api/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code }) });
      const result = (await response.json()) as Result<{ token: string }>;
      if (result.ok) {
        sessionStorage.setItem(TOKEN_KEY, result.value.token);
        return { token: result.value.token };
      }
      // A spent code: this tab may still hold its session from the first time.
      return { token: sessionStorage.getItem(TOKEN_KEY), problem: result.error.message };
    } catch (err) {
      return { token: sessionStorage.getItem(TOKEN_KEY), problem: `The browser host does not answer: ${(err as Error).message}` };
    }
  }
  const token = takeFromAddress('token');
  if (token !== null) sessionStorage.setItem(TOKEN_KEY, token);
  return { token: sessionStorage.getItem(TOKEN_KEY) };
}

function desktopClient(bridge: Bridge): WorkbenchClient {
  return {
    transport: 'desktop',
    call: (method, payload) => (bridge[method] as (p: unknown) => Promise<Result<never>>)(payload ?? {}),
    onEvent: (listener) => bridge.onEvent(listener),
    stageFile: (file) => bridge.stageFile(file),
    fetchExport: async () => ({ ok: false, error: { code: 'INVALID_REQUEST', message: 'The desktop app writes exports straight to disk.' } }),
    // The seam for Electron's main process: it exposes these once it runs the team sync (electron/team/app-sync.ts).
    team: (method) =>
      typeof bridge[method] === 'function'
        ? (bridge[method] as () => Promise<Result<TeamStatus>>)()
        : Promise.resolve({ ok: false, error: { code: 'BACKEND_UNAVAILABLE', message: 'The desktop app does not sync team workbooks yet: use fwb sync or the browser host.' } }),
    teamConnect: (request) =>
      typeof bridge.teamConnect === 'function'
        ? (bridge.teamConnect as (r: unknown) => Promise<Result<TeamConnectAnswer>>)(request)
        : Promise.resolve({ ok: false, error: { code: 'BACKEND_UNAVAILABLE', message: 'This app cannot connect to a team workbook: use fwb team join.' } }),
    teamDisconnect: async () => ({ ok: false, error: { code: 'BACKEND_UNAVAILABLE', message: 'Choose File › Disconnect from Team Workbook… in the app’s menu.' } }),
    onTeamConnectRequest: (listener) => (typeof bridge.onTeamConnectRequest === 'function' ? (bridge.onTeamConnectRequest as (l: () => void) => () => void)(listener) : () => {}),
  };
}

function browserClient(): WorkbenchClient {
  const session = browserSession();
  const unauthorized = (problem: string | undefined) => ({ ok: false as const, error: { code: 'UNAUTHORIZED' as const, message: problem ?? NO_TOKEN } });
  async function post(method: string, payload: unknown): Promise<Result<unknown>> {
    const { token, problem } = await session;
    if (!token) return unauthorized(problem);
    try {
      const response = await fetch(`/api/call/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(payload ?? {}),
      });
      return (await response.json()) as Result<unknown>;
    } catch (err) {
      return { ok: false, error: { code: 'BACKEND_UNAVAILABLE', message: `The browser host does not answer: ${(err as Error).message}` } };
    }
  }
  return {
    transport: 'browser',
    call: (method, payload) => post(method, payload) as Promise<Result<never>>,
    team: (method) => post(method, {}) as Promise<Result<TeamStatus>>,
    // Host calls beside the API (electron/team/host-team.ts): the password typed stays in the host's memory.
    teamConnect: (request) => post('teamConnect', { url: String(request.url), password: String(request.password) }) as Promise<Result<TeamConnectAnswer>>,
    teamDisconnect: (keepUnsent) => post('teamDisconnect', { keepUnsent }) as Promise<Result<TeamDisconnectAnswer>>,
    // The page's own Team workbook menu opens the dialog (stores/team.ts); no native menu asks for it.
    onTeamConnectRequest: () => () => {},
    async stageFile(file) {
      const { token, problem } = await session;
      if (!token) return unauthorized(problem);
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
      const { token, problem } = await session;
      if (!token) return unauthorized(problem);
      try {
        const response = await fetch(`/api/exports/${encodeURIComponent(fileName)}`, { headers: { Authorization: `Bearer ${token}` } });
        if (!response.ok) return (await response.json()) as Result<Blob>;
        return { ok: true, value: await response.blob() };
      } catch (err) {
        return { ok: false, error: { code: 'BACKEND_UNAVAILABLE', message: `Download failed: ${(err as Error).message}` } };
      }
    },
    onEvent(listener) {
      let source: EventSource | null = null;
      let stopped = false;
      void session.then(({ token }) => {
        if (!token || stopped) return;
        source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
        source.onmessage = (message) => listener(JSON.parse(message.data as string) as BackendEvent);
      });
      return () => {
        stopped = true;
        source?.close();
      };
    },
  };
}

function createClient(): WorkbenchClient {
  const bridge = (window as unknown as { workbench?: Bridge }).workbench;
  return bridge ? desktopClient(bridge) : browserClient();
}

export const api: WorkbenchClient = createClient();
