// fwb team join with a real PostgreSQL: the analyst's demo workbook publishes into an empty
// team, an empty workbook joins and pulls everything, and both then hold the same items,
// lines and actuals and give the same model accuracy through the backend's own queries.
// A non-empty workbook joining a team that has data is refused, and so is a planner's
// publication, through fwb and through raw SQL under the planner's own login.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInProcess } from '../../electron/backend/host-entry';
import { joinTeam, type ReplicaPort } from '../../electron/team/join';
import { expectNoLeak, fwb } from './fwb';
import { adminClient, startTestServer, type TestServer } from './server';

const PEOPLE = {
  al: { name: 'Al Ortiz', role: 'analyst' },
  ana: { name: 'Ana Lima', role: 'planner' },
  max: { name: 'Max Berg', role: 'manager' },
} as const;
type Login = keyof typeof PEOPLE;
const passwordOf = (login: string) => `${login}-pw-7310`;

/** What a workbook holds of the shared tables, as counts and sums. */
function contents(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    const one = (sql: string) => db.prepare(sql).get() as Record<string, number>;
    return {
      items: one("SELECT count(*) AS n, group_concat(item_key || ':' || item_id || ':' || coalesce(category, ''), ',') AS ids FROM (SELECT * FROM items ORDER BY item_key)"),
      runs: one('SELECT count(*) AS n, sum(origin) AS origins, group_concat(model_name) AS models FROM forecast_runs'),
      lines: one('SELECT count(*) AS n, sum(quantity) AS q, sum(lag) AS lags, sum(coalesce(upper, 0) - coalesce(lower, 0)) AS width, sum(line_id * period) AS placed FROM forecast_lines'),
      actuals: one('SELECT count(*) AS n, sum(quantity) AS q, count(superseded_at) AS superseded FROM actuals'),
      currentActuals: one('SELECT count(*) AS n, sum(quantity) AS q FROM actuals WHERE superseded_at IS NULL'),
    };
  } finally {
    db.close();
  }
}

function teamLinkOf(path: string): Record<string, string> | undefined {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT * FROM team_link').get() as Record<string, string> | undefined;
  } finally {
    db.close();
  }
}

/** The model's accuracy by category and the ranking of the benchmarks, as `fwb accuracy` gives them (decisions left out: only the analyst's workbook has them). */
function modelAccuracy(path: string) {
  const byCategory = fwb(['accuracy', '--db', path, '--json']);
  expect(byCategory.status, byCategory.stderr).toBe(0);
  const byModel = fwb(['accuracy', '--db', path, '--by', 'model', '--json']);
  expect(byModel.status, byModel.stderr).toBe(0);
  const categories = (JSON.parse(byCategory.stdout).rows as { key: string; n: number; model: number }[]).map((r) => ({ key: r.key, n: r.n, model: r.model }));
  const models = (JSON.parse(byModel.stdout).rows as { key: string; n: number; value: number }[]).filter((r) => !['final', 'sales_input'].includes(r.key)).map((r) => ({ key: r.key, n: r.n, value: r.value }));
  return { categories, models };
}

