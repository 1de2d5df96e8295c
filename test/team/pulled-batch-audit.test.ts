// A pulled page of others' decisions is recorded in the replica's chain by one
// `decision.batch` entry holding each decision as stored (as the server's batch entries
// do), not one entry per decision. fwb check and fwb check --team hold on such a replica,
// and fwb check still catches a pulled decision changed, or removed, in the file.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInProcess, type Backend } from '../../electron/backend/host-entry';
import { fwb } from './fwb';
import { startTestServer, type TestServer } from './server';

const PEOPLE = {
  al: { name: 'Al Ortiz', role: 'analyst' },
  ana: { name: 'Ana Lima', role: 'planner' },
  ben: { name: 'Ben Okafor', role: 'planner' },
} as const;
type Login = keyof typeof PEOPLE;
const passwordOf = (login: string) => `${login}-pw-5521`;
const DECIDED = 12;

describe('a pulled page of decisions under one audit entry', () => {
  let server: TestServer;
  let dir: string;
  const dbOf = (login: Login) => join(dir, `${login}.db`);
  const sync = (login: Login) => {
    const run = fwb(['sync', '--db', dbOf(login), '--json'], { password: passwordOf(login) });
    expect(run.status, run.stderr).toBe(0);
    return JSON.parse(run.stdout);
  };
  const read = <T>(path: string, sql: string, ...params: unknown[]): T[] => {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  };
  /** A copy of Ben's replica with its triggers dropped and `sql` run on it, as someone editing the file would. */
  const tampered = (name: string, sql: string): string => {
    const copy = join(dir, name);
    copyFileSync(dbOf('ben'), copy);
    const raw = new Database(copy);
    raw.pragma('foreign_keys = OFF');
    for (const t of raw.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all() as string[]) raw.exec(`DROP TRIGGER "${t}"`);
    raw.exec(sql);
    raw.close();
    return copy;
  };

  beforeAll(async () => {
    server = await startTestServer();
    dir = mkdtempSync(join(tmpdir(), 'fwb-pulled-batch-'));
    expect(fwb(['team', 'init', '--url', server.url], { password: server.password }).status).toBe(0);
    for (const [login, p] of Object.entries(PEOPLE)) {
      const run = fwb(['team', 'add-user', '--url', server.url, '--user', login, '--name', p.name, '--role', p.role, '--password-stdin'], { password: server.password, input: `${passwordOf(login)}\n` });
      expect(run.status, run.stderr).toBe(0);
    }
    const demo = fwb(['demo', '--db', dbOf('al'), '--items', '40', '--months', '36', '--seed', '5']);
    expect(demo.status, demo.stderr).toBe(0);
    for (const login of ['al', 'ana', 'ben'] as const) {
      const run = fwb(['team', 'join', '--db', dbOf(login), '--url', server.urlFor(login), '--json'], { password: passwordOf(login) });
      expect(run.status, run.stderr).toBe(0);
    }
    // Ana overrides open lines offline and pushes them; Ben's next sync pulls them in one page.
    const open = read<{ line_id: number }>(
      dbOf('ana'),
      `SELECT l.line_id FROM forecast_lines l
        WHERE l.run_id = (SELECT max(run_id) FROM forecast_runs) AND l.lag >= 2 AND l.quantity >= 50
          AND NOT EXISTS (SELECT 1 FROM actuals a WHERE a.item_key = l.item_key AND a.location_key = l.location_key AND a.period = l.period)
        ORDER BY l.line_id LIMIT ${DECIDED}`,
    );
    expect(open.length).toBe(DECIDED);
    const backend: Backend = await openInProcess({ dbPath: dbOf('ana'), access: 'write', program: 'test' });
    try {
      for (const [i, l] of open.entries()) {
        const r = await backend.call('decideLine', i % 3 === 0 ? { lineId: l.line_id, action: 'accept' } : { lineId: l.line_id, action: 'override', percent: 5 + i, reasonCode: 'promotion' });
        if (!r.ok) throw new Error(r.error.message);
      }
    } finally {
      await backend.close();
    }
    expect(sync('ana').pushed.decisions).toBe(DECIDED);
    expect(sync('ben').pulled.decisions).toBe(DECIDED);
  }, 180_000);
  afterAll(() => {
    server?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('records the page in one decision.batch entry holding each pulled decision as stored, and fwb check and fwb check --team are ok', () => {
    const pulled = read<{ decision_id: number; decided_by: string }>(dbOf('ben'), "SELECT decision_id, decided_by FROM decisions WHERE decided_by = 'ana' ORDER BY decision_id");
    expect(pulled).toHaveLength(DECIDED);
    const ids = pulled.map((d) => String(d.decision_id));
    // No entry of its own for any pulled decision: the page's entry stands for them.
    expect(read(dbOf('ben'), `SELECT count(*) AS n FROM audit_log WHERE entity = 'decision' AND entity_id IN (${ids.map(() => '?').join(',')})`, ...ids)).toEqual([{ n: 0 }]);
    const batches = read<{ entity_id: string; payload: string }>(dbOf('ben'), "SELECT entity_id, payload FROM audit_log WHERE action = 'decision.batch' AND entity = 'decision_batch'");
    expect(batches).toHaveLength(1);
    expect(batches[0]!.entity_id).toBe(`${ids[0]}-${ids.at(-1)}`);
    const payload = JSON.parse(batches[0]!.payload) as { count: number; decisions: { decisionId: number; decidedBy: string; lineId: number }[] };
    expect(payload.count).toBe(DECIDED);
    expect(payload.decisions.map((d) => String(d.decisionId))).toEqual(ids);
    expect(new Set(payload.decisions.map((d) => d.decidedBy))).toEqual(new Set(['ana']));

    // Both replicas derive the same plan for Ana's lines.
    const plan = (login: Login) =>
      read(dbOf(login), `SELECT ls.line_id, ls.final_quantity, ls.source, ls.status, ls.decided_by FROM line_state ls WHERE ls.decided_by = 'ana' ORDER BY ls.line_id`);
    expect(plan('ben')).toHaveLength(DECIDED);
    expect(plan('ben')).toEqual(plan('ana'));

    const check = fwb(['check', '--db', dbOf('ben')]);
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const team = fwb(['check', '--db', dbOf('ben'), '--team'], { password: passwordOf('ben') });
    expect(team.status, team.stdout + team.stderr).toBe(0);
  });

  it('fwb check names a pulled decision changed in the file, and one deleted from it, against the page’s entry', () => {
    const [first, second] = read<{ decision_id: number }>(dbOf('ben'), "SELECT decision_id FROM decisions WHERE decided_by = 'ana' AND action = 'override' ORDER BY decision_id LIMIT 2");
    const changed = tampered('changed.db', `UPDATE decisions SET quantity = quantity + 7 WHERE decision_id = ${first!.decision_id}`);
    const c = fwb(['check', '--db', changed]);
    expect(c.status).not.toBe(0);
    expect(c.stdout + c.stderr).toMatch(new RegExp(`decision ${first!.decision_id} differs from what audit entry \\d+ recorded`));

    const deleted = tampered('deleted.db', `DELETE FROM decisions WHERE decision_id = ${second!.decision_id}`);
    const d = fwb(['check', '--db', deleted]);
    expect(d.status).not.toBe(0);
    expect(d.stdout + d.stderr).toMatch(new RegExp(`decision ${second!.decision_id}, recorded in audit entry \\d+, is gone from the journal`));
  });
});
