// A replica of a team workbook against a real PostgreSQL: a workbook that fwb team join
// creates takes the team's grain; a pull killed with SIGKILL mid-way (a child fwb
// process) resumes with no row twice; fwb check --team verifies the server's audit
// chain and that the replica's copy is a prefix of it, and tells which side changed
// when a replica row is edited in the file or a server row by the database's superuser.
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInProcess } from '../../electron/backend/host-entry';
import { expectNoLeak, fwb, FWB } from './fwb';
import { adminClient, startTestServer, type TestServer } from './server';

const PEOPLE = {
  al: { name: 'Al Ortiz', role: 'analyst' },
  ana: { name: 'Ana Lima', role: 'planner' },
} as const;
type Login = keyof typeof PEOPLE;
const passwordOf = (login: string) => `${login}-pw-5521`;
const ITEMS = 300;
const WEEKS = 40;

/** A weekly forecast file: ITEMS × WEEKS lines from the Monday 2026-01-05. */
function writeWeeklyCsv(path: string): void {
  const rows = ['item_id,period,forecast'];
  const start = Date.UTC(2026, 0, 5);
  for (let i = 1; i <= ITEMS; i++) {
    for (let w = 0; w < WEEKS; w++) rows.push(`W-${String(i).padStart(4, '0')},${new Date(start + w * 7 * 86_400_000).toISOString().slice(0, 10)},${(i * 7 + w) % 97}.5`);
  }
  writeFileSync(path, `${rows.join('\n')}\n`);
}

function one<T>(path: string, sql: string): T {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).get() as T;
  } finally {
    db.close();
  }
}

/** The shared rows a workbook holds, as counts and sums that move if any row is missing, doubled or different. */
const contents = (path: string) =>
  one<{ items: number; runs: number; lines: number; placed: number; actuals: number }>(
    path,
    `SELECT (SELECT count(*) FROM items) AS items, (SELECT count(*) FROM forecast_runs) AS runs,
            (SELECT count(*) FROM forecast_lines) AS lines, (SELECT sum(line_id * period + quantity) FROM forecast_lines) AS placed,
            (SELECT count(*) FROM actuals) AS actuals`,
  );

