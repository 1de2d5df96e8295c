// The team most team tests start from: a throwaway PostgreSQL (server.ts), `fwb team init`,
// its people added with `fwb team add-user`, the analyst's demo workbook published and each
// replica linked by `fwb team join`, as a team's members would do it; and the helpers the
// tests act on and read replicas with. The fixture's methods close over its state, so a test
// may take them apart at describe time and call them once `start` has run in beforeAll.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type pg from 'pg';
import { expect } from 'vitest';
import { openInProcess, type Backend } from '../../electron/backend/host-entry';
import { FWB, expectNoLeak, fwb } from './fwb';
import { adminClient, startTestServer, type TestServer } from './server';

export type TeamRole = 'analyst' | 'planner' | 'manager';

/** An analyst who publishes, two planners and a manager. */
export const FOUR = {
  al: { name: 'Al Ortiz', role: 'analyst' },
  ana: { name: 'Ana Lima', role: 'planner' },
  ben: { name: 'Ben Ode', role: 'planner' },
  max: { name: 'Max Berg', role: 'manager' },
} as const satisfies Record<string, { name: string; role: TeamRole }>;

type People = Record<string, { name: string; role: TeamRole }>;

export interface TeamSetup<P extends People> {
  people: P;
  /** Each test file its own, so a password one file leaks cannot pass another's check. */
  passwordTag: string;
  /** The temporary folder's prefix. */
  tag: string;
  /** The analyst's demo workbook, published by the first join. */
  demo: { items: number; seed: number };
  /** Who links a replica in beforeAll, the publisher first. */
  joined: readonly (keyof P & string)[];
  /** Server settings (postgres -c), e.g. synchronous_commit=on for tests that stop it hard. */
  settings?: string[];
}

