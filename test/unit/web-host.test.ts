import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { stagedPath } from '../../electron/backend/imports/staging';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/backend/api';
import type { BackendContext } from '../../electron/backend/context';
import { startWebHost, type WebHost } from '../../electron/web/server';
import { CONTENT_SECURITY_POLICY_HEADER } from '../../shared/csp';
import type { BackendEvent, StagedFile } from '../../shared/domain';
import { smallWorkbook, tempDir } from '../helpers/workbook';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP, so tests can send the headers a browser would not (wrong Host, no token). */
function send(port: number, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('the browser host', () => {
  const t = tempDir();
  let ctx: BackendContext;
  let host: WebHost;
  const listeners = new Set<(e: BackendEvent) => void>();

  beforeAll(async () => {
    ({ ctx } = await smallWorkbook(t.dir));
    const rendererDir = join(t.dir, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Forecast Workbench</title>');
    host = await startWebHost({
      backend: { call: (m, p) => dispatch(ctx, m, p), onEvent: (l) => (listeners.add(l), () => listeners.delete(l)) },
      rendererDir,
      stagingDir: join(t.dir, 'staging'),
    });
  });
  afterAll(async () => {
    await host.close();
    ctx.db.close();
    t.cleanup();
  });

  const call = (method: string, body: unknown, token: string | null = host.token) =>
    send(host.port, `/api/call/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('has a loopback address without credentials, and hands out one-time launch addresses instead of the token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/`);
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const first = host.launchUrl();
    expect(first).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?code=[A-Za-z0-9_-]{32}$`));
    expect(first).not.toContain(host.token);
    expect(host.launchUrl()).not.toBe(first);
  });

  it('refuses API requests without the right token with 401', async () => {
    for (const token of [null, 'wrong', `${host.token}x`, host.token.slice(0, -1)]) {
      const answer = await call('getWorkbookInfo', {}, token);
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    }
    expect((await send(host.port, '/api/events')).status).toBe(401);
    expect((await send(host.port, '/api/events?token=nope')).status).toBe(401);
  });

  it('serves the API with the token', async () => {
    const answer = await call('getWorkbookInfo', {});
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ ok: true, value: { counts: { items: 3 } } });
  });

  it('answers bad payloads with typed errors, not crashes', async () => {
    const notJson = await call('getRunLines', '{"runId": 1,');
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error.code).toBe('INVALID_REQUEST');
    const wrongType = await call('getRunLines', { runId: 'one' });
    expect(wrongType.status).toBe(200);
    expect(JSON.parse(wrongType.body)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(JSON.parse(wrongType.body).error.issues[0].path).toBe('runId');
    expect(JSON.parse((await call('noSuchMethod', {})).body)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect((await send(host.port, '/api/nothing-here', { method: 'POST', headers: { Authorization: `Bearer ${host.token}` } })).status).toBe(404);
    expect((await call('getWorkbookInfo', 'x'.repeat(2_000_000))).status).toBe(413);
    expect((await call('getWorkbookInfo', {})).status).toBe(200); // still alive
  });

  it('refuses foreign Host headers (DNS rebinding)', async () => {
    const answer = await send(host.port, '/', { headers: { Host: 'evil.example' } });
    expect(answer.status).toBe(403);
    const api = await send(host.port, '/api/call/getWorkbookInfo', { method: 'POST', headers: { Host: 'evil.example', Authorization: `Bearer ${host.token}` } });
    expect(api.status).toBe(403);
  });

  it('serves the renderer with the strict CSP and no referrer', async () => {
    const answer = await send(host.port, '/');
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('Forecast Workbench');
    expect(answer.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY_HEADER);
    expect(answer.headers['referrer-policy']).toBe('no-referrer');
    expect((await send(host.port, '/../../etc/passwd')).status).toBe(404);
  });

  it('stages uploads inside its staging folder, only for token holders', async () => {
    const body = 'item_id,period,forecast\nA,2026-11-01,5\n';
    const refused = await send(host.port, '/api/upload?name=x.csv', { method: 'POST', body });
    expect(refused.status).toBe(401);
    const answer = await send(host.port, `/api/upload?name=${encodeURIComponent('../../etc/evil.csv')}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/octet-stream' },
      body,
    });
    expect(answer.status).toBe(200);
    const staged = JSON.parse(answer.body).value as StagedFile;
    expect(staged).toMatchObject({ name: 'evil.csv', size: body.length });
    const path = stagedPath(join(t.dir, 'staging'), staged.stagedId);
    expect(path.startsWith(join(t.dir, 'staging'))).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(body);
    expect(() => stagedPath(join(t.dir, 'staging'), '../../etc')).toThrow(/no longer staged/);
  });

  it('says how to build the renderer when it is missing, and still serves the API', async () => {
    const bare = await startWebHost({ backend: { call: (m, p) => dispatch(ctx, m, p), onEvent: () => () => {} }, rendererDir: join(t.dir, 'nope') });
    try {
      const page = await send(bare.port, '/');
      expect(page.status).toBe(503);
      expect(page.body).toMatch(/npm run build/);
      const api = await send(bare.port, '/api/call/getWorkbookInfo', { method: 'POST', headers: { Authorization: `Bearer ${bare.token}` } });
      expect(api.status).toBe(200);
    } finally {
      await bare.close();
    }
  });

  it('streams backend events to token holders', async () => {
    const received = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path: `/api/events?token=${host.token}` }, (res) => {
        expect(res.headers['content-type']).toBe('text/event-stream');
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
          if (text.includes('job-progress')) {
            req.destroy();
            resolve(text);
          }
        });
        setTimeout(() => {
          for (const l of listeners) l({ type: 'job-progress', jobId: 'j1', job: 'import', phase: 'parse', done: 5, total: 10 });
        }, 50);
      });
      req.on('error', reject);
      req.end();
    });
    expect(received).toContain('"done":5');
  });
});
