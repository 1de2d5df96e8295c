// Derived data in a linked workbook when the team refuses a decision (issue 15 with issue
// 14's incremental cube): the refused decision is withdrawn from the local journal
// (team_withdrawn), so the decisions' stamp must not read as if nothing but newer ids had
// happened since. Real PostgreSQL, real replicas: Ana overrides a line; the month's actuals
// reach her replica in a sync that ran between its push and her decision (as the app's sync
// does while she works), so the cube is built with her override scored; the team refuses it
// (the line closed on the server first); she decides another line; the cube must then equal
// a cold build of the same workbook, the refused override no longer in its figures.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAccuracyCube } from '../../electron/backend/accuracy/cube';
import { openWorkbook, type Db } from '../../electron/backend/db/open';
import { openInProcess, type Backend } from '../../electron/backend/host-entry';
import { replicaPort } from '../../electron/team/app-sync';
import { syncTeam } from '../../electron/team/sync';
import { urlWithPassword } from '../../electron/team/url';
import { cubeRows } from '../helpers/cube-rows';
import { fwb } from './fwb';
import { adminClient, startTestServer, type TestServer } from './server';

const pw = (login: string) => `${login}-withdrawn-pw-4471`;

describe('derived data after the team refuses a decision', () => {
  let server: TestServer;
  let dir: string;
  const dbOf = (login: string) => join(dir, `${login}.db`);
  const read = <T>(login: string, sql: string, ...params: unknown[]): T[] => {
    const db = new Database(dbOf(login), { readonly: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  };
  async function onReplica<T>(work: (b: Backend) => Promise<T>): Promise<T> {
    const backend = await openInProcess({ dbPath: dbOf('ana'), access: 'write', program: 'test' });
    try {
      return await work(backend);
    } finally {
      await backend.close();
    }
  }
  const decide = (lineId: number, percent: number) =>
    onReplica(async (b) => {
      const r = await b.call('decideLine', { lineId, action: 'override', percent, reasonCode: 'promotion' });
      if (!r.ok) throw new Error(r.error.message);
    });
  /** The cube as the workbook keeps it, brought current the way every accuracy read does. */
  async function cubeNow(): Promise<Record<string, string[]>> {
    const { db } = await openWorkbook(dbOf('ana'));
    try {
      ensureAccuracyCube(db);
      return cubeRows(db, 10);
    } finally {
      db.close();
    }
  }
  let copies = 0;
  async function coldCube(): Promise<Record<string, string[]>> {
    const path = join(dir, `cold-${++copies}.db`);
    const src = new Database(dbOf('ana'), { readonly: true });
    src.exec(`VACUUM INTO '${path}'`);
    src.close();
    const { db }: { db: Db } = await openWorkbook(path);
    try {
      db.exec("DELETE FROM accuracy_cells; DELETE FROM accuracy_override_cells; DELETE FROM accuracy_runs; DELETE FROM workbook_meta WHERE key LIKE 'accuracy_%';");
      ensureAccuracyCube(db);
      return cubeRows(db, 10);
    } finally {
      db.close();
    }
  }

  beforeAll(async () => {
    server = await startTestServer();
    dir = mkdtempSync(join(tmpdir(), 'fwb-withdrawn-'));
    expect(fwb(['team', 'init', '--url', server.url], { password: server.password }).status).toBe(0);
    for (const [login, name, role] of [['al', 'Al Ortiz', 'analyst'], ['ana', 'Ana Lima', 'planner']] as const) {
      const run = fwb(['team', 'add-user', '--url', server.url, '--user', login, '--name', name, '--role', role, '--password-stdin'], { password: server.password, input: `${pw(login)}\n` });
      expect(run.status, run.stderr).toBe(0);
    }
    expect(fwb(['demo', '--db', dbOf('al'), '--items', '20', '--months', '36', '--seed', '9']).status).toBe(0);
    for (const login of ['al', 'ana']) {
      const run = fwb(['team', 'join', '--db', dbOf(login), '--url', server.urlFor(login)], { password: pw(login) });
      expect(run.status, run.stderr).toBe(0);
    }
  }, 240_000);

  afterAll(() => {
    server?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('rebuilds what the refused decision touched, so the cube equals a cold build', async () => {
    // The next month's lines of the newest run: open now, closed once its actuals arrive.
    const { next } = read<{ next: number }>('ana', "SELECT CAST(strftime('%Y%m%d', date(printf('%04d-%02d-01', max(period) / 10000, max(period) / 100 % 100), '+1 month')) AS INTEGER) AS next FROM actuals")[0]!;
    const lines = read<{ line_id: number; item_id: string }>(
      'ana',
      `SELECT l.line_id, i.item_id FROM forecast_lines l JOIN items i USING (item_key)
        WHERE l.run_id = (SELECT max(run_id) FROM forecast_runs) AND l.period = ? AND l.quantity >= 20 ORDER BY l.line_id`,
      next,
    );
    expect(lines.length).toBeGreaterThan(3);
    const later = read<{ line_id: number }>('ana', 'SELECT line_id FROM forecast_lines WHERE run_id = (SELECT max(run_id) FROM forecast_runs) AND period > ? AND quantity >= 20 ORDER BY period, line_id LIMIT 2', next);
    const [m, l, n] = [later[0]!, lines[1]!, later[1]!];
    await decide(m.line_id, 10);
    await decide(l.line_id, 15); // the newest decision: the team will refuse it

    // The month's actuals reach the team (as the analyst's import is published; written here as the admin).
    const admin = await adminClient(server);
    try {
      const keys = read<{ item_id: string; location_id: string }>('ana', `SELECT i.item_id, c.location_id FROM forecast_lines l JOIN items i USING (item_key) JOIN locations c USING (location_key) WHERE l.line_id IN (${lines.map((x) => x.line_id).join(',')})`);
      await admin.query(
        `WITH b AS (INSERT INTO fwb.import_batches (uuid, kind, file_name, imported_by, rows_read, rows_accepted) VALUES (gen_random_uuid(), 'actuals', 'actuals.csv', 'al', $3, $3) RETURNING batch_id)
         INSERT INTO fwb.actuals (item_key, location_key, period, quantity, batch_id)
         SELECT i.item_key, c.location_key, $4, 40 + k.n, b.batch_id
           FROM b, unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(item_id, location_id, n)
           JOIN fwb.items i ON i.item_id = k.item_id JOIN fwb.locations c ON c.location_id = k.location_id`,
        [keys.map((k) => k.item_id), keys.map((k) => k.location_id), keys.length, next],
      );
    } finally {
      await admin.end();
    }

    // Ana's app synced while she decided: its push saw neither decision, its pull brought the actuals.
    await onReplica(async (b) => {
      const port = replicaPort(b);
      await syncTeam({ ...port, outbox: async () => ({ decisions: [], reviews: [], acknowledgements: [], changes: [] }) }, 'ana.db', { url: urlWithPassword(server.urlFor('ana'), pw('ana')) });
    });
    expect(read('ana', 'SELECT count(*) AS n FROM actuals WHERE period = ?', next)).toEqual([{ n: lines.length }]);
    const scored = await cubeNow(); // her override of l is in the cube, scored against its actual
    expect(scored).toEqual(await coldCube());

    // The next sync: the team takes m and refuses l (its line closed on the server before it arrived).
    const synced = fwb(['sync', '--db', dbOf('ana'), '--json'], { password: pw('ana') });
    expect(synced.status, synced.stderr).toBe(3);
    expect(JSON.parse(synced.stdout).refused).toEqual([expect.objectContaining({ lineId: l.line_id, reason: expect.stringMatching(/^Line is closed/) })]);
    expect(read('ana', "SELECT count(*) AS n FROM team_withdrawn WHERE entity = 'decision'")).toEqual([{ n: 1 }]);
    await decide(n.line_id, 5); // a newer decision id than the refused one had

    const now = await cubeNow();
    expect(now).toEqual(await coldCube());
    expect(now).not.toEqual(scored);
  }, 240_000);
});