export function teamFixture<P extends People>(setup: TeamSetup<P>) {
  type L = keyof P & string;
  let server: TestServer | undefined;
  let admin: pg.Client | undefined;
  let dir: string | undefined;
  const started = <T>(x: T | undefined): T => {
    if (x === undefined) throw new Error('The team fixture is used before start() ran (call it in beforeAll).');
    return x;
  };
  const passwordOf = (login: string) => `${login}-pw-${setup.passwordTag}`;
  const dbOf = (login: L | string) => join(started(dir), `${login}.db`);
  return {
    passwordOf,
    dbOf,
    get server(): TestServer {
      return started(server);
    },
    get admin(): pg.Client {
      return started(admin);
    },
    /** The administrator's connection after a test restarted the server (teamRows and teamCount use it). */
    set admin(client: pg.Client) {
      admin = client;
    },
    get dir(): string {
      return started(dir);
    },
    async start(): Promise<void> {
      server = await startTestServer(setup.settings ?? []);
      admin = await adminClient(server);
      dir = mkdtempSync(join(tmpdir(), `fwb-${setup.tag}-`));
      const init = fwb(['team', 'init', '--url', server.url], { password: server.password });
      expect(init.status, init.stderr).toBe(0);
      for (const [login, p] of Object.entries(setup.people)) {
        const run = fwb(['team', 'add-user', '--url', server.url, '--user', login, '--name', p.name, '--role', p.role, '--password-stdin'], { password: server.password, input: `${passwordOf(login)}\n` });
        expect(run.status, run.stderr).toBe(0);
      }
      const demo = fwb(['demo', '--db', dbOf(setup.joined[0]!), '--items', String(setup.demo.items), '--months', '36', '--seed', String(setup.demo.seed)]);
      expect(demo.status, demo.stderr).toBe(0);
      for (const login of setup.joined) {
        const run = fwb(['team', 'join', '--db', dbOf(login), '--url', server.urlFor(login), '--json'], { password: passwordOf(login) });
        expect(run.status, run.stderr).toBe(0);
      }
    },
    /** Ends the admin connection, then `beforeCleanup` (a server a test restarted is stopped there, after the connection, which would otherwise see it die), then removes the server and the folder. */
    async stop(beforeCleanup?: () => void): Promise<void> {
      await admin?.end().catch(() => {});
      beforeCleanup?.();
      server?.cleanup();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
    /** fwb sync --json, its password from PGPASSWORD and never in what it prints; exit 3 when the team refuses rows it sends. */
    sync(login: L, status = 0) {
      const run = fwb(['sync', '--db', dbOf(login), '--json'], { password: passwordOf(login) });
      expect(run.status, run.stderr || run.stdout).toBe(status);
      expect(expectNoLeak(run, [passwordOf(login)])).toEqual([]);
      return JSON.parse(run.stdout);
    },
    /** Work on a replica through the backend's API as the app does it (the person is the link's login). */
    async onReplica<T>(login: L, work: (b: Backend) => Promise<T>): Promise<T> {
      const backend = await openInProcess({ dbPath: dbOf(login), access: 'write', program: 'test' });
      try {
        return await work(backend);
      } finally {
        await backend.close();
      }
    },
    read<T>(login: L, sql: string, ...params: unknown[]): T[] {
      const db = new Database(dbOf(login), { readonly: true, fileMustExist: true });
      try {
        return db.prepare(sql).all(...params) as T[];
      } finally {
        db.close();
      }
    },
    /** Open lines of the newest run as a replica holds them: no actual, a lag of at least 2 (past any default freeze), a model quantity of at least `minQuantity`. */
    openLines(login: L, minQuantity = 0): { line_id: number; quantity: number; run_id: number }[] {
      const db = new Database(dbOf(login), { readonly: true, fileMustExist: true });
      try {
        return db
          .prepare(
            `SELECT l.line_id, l.quantity, l.run_id FROM forecast_lines l
              WHERE l.run_id = (SELECT max(run_id) FROM forecast_runs) AND l.lag >= 2 AND l.quantity >= ?
                AND NOT EXISTS (SELECT 1 FROM actuals a WHERE a.item_key = l.item_key AND a.location_key = l.location_key AND a.period = l.period)
              ORDER BY l.line_id`,
          )
          .all(minQuantity) as { line_id: number; quantity: number; run_id: number }[];
      } finally {
        db.close();
      }
    },
    async teamRows(sql: string, params: unknown[] = []) {
      return (await started(admin).query(sql, params)).rows;
    },
    async teamCount(sql: string, params: unknown[] = []) {
      return Number((await started(admin).query(sql, params)).rows[0].n);
    },
    /**
     * fwb sync of a replica killed with SIGKILL once the server holds at least three more of
     * what `countSql` counts (polled every 5 ms, at most `tries` times): how many it held then.
     */
    async syncKilledMidPush(login: L, countSql: string, { env = {}, tries = 2000 }: { env?: Record<string, string>; tries?: number } = {}): Promise<number> {
      const count = async () => Number((await started(admin).query(countSql)).rows[0].n);
      const before = await count();
      const child = spawn(process.execPath, [FWB, 'sync', '--db', dbOf(login), '--json'], { env: { ...process.env, PGPASSFILE: '/nonexistent/pgpass', PGPASSWORD: passwordOf(login), ...env }, stdio: 'ignore' });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      let killedAt = 0;
      for (let i = 0; i < tries; i++) {
        killedAt = (await count()) - before;
        if (killedAt >= 3) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      return killedAt;
    },
    /**
     * `fwb sync` killed with SIGKILL while it waits on the team journal's lock, which the test holds:
     * what it sent waits inside a server function, staged, not committed. The lock is let go after.
     */
    async syncKilledWhileJournalLocked(login: L): Promise<void> {
      const holder = await adminClient(started(server));
      try {
        await holder.query(`SELECT pg_advisory_lock(hashtext('fwb journal'))`);
        const child = spawn(process.execPath, [FWB, 'sync', '--db', dbOf(login), '--json'], { env: { ...process.env, PGPASSWORD: passwordOf(login), PGPASSFILE: '/nonexistent/pgpass' }, stdio: 'ignore' });
        const exited = new Promise((done) => child.once('exit', done));
        for (let i = 0; i < 600; i++) {
          const waiting = await started(admin).query(`SELECT 1 FROM pg_stat_activity WHERE usename = $1 AND wait_event_type = 'Lock'`, [login]);
          if (waiting.rowCount) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        child.kill('SIGKILL');
        await exited;
        await holder.query(`SELECT pg_advisory_unlock(hashtext('fwb journal'))`);
      } finally {
        await holder.end();
      }
    },
    /** A member's own connection, as psql would make it. */
    async asMember<T>(login: L, work: (c: pg.Client) => Promise<T>): Promise<T> {
      const c = await started(server).connectAs(login, passwordOf(login));
      try {
        return await work(c);
      } finally {
        await c.end();
      }
    },
  };
}

/** A backend call that must succeed: its value. */
export async function call<T = Record<string, unknown>>(b: Backend, method: string, payload: unknown): Promise<T> {
  const r = await b.call(method, payload);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

/** A backend call that must be refused: its error. */
export async function refusal(b: Backend, method: string, payload: unknown) {
  const r = await b.call(method, payload);
  if (r.ok) throw new Error(`${method} was not refused`);
  return r.error;
}
