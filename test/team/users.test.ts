// fwb team add-user / remove-user against a real PostgreSQL, and what a member's own
// login can do there through any client (here `pg`, as psql would): read, never write.
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak, fwb } from './fwb';
import { adminClient, startTestServer, type TestServer } from './server';

const SHARED = ['users', 'import_batches', 'items', 'locations', 'forecast_runs', 'forecast_lines', 'actuals', 'sales_inputs', 'reason_codes', 'policies', 'decisions', 'approvals', 'releases', 'release_lines', 'audit_log', 'schema_version'];

async function groupsOf(admin: pg.Client, login: string): Promise<string[]> {
  const { rows } = await admin.query(
    `SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = $1 ORDER BY 1`,
    [login],
  );
  return rows.map((r) => r.rolname);
}

describe('fwb team add-user and remove-user', () => {
  let server: TestServer;
  let admin: pg.Client;
  const addUser = (login: string, role: string, password: string | null, name: string | null = 'Ana Lima') =>
    fwb(['team', 'add-user', '--url', server.url, `--user=${login}`, ...(name === null ? [] : ['--name', name]), '--role', role, ...(password === null ? [] : ['--password-stdin']), '--json'], {
      password: server.password,
      ...(password === null ? {} : { input: `${password}\n` }),
    });

  beforeAll(async () => {
    // Every statement logged: the log must never hold a person's password.
    server = await startTestServer(['log_statement=all']);
    admin = await adminClient(server);
    const init = fwb(['team', 'init', '--url', server.url], { password: server.password });
    expect(init.status, init.stderr).toBe(0);
  });
  afterAll(async () => {
    await admin?.end();
    server?.cleanup();
  });

  it('creates a login that signs in with its password and may only read', async () => {
    const run = addUser('Ana.Lima-2', 'planner', 'pa:ss wörd-1');
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ login: 'Ana.Lima-2', name: 'Ana Lima', role: 'planner', change: 'created' });
    expect(await groupsOf(admin, 'Ana.Lima-2')).toEqual(['fwb_planner']);
    const row = await admin.query('SELECT display_name, role, active FROM fwb.users WHERE login = $1', ['Ana.Lima-2']);
    expect(row.rows).toEqual([{ display_name: 'Ana Lima', role: 'planner', active: true }]);

    const ana = await server.connectAs('Ana.Lima-2', 'pa:ss wörd-1');
    try {
      expect((await ana.query('SELECT session_user AS who')).rows[0].who).toBe('Ana.Lima-2');
      const privileges = await ana.query(
        `SELECT t AS table_name, has_table_privilege('fwb.' || t, 'SELECT') AS s,
                has_table_privilege('fwb.' || t, 'INSERT') OR has_table_privilege('fwb.' || t, 'UPDATE') OR has_table_privilege('fwb.' || t, 'DELETE')
                OR has_table_privilege('fwb.' || t, 'TRUNCATE') OR has_table_privilege('fwb.' || t, 'REFERENCES') OR has_table_privilege('fwb.' || t, 'TRIGGER') AS w
           FROM unnest($1::text[]) t`,
        [SHARED],
      );
      expect(privileges.rows.filter((r) => !r.s || r.w)).toEqual([]);
      expect((await ana.query('SELECT count(*)::int AS n FROM fwb.reason_codes')).rows[0].n).toBe(9);
    } finally {
      await ana.end();
    }
    // The password reached the server only as a SCRAM verifier: not in any logged statement.
    expect(readFileSync(server.log, 'utf8')).toMatch(/CREATE ROLE "Ana\.Lima-2" LOGIN PASSWORD 'SCRAM-SHA-256\$4096:/);
    expect(readFileSync(server.log, 'utf8')).not.toContain('pa:ss wörd-1');
  });

  it('refuses every write of a member through their own login: INSERT, UPDATE, DELETE, TRUNCATE, CREATE TABLE', async () => {
    expect(addUser('max', 'manager', 'max-secret-3', 'Max Berg').status).toBe(0);
    // Rows to aim at, written as the owner (as the write functions of a later version will).
    await admin.query('BEGIN');
    await admin.query('SET LOCAL ROLE fwb_owner');
    await admin.query(`INSERT INTO fwb.import_batches (uuid, kind, file_name) VALUES (gen_random_uuid(), 'forecasts', 'f.csv')`);
    await admin.query(`INSERT INTO fwb.items (item_id, name, batch_id) SELECT 'SKU-1', 'Water', max(batch_id) FROM fwb.import_batches`);
    await admin.query(`INSERT INTO fwb.forecast_runs (model_name, origin, grain, batch_id) SELECT 'm', 20260101, 'month', max(batch_id) FROM fwb.import_batches`);
    await admin.query(
      `INSERT INTO fwb.forecast_lines (run_id, item_key, location_key, period, lag, quantity) SELECT (SELECT max(run_id) FROM fwb.forecast_runs), (SELECT max(item_key) FROM fwb.items), 1, 20260201, 1, 10`,
    );
    await admin.query(`INSERT INTO fwb.decisions (uuid, line_id, action, source, status, decided_by) SELECT gen_random_uuid(), max(line_id), 'accept', 'model', 'final', 'max' FROM fwb.forecast_lines`);
    await admin.query('COMMIT');

    for (const [login, password] of [
      ['Ana.Lima-2', 'pa:ss wörd-1'],
      ['max', 'max-secret-3'],
    ]) {
      const member = await server.connectAs(login!, password!);
      try {
        const attempts = [
          `INSERT INTO fwb.decisions (uuid, line_id, action, source, status, decided_by) SELECT gen_random_uuid(), max(line_id), 'accept', 'model', 'final', session_user FROM fwb.forecast_lines`,
          `UPDATE fwb.decisions SET quantity = 99`,
          `DELETE FROM fwb.decisions`,
          `INSERT INTO fwb.items (item_id, name) VALUES ('SKU-2', 'Juice')`,
          `UPDATE fwb.items SET name = 'Juice'`,
          `DELETE FROM fwb.items`,
          `INSERT INTO fwb.forecast_lines (run_id, item_key, location_key, period, lag, quantity) VALUES (1, 1, 1, 20260301, 2, 5)`,
          `UPDATE fwb.forecast_lines SET quantity = 0`,
          `DELETE FROM fwb.forecast_lines`,
          `UPDATE fwb.users SET role = 'manager'`,
          `INSERT INTO fwb.approvals (uuid, decision_id, verdict, decided_by) SELECT gen_random_uuid(), max(decision_id), 'approved', session_user FROM fwb.decisions`,
          `TRUNCATE fwb.audit_log`,
          `CREATE TABLE fwb.mine (x int)`,
          `SELECT nextval('fwb.seq')`,
        ];
        for (const sql of attempts) {
          await expect(member.query(sql), `${login}: ${sql}`).rejects.toMatchObject({ code: '42501' });
        }
      } finally {
        await member.end();
      }
    }
    const count = await admin.query('SELECT (SELECT count(*) FROM fwb.decisions)::int AS d, (SELECT count(*) FROM fwb.items)::int AS i, (SELECT count(*) FROM fwb.forecast_lines)::int AS l');
    expect(count.rows[0]).toEqual({ d: 1, i: 1, l: 1 });
  });

  it('moves a person to another group with --role (the old one revoked), keeping their name and password', async () => {
    const seqBefore = (await admin.query(`SELECT seq FROM fwb.users WHERE login = 'Ana.Lima-2'`)).rows[0].seq;
    const moved = addUser('Ana.Lima-2', 'analyst', null, null);
    expect(moved.status, moved.stderr).toBe(0);
    expect(JSON.parse(moved.stdout)).toMatchObject({ change: 'role changed', previousRole: 'planner', role: 'analyst', name: 'Ana Lima' });
    expect(await groupsOf(admin, 'Ana.Lima-2')).toEqual(['fwb_analyst']);
    const row = (await admin.query(`SELECT role, seq FROM fwb.users WHERE login = 'Ana.Lima-2'`)).rows[0];
    expect(row.role).toBe('analyst');
    // A changed row gets a new seq, so every replica pulls the change.
    expect(BigInt(row.seq)).toBeGreaterThan(BigInt(seqBefore));
    const ana = await server.connectAs('Ana.Lima-2', 'pa:ss wörd-1');
    expect((await ana.query(`SELECT pg_has_role('fwb_planner', 'MEMBER') AS p, pg_has_role('fwb_analyst', 'MEMBER') AS a`)).rows[0]).toEqual({ p: false, a: true });
    await ana.end();
    // The same again changes nothing, not even the seq.
    const same = addUser('Ana.Lima-2', 'analyst', null, null);
    expect(JSON.parse(same.stdout)).toMatchObject({ change: 'unchanged' });
    expect((await admin.query(`SELECT seq FROM fwb.users WHERE login = 'Ana.Lima-2'`)).rows[0].seq).toBe(row.seq);
  });

  it('refuses logins that are not valid, a new login without a password, a superuser, and a password on the command line', async () => {
    for (const bad of ['bad name', 'pg_monitor2', 'fwb_owner', '-dash', `x"; DROP ROLE max; --`, 'a'.repeat(64), 'ünïcode']) {
      const run = addUser(bad, 'planner', 'whatever-5');
      expect(run.status, bad).toBe(3);
      expect(run.stderr).toMatch(/^fwb team add-user: The login ".*" .*: choose another\.\n$/s);
    }
    expect((await admin.query(`SELECT count(*)::int AS n FROM pg_roles WHERE rolname = 'max'`)).rows[0].n).toBe(1);
    const noPassword = addUser('newbie', 'planner', null, 'New Bie');
    expect(noPassword.status).toBe(3);
    expect(noPassword.stderr).toMatch(/"newbie" is a new login and needs a password: give it on standard input with --password-stdin/);
    const superuser = addUser('fwb_admin2', 'planner', 'x-secret');
    expect(superuser.status).toBe(3);
    await admin.query(`CREATE ROLE root_like SUPERUSER LOGIN`);
    const root = addUser('root_like', 'manager', 'root-secret-8', 'Root');
    expect(root.status).toBe(3);
    expect(root.stderr).toMatch(/"root_like" is a superuser of the server, whom no rule of the database binds/);
    expect(expectNoLeak(root, ['root-secret-8', server.password])).toEqual([]);
    const inArgv = fwb(['team', 'add-user', '--url', server.url, '--user', 'x', '--role', 'planner', '--password=hunter2'], { password: server.password });
    expect(inArgv.status).toBe(2);
    expect(inArgv.stderr).toMatch(/a password is never taken on the command line/);
  });

  it('removes a person: the login no longer signs in, the row and their decisions stay; adding them again brings them back', async () => {
    const removed = fwb(['team', 'remove-user', '--url', server.url, '--user', 'max', '--json'], { password: server.password });
    expect(removed.status, removed.stderr).toBe(0);
    expect(JSON.parse(removed.stdout)).toMatchObject({ login: 'max', name: 'Max Berg', role: 'manager', alreadyRemoved: false });
    await expect(server.connectAs('max', 'max-secret-3')).rejects.toMatchObject({ code: '28000' });
    expect(await groupsOf(admin, 'max')).toEqual([]);
    expect((await admin.query(`SELECT active FROM fwb.users WHERE login = 'max'`)).rows).toEqual([{ active: false }]);
    expect((await admin.query(`SELECT count(*)::int AS n FROM fwb.decisions WHERE decided_by = 'max'`)).rows[0].n).toBe(1);

    const back = addUser('max', 'manager', null, null);
    expect(back.status, back.stderr).toBe(0);
    expect(JSON.parse(back.stdout)).toMatchObject({ change: 'reactivated' });
    const max = await server.connectAs('max', 'max-secret-3');
    await max.end();

    const stranger = fwb(['team', 'remove-user', '--url', server.url, '--user', 'nobody'], { password: server.password });
    expect(stranger.status).toBe(3);
    expect(stranger.stderr).toMatch(/"nobody" is not a person of this team/);
  });

  it('refuses add-user on a database without the team workbook, and from a member', async () => {
    await admin.query('CREATE DATABASE empty_one');
    const run = fwb(['team', 'add-user', '--url', server.urlFor('fwb_admin', 'empty_one'), '--user', 'zoe', '--name', 'Zoe', '--role', 'planner', '--password-stdin'], {
      password: server.password,
      input: 'zoe-secret\n',
    });
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/This database holds no team workbook: run "fwb team init --url ADMIN_URL" on it first\./);
    expect((await admin.query(`SELECT count(*)::int AS n FROM pg_roles WHERE rolname = 'zoe'`)).rows[0].n).toBe(0);
    const byMember = fwb(['team', 'add-user', '--url', server.urlFor('max'), '--user', 'zoe', '--name', 'Zoe', '--role', 'manager', '--password-stdin'], { password: 'max-secret-3', input: 'zoe\n' });
    expect(byMember.status).toBe(3);
    expect(byMember.stderr).toMatch(/The login "max" may not create roles \(CREATEROLE\), which fwb team add-user needs/);
    const initByMember = fwb(['team', 'init', '--url', server.urlFor('max')], { password: 'max-secret-3' });
    expect(initByMember.status).toBe(3);
    expect(initByMember.stderr).toMatch(/The login "max" may not create roles \(CREATEROLE\) or create schemas in database "postgres", which fwb team init needs/);
    expect(expectNoLeak(initByMember, ['max-secret-3'])).toEqual([]);
  });
});
