// fwb sync with a real PostgreSQL and real replicas made by fwb team join from the demo
// workbook: two planners and a manager decide offline and sync. Both of two offline
// overrides of one line land in the journal, the later arrival current, the line in
// conflict for both until one decides again; a decision the server refuses is kept with
// its reason; a manager's approval on their replica reaches the planner's; a push killed
// with SIGKILL, or whose answer is lost after the server committed, records each decision
// once; every replica derives the same plan and passes fwb check.
import Database from 'better-sqlite3';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../electron/team/local-server';
import { syncTeam, type SyncPort } from '../../electron/team/sync';
import { expectNoLeak, fwb } from './fwb';
import { adminClient, type TestServer } from './server';
import { FOUR, call, teamFixture } from './team-fixture';

type Login = keyof typeof FOUR;

describe('fwb sync', () => {
  const team = teamFixture({ people: FOUR, passwordTag: '5521', tag: 'sync', demo: { items: 60, seed: 11 }, joined: ['al', 'ana', 'ben', 'max'] });
  const { passwordOf, dbOf, sync, onReplica, read, teamCount, syncKilledMidPush } = team;
  let server: TestServer;
  let admin: pg.Client;
  /** Open lines (no actual, lag of at least 2) of the newest run, as every replica holds them. */
  let open: { line_id: number; quantity: number; run_id: number }[];
  beforeAll(async () => {
    await team.start();
    ({ server, admin } = team);
    open = team.openLines('ana', 50);
    expect(open.length).toBeGreaterThan(20);
  }, 180_000);
  let restarted: LocalServer | undefined;
  afterAll(async () => {
    await team.stop(() => restarted?.stop());
  });

  it('keeps both offline overrides of one line, the later arrival current, the line in conflict for both until one decides again', async () => {
    const line = open[0]!;
    const a = await onReplica('ana', (b) => call<{ decision: { decidedBy: string } }>(b, 'decideLine', { lineId: line.line_id, action: 'override', percent: 10, reasonCode: 'promotion' }));
    // The person is the link's login, never a name picked at sign-in.
    expect(a.decision.decidedBy).toBe('ana');
    await onReplica('ben', (b) => call(b, 'decideLine', { lineId: line.line_id, action: 'override', percent: 15, reasonCode: 'price_change' }));
    expect(read('ana', 'SELECT count(*) AS n FROM decisions WHERE sync_uuid IS NOT NULL AND team_seq IS NULL')).toEqual([{ n: 1 }]);

    const first = sync('ana');
    expect(first.pushed).toEqual({ decisions: 1, reviews: 0, acknowledgements: 0 });
    expect(first.conflicts).toEqual([]);
    const second = sync('ben');
    expect(second.pushed.decisions).toBe(1);
    expect(second.pulled.decisions).toBe(2);
    expect(second.conflicts).toEqual([{ lineId: line.line_id, authors: ['ana', 'ben'], openedAt: expect.any(String) }]);
    const third = sync('ana');
    expect(third.conflicts).toEqual([{ lineId: line.line_id, authors: ['ana', 'ben'], openedAt: expect.any(String) }]);

    // Both in the journal of both replicas, in the server's order; Ben's, the later arrival, is current.
    const expected = Math.round(line.quantity * 1.15 * 1e6) / 1e6;
    for (const login of ['ana', 'ben'] as const) {
      expect(read(login, 'SELECT decided_by FROM decisions WHERE line_id = ? ORDER BY journal_order', line.line_id)).toEqual([{ decided_by: 'ana' }, { decided_by: 'ben' }]);
      expect(read(login, 'SELECT final_quantity, decided_by FROM line_state WHERE line_id = ?', line.line_id)).toEqual([{ final_quantity: expected, decided_by: 'ben' }]);
    }
    expect(await teamCount('SELECT count(*) AS n FROM fwb.open_conflicts WHERE line_id = $1', [line.line_id])).toBe(1);

    // Ana decides the line again, having seen Ben's decision: the conflict is settled for both.
    await onReplica('ana', (b) => call(b, 'decideLine', { lineId: line.line_id, action: 'accept' }));
    expect(sync('ana').conflicts).toEqual([]);
    expect(sync('ben').conflicts).toEqual([]);
    expect(read('ben', 'SELECT source, decided_by FROM line_state WHERE line_id = ?', line.line_id)).toEqual([{ source: 'model', decided_by: 'ana' }]);
  });

  it('closes a conflict for both authors when one acknowledges it', async () => {
    const line = open[10]!;
    await onReplica('ana', (b) => call(b, 'decideLine', { lineId: line.line_id, action: 'override', percent: 8, reasonCode: 'promotion' }));
    await onReplica('ben', (b) => call(b, 'decideLine', { lineId: line.line_id, action: 'override', percent: -8, reasonCode: 'lost_business' }));
    sync('ana');
    expect(sync('ben').conflicts.map((c: { lineId: number }) => c.lineId)).toEqual([line.line_id]);
    // Nobody acknowledges a conflict that is not theirs, nor one the replica has not seen.
    const early = fwb(['sync', '--db', dbOf('max'), '--acknowledge', String(line.line_id)], { password: passwordOf('max') });
    expect(early.status).toBe(1);
    expect(early.stderr).toMatch(new RegExp(`Line ${line.line_id} has no open conflict of max's to acknowledge`));
    const acked = fwb(['sync', '--db', dbOf('ben'), '--acknowledge', String(line.line_id), '--json'], { password: passwordOf('ben') });
    expect(acked.status, acked.stderr).toBe(0);
    const out = JSON.parse(acked.stdout);
    expect(out.pushed.acknowledgements).toBe(1);
    expect(out.conflicts).toEqual([]);
    expect(sync('ana').conflicts).toEqual([]);
    expect(await teamCount("SELECT count(*) AS n FROM fwb.conflict_resolutions r JOIN fwb.line_conflicts c USING (conflict_id) WHERE c.line_id = $1 AND r.how = 'acknowledged' AND r.resolved_by = 'ben'", [line.line_id])).toBe(1);
    // Both decisions stay; Ben's, the later arrival, is the plan on every replica.
    for (const login of ['ana', 'ben'] as const) expect(read(login, 'SELECT decided_by FROM line_state WHERE line_id = ?', line.line_id)).toEqual([{ decided_by: 'ben' }]);
  });

  it('keeps a decision the server refuses with its reason, lists it, and leaves it out of the plan', async () => {
    const line = open[1]!;
    await onReplica('ana', (b) => call(b, 'decideLine', { lineId: line.line_id, action: 'override', percent: 5, reasonCode: 'promotion' }));
    // Meanwhile a freeze window opened on the server, which the replica has not seen.
    await admin.query(`INSERT INTO fwb.policies (segment_type, segment_value, model_role, approval_pct, approval_units, freeze_lags, comment_pct, drift_threshold_pts) VALUES ('all', '*', 'assist', 25, 1000, 99, 20, 5)`);
    try {
      // Refused rows are input rejected: exit 3, although the sync sent and pulled the rest.
      const out = sync('ana', 3);
      expect(out.refused).toEqual([{ uuid: expect.any(String), kind: 'decision', lineId: line.line_id, reason: expect.stringMatching(/^Line is frozen: lag \d+ is inside the freeze window of 99/), refusedAt: expect.any(String) }]);
      // The refusal stays with its author, listed again by the next sync's ledger.
      expect(read('ana', 'SELECT kind, line_id, reason FROM team_refusals WHERE sync_uuid = ?', out.refused[0].uuid)).toEqual([{ kind: 'decision', line_id: line.line_id, reason: out.refused[0].reason }]);
      expect(JSON.parse(read<{ request: string }>('ana', 'SELECT request FROM team_refusals WHERE sync_uuid = ?', out.refused[0].uuid)[0]!.request)).toMatchObject({ action: 'override', reason_code: 'promotion' });
      expect(read('ana', 'SELECT count(*) AS n FROM line_state WHERE line_id = ?', line.line_id)).toEqual([{ n: 0 }]);
      expect(await teamCount('SELECT count(*) AS n FROM fwb.decisions WHERE line_id = $1', [line.line_id])).toBe(0);
      const plain = fwb(['sync', '--db', dbOf('ana')], { password: passwordOf('ana') });
      expect(plain.status, plain.stderr).toBe(0);
      expect(plain.stdout).toMatch(/synced with the team workbook at postgres:\/\/ana@.* as ana \(planner\): sent 0 decisions, 0 reviews and 0 acknowledgements/);
      expect(plain.stdout).toMatch(/1 row refused by the team at earlier syncs is kept in this workbook with the reasons\./);
      // The pulled policy is in force on the replica too: the same decision is refused there now.
      await expect(onReplica('ana', (b) => call(b, 'decideLine', { lineId: line.line_id, action: 'accept' }))).rejects.toThrow(/Line is frozen/);
    } finally {
      await admin.query(`INSERT INTO fwb.policies (segment_type, segment_value, model_role, approval_pct, approval_units, freeze_lags, comment_pct, drift_threshold_pts) VALUES ('all', '*', 'assist', 25, 1000, 0, 20, 5)`);
    }
    for (const login of ['ana', 'ben', 'max'] as const) sync(login);
  });

  it('carries a manager’s approval made on the manager’s replica to the planner’s; a planner’s replica cannot push one', async () => {
    const [one, two] = [open[2]!, open[3]!];
    await onReplica('ana', async (b) => {
      await call(b, 'decideLine', { lineId: one.line_id, action: 'override', percent: 60, reasonCode: 'promotion', comment: 'launch week' });
      await call(b, 'decideLine', { lineId: two.line_id, action: 'override', percent: 70, reasonCode: 'promotion', comment: 'launch week' });
    });
    expect(sync('ana').pushed.decisions).toBe(2);
    expect(read('ana', 'SELECT status FROM line_state WHERE line_id IN (?, ?) ORDER BY line_id', one.line_id, two.line_id)).toEqual([{ status: 'pending_approval' }, { status: 'pending_approval' }]);

    sync('max');
    await onReplica('max', async (b) => {
      const { approvals } = await call<{ approvals: { decisionId: number; lineId: number }[] }>(b, 'listPendingApprovals', {});
      const pending = approvals.find((p) => p.lineId === one.line_id)!;
      await call(b, 'reviewOverride', { decisionId: pending.decisionId, verdict: 'approved' });
    });
    const byMax = sync('max');
    expect(byMax.pushed).toEqual({ decisions: 0, reviews: 1, acknowledgements: 0 });
    expect(byMax.refused).toEqual([]);
    const back = sync('ana');
    expect(back.pulled.approvals).toBe(1);
    expect(read('ana', 'SELECT status, final_quantity FROM line_state WHERE line_id = ?', one.line_id)).toEqual([{ status: 'approved', final_quantity: Math.round(one.quantity * 1.6 * 1e6) / 1e6 }]);

    // A planner edits the file to approve the other override: the server refuses it, and the replica keeps the refusal.
    sync('ben');
    const db = new Database(dbOf('ben'));
    try {
      const decisionId = db.prepare('SELECT decision_id FROM line_state WHERE line_id = ?').pluck().get(two.line_id) as number;
      db.prepare("INSERT INTO approvals (decision_id, verdict, note, decided_by, decided_at, sync_uuid) VALUES (?, 'approved', NULL, 'ben', '2026-12-06T10:00:00.000Z', '8f0e4c1a-3b6d-4e8f-9a2b-1c3d5e7f9a0b')").run(decisionId);
    } finally {
      db.close();
    }
    const refused = sync('ben', 3);
    expect(refused.refused).toEqual([{ uuid: '8f0e4c1a-3b6d-4e8f-9a2b-1c3d5e7f9a0b', kind: 'review', lineId: two.line_id, reason: expect.stringMatching(/^Only managers may approve or reject overrides; login "ben" is a planner of this team, and the team's server refused it/), refusedAt: expect.any(String) }]);
    expect(await teamCount('SELECT count(*) AS n FROM fwb.approvals a JOIN fwb.decisions d USING (decision_id) WHERE d.line_id = $1', [two.line_id])).toBe(0);
    expect(read('ben', 'SELECT status FROM line_state WHERE line_id = ?', two.line_id)).toEqual([{ status: 'pending_approval' }]);
  });

  it('records each decision once when a push is killed with SIGKILL, or its answer is lost after the server committed, and sent again', async () => {
    const lines = open.slice(12).map((l) => l.line_id);
    await onReplica('ben', (b) => call(b, 'bulkAccept', { runId: open[0]!.run_id, lineIds: lines }));
    const before = await teamCount("SELECT count(*) AS n FROM fwb.decisions WHERE decided_by = 'ben'");
    // One decision per call, so the push is many calls; killed once some (not all) are on the server.
    const killedAt = await syncKilledMidPush('ben', "SELECT count(*) AS n FROM fwb.decisions WHERE decided_by = 'ben'", { env: { FWB_SYNC_BATCH: '1' } });
    expect(killedAt).toBeGreaterThan(0);
    expect(killedAt).toBeLessThan(lines.length);

    const again = sync('ben');
    expect(again.unsent).toEqual({ decisions: 0, reviews: 0 });
    expect(await teamCount("SELECT count(*) AS n FROM fwb.decisions WHERE decided_by = 'ben'")).toBe(before + lines.length);
    expect(await teamCount("SELECT count(*) - count(DISTINCT line_id) AS n FROM fwb.decisions WHERE decided_by = 'ben' AND action = 'accept'")).toBe(0);
    expect(read('ben', "SELECT count(*) AS n FROM decisions WHERE decided_by = 'ben' AND team_seq IS NOT NULL AND line_id IN (" + lines.join(',') + ')')).toEqual([{ n: lines.length }]);

    // The server commits, then the replica fails to record the answers: sent again, nothing twice.
    const more = open.slice(4, 10).map((l) => l.line_id);
    await onReplica('max', (b) => call(b, 'bulkAccept', { runId: open[0]!.run_id, lineIds: more }));
    const maxBefore = await teamCount("SELECT count(*) AS n FROM fwb.decisions WHERE decided_by = 'max'");
    await onReplica('max', async (b) => {
      const host = async <T>(method: string, payload: unknown): Promise<T> => {
        const r = await b.hostCall(method, payload);
        if (!r.ok) throw new Error(r.error.message);
        return r.value as T;
      };
      let lose = true;
      const port: SyncPort = {
        state: () => host('teamReplicaState', {}),
        outbox: () => host('teamOutbox', {}),
        recordOutcomes: async (outcomes) => {
          if (lose) {
            lose = false;
            throw new Error('the replica aborted its transaction (test)');
          }
          return host('recordTeamOutcomes', { outcomes });
        },
        recordChangeOutcomes: (outcomes) => host('recordTeamChangeOutcomes', { outcomes }),
        markAcknowledged: (ackIds) => host('markTeamAcknowledged', { ackIds }),
        applyPage: (page) => host('applyTeamPage', page),
        finishPull: () => host('finishTeamPull', {}),
        applyJournalPage: (page) => host('applyTeamJournalPage', page),
        ledger: () => host('teamSyncLedger', {}),
        unpublished: () => host('unpublishedTeamImports', {}),
        laterPublicationPage: (batchId, uuid, table, after, limit) => host('teamLaterPublicationPage', { batchId, uuid, table, after, limit }),
        recordPublication: (answer, login) => host('recordTeamPublication', { answer, login }),
      };
      process.env.PGPASSWORD = passwordOf('max');
      try {
        await expect(syncTeam(port, 'max.db')).rejects.toThrow(/aborted its transaction/);
        expect(await teamCount("SELECT count(*) AS n FROM fwb.decisions WHERE decided_by = 'max'")).toBe(maxBefore + more.length);
        expect((await host<{ unsent: { decisions: number } }>('teamSyncLedger', {})).unsent.decisions).toBe(more.length);
        const retried = await syncTeam(port, 'max.db');
        expect(retried.pushed.decisions).toBe(more.length);
        expect(retried.unsent).toEqual({ decisions: 0, reviews: 0 });
      } finally {
        delete process.env.PGPASSWORD;
      }
    });
    expect(await teamCount("SELECT count(*) AS n FROM fwb.decisions WHERE decided_by = 'max'")).toBe(maxBefore + more.length);
  });

  it('keeps decisions unsent while the server is down, says so in a sentence, and sends them once it is back', async () => {
    const line = open[11]!;
    await admin.end();
    server.stop();
    await onReplica('ana', (b) => call(b, 'decideLine', { lineId: line.line_id, action: 'override', percent: 12, reasonCode: 'promotion' }));
    const offline = fwb(['sync', '--db', dbOf('ana')], { password: passwordOf('ana') });
    expect(offline.status).toBe(1);
    expect(offline.stderr).toMatch(/^fwb sync: No PostgreSQL server answers at 127\.0\.0\.1:\d+ \(connection refused\).* Nothing unsent was lost: it stays in the workbook and goes with the next sync\.\n$/);
    expect(expectNoLeak(offline, [passwordOf('ana')])).toEqual([]);
    expect(read('ana', 'SELECT count(*) AS n FROM decisions WHERE sync_uuid IS NOT NULL AND team_seq IS NULL')).toEqual([{ n: 1 }]);
    // The replica stays usable offline: its plan shows the unsent decision.
    expect(read('ana', 'SELECT decided_by, final_quantity FROM line_state WHERE line_id = ?', line.line_id)).toEqual([{ decided_by: 'ana', final_quantity: Math.round(line.quantity * 1.12 * 1e6) / 1e6 }]);

    restarted = await startLocalServer({ dir: server.dir, port: server.port, throwaway: true });
    admin = team.admin = await adminClient(server);
    const back = sync('ana');
    expect(back.pushed.decisions).toBe(1);
    expect(back.unsent).toEqual({ decisions: 0, reviews: 0 });
    expect(await teamCount('SELECT count(*) AS n FROM fwb.decisions WHERE line_id = $1', [line.line_id])).toBe(1);
  });

  it('brings every replica to the same plan, and fwb check is ok on each', async () => {
    for (const login of ['ana', 'ben', 'max', 'al', 'ana', 'ben', 'max'] as const) sync(login);
    const plan = (login: Login) =>
      read(login, `SELECT ls.line_id, ls.final_quantity, ls.source, ls.status, ls.decided_by FROM line_state ls JOIN decisions d ON d.decision_id = ls.decision_id WHERE d.sync_uuid IS NOT NULL ORDER BY ls.line_id`);
    const ana = plan('ana');
    expect(ana.length).toBeGreaterThan(10);
    expect(plan('ben')).toEqual(ana);
    expect(plan('max')).toEqual(ana);
    // The analyst's replica keeps its own history from before the link; the team's lines agree.
    expect(plan('al')).toEqual(ana);
    const count = await teamCount('SELECT count(*) AS n FROM fwb.decisions');
    for (const login of ['ana', 'ben', 'max', 'al'] as const) {
      expect(read(login, 'SELECT count(*) AS n FROM decisions WHERE team_seq IS NOT NULL')).toEqual([{ n: count }]);
      const check = fwb(['check', '--db', dbOf(login)]);
      expect(check.status, check.stdout + check.stderr).toBe(0);
    }
  });
});
