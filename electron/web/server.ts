// The browser host: the built renderer and the same API over HTTP, on loopback
// only, behind a random per-launch session token. The token itself is never
// printed or put in a URL handed to another program (issue 12.3): the host hands
// out one-time launch codes instead, and the page trades one for the token
// (POST /api/session); a code is spent on first use.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sirv from 'sirv';
import { CONTENT_SECURITY_POLICY_HEADER } from '../../shared/csp';
import type { ApiError, BackendEvent, Result } from '../../shared/domain';
import { defaultStagingDir, exportFileIn, READ_NO_FOLLOW, stageStream } from '../backend/host-entry';
import { createReadStream, openSync } from 'node:fs';
import { isTeamHostMethod, isTeamPageMethod, type TeamConnectAnswer, type TeamDisconnectAnswer, type TeamStatus } from '../../shared/team-status';

export interface ApiBackend {
  call(method: string, payload: unknown): Promise<Result<unknown>>;
  onEvent(listener: (event: BackendEvent) => void): () => void;
}

export interface WebHostOptions {
  backend: ApiBackend;
  rendererDir: string;
  port?: number;
  token?: string;
  /** Where uploads are staged for the backend to import (see backend/imports/staging.ts). */
  stagingDir?: string;
  /** The workbook's exports folder (backend/exports/folder.ts): finished exports are downloaded from here, by name. */
  exportsDir?: string;
  /** The host's team sync (electron/team/app-sync.ts): answers the page's teamStatus and syncNow. */
  team?: {
    status(): Promise<TeamStatus>;
    syncNow(): Promise<TeamStatus>;
    /** The page's Team workbook › Connect… (electron/team/host-team.ts): the password stays in this process. */
    connect?(request: { url: string; password: string }): Promise<TeamConnectAnswer>;
    disconnect?(keepUnsent: boolean): Promise<TeamDisconnectAnswer>;
  };
}

export interface WebHost {
  /** The host's address, without any credential. */
  url: string;
  port: number;
  /** The session token: the bearer of every API request. */
  token: string;
  /** A new address that opens the app once: it carries a one-time launch code, not the token. */
  launchUrl(): string;
  close(): Promise<void>;
}


const MAX_BODY_BYTES = 1 << 20;
const LOOPBACK = '127.0.0.1';

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY_HEADER,
  'X-Content-Type-Options': 'nosniff',
  // A launch code travels in the first URL; never let it leak through a Referer.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, error: ApiError): void {
  sendJson(res, status, { ok: false, error });
}

function tokenMatches(expected: Buffer, given: string | null | undefined): boolean {
  if (!given) return false;
  const buf = Buffer.from(given);
  return buf.length === expected.length && timingSafeEqual(buf, expected);
}

function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : null;
}

