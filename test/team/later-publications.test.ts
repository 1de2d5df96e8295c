// Later publications (issue 15 item 2) with a real PostgreSQL and real replicas: an analyst's
// imports into a linked workbook are published by the next sync with the team's ids and
// their provenance, and every other replica pulls them (same ids, same accuracy, fwb check
// ok); a planner may publish sales inputs but not forecasts (refused at import, and by the
// database through psql-like raw SQL); a publication killed mid-push, or whose answer was
// lost after the server committed, is published once. And an empty workbook joining a team
// that has decided pulls the journal, not only the data.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInProcess, type Backend } from '../../electron/backend/host-entry';
import { syncTeam, type SyncPort } from '../../electron/team/sync';
import { expectNoLeak, fwb } from './fwb';
import type { TestServer } from './server';
import { FOUR, teamFixture } from './team-fixture';

const PEOPLE = { ...FOUR, cy: { name: 'Cy Park', role: 'planner' } } as const;
type Login = keyof typeof PEOPLE;
const iso = (key: number) => `${String(key).slice(0, 4)}-${String(key).slice(4, 6)}-${String(key).slice(6, 8)}`;
const nextMonth = (key: number, n = 1) => {
  const y = Math.floor(key / 10000);
  const m = Math.floor(key / 100) % 100 - 1 + n;
  return (y + Math.floor(m / 12)) * 10000 + ((m % 12) + 1) * 100 + 1;
};

