// fwb team init against a real PostgreSQL: the schema, group roles and grants; again is
// harmless; a schema holding what we did not make, a login that is no administrator, a
// wrong password and a server that does not answer are each refused with a sentence.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, requireSupportedServer } from '../../electron/team/admin';
import { SCHEMA_V2_TABLES, TEAM_TABLES } from '../../electron/team/schema-v2';
import { expectNoLeak, fwb } from './fwb';
import { adminClient, startTestServer, type TestServer } from './server';

/** Everything init could change, as text: the schema's objects, their owners and grants, the group roles. */
async function catalogSnapshot(client: pg.Client): Promise<string> {
  const objects = await client.query(
    `SELECT c.relname, c.relkind, pg_get_userbyid(c.relowner) AS owner, c.relacl::text AS acl FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'fwb' ORDER BY c.relname`,
  );
  const roles = await client.query(`SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE 'fwb\\_%' ORDER BY rolname`);
  const rows = await client.query(`SELECT count(*) AS n, max(seq) AS seq FROM fwb.reason_codes`);
  const versions = await client.query(`SELECT version, applied_at FROM fwb.schema_version`);
  return JSON.stringify([objects.rows, roles.rows, rows.rows, versions.rows]);
}

describe('fwb team init', () => {
  let server: TestServer;
  let admin: pg.Client;
  beforeAll(async () => {
    server = await startTestServer();
    admin = await adminClient(server);
  });
  afterAll(async () => {
    await admin?.end();
    server?.cleanup();
  });

  it('creates schema fwb, its owner and the group roles; a second run changes nothing', async () => {
    const first = fwb(['team', 'init', '--url', server.url, '--json'], { password: server.password });
    expect(first.status, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ created: true, schemaVersion: SCHEMA_VERSION, database: 'postgres', admin: 'fwb_admin' });

    const tables = await admin.query<{ relname: string; owner: string }>(
      `SELECT c.relname, pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'fwb' AND c.relkind = 'r'`,
    );
    expect(tables.rows.map((r) => r.relname).sort()).toEqual(TEAM_TABLES.filter((t) => t !== 'open_conflicts').sort());
    expect(SCHEMA_V2_TABLES).toContain('open_conflicts');
    expect(new Set(tables.rows.map((r) => r.owner))).toEqual(new Set(['fwb_owner']));
    const roles = await admin.query(`SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname IN ('fwb_owner', 'fwb_analyst', 'fwb_planner', 'fwb_manager') ORDER BY rolname`);
    expect(roles.rows).toEqual(['fwb_analyst', 'fwb_manager', 'fwb_owner', 'fwb_planner'].map((rolname) => ({ rolname, rolcanlogin: false })));
    // Every shared row has a seq from the one sequence, journals a client uuid.
    const seqless = await admin.query(
      `SELECT t.table_name FROM information_schema.tables t WHERE t.table_schema = 'fwb' AND t.table_name <> 'schema_version'
         AND NOT EXISTS (SELECT 1 FROM information_schema.columns c WHERE c.table_schema = 'fwb' AND c.table_name = t.table_name AND c.column_name = 'seq')`,
    );
    expect(seqless.rows).toEqual([]);
    const uuids = await admin.query(`SELECT table_name FROM information_schema.columns WHERE table_schema = 'fwb' AND column_name = 'uuid' ORDER BY 1`);
    // Policies and reason codes too (version 6): a manager's change pushed twice is recorded once.
    expect(uuids.rows.map((r) => r.table_name)).toEqual(['approvals', 'decisions', 'import_batches', 'policies', 'reason_codes', 'refused_submissions', 'releases']);
    const journal = await admin.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'fwb' AND table_name = 'decisions' AND column_name IN ('decided_at_client', 'based_on_seq')`);
    expect(journal.rowCount).toBe(2);

    const before = await catalogSnapshot(admin);
    const again = fwb(['team', 'init', '--url', server.url], { password: server.password });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`already holds the team workbook \\(schema fwb version ${SCHEMA_VERSION}\\): nothing changed`));
    expect(await catalogSnapshot(admin)).toBe(before);
  });

  it('keeps the journals append-only even for the owner', async () => {
    await admin.query('BEGIN');
    try {
      await admin.query('SET LOCAL ROLE fwb_owner');
      await expect(admin.query(`UPDATE fwb.reason_codes SET label = 'x'`)).rejects.toThrow(/fwb\.reason_codes is append-only/);
    } finally {
      await admin.query('ROLLBACK');
    }
    await expect(admin.query('DELETE FROM fwb.policies')).rejects.toThrow(/fwb\.policies is append-only/);
    await expect(admin.query('TRUNCATE fwb.audit_log')).rejects.toThrow(/fwb\.audit_log is append-only/);
  });

  it('refuses a schema fwb holding tables it did not create, naming them, and changes nothing', async () => {
    await admin.query('CREATE DATABASE foreign_tables');
    const other = await adminClient(server, 'foreign_tables');
    try {
      await other.query('CREATE SCHEMA fwb');
      await other.query('CREATE TABLE fwb.invoices (id int)');
      await other.query('CREATE TABLE fwb.items (id int)');
      const run = fwb(['team', 'init', '--url', server.urlFor('fwb_admin', 'foreign_tables')], { password: server.password });
      expect(run.status).toBe(3);
      expect(run.stderr).toMatch(/fwb team init: Schema "fwb" in this database holds a table fwb did not create \(fwb\.invoices\)/);
      expect(run.stderr).toMatch(/Use another database, or move that table out of schema fwb\./);
      expect(expectNoLeak(run, [server.password])).toEqual([]);
      const left = await other.query(`SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'fwb' AND relkind = 'r' ORDER BY 1`);
      expect(left.rows.map((r) => r.relname)).toEqual(['invoices', 'items']);
    } finally {
      await other.end();
    }
  });

  it('refuses a login that is no administrator, with a sentence', async () => {
    await admin.query(`CREATE ROLE plain_member LOGIN PASSWORD 'member-secret-1'`);
    const run = fwb(['team', 'init', '--url', server.urlFor('plain_member')], { password: 'member-secret-1' });
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/The login "plain_member" may not create roles \(CREATEROLE\).*run it with an administrator’s URL/);
    expect(expectNoLeak(run, ['member-secret-1'])).toEqual([]);
  });

  it('says what is wrong, without the password or a stack, when the password is wrong or missing or the server does not answer', () => {
    const wrong = fwb(['team', 'init', '--url', server.url], { password: 'wrong-secret-7' });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/refused the login "fwb_admin" to database "postgres": wrong password/);
    expect(expectNoLeak(wrong, ['wrong-secret-7', server.password])).toEqual([]);

    const none = fwb(['team', 'init', '--url', server.url]);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/asks login "fwb_admin" for a password and none was found: set PGPASSWORD, add a line for it to ~\/\.pgpass/);

    // A password inside the URL is shown as *** in every message.
    const inUrl = `postgres://fwb_admin:${encodeURIComponent('url-secret-9')}@127.0.0.1:1/postgres`;
    const down = fwb(['team', 'init', '--url', inUrl]);
    expect(down.status).toBe(1);
    expect(down.stderr).toMatch(/No PostgreSQL server answers at 127\.0\.0\.1:1 \(connection refused\).*postgres:\/\/fwb_admin:\*\*\*@127\.0\.0\.1:1\/postgres/);
    expect(expectNoLeak(down, ['url-secret-9'])).toEqual([]);

    const notUrl = fwb(['team', 'init', '--url', 'mysql://root:pw-in-mysql@db/x']);
    expect(notUrl.status).toBe(3);
    expect(notUrl.stderr).toMatch(/is not a PostgreSQL URL/);
    expect(expectNoLeak(notUrl, ['pw-in-mysql'])).toEqual([]);
  });

  it('reads the password from ~/.pgpass (PGPASSFILE) and from a PGSERVICE section, as libpq does', async () => {
    const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join('/tmp', 'fwb-libpq-'));
    try {
      const passfile = join(dir, 'pgpass');
      writeFileSync(passfile, `# ours\n127.0.0.1:${server.port}:*:fwb_admin:${server.password}\n`, { mode: 0o600 });
      const viaPassfile = fwb(['team', 'init', '--url', server.url], { env: { PGPASSFILE: passfile } });
      expect(viaPassfile.status, viaPassfile.stderr).toBe(0);
      const services = join(dir, 'pg_service.conf');
      writeFileSync(services, `[team]\nhost=127.0.0.1\nport=${server.port}\nuser=fwb_admin\ndbname=postgres\n`, { mode: 0o600 });
      const viaService = fwb(['team', 'init', '--url', 'postgres://'], { env: { PGSERVICE: 'team', PGSERVICEFILE: services, PGPASSFILE: passfile } });
      expect(viaService.status, viaService.stderr).toBe(0);
      expect(viaService.stdout).toMatch(/already holds the team workbook/);
      const unknown = fwb(['team', 'init', '--url', 'postgres://'], { env: { PGSERVICE: 'nope', PGSERVICEFILE: services } });
      expect(unknown.status).toBe(3);
      expect(unknown.stderr).toMatch(/No connection service "nope" \(PGSERVICE\) is defined in/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets two administrators run init at once: one creates, the other finds it made', async () => {
    await admin.query('CREATE DATABASE twice_at_once');
    const { spawn } = await import('node:child_process');
    const { FWB } = await import('./fwb');
    const once = () =>
      new Promise<{ code: number | null; out: string }>((done) => {
        const child = spawn(process.execPath, [FWB, 'team', 'init', '--url', server.urlFor('fwb_admin', 'twice_at_once'), '--json'], {
          env: { ...process.env, PGPASSWORD: server.password, PGPASSFILE: '/nonexistent' },
        });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.once('exit', (code) => done({ code, out }));
      });
    const runs = await Promise.all([once(), once()]);
    expect(runs.map((r) => r.code), runs.map((r) => r.out).join('\n')).toEqual([0, 0]);
    expect(runs.map((r) => JSON.parse(r.out).created).sort()).toEqual([false, true]);
  });

  it('answers a missing or unknown team command, or a missing --url, as a usage error', () => {
    for (const args of [['team'], ['team', 'frobnicate'], ['team', 'init']]) {
      const run = fwb(args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/fwb team init\|add-user\|remove-user\|dev-server/);
    }
    expect(fwb(['team', '--help']).stdout).toMatch(/fwb team add-user --url ADMIN_URL --user LOGIN --name "Full Name" --role planner\|manager\|analyst/);
  });

  it('refuses PostgreSQL older than 14', () => {
    const facts = { versionNum: 130012, version: '13.12', login: 'a', database: 'd', superuser: true, createRole: true, createInDatabase: true };
    expect(() => requireSupportedServer(facts)).toThrow(/PostgreSQL 13\.12; the team workbook needs PostgreSQL 14 or newer/);
    expect(() => requireSupportedServer({ ...facts, versionNum: 140000 })).not.toThrow();
  });
});

