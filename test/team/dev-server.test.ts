// fwb team dev-server: a local PostgreSQL for a trial, whose printed URL fwb team init
// accepts; the password is in that one line and in no process's arguments; Ctrl-C stops it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { findServerBinaries, freePort } from '../../electron/team/local-server';
import { FWB, expectNoLeak, fwb } from './fwb';

interface Started {
  child: ChildProcess;
  line: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function startDevServer(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [FWB, 'team', 'dev-server', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`dev-server printed no URL: ${err}`)), 60_000);
    // Ready when the URL line is out and the hints after it too (two pipes: either may come first).
    const ready = () => {
      if (!out.includes('\n') || !err.includes('Ctrl-C')) return;
      clearTimeout(timer);
      done({ child, line: out.split('\n')[0]!, stderr: () => err, exited });
    };
    child.stdout!.on('data', (d) => {
      out += d;
      ready();
    });
    child.stderr!.on('data', ready);
    void exited.then((code) => fail(new Error(`dev-server exited (${code}) before printing its URL: ${err}`)));
  });
}

/** Every running process's command line, as the machine's other users can read them. */
function everyCommandLine(): string[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      } catch {
        return '';
      }
    });
}

function stopServerIn(data: string): void {
  const pgCtl = join(findServerBinaries(), 'pg_ctl');
  const asRoot = process.getuid?.() === 0;
  spawnSync(asRoot ? 'runuser' : pgCtl, [...(asRoot ? ['-u', 'postgres', '--', pgCtl] : []), '-D', data, '-m', 'immediate', 'stop'], { stdio: 'ignore' });
}

async function answers(port: number, password: string): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'fwb_admin', password, database: 'postgres' });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

describe('fwb team dev-server', () => {
  const parent = mkdtempSync(join('/tmp', 'fwb-dev-'));
  // Run as root, the server is the postgres OS user's, which must pass through the folders above.
  chmodSync(parent, 0o711);
  const dir = join(parent, 'server');
  const running: ChildProcess[] = [];
  afterAll(async () => {
    // Also after a failed test: every dev-server stopped (it stops its PostgreSQL), then, should one
    // have died without stopping it, the server itself.
    for (const child of running) {
      if (child.exitCode !== null) continue;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGINT');
      await exited;
    }
    stopServerIn(join(dir, 'pg'));
    rmSync(parent, { recursive: true, force: true });
  });

  it('prints an admin URL that fwb team init accepts, keeps the password out of every command line, and stops on Ctrl-C', async () => {
    const server = await startDevServer(['--dir', dir]);
    running.push(server.child);
    const match = /^PostgreSQL [\d.]+ for a trial at (postgres:\/\/fwb_admin:([^@]+)@127\.0\.0\.1:(\d+)\/postgres)$/.exec(server.line);
    expect(match, server.line).not.toBeNull();
    const [, , password, port] = match!;
    expect(password!.length).toBeGreaterThanOrEqual(20);
    expect(server.stderr()).toMatch(/Ctrl-C stops the server/);
    expect(server.stderr()).not.toContain(password);
    expect(everyCommandLine().filter((c) => c.includes(password!))).toEqual([]);
    expect(statSync(join(dir, 'admin-password')).mode & 0o077).toBe(0);

    const url = `postgres://fwb_admin@127.0.0.1:${port}/postgres`;
    const init = fwb(['team', 'init', '--url', url], { password: decodeURIComponent(password!) });
    expect(init.status, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/Team workbook created in database "postgres"/);
    // The pgpass file it names works too, for commands with no password in them at all.
    const viaPassfile = fwb(['team', 'init', '--url', url], { env: { PGPASSFILE: join(dir, 'admin.pgpass') } });
    expect(viaPassfile.status, viaPassfile.stderr).toBe(0);
    expect(expectNoLeak(viaPassfile, [password!])).toEqual([]);

    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toMatch(/Stopping the PostgreSQL server/);
    expect(await answers(Number(port), decodeURIComponent(password!))).toBe(false);
  });

  it('starts the same server again from the same folder, on the port asked for, with its team workbook', async () => {
    const port = await freePort();
    const server = await startDevServer(['--dir', dir, '--port', String(port)]);
    running.push(server.child);
    try {
      expect(server.line).toContain(`@127.0.0.1:${port}/postgres`);
      const password = decodeURIComponent(/fwb_admin:([^@]+)@/.exec(server.line)![1]!);
      expect(readFileSync(join(dir, 'admin-password'), 'utf8').trim()).toBe(password);
      const again = fwb(['team', 'init', '--url', `postgres://fwb_admin@127.0.0.1:${port}/postgres`], { password });
      expect(again.status, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/already holds the team workbook/);
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    }
  });

  it('says what is wrong with a sentence when the port is taken, or (as root) the folder is closed to the server', async () => {
    const blocker = (await import('node:net')).createServer();
    const port = await new Promise<number>((done) => blocker.listen(0, '127.0.0.1', () => done((blocker.address() as { port: number }).port)));
    try {
      const run = fwb(['team', 'dev-server', '--dir', dir, '--port', String(port)]);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/^fwb team dev-server: The PostgreSQL server in .* did not start \(.*server\.log says: .*could not create any TCP\/IP sockets.*\)\. Port \d+ is taken: pass another --port\.\n$/s);
      expect(expectNoLeak(run, [readFileSync(join(dir, 'admin-password'), 'utf8').trim()])).toEqual([]);
    } finally {
      blocker.close();
    }
    if (process.getuid?.() === 0) {
      const closed = mkdtempSync(join('/tmp', 'fwb-closed-'));
      try {
        const run = fwb(['team', 'dev-server', '--dir', join(closed, 'inner')]);
        expect(run.status).toBe(1);
        expect(run.stderr).toMatch(/the "postgres" OS user, which cannot reach .*inner \(a folder above it is closed to other users\): choose a folder it can reach/);
      } finally {
        rmSync(closed, { recursive: true, force: true });
      }
    }
  });
});