describe('fwb team join', () => {
  let server: TestServer;
  let admin: pg.Client;
  let dir: string;
  const urlOf = (login: Login) => server.urlFor(login);
  const joinAs = (login: Login, db: string, json = true) => fwb(['team', 'join', '--db', db, '--url', urlOf(login), ...(json ? ['--json'] : [])], { password: passwordOf(login) });
  const teamCount = async (table: string) => Number((await admin.query(`SELECT count(*) AS n FROM fwb.${table}`)).rows[0].n);

  beforeAll(async () => {
    server = await startTestServer();
    admin = await adminClient(server);
    dir = mkdtempSync(join(tmpdir(), 'fwb-join-'));
    const init = fwb(['team', 'init', '--url', server.url], { password: server.password });
    expect(init.status, init.stderr).toBe(0);
    for (const [login, p] of Object.entries(PEOPLE)) {
      const run = fwb(['team', 'add-user', '--url', server.url, '--user', login, '--name', p.name, '--role', p.role, '--password-stdin'], { password: server.password, input: `${passwordOf(login)}\n` });
      expect(run.status, run.stderr).toBe(0);
    }
    for (const [name, seed] of [['analyst.db', '42'], ['other.db', '7']] as const) {
      const demo = fwb(['demo', '--db', join(dir, name), '--items', '20', '--months', '36', '--seed', seed]);
      expect(demo.status, demo.stderr).toBe(0);
    }
  }, 120_000);
  afterAll(async () => {
    await admin?.end();
    server?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a planner publishing the first workbook, through fwb and through raw SQL under the planner’s login', async () => {
    const analystDb = join(dir, 'analyst.db');
    const before = contents(analystDb);
    const run = joinAs('ana', analystDb, false);
    expect(run.status, run.stdout).toBe(3);
    expect(run.stderr).toMatch(/joining would publish it.*Only analysts may publish items, forecasts and actuals; Ana Lima \(login "ana"\) is a planner/);
    expect(expectNoLeak(run, [passwordOf('ana')])).toEqual([]);
    expect(teamLinkOf(analystDb)).toBeUndefined();
    expect(contents(analystDb)).toEqual(before);
    expect(await teamCount('items')).toBe(0);
    expect(await teamCount('import_batches')).toBe(0);

    const ana = await server.connectAs('ana', passwordOf('ana'));
    try {
      await ana.query('BEGIN');
      await expect(ana.query('SELECT fwb.stage_publication()')).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/Only analysts may publish/) });
      await ana.query('ROLLBACK');
      await expect(ana.query('SELECT fwb.publish_batch()')).rejects.toMatchObject({ code: '42501' });
      // Nor around the function: no table of the publication takes a member's row.
      await expect(ana.query(`INSERT INTO fwb.items (item_id, name) VALUES ('X', 'x')`)).rejects.toMatchObject({ code: '42501' });
    } finally {
      await ana.end();
    }
    // An analyst's publication reads only the staging tables the function made, never a table of the caller's own.
    const al = await server.connectAs('al', passwordOf('al'));
    try {
      await expect(al.query('SELECT fwb.publish_batch()')).rejects.toMatchObject({ code: '22023', message: expect.stringMatching(/Nothing is staged/) });
      await al.query('BEGIN');
      await al.query('CREATE TEMP TABLE fwb_stage_lines (line_id bigint) ON COMMIT DROP');
      await expect(al.query('SELECT fwb.stage_publication()')).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/holds its own temporary fwb_stage_/) });
      await al.query('ROLLBACK');
    } finally {
      await al.end();
    }
    expect(await teamCount('items')).toBe(0);
  });

  it('publishes the analyst’s demo workbook into the empty team, keeping its ids', async () => {
    const analystDb = join(dir, 'analyst.db');
    const before = contents(analystDb);
    const run = joinAs('al', analystDb);
    expect(run.status, run.stderr).toBe(0);
    expect(expectNoLeak(run, [passwordOf('al')])).toEqual([]);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ how: 'published', login: 'al', role: 'analyst' });
    expect(out.published).toMatchObject({ items: before.items.n, runs: before.runs.n, lines: before.lines.n, actuals: before.actuals.n });
    // The demo's owners are not logins of this team.
    expect(out.published.ownersNotInTeam.length).toBeGreaterThan(0);
    expect(out.notPublished.decisions).toBeGreaterThan(0);

    expect(await teamCount('forecast_lines')).toBe(before.lines.n);
    const sums = (await admin.query('SELECT sum(quantity) AS q, sum(line_id * period) AS placed FROM fwb.forecast_lines')).rows[0];
    expect(Number(sums.q)).toBeCloseTo(before.lines.q!, 6);
    expect(Number(sums.placed)).toBe(before.lines.placed);
    const batches = await admin.query(`SELECT DISTINCT imported_by, recorded_by FROM fwb.import_batches`);
    expect(batches.rows).toEqual([{ imported_by: 'al', recorded_by: 'Sam Taylor' }]);
    const audit = await admin.query(`SELECT actor, action, payload->>'lines' AS lines FROM fwb.audit_log WHERE action = 'publish'`);
    expect(audit.rows).toEqual([{ actor: 'al', action: 'publish', lines: String(before.lines.n) }]);

    // The workbook is unchanged and linked, its URL without any password.
    expect(contents(analystDb)).toEqual(before);
    const link = teamLinkOf(analystDb)!;
    expect(link).toMatchObject({ login: 'al', role: 'analyst', linked_how: 'published' });
    expect(link.url).not.toContain(passwordOf('al'));

    // The team's decision rules are in force on it (the server judges by them): the demo's own category policies and
    // reason codes the team does not hold were taken out, audited, and the join named them.
    const local = new Database(analystDb, { readonly: true });
    const mine = {
      policies: (local.prepare("SELECT segment_type || ' ' || segment_value FROM policies").pluck().all() as string[]).sort(),
      codes: (local.prepare('SELECT code FROM reason_codes WHERE active = 1').pluck().all() as string[]).sort(),
      removed: local.prepare("SELECT count(*) FROM audit_log WHERE action = 'policy.removed'").pluck().get() as number,
    };
    local.close();
    const teams = {
      policies: (await admin.query<{ s: string }>("SELECT DISTINCT segment_type || ' ' || segment_value AS s FROM fwb.policies")).rows.map((r) => r.s).sort(),
      codes: (await admin.query<{ code: string }>('SELECT code FROM (SELECT DISTINCT ON (code) code, active FROM fwb.reason_codes ORDER BY code, seq DESC) c WHERE active')).rows.map((r) => r.code).sort(),
    };
    expect(out.rulesTakenOut.policies.length).toBeGreaterThan(0);
    expect(mine).toEqual({ ...teams, removed: out.rulesTakenOut.policies.length });
    const check = fwb(['check', '--db', analystDb]);
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });

  it('lets an empty workbook join and pull everything: the same items, lines, actuals and model accuracy', async () => {
    const analystDb = join(dir, 'analyst.db');
    const planner = join(dir, 'planner.db');
    expect(existsSync(planner)).toBe(false);
    const run = joinAs('ana', planner);
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ how: 'pulled', login: 'ana', role: 'planner' });
    const mine = contents(analystDb);
    expect(out.pulled).toMatchObject({ items: mine.items.n, forecast_runs: mine.runs.n, forecast_lines: mine.lines.n, actuals: mine.actuals.n, users: 3 });
    expect(contents(planner)).toEqual(mine);
    expect(modelAccuracy(planner)).toEqual(modelAccuracy(analystDb));
    expect(teamLinkOf(planner)).toMatchObject({ login: 'ana', role: 'planner', linked_how: 'pulled' });
    const check = fwb(['check', '--db', planner]);
    expect(check.status, check.stdout + check.stderr).toBe(0);

    // Joining again only catches up: nothing new, nothing written twice.
    const again = joinAs('ana', planner);
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ how: 'resumed', pulled: { forecast_lines: 0, actuals: 0, items: 0 } });
    expect(contents(planner)).toEqual(mine);
  });

  it('pulls page by page, each page with its mark: a pull stopped halfway resumes and writes no row twice', async () => {
    const analystDb = join(dir, 'analyst.db');
    const path = join(dir, 'paged.db');
    const backend = await openInProcess({ dbPath: path, access: 'write', program: 'test' });
    const host = async <T>(method: string, payload: unknown): Promise<T> => {
      const r = await backend.hostCall(method, payload);
      if (!r.ok) throw new Error(r.error.message);
      return r.value as T;
    };
    const pages: { table: string; rows: number; lastSeq: number }[] = [];
    // Users, batches, locations, items and runs take a page each; two pages of lines, then the connection is lost.
    let stopAfter = 7;
    const port: ReplicaPort = {
      state: () => host('teamReplicaState', {}),
      publicationPage: (table, after, limit) => host('teamPublicationPage', { table, after, limit }),
      finishPull: () => host('finishTeamPull', {}),
      link: (link, marks) => host('recordTeamLink', { link, marks }),
      applyJournalPage: (page) => host('applyTeamJournalPage', page),
      keepOnlyTeamRules: (rules) => host('keepOnlyTeamRules', rules),
      async applyPage(page) {
        if (pages.length === stopAfter) throw new Error('connection lost (test)');
        await host('applyTeamPage', page);
        pages.push({ table: page.table, rows: page.rows.length, lastSeq: page.lastSeq });
      },
    };
    const before = process.env.PGPASSWORD;
    process.env.PGPASSWORD = passwordOf('ana');
    try {
      await expect(joinTeam(urlOf('ana'), port, 'paged.db', { pageRows: 400 })).rejects.toThrow(/connection lost/);
      // A password in the URL is used, and kept nowhere in the workbook.
      expect((await host<{ link: { url: string } }>('teamReplicaState', {})).link.url).toBe(urlOf('ana'));
      const state = await host<{ marks: Record<string, number> }>('teamReplicaState', {});
      // Each page written with its mark: the marks are those of the last page written of each table.
      for (const page of pages) expect(state.marks[page.table]).toBeGreaterThanOrEqual(page.lastSeq);
      expect(state.marks.forecast_lines ?? 0).toBeGreaterThan(0);
      stopAfter = Infinity;
      delete process.env.PGPASSWORD;
      const withPassword = urlOf('ana').replace('ana@', `ana:${passwordOf('ana')}@`);
      const resumed = await joinTeam(withPassword, port, 'paged.db', { pageRows: 400 });
      expect(resumed.url).not.toContain(passwordOf('ana'));
      expect(resumed.how).toBe('resumed');
    } finally {
      if (before === undefined) delete process.env.PGPASSWORD;
      else process.env.PGPASSWORD = before;
      await backend.close();
    }
    expect(pages.filter((p) => p.table === 'forecast_lines').length).toBeGreaterThan(3);
    expect(pages.every((p) => p.rows <= 400)).toBe(true);
    expect(contents(path)).toEqual(contents(analystDb));
  });

  it('refuses a workbook with data of its own joining a team that has data, and changes nothing', async () => {
    const other = join(dir, 'other.db');
    const before = contents(other);
    const lines = await teamCount('forecast_lines');
    const run = joinAs('al', other, false);
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/other\.db holds data of its own \(20 items, .*\) and the team workbook at postgres:\/\/al@.* already holds the team's: only an empty workbook joins a team that has data/);
    expect(expectNoLeak(run, [passwordOf('al')])).toEqual([]);
    expect(teamLinkOf(other)).toBeUndefined();
    expect(contents(other)).toEqual(before);
    expect(await teamCount('forecast_lines')).toBe(lines);
  });

  it('refuses a login that is not a person of the team, naming what to do', async () => {
    await admin.query(`CREATE ROLE stranger LOGIN PASSWORD 'stranger-pw-1' IN ROLE fwb_planner`);
    const run = fwb(['team', 'join', '--db', join(dir, 'stranger.db'), '--url', server.urlFor('stranger')], { password: 'stranger-pw-1' });
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/The login "stranger" is not a person of this team: ask the team's administrator to add it \(fwb team add-user\)/);
  });
});