describe('connections over a network', () => {
  it('ask for encryption unless the URL or PGSSLMODE says otherwise; loopback stays as given', async () => {
    const { connectTarget } = await import('../../electron/team/connect');
    const before = process.env.PGSSLMODE;
    delete process.env.PGSSLMODE;
    try {
      expect(new URL(connectTarget('postgres://ana@db.example.com/team').url).searchParams.get('sslmode')).toBe('require');
      expect(new URL(connectTarget('postgres://ana@10.0.0.7:5433/team?sslmode=verify-full').url).searchParams.get('sslmode')).toBe('verify-full');
      expect(new URL(connectTarget('postgres://ana@db.example.com/team?sslmode=disable').url).searchParams.get('sslmode')).toBe('disable');
      for (const local of ['postgres://ana@127.0.0.1:5432/team', 'postgres://ana@localhost/team', 'postgres://ana@[::1]/team']) {
        expect(new URL(connectTarget(local).url).searchParams.has('sslmode'), local).toBe(false);
      }
      process.env.PGSSLMODE = 'disable';
      expect(new URL(connectTarget('postgres://ana@db.example.com/team').url).searchParams.has('sslmode')).toBe(false);
    } finally {
      if (before === undefined) delete process.env.PGSSLMODE;
      else process.env.PGSSLMODE = before;
    }
  });

  it('say in a sentence that a server offers no encryption when it was asked for', async () => {
    const server = await startTestServer();
    try {
      const run = fwb(['team', 'init', '--url', `${server.url}?sslmode=require`], { password: server.password });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/does not offer encryption \(TLS\), which fwb asks for over a network: ask its administrator to turn on SSL, or add \?sslmode=disable/);
      expect(expectNoLeak(run, [server.password])).toEqual([]);
    } finally {
      server.cleanup();
    }
  });
});
