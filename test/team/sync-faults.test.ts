// fwb sync when things go wrong in the middle (issue 15's tests): the team's server
// stopped with `pg_ctl stop -m immediate` while a push of many small batches runs, and
// fwb sync killed with SIGKILL while it pulls the journal (not only the data tables).
// Each time: one sentence and exit 1 (or the process gone), the workbook usable offline
// and fwb check ok, and the next sync records each decision once and the replicas agree.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findServerBinaries, startLocalServer, type LocalServer } from '../../electron/team/local-server';
import { FWB, expectNoLeak, fwb } from './fwb';
import { adminClient, type TestServer } from './server';
import { FOUR, call, teamFixture } from './team-fixture';

type Login = keyof typeof FOUR;

describe('fwb sync interrupted', () => {
  // A throwaway server acknowledges commits before they are on disk (synchronous_commit=off):
  // stopped with -m immediate it would forget answers fwb sync had recorded. A team's real
  // server keeps the default (on), as this one does.
  const DURABLE = ['synchronous_commit=on'];

  const team = teamFixture({ people: FOUR, passwordTag: '7730', tag: 'sync-faults', demo: { items: 60, seed: 11 }, joined: ['al', 'ana', 'ben', 'max'], settings: DURABLE });
  const { passwordOf, dbOf, sync, onReplica, read, teamCount } = team;
  let server: TestServer;
  let restarted: LocalServer | undefined;
  let admin: pg.Client;
  const envOf = (login: Login, extra: Record<string, string> = {}) => ({ ...process.env, PGPASSFILE: '/nonexistent/pgpass', PGPASSWORD: passwordOf(login), ...extra });
  /** The server's journal counted by uuid: how many decisions, and how many uuids more than once. */
  const journal = async (login: string) => ({
    decisions: await teamCount('SELECT count(DISTINCT uuid) AS n FROM fwb.decisions WHERE decided_by = $1', [login]),
    twice: await teamCount('SELECT count(*) - count(DISTINCT uuid) AS n FROM fwb.decisions WHERE decided_by = $1', [login]),
  });
  const planOf = (login: Login) =>
    read(login, 'SELECT ls.line_id, ls.final_quantity, ls.source, ls.status, ls.decided_by FROM line_state ls JOIN decisions d ON d.decision_id = ls.decision_id WHERE d.sync_uuid IS NOT NULL ORDER BY ls.line_id');
  let open: { line_id: number; quantity: number; run_id: number }[];

  beforeAll(async () => {
    await team.start();
    ({ server, admin } = team);
    open = team.openLines('ana');
    expect(open.length).toBeGreaterThan(200);
  }, 180_000);
  afterAll(async () => {
    await team.stop(() => restarted?.stop());
  });

  /** Stops the team's server the hard way (no shutdown checkpoint, connections cut), as a crash or a pulled plug would. */
  function stopImmediately() {
    const pgCtl = join(findServerBinaries(), 'pg_ctl');
    const args = ['-D', join(server.dir, 'pg'), '-m', 'immediate', '-w', 'stop'];
    const asRoot = process.getuid?.() === 0;
    const r = asRoot ? spawnSync('runuser', ['-u', 'postgres', '--', pgCtl, ...args], { encoding: 'utf8' }) : spawnSync(pgCtl, args, { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  }

  it('says in one sentence that the server stopped in the middle of a push, stays usable offline, and records each decision once after the server is back', async () => {
    const lines = open.slice(0, 120).map((l) => l.line_id);
    await onReplica('ana', (b) => call(b, 'bulkAccept', { runId: open[0]!.run_id, lineIds: lines }));
    const before = await journal('ana');
    // Batches of two: the push is sixty calls, and the server stops once some (not all) are in.
    const child = spawn(process.execPath, [FWB, 'sync', '--db', dbOf('ana')], { env: envOf('ana', { FWB_SYNC_BATCH: '2' }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let stoppedAt = 0;
    for (let i = 0; i < 4000; i++) {
      stoppedAt = (await journal('ana')).decisions - before.decisions;
      if (stoppedAt >= 6) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    await admin.end().catch(() => {});
    stopImmediately();
    const code = await exited;
    try {
      await offlineThenBack(code);
    } finally {
      if (!restarted) {
        restarted = await startLocalServer({ dir: server.dir, port: server.port, throwaway: true, settings: DURABLE });
        admin = team.admin = await adminClient(server);
      }
    }
    const back = sync('ana');
    expect(back.unsent).toEqual({ decisions: 0, reviews: 0 });
    expect(back.refused).toEqual([]);
    const after = await journal('ana');
    expect(after).toEqual({ decisions: before.decisions + lines.length + 1, twice: 0 });
    expect(read('ana', `SELECT count(*) AS n FROM decisions WHERE decided_by = 'ana' AND team_seq IS NOT NULL`)).toEqual([{ n: after.decisions }]);
    expect(fwb(['check', '--db', dbOf('ana')]).status).toBe(0);

    async function offlineThenBack(code: number | null) {
      expect(stoppedAt).toBeGreaterThan(0);
      expect(stoppedAt).toBeLessThan(lines.length);
      expect(code, stderr).toBe(1);
      expect(stdout).toBe('');
      // One sentence on one line, saying what happened and what to do; no stack, no password.
      expect(stderr).toMatch(/^fwb sync: The team's server at 127\.0\.0\.1:\d+ stopped answering in the middle of the sync \([^\n]+\)\. [^\n]*Nothing unsent was lost: it stays in the workbook and goes with the next sync\.\n$/);
      expect(expectNoLeak({ status: code, stdout, stderr }, [passwordOf('ana')])).toEqual([]);

      // Offline, the workbook works: a decision is made, fwb check is ok, and what was not answered is unsent.
      const unsentBefore = read<{ n: number }>('ana', 'SELECT count(*) AS n FROM decisions WHERE sync_uuid IS NOT NULL AND team_seq IS NULL')[0]!.n;
      expect(unsentBefore).toBeGreaterThan(0);
      const extra = open[150]!;
      await onReplica('ana', (b) => call(b, 'decideLine', { lineId: extra.line_id, action: 'override', percent: 7, reasonCode: 'promotion' }));
      expect(read('ana', 'SELECT decided_by, final_quantity FROM line_state WHERE line_id = ?', extra.line_id)).toEqual([{ decided_by: 'ana', final_quantity: Math.round(extra.quantity * 1.07 * 1e6) / 1e6 }]);
      const check = fwb(['check', '--db', dbOf('ana')]);
      expect(check.status, check.stdout + check.stderr).toBe(0);
    }
  });

  it('pulls each journal row once when fwb sync is killed with SIGKILL in the middle of the journal pull, and the replicas converge', async () => {
    const lines = open.slice(160, 260).map((l) => l.line_id);
    await onReplica('ben', (b) => call(b, 'bulkAccept', { runId: open[0]!.run_id, lineIds: lines }));
    sync('ben');
    const decisionsSeq = await teamCount('SELECT max(seq) AS n FROM fwb.decisions');
    const mark = () => read<{ last_seq: number }>('max', "SELECT last_seq FROM team_sync WHERE table_name = 'decisions'")[0]?.last_seq ?? 0;
    const from = mark();
    expect(from).toBeLessThan(decisionsSeq);
    // Pages of three rows: the journal pull is many pages; killed once some (not all) of the decisions are in.
    const child = spawn(process.execPath, [FWB, 'sync', '--db', dbOf('max'), '--json'], { env: envOf('max', { FWB_TEAM_PAGE_ROWS: '3' }), stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    let killedAt = from;
    for (let i = 0; i < 4000 && child.exitCode === null; i++) {
      killedAt = mark();
      if (killedAt > from) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(killedAt).toBeGreaterThan(from);
    expect(killedAt).toBeLessThan(decisionsSeq);

    const again = sync('max');
    expect(again.pulled.decisions).toBeGreaterThan(0);
    const count = await teamCount('SELECT count(*) AS n FROM fwb.decisions');
    for (const login of ['ana', 'ben', 'al', 'max'] as const) {
      if (login !== 'max') sync(login);
      // Each of the team's decisions once on every replica, by uuid.
      expect(read(login, 'SELECT count(*) AS n, count(DISTINCT sync_uuid) AS u FROM decisions WHERE team_seq IS NOT NULL')).toEqual([{ n: count, u: count }]);
      const check = fwb(['check', '--db', dbOf(login)]);
      expect(check.status, check.stdout + check.stderr).toBe(0);
    }
    const plan = planOf('max');
    expect(plan.length).toBeGreaterThanOrEqual(lines.length);
    for (const login of ['ana', 'ben', 'al'] as const) expect(planOf(login)).toEqual(plan);
  });
});
