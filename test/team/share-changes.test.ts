// What a manager changes on their replica reaches the team (issue 15: "policies, reason codes
// and releases only by managers"), with a real PostgreSQL and real replicas made by fwb team
// join from the demo workbook: a manager's policy edit is sent by sync, pulled by a planner, and
// judges the planner's next decision on the replica and on the server; a planner's edit is
// refused by their replica and, through raw SQL under their login, by the server; a reason code
// and a release travel the same way (the released plan exports the same on both replicas); a
// push killed with SIGKILL and sent again records each change once; fwb check and fwb check
// --team are ok on every replica.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInProcess } from '../../electron/backend/host-entry';
import { MEMBER_SCHEMA_VERSION } from '../../electron/team/admin';
import { initTeam } from '../../electron/team/init';
import { fwb } from './fwb';
import type { TestServer } from './server';
import { FOUR, call, refusal, teamFixture } from './team-fixture';

type Login = keyof typeof FOUR;

describe('a manager’s policy, reason-code and release changes reach the team', () => {
  const team = teamFixture({ people: FOUR, passwordTag: '7730', tag: 'share', demo: { items: 40, seed: 5 }, joined: ['al', 'ana', 'ben', 'max'] });
  const { passwordOf, dbOf, sync, onReplica, read, teamRows, teamCount, asMember, syncKilledMidPush } = team;
  let server: TestServer;
  let admin: pg.Client;
  let dir: string;
  let open: { line_id: number; quantity: number; run_id: number }[];
  const allPolicy = { segmentType: 'all', segmentValue: '*', modelRole: 'assist', approvalPct: 25, approvalUnits: 1000, freezeLags: 0, commentPct: 20, driftThresholdPts: 5 };

  beforeAll(async () => {
    await team.start();
    ({ server, admin, dir } = team);
    open = team.openLines('ana', 50);
    expect(open.length).toBeGreaterThan(6);
  }, 180_000);
  afterAll(async () => {
    await team.stop();
  });

  it('sends a manager’s policy edit; a planner pulls it and it judges the planner’s next decision on the replica and on the server', async () => {
    // Overrides of more than 5 % now wait for a manager (the team's default is 25 %).
    await onReplica('max', (b) => call(b, 'savePolicy', { ...allPolicy, approvalPct: 5 }));
    expect(read('max', "SELECT kind, status FROM team_changes")).toEqual([{ kind: 'policy', status: 'unsent' }]);
    expect(await teamCount("SELECT count(*) AS n FROM fwb.policies WHERE updated_by = 'max'")).toBe(0);

    const sent = sync('max');
    expect(sent.changes).toEqual({ pushed: { policies: 1, reasonCodes: 0, releases: 0 }, refused: [], unsent: 0 });
    expect(await teamRows("SELECT approval_pct, updated_by FROM fwb.policies WHERE segment_type = 'all' ORDER BY seq DESC LIMIT 1")).toEqual([{ approval_pct: 5, updated_by: 'max' }]);
    expect(await teamCount("SELECT count(*) AS n FROM fwb.audit_log WHERE action = 'policy.change' AND actor = 'max'")).toBe(1);
    expect(read('max', 'SELECT status FROM team_changes')).toEqual([{ status: 'sent' }]);

    // Ben pulls it: his replica enforces it at once, and the server judged by it at arrival.
    const pulled = sync('ben');
    expect(pulled.pulled.policies).toBeGreaterThanOrEqual(1);
    expect(read('ben', "SELECT approval_pct FROM policies WHERE segment_type = 'all'")).toEqual([{ approval_pct: 5 }]);
    const line = open[0]!;
    const decided = await onReplica('ben', (b) => call<{ lineState: { status: string } }>(b, 'decideLine', { lineId: line.line_id, action: 'override', percent: 10, reasonCode: 'promotion' }));
    expect(decided.lineState.status).toBe('pending_approval');
    sync('ben');
    expect(await teamRows('SELECT status, decided_by FROM fwb.decisions WHERE line_id = $1', [line.line_id])).toEqual([{ status: 'pending_approval', decided_by: 'ben' }]);

    // Ana decided offline before she pulled the change; her decision arrives after it and the server judges it by it.
    const other = open[1]!;
    const offline = await onReplica('ana', (b) => call<{ lineState: { status: string } }>(b, 'decideLine', { lineId: other.line_id, action: 'override', percent: 10, reasonCode: 'promotion' }));
    expect(offline.lineState.status).toBe('final');
    sync('ana');
    expect(await teamRows('SELECT status FROM fwb.decisions WHERE line_id = $1', [other.line_id])).toEqual([{ status: 'pending_approval' }]);
    expect(read('ana', 'SELECT status FROM line_state WHERE line_id = ?', other.line_id)).toEqual([{ status: 'pending_approval' }]);
    expect(read('ana', "SELECT approval_pct FROM policies WHERE segment_type = 'all'")).toEqual([{ approval_pct: 5 }]);

    // Lifting it again goes the same way.
    await onReplica('max', (b) => call(b, 'savePolicy', allPolicy));
    sync('max');
    sync('ben');
    expect(read('ben', "SELECT approval_pct FROM policies WHERE segment_type = 'all'")).toEqual([{ approval_pct: 25 }]);
  });

  it('refuses a planner’s policy, reason-code and release change on the replica, and through raw SQL under the planner’s login', async () => {
    await onReplica('ana', async (b) => {
      expect(await refusal(b, 'savePolicy', { ...allPolicy, approvalPct: 90 })).toMatchObject({ code: 'FORBIDDEN', message: 'Only a manager may change a policy; Ana Lima is signed in as planner.' });
      expect(await refusal(b, 'saveReasonCode', { code: 'weather', label: 'Weather', commentRequired: false, active: true })).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/^Only a manager may change reason codes/) });
      expect(await refusal(b, 'releaseRun', { runId: open[0]!.run_id })).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/^Only a manager may release a plan/) });
    });
    expect(read('ana', 'SELECT count(*) AS n FROM team_changes')).toEqual([{ n: 0 }]);

    const before = await teamCount('SELECT count(*) AS n FROM fwb.policies');
    await asMember('ana', async (c) => {
      await expect(c.query(`SELECT fwb.save_policy(gen_random_uuid(), '{"segment_type":"all","segment_value":"*","model_role":"assist","approval_pct":90,"freeze_lags":0}')`)).rejects.toThrow(
        'Only managers may change a policy; Ana Lima (login "ana") is a planner.',
      );
      await expect(c.query(`SELECT fwb.save_reason_code(gen_random_uuid(), '{"code":"weather","label":"Weather"}')`)).rejects.toThrow('Only managers may change reason codes; Ana Lima (login "ana") is a planner.');
      await expect(c.query(`SELECT fwb.release_run(gen_random_uuid(), $1::jsonb)`, [JSON.stringify({ run_id: open[0]!.run_id, kind: 'release', lines: [[open[0]!.line_id, 1, 'model', null]] })])).rejects.toThrow(
        'Only managers may release a plan; Ana Lima (login "ana") is a planner.',
      );
      await expect(c.query(`INSERT INTO fwb.policies (segment_type, model_role, approval_pct) VALUES ('all', 'assist', 90)`)).rejects.toThrow(/permission denied/);
      await expect(c.query(`INSERT INTO fwb.reason_codes (code, label) VALUES ('weather', 'Weather')`)).rejects.toThrow(/permission denied/);
      await expect(c.query(`INSERT INTO fwb.releases (uuid, run_id, version, kind) VALUES (gen_random_uuid(), $1, 99, 'release')`, [open[0]!.run_id])).rejects.toThrow(/permission denied/);
    });
    expect(await teamCount('SELECT count(*) AS n FROM fwb.policies')).toBe(before);

    // A planner who edits the file to send a change: the server refuses it, the replica puts its policy back as the team holds it.
    const db = new Database(dbOf('ana'));
    try {
      const row = db.prepare("SELECT * FROM policies WHERE segment_type = 'all'").get() as Record<string, unknown>;
      db.prepare("UPDATE policies SET approval_pct = 90 WHERE segment_type = 'all'").run();
      db.prepare("INSERT INTO team_changes (uuid, kind, local_id, what, payload, before, made_by, made_at) VALUES ('4b1d2c3e-0000-4000-8000-00000000a11a', 'policy', ?, 'policy for all items', ?, ?, 'ana', '2026-12-07T01:00:00.000Z')").run(
        String(row.policy_id),
        JSON.stringify({ segment_type: 'all', segment_value: '*', model_role: 'assist', approval_pct: 90, freeze_lags: 0 }),
        JSON.stringify(row),
      );
    } finally {
      db.close();
    }
    const refused = sync('ana', 3);
    expect(refused.changes.refused).toEqual([
      { uuid: '4b1d2c3e-0000-4000-8000-00000000a11a', kind: 'policy', what: 'policy for all items', reason: expect.stringMatching(/^Only managers may change a policy; Ana Lima \(login "ana"\) is a planner\./) },
    ]);
    expect(await teamCount('SELECT count(*) AS n FROM fwb.policies')).toBe(before);
    expect(read('ana', "SELECT approval_pct FROM policies WHERE segment_type = 'all'")).toEqual([{ approval_pct: 25 }]);
  });

  it('sends a manager’s reason code; a planner pulls it and the server takes overrides with it', async () => {
    await onReplica('max', (b) => call(b, 'saveReasonCode', { code: 'weather', label: 'Weather', commentRequired: true, active: true }));
    expect(sync('max').changes.pushed.reasonCodes).toBe(1);
    expect(await teamRows("SELECT label, comment_required, changed_by FROM fwb.reason_codes WHERE code = 'weather'")).toEqual([{ label: 'Weather', comment_required: true, changed_by: 'max' }]);
    sync('ben');
    expect(read('ben', "SELECT label, comment_required, active FROM reason_codes WHERE code = 'weather'")).toEqual([{ label: 'Weather', comment_required: 1, active: 1 }]);
    const line = open[2]!;
    await onReplica('ben', (b) => call(b, 'decideLine', { lineId: line.line_id, action: 'override', percent: 3, reasonCode: 'weather', comment: 'storm week' }));
    expect(sync('ben').refused).toEqual([]);
    expect(await teamRows('SELECT reason_code FROM fwb.decisions WHERE line_id = $1', [line.line_id])).toEqual([{ reason_code: 'weather' }]);
  });

  it('sends a manager’s release; every replica shows it and exports the same released plan', async () => {
    const runId = open[0]!.run_id;
    const released = await onReplica('max', (b) => call<{ version: number; lines: number }>(b, 'releaseRun', { runId, note: 'December plan' }));
    const sent = sync('max');
    expect(sent.changes.pushed.releases).toBe(1);
    expect(sent.changes.refused).toEqual([]);
    expect(await teamRows('SELECT version, kind, note, released_by FROM fwb.releases WHERE run_id = $1', [runId])).toEqual([{ version: 1, kind: 'release', note: 'December plan', released_by: 'max' }]);
    expect(await teamCount('SELECT count(*) AS n FROM fwb.release_lines rl JOIN fwb.releases r USING (release_id) WHERE r.run_id = $1', [runId])).toBe(released.lines);

    expect(sync('ana').pulled.releases).toBe(1);
    const listed = await onReplica('ana', (b) => call<{ releases: { version: number; releasedBy: string; note: string; lines: number; current: boolean }[] }>(b, 'listReleases', { runId }));
    expect(listed.releases).toEqual([expect.objectContaining({ version: 1, releasedBy: 'max', note: 'December plan', lines: released.lines, current: true })]);
    const exported = (login: Login) => {
      const out = join(dir, `${login}-plan.csv`);
      const run = fwb(['export', '--db', dbOf(login), '--what', 'plan', '--run', String(runId), '--version', '1', '--format', 'csv', '--out', out, '--force']);
      expect(run.status, run.stderr).toBe(0);
      return readFileSync(out, 'utf8');
    };
    // The last column is the replica's own audit chain head (each laptop keeps its own chain): all else is the team's released plan.
    const plan = (login: Login) => exported(login).trimEnd().split('\n').map((row) => row.replace(/,[^,]*$/, ''));
    const maxPlan = plan('max');
    expect(maxPlan.length).toBe(released.lines + 1);
    expect(plan('ana')).toEqual(maxPlan);
  });

  it('records each change once when a push is killed with SIGKILL and sent again', async () => {
    const changes = 30;
    await onReplica('max', async (b) => {
      for (let i = 0; i < changes; i++) await call(b, 'saveReasonCode', { code: 'weather', label: `Weather ${i}`, commentRequired: true, active: true });
    });
    const before = await teamCount("SELECT count(*) AS n FROM fwb.reason_codes WHERE changed_by = 'max'");
    const killedAt = await syncKilledMidPush('max', "SELECT count(*) AS n FROM fwb.reason_codes WHERE changed_by = 'max'", { tries: 4000 });
    expect(killedAt).toBeGreaterThan(0);
    expect(killedAt).toBeLessThan(changes);

    const again = sync('max');
    expect(again.changes.unsent).toBe(0);
    expect(await teamCount("SELECT count(*) AS n FROM fwb.reason_codes WHERE changed_by = 'max'")).toBe(before + changes);
    expect(await teamCount("SELECT count(*) - count(DISTINCT uuid) AS n FROM fwb.reason_codes WHERE uuid IS NOT NULL")).toBe(0);
    expect(await teamRows("SELECT label FROM fwb.reason_codes WHERE code = 'weather' ORDER BY seq DESC LIMIT 1")).toEqual([{ label: `Weather ${changes - 1}` }]);
    sync('ben');
    expect(read('ben', "SELECT label FROM reason_codes WHERE code = 'weather'")).toEqual([{ label: `Weather ${changes - 1}` }]);
  });

  it('tells a member to have a team database an older fwb made upgraded, for join and sync, and changes nothing', async () => {
    await admin.query('CREATE DATABASE old_team');
    const before = process.env.PGPASSWORD;
    process.env.PGPASSWORD = server.password;
    try {
      expect(await initTeam(server.urlFor('fwb_admin', 'old_team'), { upTo: 4 })).toMatchObject({ created: true, schemaVersion: 4 });
    } finally {
      if (before === undefined) delete process.env.PGPASSWORD;
      else process.env.PGPASSWORD = before;
    }
    const add = fwb(['team', 'add-user', '--url', server.urlFor('fwb_admin', 'old_team'), '--user', 'ana', '--name', 'Ana Lima', '--role', 'planner'], { password: server.password });
    expect(add.status, add.stderr).toBe(0);
    const upgrade = `older than this fwb needs (${MEMBER_SCHEMA_VERSION})`;
    const file = join(dir, 'old-team.db');
    const joined = fwb(['team', 'join', '--db', file, '--url', server.urlFor('ana', 'old_team')], { password: passwordOf('ana') });
    expect(joined.status).toBe(3);
    expect(joined.stderr).toContain(`The team workbook on this server is of schema version 4, ${upgrade} to join: ask the team's administrator to run "fwb team init --url ADMIN_URL", which upgrades it in place, then join again. Nothing was changed.`);
    expect(existsSync(file)).toBe(false);

    // A replica linked before the server's upgrade was held back: its sync is told the same, and keeps what is unsent.
    const linked = join(dir, 'old-link.db');
    const b = await openInProcess({ dbPath: linked, access: 'write', program: 'test' });
    try {
      const r = await b.hostCall('recordTeamLink', { link: { url: server.urlFor('ana', 'old_team'), teamId: 'old', login: 'ana', role: 'planner', linkedHow: 'pulled', linkedAt: '2026-12-07T00:00:00.000Z' }, marks: {} });
      expect(r.ok, JSON.stringify(r)).toBe(true);
    } finally {
      await b.close();
    }
    const synced = fwb(['sync', '--db', linked], { password: passwordOf('ana') });
    expect(synced.status).toBe(3);
    expect(synced.stderr).toContain(`schema version 4, ${upgrade} to sync: ask the team's administrator to run "fwb team init --url ADMIN_URL"`);
    expect(synced.stderr).not.toMatch(/SQLSTATE|at .*\.ts:/);
  });

  it('leaves every replica with the team’s policies, reason codes and releases, and fwb check and fwb check --team ok on each', async () => {
    for (const login of ['al', 'ana', 'ben', 'max'] as const) sync(login);
    const governance = (login: Login) => ({
      policies: read(login, "SELECT segment_type, segment_value, model_role, approval_pct, approval_units, freeze_lags, comment_pct FROM policies WHERE segment_type = 'all'"),
      codes: read(login, 'SELECT code, label, comment_required, active FROM reason_codes ORDER BY code'),
      releases: read(login, 'SELECT r.run_id, r.version, r.released_by, rl.line_id, rl.final_quantity, rl.source FROM releases r JOIN release_lines rl USING (release_id) JOIN team_releases t USING (release_id) ORDER BY r.run_id, r.version, rl.line_id'),
    });
    const ana = governance('ana');
    expect(ana.releases.length).toBeGreaterThan(0);
    for (const login of ['ben', 'max'] as const) expect(governance(login)).toEqual(ana);
    for (const login of ['al', 'ana', 'ben', 'max'] as const) {
      const check = fwb(['check', '--db', dbOf(login)]);
      expect(check.status, `${login}: ${check.stdout}${check.stderr}`).toBe(0);
      const team = fwb(['check', '--db', dbOf(login), '--team'], { password: passwordOf(login) });
      expect(team.status, `${login}: ${team.stdout}${team.stderr}`).toBe(0);
    }
  });
});