describe('a team replica: grain, a killed pull, fwb check --team', () => {
  let server: TestServer;
  let admin: pg.Client;
  let dir: string;
  const urlOf = (login: Login) => server.urlFor(login);
  const joinAs = (login: Login, db: string) => fwb(['team', 'join', '--db', db, '--url', urlOf(login), '--json'], { password: passwordOf(login) });
  const checkTeam = (db: string, login: Login = 'ana') => fwb(['check', '--db', db, '--team'], { password: passwordOf(login) });
  const analystDb = () => join(dir, 'analyst.db');

  beforeAll(async () => {
    server = await startTestServer();
    admin = await adminClient(server);
    dir = mkdtempSync(join(tmpdir(), 'fwb-replica-'));
    const init = fwb(['team', 'init', '--url', server.url], { password: server.password });
    expect(init.status, init.stderr).toBe(0);
    for (const [login, p] of Object.entries(PEOPLE)) {
      const run = fwb(['team', 'add-user', '--url', server.url, '--user', login, '--name', p.name, '--role', p.role, '--password-stdin'], { password: server.password, input: `${passwordOf(login)}\n` });
      expect(run.status, run.stderr).toBe(0);
    }
    const csv = join(dir, 'weekly.csv');
    writeWeeklyCsv(csv);
    const imported = fwb(['import', '--db', analystDb(), '--kind', 'forecasts', '--grain', 'week', '--model', 'Weekly', '--origin', '2025-12-29', '--create-items', csv]);
    expect(imported.status, imported.stderr).toBe(0);
    const published = joinAs('al', analystDb());
    expect(published.status, published.stderr).toBe(0);
    expect(JSON.parse(published.stdout)).toMatchObject({ how: 'published', published: { lines: ITEMS * WEEKS } });
  }, 180_000);
  afterAll(async () => {
    await admin?.end();
    server?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('creates the workbook it joins with the team’s grain, and refuses an empty workbook of another grain', async () => {
    const planner = join(dir, 'weekly-planner.db');
    const run = joinAs('ana', planner);
    expect(run.status, run.stderr).toBe(0);
    expect(one<{ value: string }>(planner, "SELECT value FROM workbook_meta WHERE key = 'grain'").value).toBe('week');
    expect(contents(planner)).toEqual(contents(analystDb()));

    // An empty workbook made before, monthly: pulling weekly runs into it would mislabel every period.
    const monthly = join(dir, 'monthly.db');
    const backend = await openInProcess({ dbPath: monthly, access: 'write', program: 'test' });
    await backend.close();
    const refused = joinAs('ana', monthly);
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(/monthly\.db is a workbook of monthly periods and the team's forecasts are weekly: a replica keeps the team's grain\. Join with a file that does not exist yet/);
    expect(expectNoLeak(refused, [passwordOf('ana')])).toEqual([]);
    expect(one<{ n: number }>(monthly, 'SELECT count(*) AS n FROM team_link').n).toBe(0);
  });

  it('resumes a pull killed with SIGKILL between pages: no row twice, fwb check and fwb check --team ok', async () => {
    const killed = join(dir, 'killed.db');
    const child = spawn(process.execPath, [FWB, 'team', 'join', '--db', killed, '--url', urlOf('ana')], {
      env: { ...process.env, PGPASSWORD: passwordOf('ana'), PGPASSFILE: '/nonexistent/pgpass', FWB_TEAM_PAGE_ROWS: '500' },
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((done) => child.once('exit', (_code, signal) => done(signal)));
    // Killed as soon as the first page of lines is in the file, with more pages to come.
    let linesMark = 0;
    for (let i = 0; i < 6000 && linesMark === 0 && child.exitCode === null; i++) {
      await new Promise((r) => setTimeout(r, 5));
      if (!existsSync(killed)) continue;
      try {
        linesMark = one<{ m: number } | undefined>(killed, "SELECT last_seq AS m FROM team_sync WHERE table_name = 'forecast_lines'")?.m ?? 0;
      } catch {
        /* not migrated yet */
      }
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const partial = contents(killed);
    expect(partial.lines).toBeGreaterThan(0);
    expect(partial.lines).toBeLessThan(ITEMS * WEEKS);

    const resumed = joinAs('ana', killed);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ how: 'resumed', pulled: { forecast_lines: ITEMS * WEEKS - partial.lines } });
    expect(contents(killed)).toEqual(contents(analystDb()));
    const teamLines = Number((await admin.query('SELECT count(*) AS n FROM fwb.forecast_lines')).rows[0].n);
    expect(one<{ n: number; ids: number }>(killed, 'SELECT count(*) AS n, count(DISTINCT line_id) AS ids FROM forecast_lines')).toEqual({ n: teamLines, ids: teamLines });
    const check = fwb(['check', '--db', killed]);
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const team = checkTeam(killed);
    expect(team.status, team.stdout + team.stderr).toBe(0);
  });

  it('fwb check --team: ok after join, for the publisher and for a replica that pulled, the copy being the server’s chain', async () => {
    const planner = join(dir, 'weekly-planner.db');
    const run = checkTeam(planner);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const entries = Number((await admin.query('SELECT count(*) AS n FROM fwb.audit_log')).rows[0].n);
    expect(entries).toBeGreaterThan(0);
    expect(run.stdout).toMatch(new RegExp(`team ok — the team's audit chain holds ${entries} entries .* this replica's copy of it \\(${entries} entries, through seq \\d+\\) is a prefix of it`));
    expect(expectNoLeak(run, [passwordOf('ana')])).toEqual([]);
    // The publisher pulled the chain after its publication, the publish entry included.
    // (Its own workbook check reports the team's users it pulled as having no local audit record: join's users pull, left as it is.)
    const publisher = checkTeam(analystDb(), 'al');
    expect(publisher.stdout, publisher.stderr).toMatch(new RegExp(`team ok — the team's audit chain holds ${entries} entries .* copy of it \\(${entries} entries`));
    const json = fwb(['check', '--db', planner, '--team', '--json'], { password: passwordOf('ana') });
    expect(JSON.parse(json.stdout).team).toMatchObject({ ok: true, serverEntries: entries, copyEntries: entries });
    // A single-seat workbook has no team chain to check, and is told so.
    const single = join(dir, 'single.db');
    expect(fwb(['demo', '--db', single, '--items', '5', '--months', '36']).status).toBe(0);
    const unlinked = fwb(['check', '--db', single, '--team']);
    expect(unlinked.status).toBe(3);
    expect(unlinked.stderr).toMatch(/single\.db is not linked to a team workbook, so there is no team chain to check/);
  });

  it('fwb check --team detects a replica’s copy changed in the file (better-sqlite3, as the sqlite3 shell would), naming the seq and the replica', () => {
    const tampered = join(dir, 'tampered.db');
    copyFileSync(join(dir, 'weekly-planner.db'), tampered);
    const db = new Database(tampered);
    const seq = (db.prepare('SELECT min(seq) AS s FROM team_audit_log').get() as { s: number }).s;
    db.prepare(`UPDATE team_audit_log SET payload = json_set(payload, '$.lines', 1) WHERE seq = ?`).run(seq);
    db.close();
    const run = checkTeam(tampered);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`team FAILED — tampered\\.db's copy of the team's audit entry at seq ${seq} was changed outside fwb \\(its payload is .* in tampered\\.db and .* on the server, and the copy no longer gives its recorded hash\\): the server's chain holds\\.`));
    // An entry taken out of the copy is missed too.
    const removed = join(dir, 'removed.db');
    copyFileSync(join(dir, 'weekly-planner.db'), removed);
    const db2 = new Database(removed);
    db2.prepare('DELETE FROM team_audit_log WHERE seq = ?').run(seq);
    db2.close();
    const run2 = checkTeam(removed);
    expect(run2.status).toBe(1);
    expect(run2.stdout).toMatch(new RegExp(`removed\\.db's copy of the team's audit chain lacks the team's audit entry at seq ${seq} \\(publish by al\\)`));
  });

  it('fwb check --team finds a decision changed or put in on the server after its batch’s audit entry recorded it', async () => {
    const ana = await server.connectAs('ana', passwordOf('ana'));
    let outcomes: { seq: number; decision_id: number }[];
    try {
      const lines = (await admin.query(`SELECT line_id FROM fwb.forecast_lines WHERE lag >= 2 ORDER BY line_id LIMIT 3`)).rows.map((r) => Number(r.line_id));
      const sent = await ana.query('SELECT fwb.submit_decisions($1::jsonb) AS out', [JSON.stringify(lines.map((line_id) => ({ uuid: randomUUID(), line_id, action: 'accept' })))]);
      outcomes = sent.rows[0].out;
    } finally {
      await ana.end();
    }
    const planner = join(dir, 'weekly-planner.db');
    expect(checkTeam(planner).status).toBe(0);
    const [, second] = outcomes;
    // Only the superuser gets around the append-only trigger; the chain itself stays whole.
    await admin.query('BEGIN');
    await admin.query('SET LOCAL session_replication_role = replica');
    await admin.query(`UPDATE fwb.decisions SET quantity = quantity + 1 WHERE decision_id = $1`, [second!.decision_id]);
    await admin.query('COMMIT');
    const changed = checkTeam(planner);
    expect(changed.status).toBe(1);
    expect(changed.stdout).toMatch(
      new RegExp(`team FAILED — The team's journal on the server no longer holds the team's decision at seq ${second!.seq} \\(decision ${second!.decision_id} by ana\\) as its audit entry recorded it: it was changed on the server after it was written\\.`),
    );
    await admin.query('BEGIN');
    await admin.query('SET LOCAL session_replication_role = replica');
    await admin.query(`UPDATE fwb.decisions SET quantity = quantity - 1 WHERE decision_id = $1`, [second!.decision_id]);
    const planted = await admin.query(
      `INSERT INTO fwb.decisions (uuid, line_id, action, quantity, source, status, decided_by) SELECT gen_random_uuid(), line_id, 'accept', quantity, 'model', 'final', 'ana'
         FROM fwb.forecast_lines WHERE lag >= 2 ORDER BY line_id OFFSET 5 LIMIT 1 RETURNING seq, decision_id`,
    );
    await admin.query('COMMIT');
    const put = checkTeam(planner);
    expect(put.status).toBe(1);
    expect(put.stdout).toMatch(
      new RegExp(`team FAILED — The team's journal on the server holds the team's decision at seq ${planted.rows[0].seq} \\(decision ${planted.rows[0].decision_id} by ana\\), which no audit entry records`),
    );
    await admin.query('BEGIN');
    await admin.query('SET LOCAL session_replication_role = replica');
    await admin.query('DELETE FROM fwb.decisions WHERE decision_id = $1', [planted.rows[0].decision_id]);
    await admin.query('COMMIT');
    expect(checkTeam(planner).status).toBe(0);
  });

  it('fwb check --team detects a server entry changed by the superuser (app roles cannot), naming the seq and the server', async () => {
    const ana = await server.connectAs('ana', passwordOf('ana'));
    try {
      await expect(ana.query(`UPDATE fwb.audit_log SET actor = 'ana'`)).rejects.toMatchObject({ code: '42501' });
    } finally {
      await ana.end();
    }
    const seq = Number((await admin.query(`SELECT seq FROM fwb.audit_log WHERE action = 'publish'`)).rows[0].seq);
    // Only the superuser gets around the append-only trigger, by turning triggers off for its session.
    await admin.query('BEGIN');
    await admin.query('SET LOCAL session_replication_role = replica');
    await admin.query(`UPDATE fwb.audit_log SET payload = payload || '{"lines": 1}' WHERE seq = $1`, [seq]);
    await admin.query('COMMIT');
    const run = checkTeam(join(dir, 'weekly-planner.db'));
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`team FAILED — The team's audit chain on the server is broken at seq ${seq}: the team's audit entry at seq ${seq} \\(publish by al\\) no longer gives its recorded hash, so it was changed on the server after it was written\\.`));
    expect(expectNoLeak(run, [passwordOf('ana'), server.password])).toEqual([]);

    // The superuser then recomputes every hash from the changed entry on: the server's chain holds again,
    // and only the replica's earlier copy tells that it was rewritten.
    await admin.query('BEGIN');
    await admin.query('SET LOCAL session_replication_role = replica');
    await admin.query(`DO $$ DECLARE r record; prev text := repeat('0', 64); h text; BEGIN
      FOR r IN SELECT * FROM fwb.audit_log ORDER BY audit_id LOOP
        h := encode(sha256(convert_to(prev || E'\\n' || jsonb_build_array(fwb.utc_text(r.at), r.actor, r.action, r.entity, r.entity_id, r.payload)::text, 'UTF8')), 'hex');
        UPDATE fwb.audit_log SET prev_hash = prev, hash = h WHERE audit_id = r.audit_id;
        prev := h;
      END LOOP; END $$`);
    await admin.query('COMMIT');
    const rewritten = checkTeam(join(dir, 'weekly-planner.db'));
    expect(rewritten.status).toBe(1);
    expect(rewritten.stdout).toMatch(
      new RegExp(`team FAILED — The team's audit chain on the server was rewritten at seq ${seq} after weekly-planner\\.db pulled it \\(its payload is .* in weekly-planner\\.db and .* on the server\\): both still hash, so someone with the server's superuser recomputed the chain`),
    );
  });
});