describe('later publications', () => {
  const team = teamFixture({ people: PEOPLE, passwordTag: '8812', tag: 'later', demo: { items: 40, seed: 5 }, joined: ['al', 'ana', 'ben', 'max'] });
  const { passwordOf, dbOf, sync, read, asMember } = team;
  let server: TestServer;
  let admin: pg.Client;
  let dir: string;
  const check = (login: Login) => {
    const run = fwb(['check', '--db', dbOf(login), '--json']);
    expect(run.status, `${login}: ${run.stdout}${run.stderr}`).toBe(0);
  };
  const accuracy = (login: Login) => {
    const run = fwb(['accuracy', '--db', dbOf(login), '--json']);
    expect(run.status, run.stderr).toBe(0);
    return JSON.parse(run.stdout);
  };
  const csv = (name: string, lines: string[]) => {
    const path = join(dir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };
  /** The team's rows of the data tables, as every replica must hold them (ids included). */
  const dataOf = (login: Login) => ({
    runs: read(login, 'SELECT run_id, model_name, origin, batch_id FROM forecast_runs ORDER BY run_id'),
    lines: read(login, 'SELECT line_id, run_id, item_key, location_key, period, quantity FROM forecast_lines ORDER BY line_id'),
    actuals: read(login, 'SELECT actual_id, item_key, period, quantity, batch_id, superseded_at IS NULL AS current FROM actuals ORDER BY actual_id'),
    sales: read(login, 'SELECT sales_input_id, item_key, period, quantity, batch_id FROM sales_inputs ORDER BY sales_input_id'),
    items: read(login, 'SELECT item_key, item_id FROM items ORDER BY item_key'),
    batches: read(login, 'SELECT batch_id, kind, file_name, sha256, imported_by FROM import_batches ORDER BY batch_id'),
  });
  let items: string[];
  /** The first month of the newest run without actuals, and the newest run's origin. */
  let openMonth: number;

  beforeAll(async () => {
    await team.start();
    ({ server, admin, dir } = team);
    items = read<{ item_id: string }>('al', 'SELECT item_id FROM items ORDER BY item_key').map((r) => r.item_id);
    openMonth = read<{ p: number }>(
      'al',
      `SELECT min(l.period) AS p FROM forecast_lines l WHERE l.run_id = (SELECT max(run_id) FROM forecast_runs)
          AND NOT EXISTS (SELECT 1 FROM actuals a WHERE a.item_key = l.item_key AND a.period = l.period)`,
    )[0]!.p;
    // The planners decide, so that every replica is sealed and a later join has a journal to pull.
    const line = read<{ line_id: number }>('ana', `SELECT line_id FROM forecast_lines WHERE run_id = (SELECT max(run_id) FROM forecast_runs) AND period > ? ORDER BY line_id LIMIT 1`, nextMonth(openMonth, 1))[0]!;
    const backend = await openInProcess({ dbPath: dbOf('ana'), access: 'write', program: 'test' });
    try {
      const r = await backend.call('decideLine', { lineId: line.line_id, action: 'override', percent: 12, reasonCode: 'promotion' });
      expect(r.ok, JSON.stringify(r)).toBe(true);
    } finally {
      await backend.close();
    }
    for (const login of ['ana', 'ben', 'max', 'al'] as const) sync(login);
  }, 240_000);
  afterAll(async () => {
    await team.stop();
  });

  it('gives an empty workbook joining a team that has decided the journal too: decisions, policies, reason codes', () => {
    const run = fwb(['team', 'join', '--db', dbOf('cy'), '--url', server.urlFor('cy'), '--json'], { password: passwordOf('cy') });
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.how).toBe('pulled');
    expect(out.pulled.decisions).toBe(1);
    expect(out.pulled.policies).toBeGreaterThan(0);
    expect(out.pulled.reason_codes).toBeGreaterThan(0);
    const decided = (login: Login) => read(login, `SELECT line_id, final_quantity, decided_by FROM line_state WHERE decided_by IS NOT NULL ORDER BY line_id`);
    expect(decided('cy' as Login)).toEqual(decided('ana'));
    expect(decided('cy' as Login)).toHaveLength(1);
    // A sync right after has nothing of the journal left to pull.
    const again = fwb(['sync', '--db', dbOf('cy'), '--json'], { password: passwordOf('cy') });
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).pulled.decisions).toBe(0);
    check('cy' as Login);
  });

  it("publishes an analyst's later imports at the next sync, and every replica pulls them with the same ids, the same accuracy and fwb check ok", () => {
    const before = accuracy('ana');
    const actualsFile = csv('actuals-next.csv', ['item_id,period,actual', ...items.map((id, i) => `${id},${iso(openMonth)},${20 + ((i * 7) % 31)}`)]);
    const imported = fwb(['import', '--db', dbOf('al'), '--kind', 'actuals', '--json', actualsFile]);
    expect(imported.status, imported.stderr || imported.stdout).toBe(0);
    // A new run, with an item the team does not know yet.
    const runFile = csv('run-next.csv', ['item_id,period,forecast', ...[...items.slice(0, 10), 'NEW-ITEM-1'].flatMap((id, i) => [1, 2, 3].map((k) => `${id},${iso(nextMonth(openMonth, k))},${30 + i + k}`))]);
    const run = fwb(['import', '--db', dbOf('al'), '--kind', 'forecasts', '--model', 'later', '--origin', iso(openMonth), '--create-items', '--json', runFile]);
    expect(run.status, run.stderr || run.stdout).toBe(0);

    const published = sync('al');
    expect(published.publications.map((p: { fileName: string; status: string }) => [p.fileName, p.status])).toEqual([
      ['actuals-next.csv', 'published'],
      ['run-next.csv', 'published'],
    ]);
    // On the server: the provenance (file, hash, importer's login, the workbook's import time), once each.
    return (async () => {
      const { rows } = await admin.query(`SELECT file_name, kind, sha256, imported_by, imported_at_client IS NOT NULL AS has_client_time, recorded_by FROM fwb.import_batches WHERE file_name IN ('actuals-next.csv', 'run-next.csv') ORDER BY batch_id`);
      expect(rows).toEqual([
        { file_name: 'actuals-next.csv', kind: 'actuals', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), imported_by: 'al', has_client_time: true, recorded_by: 'Al Ortiz' },
        { file_name: 'run-next.csv', kind: 'forecasts', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), imported_by: 'al', has_client_time: true, recorded_by: 'Al Ortiz' },
      ]);
      expect(Number((await admin.query(`SELECT count(*) AS n FROM fwb.forecast_lines l JOIN fwb.forecast_runs r USING (run_id) WHERE r.model_name = 'later'`)).rows[0].n)).toBe(33);

      for (const login of ['ana', 'ben', 'max'] as const) {
        const out = sync(login);
        expect(out.pulled.import_batches).toBe(2);
        expect(out.pulled.forecast_lines).toBe(33);
        expect(out.pulled.actuals).toBe(items.length);
      }
      // The same rows under the same ids everywhere. The analyst's own replica included, for what the team shares: the first
      // publication left the demo's sales inputs and decision history in that workbook alone (docs/team-sync-status.md).
      const ana = dataOf('ana');
      expect(ana.runs.some((r) => (r as { model_name: string }).model_name === 'later')).toBe(true);
      for (const login of ['ben', 'max'] as const) expect(dataOf(login)).toEqual(ana);
      const al = dataOf('al');
      expect({ runs: al.runs, lines: al.lines, actuals: al.actuals, items: al.items }).toEqual({ runs: ana.runs, lines: ana.lines, actuals: ana.actuals, items: ana.items });
      const later = (rows: unknown[]) => rows.filter((b) => ['actuals-next.csv', 'run-next.csv'].includes((b as { file_name: string }).file_name));
      expect(later(al.batches)).toEqual(later(ana.batches));
      expect(later(ana.batches)).toHaveLength(2);
      // The same accuracy on every replica of the team's journal, moved by the new month of actuals.
      const after = accuracy('ana');
      expect(after).not.toEqual(before);
      for (const login of ['ben', 'max'] as const) expect(accuracy(login)).toEqual(after);
      for (const login of ['al', 'ana', 'ben', 'max'] as const) check(login);
      // A sync after has nothing left to publish.
      expect(sync('al').publications).toEqual([]);
    })();
  }, 240_000);

  it("refuses a planner's forecast import at import, and the database refuses it through raw SQL under the planner's login", async () => {
    const file = csv('ana-run.csv', ['item_id,period,forecast', `${items[0]},${iso(nextMonth(openMonth, 2))},5`]);
    const run = fwb(['import', '--db', dbOf('ana'), '--kind', 'forecasts', '--model', 'mine', '--origin', iso(openMonth), file]);
    // Refused as a role's import always is (exit 1, as for a planner's --user import of forecasts).
    expect(run.status).toBe(1);
    expect(run.stdout + run.stderr).toMatch(/replica of a team workbook.*login "ana" is a planner, and a planner publishes sales inputs; analysts import forecasts\. Nothing was imported\./);
    expect(expectNoLeak(run, [])).toEqual([]);
    expect(read('ana', `SELECT count(*) AS n FROM import_batches WHERE file_name = 'ana-run.csv'`)).toEqual([{ n: 0 }]);
    // A manager publishes nothing.
    const max = fwb(['import', '--db', dbOf('max'), '--kind', 'actuals', file]);
    expect(max.status).toBe(1);
    expect(max.stdout + max.stderr).toMatch(/a manager publishes no imports to it/);

    await asMember('ana', async (c) => {
      await c.query('BEGIN');
      await expect(c.query(`SELECT fwb.stage_import('forecasts')`)).rejects.toThrow(/Only analysts may publish items, forecasts and actuals; Ana Lima \(login "ana"\) is a planner/);
      await c.query('ROLLBACK');
      // Staged as sales inputs, then a batch of forecasts: the staged kind decides.
      await c.query('BEGIN');
      await c.query(`SELECT fwb.stage_import('sales_inputs')`);
      await c.query(`INSERT INTO pg_temp.fwb_import_batch (uuid, kind, file_name) VALUES (gen_random_uuid(), 'forecasts', 'sneaky.csv')`);
      await c.query(`INSERT INTO pg_temp.fwb_import_runs (run_key, model_name, origin, grain) VALUES (1, 'sneaky', 20260101, 'month')`);
      await expect(c.query(`SELECT fwb.publish_import('{}')`)).rejects.toThrow(/Only analysts may publish items, forecasts and actuals/);
      await c.query('ROLLBACK');
      // Nor straight into the team's tables.
      await expect(c.query(`INSERT INTO fwb.forecast_runs (model_name, origin, grain, batch_id) VALUES ('sneaky', 20260101, 'month', 1)`)).rejects.toThrow(/permission denied/);
    });
    await asMember('max', async (c) => {
      await expect(c.query(`SELECT fwb.stage_import('actuals')`)).rejects.toThrow(/Only analysts may publish/);
      await expect(c.query(`SELECT fwb.stage_import('sales_inputs')`)).rejects.toThrow(/Only planners may publish sales inputs/);
    });
    expect(Number((await admin.query(`SELECT count(*) AS n FROM fwb.forecast_runs WHERE model_name IN ('mine', 'sneaky')`)).rows[0].n)).toBe(0);
  });

  it("publishes a planner's sales inputs, which the other replicas pull", async () => {
    const open = read<{ item_id: string; period: number }>(
      'ana',
      `SELECT i.item_id, l.period FROM forecast_lines l JOIN items i USING (item_key) WHERE l.run_id = (SELECT max(run_id) FROM forecast_runs) AND l.period > ? ORDER BY l.line_id LIMIT 6`,
      openMonth,
    );
    const file = csv('ana-sales.csv', ['item_id,period,sales_input', ...open.map((o, i) => `${o.item_id},${iso(o.period)},${40 + i}`)]);
    const run = fwb(['import', '--db', dbOf('ana'), '--kind', 'sales-inputs', '--json', file]);
    expect(run.status, run.stderr || run.stdout).toBe(0);
    const out = sync('ana');
    expect(out.publications).toEqual([expect.objectContaining({ fileName: 'ana-sales.csv', kind: 'sales_inputs', status: 'published' })]);
    const { rows } = await admin.query(`SELECT imported_by, count(s.*)::int AS n FROM fwb.import_batches b JOIN fwb.sales_inputs s USING (batch_id) WHERE b.file_name = 'ana-sales.csv' GROUP BY imported_by`);
    expect(rows).toEqual([{ imported_by: 'ana', n: open.length }]);
    expect(sync('ben').pulled.sales_inputs).toBe(open.length);
    expect(dataOf('ben').sales).toEqual(dataOf('ana').sales);
    expect(dataOf('ben').sales).toHaveLength(open.length);
    check('ana');
    check('ben');
  });

  it('publishes once when the sync is killed with SIGKILL during the publication, and when the answer is lost after the server committed', async () => {
    const file = csv('actuals-fix.csv', ['item_id,period,actual', ...items.slice(0, 5).map((id, i) => `${id},${iso(openMonth)},${100 + i}`)]);
    expect(fwb(['import', '--db', dbOf('al'), '--kind', 'actuals', file]).status).toBe(0);
    // The journal's lock held: the publication waits inside publish_import, staged, not committed, and is killed there.
    await team.syncKilledWhileJournalLocked('al');
    expect(Number((await admin.query(`SELECT count(*) AS n FROM fwb.import_batches WHERE file_name = 'actuals-fix.csv'`)).rows[0].n)).toBe(0);

    // Sent again, by a sync whose first answer is lost after the server committed: the retry is answered from what was stored.
    const backend: Backend = await openInProcess({ dbPath: dbOf('al'), access: 'write', program: 'test' });
    try {
      const host = async <T>(method: string, payload: unknown): Promise<T> => {
        const r = await backend.hostCall(method, payload);
        if (!r.ok) throw new Error(r.error.message);
        return r.value as T;
      };
      let lose = true;
      const port: SyncPort = {
        state: () => host('teamReplicaState', {}),
        outbox: () => host('teamOutbox', {}),
        recordOutcomes: (outcomes) => host('recordTeamOutcomes', { outcomes }),
        recordChangeOutcomes: (outcomes) => host('recordTeamChangeOutcomes', { outcomes }),
        markAcknowledged: (ackIds) => host('markTeamAcknowledged', { ackIds }),
        applyPage: (page) => host('applyTeamPage', page),
        finishPull: () => host('finishTeamPull', {}),
        applyJournalPage: (page) => host('applyTeamJournalPage', page),
        ledger: () => host('teamSyncLedger', {}),
        unpublished: () => host('unpublishedTeamImports', {}),
        laterPublicationPage: (batchId, uuid, table, after, limit) => host('teamLaterPublicationPage', { batchId, uuid, table, after, limit }),
        recordPublication: async (answer, login) => {
          if (lose) {
            lose = false;
            throw new Error('the replica lost the answer (test)');
          }
          await host('recordTeamPublication', { answer, login });
        },
      };
      const before = process.env.PGPASSWORD;
      process.env.PGPASSWORD = passwordOf('al');
      try {
        await expect(syncTeam(port, 'al.db')).rejects.toThrow(/lost the answer/);
        expect(Number((await admin.query(`SELECT count(*) AS n FROM fwb.import_batches WHERE file_name = 'actuals-fix.csv'`)).rows[0].n)).toBe(1);
        const again = await syncTeam(port, 'al.db');
        expect(again.publications).toEqual([expect.objectContaining({ fileName: 'actuals-fix.csv', status: 'published' })]);
      } finally {
        if (before === undefined) delete process.env.PGPASSWORD;
        else process.env.PGPASSWORD = before;
      }
    } finally {
      await backend.close();
    }
    const { rows } = await admin.query(`SELECT count(DISTINCT b.batch_id)::int AS batches, count(a.*)::int AS actuals FROM fwb.import_batches b JOIN fwb.actuals a USING (batch_id) WHERE b.file_name = 'actuals-fix.csv'`);
    expect(rows).toEqual([{ batches: 1, actuals: 5 }]);
    expect(read('al', `SELECT count(*) AS n FROM import_batches WHERE file_name = 'actuals-fix.csv'`)).toEqual([{ n: 1 }]);
    expect(read('al', `SELECT count(*) AS n FROM actuals a JOIN import_batches b USING (batch_id) WHERE b.file_name = 'actuals-fix.csv'`)).toEqual([{ n: 5 }]);
    expect(sync('ben').pulled.actuals).toBe(5);
    expect(sync('max').pulled.actuals).toBe(5);
    expect(dataOf('ben').actuals).toEqual(dataOf('al').actuals);
    expect(dataOf('max').actuals).toEqual(dataOf('al').actuals);
    expect(accuracy('ben')).toEqual(accuracy('max'));
    check('al');
    check('ben');
  }, 240_000);
});
