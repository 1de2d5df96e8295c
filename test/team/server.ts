// A throwaway PostgreSQL for the team tests: a fresh folder under /tmp, a free port,
// stopped and removed after the file's tests, also when one fails (afterAll) or the
// test process exits early (the exit hook).
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startLocalServer, type LocalServer } from '../../electron/team/local-server';

export interface TestServer extends LocalServer {
  /** A URL of this server for `login` (no password in it), on `database`. */
  urlFor(login: string, database?: string): string;
  /** A connection as `login` with `password`, closed by the caller. */
  connectAs(login: string, password: string, database?: string): Promise<pg.Client>;
  /** Stops the server and removes its folder. */
  cleanup(): void;
}

export async function startTestServer(settings: string[] = []): Promise<TestServer> {
  // Directly under /tmp: as root the server runs as the postgres OS user, which must reach it.
  const dir = mkdtempSync(join('/tmp', 'fwb-pg-'));
  const server = await startLocalServer({ dir, throwaway: true, settings });
  const cleanup = () => {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', cleanup);
  const urlFor = (login: string, database = 'postgres') => `postgres://${encodeURIComponent(login)}@127.0.0.1:${server.port}/${database}`;
  return {
    ...server,
    urlFor,
    async connectAs(login, password, database = 'postgres') {
      const client = new pg.Client({ host: '127.0.0.1', port: server.port, user: login, password, database });
      await client.connect();
      return client;
    },
    cleanup: () => {
      process.removeListener('exit', cleanup);
      cleanup();
    },
  };
}

/** An admin connection to the test server. */
export function adminClient(server: TestServer, database = 'postgres'): Promise<pg.Client> {
  return server.connectAs('fwb_admin', server.password, database);
}
