// Opening the browser host without its API token in any process's arguments
// (issue 12.3). The host prints a one-time launch code, and `--open` hands the
// browser a private launch file (0600, in a 0700 folder) that redirects with
// another one-time code; the page trades a code for the session token once.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { smallWorkbook, tempDir } from '../helpers/workbook';

const ROOT = resolve(import.meta.dirname, '../..');
const mode = (path: string) => statSync(path).mode & 0o777;

interface Host {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function startWebMain(args: string[], env: Record<string, string | undefined>): Host {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'electron', 'web', 'main.ts'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

async function until<T>(what: () => T | null | undefined, host: Host, timeoutMs = 45_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = what();
    if (value) return value;
    if (host.child.exitCode !== null) throw new Error(`the host exited (${host.child.exitCode}): ${host.stderr()}`);
    if (Date.now() > end) throw new Error(`timed out; stdout: ${host.stdout()} stderr: ${host.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Trades a launch code for the session token, as the page does. */
async function exchange(origin: string, code: string): Promise<{ status: number; body: { ok: boolean; value?: { token: string }; error?: { code: string; message: string } } }> {
  const response = await fetch(`${origin}/api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code }) });
  return { status: response.status, body: await response.json() };
}

describe.skipIf(process.platform === 'win32')('launching the browser host', () => {
  let t: ReturnType<typeof tempDir>;
  let host: Host | null = null;
  beforeEach(() => (t = tempDir('fwb-launch-')));
  afterEach(async () => {
    if (host && host.child.exitCode === null) {
      host.child.kill('SIGKILL');
      await host.exited;
    }
    host = null;
    t.cleanup();
  });

  it('--open gives the opener a private launch file, never the token; each code works once', async () => {
    const { ctx, path } = await smallWorkbook(t.dir);
    ctx.db.close();
    // A stand-in for xdg-open that writes down the arguments it was given (what `ps` would show).
    const bin = join(t.dir, 'bin');
    const argvLog = join(t.dir, 'opener-argv');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(bin);
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > "${argvLog}"\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);

    host = startWebMain(['--db', path, '--open', '--renderer-dir', join(t.dir, 'no-renderer')], { ...process.env, PATH: `${bin}:${process.env.PATH}`, DISPLAY: ':0', WAYLAND_DISPLAY: undefined });
    const printed = await until(() => /^Forecast Workbench at (http:\/\/127\.0\.0\.1:\d+)\/\?code=([A-Za-z0-9_-]{20,})\n$/.exec(host!.stdout()), host);
    const [, origin, printedCode] = printed;
    const opened = (await until(() => (existsSync(argvLog) ? readFileSync(argvLog, 'utf8') : null), host)).trim().split('\n');

    // The opener was given a file, and nothing that grants access.
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatch(/^file:\/\//);
    expect(opened[0]).not.toMatch(/token|code=/);
    expect(opened[0]).not.toContain(printedCode);
    const launchFile = fileURLToPath(opened[0]!);
    expect(mode(launchFile)).toBe(0o600);
    expect(mode(resolve(launchFile, '..'))).toBe(0o700);
    const redirect = /http-equiv="refresh" content="0; url=(http:\/\/127\.0\.0\.1:\d+)\/\?code=([A-Za-z0-9_-]{20,})"/.exec(readFileSync(launchFile, 'utf8'));
    expect(redirect?.[1]).toBe(origin);
    const fileCode = redirect![2]!;
    expect(fileCode).not.toBe(printedCode);

    // Each code buys the session token once; then it is spent.
    const first = await exchange(origin!, fileCode);
    expect(first.status).toBe(200);
    const token = first.body.value!.token;
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(opened.join(' ')).not.toContain(token);
    expect(host.stdout()).not.toContain(token);
    const reused = await exchange(origin!, fileCode);
    expect(reused.status).toBe(401);
    expect(reused.body.error?.message).toMatch(/already used or is not valid/);
    const fromTerminal = await exchange(origin!, printedCode!);
    expect(fromTerminal.body.value?.token).toBe(token);
    expect((await exchange(origin!, printedCode!)).status).toBe(401);
    expect((await exchange(origin!, 'made-up-code-made-up-code')).status).toBe(401);

    // The token opens the API; a code does not.
    const call = (bearer: string) => fetch(`${origin}/api/call/getWorkbookInfo`, { method: 'POST', headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' }, body: '{}' });
    expect((await call(token)).status).toBe(200);
    expect((await call(printedCode!)).status).toBe(401);

    host.child.kill('SIGTERM');
    expect(await host.exited).toBe(0);
    expect(existsSync(launchFile)).toBe(false); // the launch file goes with the host
  }, 60_000);

  it('refuses a launch code sent from another site (a plain form, a foreign Origin), without spending it', async () => {
    const { ctx, path } = await smallWorkbook(t.dir);
    ctx.db.close();
    host = startWebMain(['--db', path, '--renderer-dir', join(t.dir, 'no-renderer')], { ...process.env });
    const [, origin, code] = await until(() => /^Forecast Workbench at (http:\/\/127\.0\.0\.1:\d+)\/\?code=(\S+)\n$/.exec(host!.stdout()), host);
    // A form on another site can post text/plain without a preflight; it must not get (or burn) a session.
    const form = await fetch(`${origin}/api/session`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify({ code }) });
    expect(form.status).toBe(415);
    const otherSite = await fetch(`${origin}/api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: 'http://evil.example' }, body: JSON.stringify({ code }) });
    expect(otherSite.status).toBe(403);
    expect((await exchange(origin!, code!)).status).toBe(200);
  }, 60_000);
});
