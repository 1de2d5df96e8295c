// What a release and the drift guard decide reaches the team (issue 15), with a real PostgreSQL and
// real replicas made by fwb team join from the demo workbook:
// - a manager's release finalises the lines nobody touched where the model's role is 'decide'
//   (action auto_final); those decisions travel with the release and are judged by the server at
//   arrival: a line someone else decided first is not auto-finalised (that decision stays current
//   and the release names none for the line); every replica then shows the same final plan and the
//   same released plan; a sync killed mid-push and sent again records each once; no planner can
//   make one through raw SQL;
// - a brand-new policy segment or reason code the team refused leaves the replica;
// - the drift guard's step-down, found on a planner's replica, reaches the team and the others,
//   judges the decisions arriving after it, and composes with a manager's restore in both orders.
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseDriftAlert } from '../../electron/backend/accuracy/drift';
import { FWB, fwb } from './fwb';
import { adminClient } from './server';
import { FOUR, call, teamFixture } from './team-fixture';

type Login = keyof typeof FOUR;
const LOGINS = ['al', 'ana', 'ben', 'max'] as const;

describe('what a release and the drift guard decide reaches the team', () => {
  const team = teamFixture({ people: FOUR, passwordTag: '8841', tag: 'autofinal', demo: { items: 30, seed: 11 }, joined: ['al', 'ana', 'ben', 'max'] });
  const { passwordOf, dbOf, sync, onReplica, read, teamRows, teamCount, asMember } = team;
  let open: { line_id: number; quantity: number; run_id: number }[];
  const decidePolicy = { segmentType: 'all', segmentValue: '*', modelRole: 'decide', approvalPct: 25, approvalUnits: 1000, freezeLags: 0, commentPct: 20, driftThresholdPts: 5 };

  beforeAll(async () => {
    await team.start();
    open = team.openLines('ana', 50);
    expect(open.length).toBeGreaterThan(4);
  }, 180_000);
  afterAll(async () => {
    await team.stop();
  });

  /** A run's plan as a replica derives it, each line's decision named by its team uuid (local ids differ between replicas). */
  const finalPlan = (login: Login, runId: number) =>
    read(
      login,
      `SELECT ls.line_id, ls.final_quantity, ls.source, ls.status, ls.decided_by, d.action, d.sync_uuid
         FROM line_state ls JOIN forecast_lines fl USING (line_id) LEFT JOIN decisions d ON d.decision_id = ls.decision_id
        WHERE fl.run_id = ? ORDER BY ls.line_id`,
      runId,
    );
  /** A release's lines, decisions by uuid, and a sha256 over them in the release fingerprint's form with the uuid for the local id. */
  const releasedPlan = (login: Login, runId: number, version: number) => {
    const lines = read<{ line_id: number; final_quantity: number; source: string; uuid: string | null }>(
      login,
      `SELECT rl.line_id, rl.final_quantity, rl.source, d.sync_uuid AS uuid FROM release_lines rl JOIN releases r USING (release_id) LEFT JOIN decisions d ON d.decision_id = rl.decision_id
        WHERE r.run_id = ? AND r.version = ? ORDER BY rl.line_id`,
      runId,
      version,
    );
    const sha256 = createHash('sha256').update(lines.map((l) => `${l.line_id}\t${l.final_quantity}\t${l.source}\t${l.uuid ?? ''}\n`).join('')).digest('hex');
    return { lines, sha256 };
  };
  const exportedPlan = (login: Login, runId: number, version: number) => {
    const out = join(team.dir, `${login}-${runId}-${version}.csv`);
    const run = fwb(['export', '--db', dbOf(login), '--what', 'plan', '--run', String(runId), '--version', String(version), '--format', 'csv', '--out', out, '--force']);
    expect(run.status, run.stderr).toBe(0);
    // The last column is the replica's own audit chain head: all else is the team's released plan. decided_at (the one time stamp) is when
    // the decision was made on the author's replica and when it reached the team on the others, as for every decision: left out.
    return readFileSync(out, 'utf8').trimEnd().split('\n').map((row) => row.replace(/,[^,]*$/, '').replace(/,\d{4}-\d\d-\d\dT[\d:.]+Z,/, ',,'));
  };
  const checks = (login: Login) => {
    const check = fwb(['check', '--db', dbOf(login)]);
    expect(check.status, `${login}: ${check.stdout}${check.stderr}`).toBe(0);
    const teamCheck = fwb(['check', '--db', dbOf(login), '--team'], { password: passwordOf(login) });
    expect(teamCheck.status, `${login}: ${teamCheck.stdout}${teamCheck.stderr}`).toBe(0);
  };

  it('sends the automatic finals with the release; a line a planner decided first keeps her decision; every replica shows the same plan and release', async () => {
    const runId = open[0]!.run_id;
    const taken = open[1]!;
    // Ana overrides a line and her decision reaches the team before the manager's release does.
    await onReplica('ana', (b) => call(b, 'decideLine', { lineId: taken.line_id, action: 'override', percent: 10, reasonCode: 'promotion' }));
    expect(sync('ana').refused).toEqual([]);

    // Max has not pulled it: the model decides everywhere now, and his release finalises every line, Ana's too.
    await onReplica('max', (b) => call(b, 'savePolicy', decidePolicy));
    const released = await onReplica('max', (b) => call<{ version: number; lines: number; review: { autoFinalised: number } }>(b, 'releaseRun', { runId, note: 'model decides' }));
    expect(released.review.autoFinalised).toBe(released.lines);
    const local = read<{ n: number; minted: number }>('max', "SELECT count(*) AS n, count(sync_uuid) AS minted FROM decisions d JOIN forecast_lines fl USING (line_id) WHERE fl.run_id = ? AND d.action = 'auto_final'", runId)[0]!;
    expect(local).toEqual({ n: released.lines, minted: released.lines });

    const sent = sync('max', 3);
    expect(sent.changes.pushed).toEqual({ policies: 1, reasonCodes: 0, releases: 1 });
    expect(sent.changes.refused).toEqual([]);
    expect(sent.unsent.decisions).toBe(0);
    expect(sent.refused).toEqual([
      expect.objectContaining({ kind: 'decision', lineId: taken.line_id, reason: expect.stringContaining(`ana decided line ${taken.line_id} before this release reached the team`) }),
    ]);

    // The server recorded every other line's automatic final as Max's, judged at arrival, audited in one batch entry; none on Ana's line.
    expect(await teamCount("SELECT count(*) AS n FROM fwb.decisions d JOIN fwb.forecast_lines fl USING (line_id) WHERE fl.run_id = $1 AND d.action = 'auto_final' AND d.decided_by = 'max' AND d.model_role = 'decide'", [runId])).toBe(released.lines - 1);
    expect(await teamCount("SELECT count(*) AS n FROM fwb.decisions WHERE line_id = $1 AND action = 'auto_final'", [taken.line_id])).toBe(0);
    expect(await teamCount("SELECT count(*) AS n FROM fwb.audit_log WHERE action = 'decision.batch' AND actor = 'max' AND (payload->>'count')::int = $1", [released.lines - 1])).toBe(1);
    expect(await teamRows('SELECT rl.final_quantity, rl.source, rl.decision_id FROM fwb.release_lines rl JOIN fwb.releases r USING (release_id) WHERE r.run_id = $1 AND rl.line_id = $2', [runId, taken.line_id])).toEqual([
      { final_quantity: taken.quantity, source: 'model', decision_id: null },
    ]);
    expect(await teamCount('SELECT count(*) AS n FROM fwb.release_lines rl JOIN fwb.releases r USING (release_id) WHERE r.run_id = $1 AND rl.decision_id IS NULL', [runId])).toBe(1);

    // Max's replica equals the team: his automatic final of Ana's line withdrawn, her override current, the release naming no decision there.
    expect(read('max', "SELECT decided_by, status FROM line_state WHERE line_id = ?", taken.line_id)).toEqual([{ decided_by: 'ana', status: 'final' }]);
    expect(read('max', 'SELECT reason FROM team_refusals WHERE line_id = ?', taken.line_id)).toEqual([{ reason: expect.stringContaining('Release the run again to include it') }]);

    for (const login of ['al', 'ana', 'ben'] as const) sync(login);
    const plan = finalPlan('max', runId);
    expect(plan.length).toBe(released.lines);
    const release = releasedPlan('max', runId, 1);
    expect(release.lines.filter((l) => l.uuid === null).map((l) => l.line_id)).toEqual([taken.line_id]);
    const exported = exportedPlan('max', runId, 1);
    for (const login of ['al', 'ana', 'ben'] as const) {
      expect(finalPlan(login, runId)).toEqual(plan);
      expect(releasedPlan(login, runId, 1)).toEqual(release);
    }
    // The export's model-role column is each replica's policies': the analyst's (the first publisher's) keeps the demo's own category policies, which the team never got.
    for (const login of ['ana', 'ben'] as const) expect(exportedPlan(login, runId, 1)).toEqual(exported);
    for (const login of LOGINS) checks(login);
  });

  it('records each automatic final once when the sync is killed with SIGKILL while the release waits on the server, and sent again', async () => {
    const runId = read<{ run_id: number }>('max', 'SELECT max(run_id) - 1 AS run_id FROM forecast_runs')[0]!.run_id;
    const released = await onReplica('max', (b) => call<{ lines: number; review: { autoFinalised: number } }>(b, 'releaseRun', { runId }));
    expect(released.review.autoFinalised).toBeGreaterThan(3);
    const autoFinals = "SELECT count(*) AS n FROM fwb.decisions d JOIN fwb.forecast_lines fl USING (line_id) WHERE fl.run_id = $1 AND d.action = 'auto_final'";

    // The administrator holds the journal's lock: the release waits on it, and the sync is killed meanwhile.
    const holder = await adminClient(team.server);
    await holder.query('BEGIN');
    await holder.query("SELECT pg_advisory_xact_lock(hashtext('fwb journal'))");
    const child = spawn(process.execPath, [FWB, 'sync', '--db', dbOf('max'), '--json'], { env: { ...process.env, PGPASSFILE: '/nonexistent/pgpass', PGPASSWORD: passwordOf('max') }, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const maxBackends = (extra: string) => teamCount(`SELECT count(*) AS n FROM pg_stat_activity WHERE usename = 'max' ${extra}`);
    let waiting = 0;
    try {
      for (let i = 0; i < 1000 && waiting === 0; i++) {
        waiting = await maxBackends("AND query LIKE '%fwb.release_run%' AND wait_event_type = 'Lock'");
        if (waiting === 0) await new Promise((r) => setTimeout(r, 20));
      }
      expect(waiting).toBe(1);
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
    } finally {
      // Never left holding the lock (or a sync running) when an assertion above fails: later tests would wait on it.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await holder.query('COMMIT').catch(() => {});
      await holder.end();
    }
    // The server's call runs on once the lock is free; it ends with the client gone (PostgreSQL cannot answer, so it rolls back).
    for (let i = 0; i < 500 && (await maxBackends('')) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await maxBackends('')).toBe(0);
    // All of the release or none of it: never some of its automatic finals.
    const held = await teamCount(autoFinals, [runId]);
    expect([0, released.lines]).toContain(held);
    expect(read('max', "SELECT count(*) AS n FROM decisions d JOIN forecast_lines fl USING (line_id) WHERE fl.run_id = ? AND d.action = 'auto_final' AND d.team_seq IS NULL", runId)).toEqual([{ n: released.lines }]);

    const again = sync('max');
    expect(again.refused).toEqual([]);
    expect(again.changes.unsent).toBe(0);
    expect(again.unsent.decisions).toBe(0);
    expect(await teamCount(autoFinals, [runId])).toBe(released.lines);
    expect(await teamCount('SELECT count(*) AS n FROM fwb.releases WHERE run_id = $1', [runId])).toBe(1);
    expect(read('max', "SELECT count(*) AS n FROM decisions d JOIN forecast_lines fl USING (line_id) WHERE fl.run_id = ? AND d.action = 'auto_final' AND d.team_seq IS NOT NULL", runId)).toEqual([{ n: released.lines }]);

    // The same release sent again (an answer lost after the server committed): the stored answers, nothing appended.
    const change = read<{ uuid: string; payload: string }>('max', "SELECT uuid, payload FROM team_changes WHERE kind = 'release' ORDER BY change_id DESC LIMIT 1")[0]!;
    const seqs = await teamRows('SELECT d.uuid, d.seq FROM fwb.decisions d JOIN fwb.forecast_lines fl USING (line_id) WHERE fl.run_id = $1 ORDER BY d.uuid', [runId]);
    const replay = await asMember('max', async (c) => (await c.query('SELECT fwb.release_run($1::uuid, $2::jsonb) AS out', [change.uuid, change.payload])).rows[0].out);
    expect(replay).toMatchObject({ status: 'released', version: 1 });
    expect(replay.decisions.map((d: { uuid: string; status: string; seq: string | number }) => ({ uuid: d.uuid, seq: String(d.seq), status: d.status })).sort((a: { uuid: string }, b: { uuid: string }) => a.uuid.localeCompare(b.uuid))).toEqual(
      seqs.map((d) => ({ uuid: d.uuid, seq: String(d.seq), status: 'final' })),
    );
    expect(await teamCount(autoFinals, [runId])).toBe(released.lines);
    expect(await teamCount('SELECT count(*) AS n FROM fwb.releases WHERE run_id = $1', [runId])).toBe(1);

    sync('ben');
    expect(finalPlan('ben', runId)).toEqual(finalPlan('max', runId));
    expect(releasedPlan('ben', runId, 1)).toEqual(releasedPlan('max', runId, 1));
    checks('max');
    checks('ben');
  });

  it('lets no planner create an automatic final through raw SQL under her own login', async () => {
    const line = open[3]!;
    await asMember('ana', async (c) => {
      const uuid = randomUUID();
      const { rows } = await c.query('SELECT fwb.submit_decisions($1::jsonb) AS out', [JSON.stringify([{ uuid, line_id: line.line_id, action: 'auto_final', source: 'model', decided_at_client: new Date().toISOString() }])]);
      expect(rows[0].out).toEqual([expect.objectContaining({ uuid, status: 'refused' })]);
      await expect(c.query('SELECT fwb.release_run(gen_random_uuid(), $1::jsonb)', [JSON.stringify({ run_id: line.run_id, lines: [[line.line_id, line.quantity, 'model', uuid]], auto_final: [[line.line_id, uuid, null]] })])).rejects.toThrow(
        'Only managers may release a plan; Ana Lima (login "ana") is a planner.',
      );
      await expect(c.query("SELECT fwb.record_auto_finals('ana', $1, gen_random_uuid(), $2::jsonb)", [line.run_id, JSON.stringify([[line.line_id, uuid, null]])])).rejects.toThrow(/permission denied/);
      await expect(c.query("INSERT INTO fwb.decisions (uuid, line_id, action, quantity, source, decided_by, status) VALUES ($1, $2, 'auto_final', 1, 'model', 'ana', 'final')", [uuid, line.line_id])).rejects.toThrow(/permission denied/);
    });
    expect(await teamCount("SELECT count(*) AS n FROM fwb.decisions WHERE action = 'auto_final' AND decided_by <> 'max'")).toBe(0);
    // The refusal of her hand-written call is hers: her replica lists it after the next sync.
    expect(sync('ana', 3).refused).toEqual([expect.objectContaining({ reason: '"auto_final" is not a decision: the action is accept, override or undo.' })]);
  });
  it('takes a brand-new policy segment and reason code the team refused out of the replica, audited, and lists them with the reason', async () => {
    const role = (r: 'planner' | 'manager') => {
      const run = fwb(['team', 'add-user', '--url', team.server.url, '--user', 'max', '--name', 'Max Berg', '--role', r], { password: team.server.password });
      expect(run.status, run.stderr).toBe(0);
    };
    const category = read<{ category: string }>('max', 'SELECT category FROM items WHERE category IS NOT NULL ORDER BY item_key LIMIT 1')[0]!.category;
    expect(read('max', "SELECT 1 FROM policies WHERE segment_type = 'category' AND segment_value = ?", category)).toEqual([]);
    // Max is a planner on the team now; his replica has not heard yet and still lets him edit.
    role('planner');
    try {
      await onReplica('max', async (b) => {
        await call(b, 'savePolicy', { segmentType: 'category', segmentValue: category, modelRole: 'assist', approvalPct: 10, approvalUnits: 100, freezeLags: 0, commentPct: 20, driftThresholdPts: 5 });
        await call(b, 'saveReasonCode', { code: 'heatwave', label: 'Heatwave', commentRequired: false, active: true });
      });
      const synced = sync('max', 3);
      expect(synced.changes.refused).toEqual([
        expect.objectContaining({ kind: 'policy', what: `policy for category ${category}`, reason: expect.stringContaining('Only managers may change a policy') }),
        expect.objectContaining({ kind: 'reason_code', what: 'reason code heatwave', reason: expect.stringContaining('Only managers may change reason codes') }),
      ]);
      expect(await teamCount("SELECT count(*) AS n FROM fwb.policies WHERE segment_type = 'category'")).toBe(0);
      expect(await teamCount("SELECT count(*) AS n FROM fwb.reason_codes WHERE code = 'heatwave'")).toBe(0);
      // The replica equals the team: neither is there, each removal audited, both listed as refused.
      expect(read('max', "SELECT 1 FROM policies WHERE segment_type = 'category' AND segment_value = ?", category)).toEqual([]);
      expect(read('max', "SELECT 1 FROM reason_codes WHERE code = 'heatwave'")).toEqual([]);
      expect(read('max', "SELECT action FROM audit_log WHERE action IN ('policy.removed', 'reason_code.removed') ORDER BY audit_id")).toEqual([{ action: 'policy.removed' }, { action: 'reason_code.removed' }]);
      expect(read('max', "SELECT kind, status FROM team_changes WHERE status = 'refused' ORDER BY change_id")).toEqual([
        { kind: 'policy', status: 'refused' },
        { kind: 'reason_code', status: 'refused' },
      ]);
    } finally {
      role('manager');
    }
    sync('max');
    checks('max');
  });
  it('sends the drift guard’s step-down from a planner’s replica: the server judges her next decision by it, other replicas pull it, and a manager’s restore composes with it in either order', async () => {
    /** The drift guard's step, on a replica as the guard takes it (the figures are the evidence it found). */
    const driftOn = (login: Login, segmentType = 'all', segmentValue = '*') => {
      const db = new Database(dbOf(login));
      try {
        db.transaction(() => raiseDriftAlert(db, { segmentType, segmentValue, recent: 31.5, baseline: 12.25, threshold: 5, drifting: true }, new Date().toISOString()))();
      } finally {
        db.close();
      }
    };
    const inForce = async () => (await teamRows("SELECT model_role, stepped_down_at IS NOT NULL AS stepped, updated_by FROM fwb.policies WHERE segment_type = 'all' ORDER BY seq DESC LIMIT 1"))[0];
    for (const login of ['ana', 'ben', 'max'] as const) sync(login);
    expect(await inForce()).toEqual({ model_role: 'decide', stepped: false, updated_by: 'max' });

    // Ben's replica finds the drift: the model only assists there, so he overrides a line (the model decides on the team, which refuses overrides).
    driftOn('ben');
    const line = open[4]!;
    await onReplica('ben', (b) => call(b, 'decideLine', { lineId: line.line_id, action: 'override', percent: 10, reasonCode: 'promotion' }));
    const sent = sync('ben');
    expect(sent.changes).toMatchObject({ pushed: { policies: 1 }, refused: [], unsent: 0 });
    expect(sent.refused).toEqual([]);
    expect(await inForce()).toEqual({ model_role: 'decide', stepped: true, updated_by: 'ben' });
    expect(await teamRows("SELECT actor, payload->'evidence'->>'current' AS current FROM fwb.audit_log WHERE action = 'policy.step_down'")).toEqual([{ actor: 'ben', current: '31.5' }]);
    // Judged on the server by the stepped-down role: his override arrived after it.
    expect(await teamRows("SELECT model_role, status FROM fwb.decisions WHERE line_id = $1 AND decided_by = 'ben'", [line.line_id])).toEqual([{ model_role: 'assist', status: 'final' }]);

    // Max pulls it and restores the role: the restore arrives after the step-down, and the model decides again.
    sync('max');
    const policyId = read<{ policy_id: number; stepped_down_at: string | null }>('max', "SELECT policy_id, stepped_down_at FROM policies WHERE segment_type = 'all'")[0]!;
    expect(policyId.stepped_down_at).not.toBeNull();
    await onReplica('max', (b) => call(b, 'restorePolicyRole', { policyId: policyId.policy_id }));
    expect(sync('max').changes.refused).toEqual([]);
    expect(await inForce()).toEqual({ model_role: 'decide', stepped: false, updated_by: 'max' });

    // Ana's guard judged the version before both, offline: her step-down arrives after the restore and is refused, the restore stands.
    driftOn('ana');
    const late = sync('ana', 3);
    expect(late.changes.refused).toEqual([expect.objectContaining({ kind: 'policy', what: 'step-down of the policy for all items', reason: expect.stringContaining('changed on the team after this replica') })]);
    expect(await inForce()).toEqual({ model_role: 'decide', stepped: false, updated_by: 'max' });
    // Her alert is closed with it, so her guard judges the team's policy afresh.
    expect(read('ana', 'SELECT resolution FROM drift_alerts WHERE resolved_at IS NOT NULL')).toEqual([{ resolution: 'step-down refused by the team: its policy changed since' }]);
    sync('ben');
    const policy = (login: Login) => read(login, "SELECT model_role, stepped_down_at, updated_by, updated_at FROM policies WHERE segment_type = 'all'");
    expect(policy('ana')).toEqual([expect.objectContaining({ model_role: 'decide', stepped_down_at: null, updated_by: 'max' })]);
    for (const login of ['ana', 'ben'] as const) expect(policy(login)).toEqual(policy('max'));

    // A category with no policy of its own: Ben's guard makes one from 'all' and steps it down; the team makes the segment's first
    // version the same way. Ana's guard, which judged it before she pulled that, finds it stepped down already: nothing new.
    const category = read<{ category: string }>('ben', 'SELECT category FROM items WHERE category IS NOT NULL ORDER BY item_key DESC LIMIT 1')[0]!.category;
    driftOn('ben', 'category', category);
    driftOn('ana', 'category', category);
    expect(sync('ben').changes).toMatchObject({ pushed: { policies: 1 }, refused: [] });
    expect(sync('ana').changes).toMatchObject({ pushed: { policies: 1 }, refused: [] });
    expect(await teamRows("SELECT model_role, stepped_down_at IS NOT NULL AS stepped, updated_by FROM fwb.policies WHERE segment_type = 'category' AND segment_value = $1", [category])).toEqual([
      { model_role: 'decide', stepped: true, updated_by: 'ben' },
    ]);
    sync('max');
    const categoryPolicy = (login: Login) => read(login, "SELECT model_role, stepped_down_at, updated_by, updated_at FROM policies WHERE segment_type = 'category' AND segment_value = ?", category);
    expect(categoryPolicy('max')).toEqual([expect.objectContaining({ model_role: 'decide', updated_by: 'ben', stepped_down_at: expect.any(String) })]);
    for (const login of ['ana', 'ben'] as const) expect(categoryPolicy(login)).toEqual(categoryPolicy('max'));
    for (const login of ['ana', 'ben', 'max'] as const) checks(login);
  });
});