class BodyTooLarge extends Error {
  constructor() {
    super(`request body over ${MAX_BODY_BYTES} bytes`);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        // Drain rather than reset the socket, so the client gets a readable 413.
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => (size > MAX_BODY_BYTES ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

export function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const tokenBuf = Buffer.from(token);
  // One-time launch codes not yet traded for the token.
  const launchCodes = new Set<string>();
  // Without a built renderer the API still works; pages say how to build them.
  const serveStatic = existsSync(options.rendererDir)
    ? sirv(options.rendererDir, {
        etag: true,
        setHeaders: (res) => {
          for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
        },
      })
    : (_req: IncomingMessage, res: ServerResponse) =>
        sendError(res, 503, { code: 'BACKEND_UNAVAILABLE', message: `The renderer is not built (${options.rendererDir} is missing): run npm run build.` });
  const eventStreams = new Set<ServerResponse>();
  const unsubscribe = options.backend.onEvent((event) => {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const res of eventStreams) res.write(frame);
  });
  let port = 0;

  const server = createServer(async (req, res) => {
    try {
      // DNS-rebinding guard: only our own loopback origin may talk to us.
      const host = req.headers.host ?? '';
      if (host !== `${LOOPBACK}:${port}` && host !== `localhost:${port}`) {
        sendError(res, 403, { code: 'FORBIDDEN', message: 'Wrong host.' });
        return;
      }
      const url = new URL(req.url ?? '/', `http://${host}`);
      if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
        await handleApi(req, res, url);
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendError(res, 405, { code: 'INVALID_REQUEST', message: 'Method not allowed.' });
        return;
      }
      serveStatic(req, res, () => sendError(res, 404, { code: 'NOT_FOUND', message: 'Not found.' }));
    } catch (err) {
      if (!res.headersSent) sendError(res, 500, { code: 'INTERNAL', message: (err as Error).message });
      else res.end();
    }
  });

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname === '/api/session' && req.method === 'POST') {
      await tradeLaunchCode(req, res);
      return;
    }
    if (url.pathname === '/api/events' && req.method === 'GET') {
      // EventSource cannot send headers, so this one stream takes the token in the query.
      if (!tokenMatches(tokenBuf, url.searchParams.get('token'))) {
        sendError(res, 401, { code: 'UNAUTHORIZED', message: 'Missing or wrong token.' });
        return;
      }
      res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      res.write(': connected\n\n');
      eventStreams.add(res);
      req.on('close', () => eventStreams.delete(res));
      return;
    }
    if (!tokenMatches(tokenBuf, bearer(req))) {
      sendError(res, 401, { code: 'UNAUTHORIZED', message: 'Missing or wrong token.' });
      return;
    }
    if (url.pathname === '/api/upload' && req.method === 'POST') {
      // The file streams to disk as it arrives; no size limit but the disk's.
      try {
        const staged = await stageStream(options.stagingDir ?? defaultStagingDir(), url.searchParams.get('name') ?? 'upload', req);
        sendJson(res, 200, { ok: true, value: staged });
      } catch (err) {
        sendError(res, 500, { code: 'INTERNAL', message: `Upload failed: ${(err as Error).message}` });
      }
      return;
    }
    const download = /^\/api\/exports\/([^/]+)$/.exec(url.pathname);
    if (download && req.method === 'GET') {
      // Only a file the app wrote into the exports folder, by its bare name: no path can be named.
      let name = '';
      try {
        name = decodeURIComponent(download[1]!);
      } catch {
        /* not a name */
      }
      const file = options.exportsDir ? exportFileIn(options.exportsDir, name) : null;
      let fd: number | null = null;
      try {
        // Opened without following a link, should one have been swapped in since the check.
        if (file) fd = openSync(file, READ_NO_FOLLOW);
      } catch {
        fd = null;
      }
      if (!file || fd === null) {
        sendError(res, 404, { code: 'NOT_FOUND', message: 'No such export.' });
        return;
      }
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        // Always an attachment: a downloaded governance report opens as a file, never inside the app's origin.
        'Content-Type': name.endsWith('.xlsx') ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : name.endsWith('.html') ? 'text/html; charset=utf-8' : 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${name.replace(/"/g, '')}"`,
        'Cache-Control': 'no-store',
      });
      createReadStream(file, { fd }).on('error', () => res.destroy()).pipe(res);
      return;
    }
    const match = /^\/api\/call\/([A-Za-z]+)$/.exec(url.pathname);
    if (!match || req.method !== 'POST') {
      sendError(res, 404, { code: 'UNKNOWN_METHOD', message: `No such API route: ${req.method} ${url.pathname}` });
      return;
    }
    let payload: unknown;
    try {
      const body = await readBody(req);
      payload = body.trim() === '' ? {} : JSON.parse(body);
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        sendError(res, 413, { code: 'INVALID_REQUEST', message: `Request body is too large (${err.message}).` });
        return;
      }
      // JSON.parse quotes the body: never into an answer when it may carry a password.
      const why = isTeamHostMethod(match[1]!) ? '' : `: ${(err as Error).message}`;
      sendError(res, 400, { code: 'INVALID_REQUEST', message: `Request body is not valid JSON${why}.` });
      return;
    }
    const method = match[1]!;
    if (isTeamPageMethod(method)) {
      // The host's own calls, not the backend's: the sync reaches the team's server from here.
      const team = options.team;
      if (!team) {
        sendJson(res, 200, { ok: false, error: { code: 'BACKEND_UNAVAILABLE', message: 'This host does not sync team workbooks.' } });
        return;
      }
      sendJson(res, 200, { ok: true, value: await (method === 'syncNow' ? team.syncNow() : team.status()) });
      return;
    }
    if (isTeamHostMethod(method)) {
      sendJson(res, 200, await teamHostCall(method, payload));
      return;
    }
    const result = await options.backend.call(method, payload);
    // A refused call is an answer, not a transport failure: the Result says why,
    // exactly as over IPC. HTTP errors are kept for auth, routing and bad bodies.
    sendJson(res, 200, result);
  }

  /** Connect and Disconnect: the host's own calls, with the password kept in this process (host-team.ts). */
  async function teamHostCall(method: string, payload: unknown): Promise<Result<unknown>> {
    const team = options.team;
    if (!team?.connect || !team.disconnect) return { ok: false, error: { code: 'BACKEND_UNAVAILABLE', message: 'This host does not link team workbooks: run fwb team join --db FILE --url MEMBER_URL, then open it here.' } };
    const r = (payload ?? {}) as { url?: unknown; password?: unknown; keepUnsent?: unknown };
    if (method === 'teamDisconnect') return { ok: true, value: await team.disconnect(r.keepUnsent === true) };
    if (typeof r.url !== 'string' || typeof r.password !== 'string' || r.url.length > 4096 || r.password.length > 1024) {
      return { ok: false, error: { code: 'INVALID_REQUEST', message: 'Give the team workbook’s address and, if it needs one, your password.' } };
    }
    return { ok: true, value: await team.connect({ url: r.url, password: r.password }) };
  }

  /** POST /api/session {code}: the session token for a launch code, once; the code is spent. */
  async function tradeLaunchCode(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Only our own page may ask: a form on another site can post text/plain without a
    // preflight (so JSON is required) and a browser names the site it posts from.
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host}`) {
      sendError(res, 403, { code: 'FORBIDDEN', message: 'Launch codes are only accepted from the app’s own page.' });
      return;
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      sendError(res, 415, { code: 'INVALID_REQUEST', message: 'Send the launch code as JSON.' });
      return;
    }
    let code: unknown;
    try {
      code = (JSON.parse(await readBody(req)) as { code?: unknown }).code;
    } catch {
      code = undefined;
    }
    if (typeof code !== 'string' || !launchCodes.delete(code)) {
      sendError(res, 401, {
        code: 'UNAUTHORIZED',
        message: 'This launch link was already used or is not valid: use the tab it opened, or restart the browser host (npm run web) for a new link.',
      });
      return;
    }
    sendJson(res, 200, { ok: true, value: { token } });
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK, () => {
      port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://${LOOPBACK}:${port}/`,
        port,
        token,
        launchUrl: () => {
          const code = randomBytes(24).toString('base64url');
          launchCodes.add(code);
          return `http://${LOOPBACK}:${port}/?code=${code}`;
        },
        close: () =>
          new Promise<void>((done) => {
            unsubscribe();
            for (const res of eventStreams) res.end();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
