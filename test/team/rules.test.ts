// The decision rules held by the database (schema version 2): every refusal attempted
// with raw SQL through `pg` as the member's own login, as psql would. Rows to decide on
// are written as the schema's owner, as the publishing functions of a later version will.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../electron/team/admin';
import { initTeam } from '../../electron/team/init';
import { TEAM_TABLES } from '../../electron/team/schema-v2';
import { fwb } from './fwb';
import { adminClient, startTestServer, type TestServer } from './server';

interface Outcome {
  uuid: string;
  status: 'final' | 'pending_approval' | 'refused' | 'approved' | 'rejected';
  reason: string | null;
  seq: string | null;
  decision_id?: string;
  line_id?: string;
  conflict?: boolean;
}

const PEOPLE = {
  ana: { name: 'Ana Lima', role: 'planner' },
  bo: { name: 'Bo Chen', role: 'planner' },
  max: { name: 'Max Berg', role: 'manager' },
  mia: { name: 'Mia Roth', role: 'manager' },
  al: { name: 'Al Ortiz', role: 'analyst' },
} as const;
type Login = keyof typeof PEOPLE;
const passwordOf = (login: string) => `${login}-secret-42`;

describe('the decision rules in the team database', () => {
  let server: TestServer;
  let admin: pg.Client;
  const members = new Map<Login, pg.Client>();
  /** Forecast lines by name: lag 3 open lines of category Beverages (policy: freeze 1, approval 25 % or 1,000 units, comment above 20 %). */
  const lines: Record<string, number> = {};

  const as = (login: Login) => members.get(login)!;
  async function submit(login: Login, decisions: object[]): Promise<Outcome[]> {
    const { rows } = await as(login).query('SELECT fwb.submit_decisions($1::jsonb) AS out', [JSON.stringify(decisions)]);
    return rows[0].out as Outcome[];
  }
  async function decideOne(login: Login, decision: object): Promise<Outcome> {
    const [outcome] = await submit(login, [{ uuid: randomUUID(), ...decision }]);
    return outcome!;
  }
  async function review(login: Login, decisionUuid: string, verdict: string, note: string | null = null, reviewUuid = randomUUID()): Promise<Outcome> {
    const { rows } = await as(login).query('SELECT fwb.review_override($1, $2, $3, $4) AS out', [reviewUuid, decisionUuid, verdict, note]);
    return rows[0].out as Outcome;
  }
  const count = async (sql: string, params: unknown[] = []) => Number((await admin.query(sql, params)).rows[0].n);
  /** A decision's audit entries: its own (a per-row entry, schema version 2) or its batch's, with the decision as the entry holds it. */
  const auditOf = `SELECT a.actor, a.action, coalesce(e.value, a.payload) AS decision FROM fwb.audit_log a
     LEFT JOIN LATERAL jsonb_array_elements(CASE WHEN a.action = 'decision.batch' THEN a.payload->'decisions' END) e ON true
    WHERE (a.entity = 'decision' AND a.entity_id = $1::text) OR (a.action = 'decision.batch' AND (e.value->>'decision_id')::bigint = $1::bigint)`;
  /** Writes as the schema's owner, in one transaction. */
  async function asOwner<T>(work: () => Promise<T>): Promise<T> {
    await admin.query('BEGIN');
    try {
      await admin.query('SET LOCAL ROLE fwb_owner');
      const out = await work();
      await admin.query('COMMIT');
      return out;
    } catch (err) {
      await admin.query('ROLLBACK');
      throw err;
    }
  }

  beforeAll(async () => {
    server = await startTestServer();
    admin = await adminClient(server);
    const init = fwb(['team', 'init', '--url', server.url], { password: server.password });
    expect(init.status, init.stderr).toBe(0);
    for (const [login, p] of Object.entries(PEOPLE)) {
      const run = fwb(['team', 'add-user', '--url', server.url, '--user', login, '--name', p.name, '--role', p.role, '--password-stdin'], {
        password: server.password,
        input: `${passwordOf(login)}\n`,
      });
      expect(run.status, run.stderr).toBe(0);
    }
    await asOwner(async () => {
      await admin.query(`INSERT INTO fwb.import_batches (uuid, kind, file_name, imported_by) VALUES (gen_random_uuid(), 'forecasts', 'f.csv', 'al')`);
      await admin.query(`INSERT INTO fwb.items (item_id, name, category, abc_class, batch_id) SELECT 'SKU-1', 'Water', 'Beverages', 'A', max(batch_id) FROM fwb.import_batches`);
      await admin.query(`INSERT INTO fwb.forecast_runs (model_name, origin, grain, batch_id) SELECT 'm', 20260101, 'month', max(batch_id) FROM fwb.import_batches`);
      await admin.query(
        `INSERT INTO fwb.policies (segment_type, segment_value, model_role, approval_pct, approval_units, freeze_lags, comment_pct, updated_by)
         VALUES ('category', 'Beverages', 'recommend', 25, 1000, 1, 20, 'max')`,
      );
      // One line per test, so each starts from an undecided line: periods 2026-02 … at lags 1 …
      const named = ['frozen', 'closed', 'accept', 'author', 'refusals', 'pending', 'stale', 'idem', 'conflict', 'ack', 'undo', 'policy', 'zero'];
      for (const [i, name] of named.entries()) {
        const lag = name === 'frozen' ? 1 : 3 + i;
        // The run's origin is 2026-01: lag n is n months later.
        const period = (2026 + Math.floor(lag / 12)) * 10000 + ((lag % 12) + 1) * 100 + 1;
        const model = name === 'zero' ? 0 : 100;
        const { rows } = await admin.query(
          `INSERT INTO fwb.forecast_lines (run_id, item_key, location_key, period, lag, quantity)
           SELECT (SELECT max(run_id) FROM fwb.forecast_runs), (SELECT max(item_key) FROM fwb.items), 1, $1, $2, $3 RETURNING line_id`,
          [period, lag, model],
        );
        lines[name] = Number(rows[0].line_id);
      }
      await admin.query(
        `INSERT INTO fwb.actuals (item_key, location_key, period, quantity, batch_id)
         SELECT l.item_key, l.location_key, l.period, 120, (SELECT max(batch_id) FROM fwb.import_batches) FROM fwb.forecast_lines l WHERE l.line_id = $1`,
        [lines.closed],
      );
    });
    for (const login of Object.keys(PEOPLE) as Login[]) members.set(login, await server.connectAs(login, passwordOf(login)));
  });
  afterAll(async () => {
    for (const client of members.values()) await client.end().catch(() => {});
    await admin?.end();
    server?.cleanup();
  });

  it('gives no member a way around the functions: tables and the helpers inside them are closed to every login', async () => {
    for (const login of ['ana', 'max', 'al'] as const) {
      const attempts = [
        `INSERT INTO fwb.decisions (uuid, line_id, action, quantity, source, status, decided_by) VALUES (gen_random_uuid(), ${lines.accept}, 'accept', 100, 'model', 'final', session_user)`,
        `INSERT INTO fwb.approvals (uuid, decision_id, verdict, decided_by) SELECT gen_random_uuid(), max(decision_id), 'approved', session_user FROM fwb.decisions`,
        `INSERT INTO fwb.line_conflicts (line_id, decision_id, author, other_decision_id, other_author) VALUES (1, 1, 'ana', 1, 'bo')`,
        `INSERT INTO fwb.refused_submissions (uuid, kind, submitted_by, request, reason) VALUES (gen_random_uuid(), 'decision', 'ana', '{}', 'x')`,
        `INSERT INTO fwb.audit_log (actor, action, entity, payload, prev_hash, hash) VALUES ('ana', 'x', 'x', '{}', 'x', 'y')`,
        `UPDATE fwb.policies SET freeze_lags = 0`,
        `SELECT fwb.submit_decision('mia', '{"line_id": ${lines.accept}, "action": "accept"}'::jsonb, gen_random_uuid())`,
        `SELECT fwb.append_audit('ana', 'x', 'x', NULL, '{}'::jsonb)`,
        `SELECT fwb.refuse('decision', gen_random_uuid(), 'bo', NULL, '{}'::jsonb, 'x')`,
      ];
      for (const sql of attempts) await expect(as(login).query(sql), `${login}: ${sql}`).rejects.toMatchObject({ code: '42501' });
    }
    // No write privilege on any table or view of the schema, version 2's included.
    for (const login of ['ana', 'max', 'al'] as const) {
      const writable = await as(login).query(
        `SELECT t FROM unnest($1::text[]) t
          WHERE has_table_privilege('fwb.' || t, 'INSERT') OR has_table_privilege('fwb.' || t, 'UPDATE') OR has_table_privilege('fwb.' || t, 'DELETE') OR has_table_privilege('fwb.' || t, 'TRUNCATE')
             OR NOT has_table_privilege('fwb.' || t, 'SELECT')`,
        [[...TEAM_TABLES]],
      );
      expect(writable.rows, login).toEqual([]);
    }
    expect(await count('SELECT count(*) AS n FROM fwb.decisions')).toBe(0);
  });

  it('tells a writer in a sentence that another holds the team workbook too long, and records nothing', async () => {
    await as('ana').query('BEGIN');
    try {
      // Ana's write waits, uncommitted, holding the journal.
      await submit('ana', [{ uuid: randomUUID(), line_id: lines.author, action: 'accept' }]);
      // The 30 s the function waits by default is not left behind in the caller's transaction.
      expect((await as('ana').query('SHOW lock_timeout')).rows[0].lock_timeout).toBe('0');
      await as('bo').query(`SET lock_timeout = '300ms'`);
      await expect(submit('bo', [{ uuid: randomUUID(), line_id: lines.author, action: 'accept' }])).rejects.toMatchObject({
        code: '55P03',
        message: 'The team workbook is busy: another write has held it for longer than 300ms; nothing was recorded, try again in a moment.',
      });
    } finally {
      await as('ana').query('ROLLBACK');
      await as('bo').query('RESET lock_timeout');
    }
    expect(await count('SELECT count(*) AS n FROM fwb.decisions')).toBe(0);
  });

  it('refuses an analyst, a planner group member who is no person of the team, and a transaction that could see stale decisions', async () => {
    await expect(submit('al', [{ uuid: randomUUID(), line_id: lines.accept, action: 'accept' }])).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/permission denied for function submit_decisions/) });
    // A login put into fwb_planner by hand, without fwb team add-user: the database still knows no such person.
    await admin.query(`CREATE ROLE stray LOGIN PASSWORD 'stray-secret-1' IN ROLE fwb_planner`);
    const stray = await server.connectAs('stray', 'stray-secret-1');
    try {
      await expect(stray.query('SELECT fwb.submit_decisions($1::jsonb)', [JSON.stringify([{ uuid: randomUUID(), line_id: lines.accept, action: 'accept' }])])).rejects.toMatchObject({
        code: '42501',
        message: 'The login "stray" is not a person of this team: only planners and managers may decide forecast lines.',
      });
    } finally {
      await stray.end();
    }
    await as('ana').query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    try {
      await expect(submit('ana', [{ uuid: randomUUID(), line_id: lines.accept, action: 'accept' }])).rejects.toThrow(/run in READ COMMITTED transactions \(this one is repeatable read\)/);
    } finally {
      await as('ana').query('ROLLBACK');
    }
    expect(await count('SELECT count(*) AS n FROM fwb.decisions')).toBe(0);
  });

  it('holds the role fwb.users names, whatever group a login was put in by hand, and stops a removed person’s open session', async () => {
    const pending = await decideOne('bo', { line_id: lines.author, action: 'override', quantity: 300, reason_code: 'promotion', comment: 'Big order' });
    expect(pending.status).toBe('pending_approval');
    await admin.query('GRANT fwb_manager TO ana');
    try {
      await expect(review('ana', pending.uuid, 'approved')).rejects.toMatchObject({
        code: '42501',
        message: 'Only managers may approve or reject overrides; Ana Lima (login "ana") is a planner.',
      });
    } finally {
      await admin.query('REVOKE fwb_manager FROM ana');
    }
    const add = fwb(['team', 'add-user', '--url', server.url, '--user', 'cy', '--name', 'Cy Park', '--role', 'planner', '--password-stdin'], { password: server.password, input: 'cy-secret-7\n' });
    expect(add.status, add.stderr).toBe(0);
    const cy = await server.connectAs('cy', 'cy-secret-7');
    try {
      const removed = fwb(['team', 'remove-user', '--url', server.url, '--user', 'cy'], { password: server.password });
      expect(removed.status, removed.stderr).toBe(0);
      // Her session opened before the removal is still connected; it decides nothing.
      await expect(cy.query('SELECT fwb.submit_decisions($1::jsonb)', [JSON.stringify([{ uuid: randomUUID(), line_id: lines.author, action: 'accept' }])])).rejects.toMatchObject({ code: '42501' });
    } finally {
      await cy.end();
    }
    expect(await count(`SELECT count(*) AS n FROM fwb.decisions WHERE decided_by IN ('ana', 'cy')`)).toBe(0);
  });

  it('records a decision as the session login whatever author it names, at the server’s time, keeping the laptop’s clock apart', async () => {
    const before = (await admin.query('SELECT now() AS t')).rows[0].t as Date;
    const outcome = await decideOne('ana', { line_id: lines.accept, action: 'accept', decided_by: 'max', author: 'max', decided_at: '2001-01-01T00:00:00Z', decided_at_client: '2026-01-20T09:15:00Z' });
    expect(outcome).toMatchObject({ status: 'final', reason: null, conflict: false });
    const { rows } = await admin.query('SELECT decided_by, decided_at, decided_at_client, quantity, source, seq FROM fwb.decisions WHERE uuid = $1', [outcome.uuid]);
    expect(rows[0]).toMatchObject({ decided_by: 'ana', quantity: 100, source: 'model', decided_at_client: new Date('2026-01-20T09:15:00Z'), seq: String(outcome.seq) });
    expect((rows[0].decided_at as Date).getTime()).toBeGreaterThanOrEqual(before.getTime());
    // Its batch's audit entry (schema version 5: one per batch) names the login, the policy in force and the model's role in it.
    const audit = await admin.query(auditOf, [outcome.decision_id]);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]).toMatchObject({ actor: 'ana', action: 'decision.batch', decision: { decided_by: 'ana', model_role: 'recommend', model_quantity: 100 } });
    // Arrival is when the row is written, not when a transaction the client held open began.
    await as('bo').query('BEGIN');
    const began = (await as('bo').query('SELECT now() AS t, pg_sleep(0.3)')).rows[0].t as Date;
    const held = await decideOne('bo', { line_id: lines.author, action: 'accept' });
    await as('bo').query('COMMIT');
    const arrived = (await admin.query('SELECT decided_at FROM fwb.decisions WHERE uuid = $1', [held.uuid])).rows[0].decided_at as Date;
    expect(arrived.getTime() - began.getTime()).toBeGreaterThanOrEqual(300);

    // A line may be named by its seq, as a replica knows it.
    const lineSeq = (await admin.query('SELECT seq FROM fwb.forecast_lines WHERE line_id = $1', [lines.accept])).rows[0].seq;
    const bySeq = await decideOne('ana', { line_seq: Number(lineSeq), action: 'accept', based_on_seq: Number(outcome.seq) });
    expect(bySeq).toMatchObject({ status: 'final', line_id: lines.accept });
  });

  it('refuses a frozen line and a closed line with the app’s sentences, and records each refusal', async () => {
    const frozen = await decideOne('ana', { line_id: lines.frozen, action: 'override', quantity: 110, reason_code: 'promotion' });
    expect(frozen).toMatchObject({ status: 'refused', reason: 'Line is frozen: lag 1 is inside the freeze window of 1 (policy for category Beverages).' });
    const closed = await decideOne('bo', { line_id: lines.closed, action: 'accept' });
    expect(closed).toMatchObject({ status: 'refused', reason: 'Line is closed: the actual of 2026-05-01 (120) is already known, so a decision now would be made with hindsight.' });
    expect(await count('SELECT count(*) AS n FROM fwb.decisions WHERE line_id = ANY($1)', [[lines.frozen, lines.closed]])).toBe(0);
    const refused = await admin.query('SELECT submitted_by, reason FROM fwb.refused_submissions WHERE uuid = ANY($1) ORDER BY seq', [[frozen.uuid, closed.uuid]]);
    expect(refused.rows.map((r) => r.submitted_by)).toEqual(['ana', 'bo']);
  });

  it('refuses an override without a reason, with an unknown or retired reason, without a comment where one is required, or equal to the model', async () => {
    await asOwner(() => admin.query(`INSERT INTO fwb.reason_codes (code, label, active, sort_order) VALUES ('price_change', 'Price change', false, 5)`));
    const line = lines.refusals;
    const cases: [object, string][] = [
      [{ quantity: 110 }, 'A reason is required for every override.'],
      [{ quantity: 110, reason_code: '  ' }, 'A reason is required for every override.'],
      [{ quantity: 110, reason_code: 'gut_feeling' }, 'Unknown reason code "gut_feeling".'],
      [{ quantity: 110, reason_code: 'price_change' }, 'The reason "Price change" is no longer in use; choose another.'],
      [{ quantity: 110, reason_code: 'other' }, 'A comment is required: the reason "Other" always needs one.'],
      [{ quantity: 110, reason_code: 'other', comment: '   ' }, 'A comment is required: the reason "Other" always needs one.'],
      [{ quantity: 122.5, reason_code: 'promotion' }, 'A comment is required: the change of 22.5 % is more than the 20 % the policy allows without one.'],
      [{ quantity: 100, reason_code: 'promotion' }, 'The override equals the model quantity 100; accept the line instead.'],
      [{ quantity: -1, reason_code: 'promotion' }, 'An override quantity must be a number of at least 0 (got -1).'],
      [{ quantity: '110', reason_code: 'promotion' }, 'An override needs its quantity, a number of at least 0.'],
      [{ quantity: 110, reason_code: 'promotion', source: 'sales_input' }, 'There is no sales input for this line to adopt.'],
    ];
    const outcomes = await submit(
      'ana',
      cases.map(([d]) => ({ uuid: randomUUID(), line_id: line, action: 'override', ...d })),
    );
    expect(outcomes.map((o) => [o.status, o.reason])).toEqual(cases.map(([, reason]) => ['refused', reason]));
    const accept = await decideOne('ana', { line_id: line, action: 'accept', reason_code: 'promotion' });
    expect(accept.reason).toBe('An accept takes no reason code; reasons explain overrides.');
    const unknownLine = await decideOne('ana', { line_id: 999_999, action: 'accept' });
    expect(unknownLine.reason).toBe('Forecast line 999999 does not exist in the team workbook.');
    const huge = await decideOne('ana', { line_id: line, action: 'override', quantity: 1e300, reason_code: 'promotion' });
    expect(huge.reason).toBe('An override quantity above 1,000,000,000,000,000 is beyond any plan; check the number.');
    const malformed = await decideOne('ana', { line_id: 'line seven', action: 'accept' });
    expect(malformed.reason).toMatch(/^The decision [0-9a-f-]{36} is malformed \(invalid input syntax for type bigint: "line seven"\): line_id, line_seq and based_on_seq are integers, decided_at_client a time\.$/);
    const badClock = await decideOne('ana', { line_id: line, action: 'accept', decided_at_client: 'yesterday-ish' });
    expect(badClock.reason).toMatch(/is malformed \(invalid input syntax for type timestamp with time zone: "yesterday-ish"\)/);
    const badAction = await decideOne('ana', { line_id: line, action: 'delete' });
    expect(badAction.reason).toBe('"delete" is not a decision: the action is accept, override or undo.');
    expect(await count('SELECT count(*) AS n FROM fwb.decisions WHERE line_id = $1', [line])).toBe(0);
    // A comment given, the same override is taken.
    const ok = await decideOne('ana', { line_id: line, action: 'override', quantity: 110, reason_code: 'other', comment: 'Customer call' });
    expect(ok).toMatchObject({ status: 'final' });
  });

  it('makes an override over the threshold wait for a manager; a planner, the author and a second verdict are refused; another manager decides', async () => {
    const line = lines.pending;
    const pending = await decideOne('max', { line_id: line, action: 'override', quantity: 140, reason_code: 'promotion', comment: 'Big promo' });
    expect(pending).toMatchObject({ status: 'pending_approval', reason: 'Waits for a manager\'s approval before it changes the plan.' });
    await expect(review('ana', pending.uuid, 'approved')).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/permission denied for function review_override/) });
    const byAuthor = await review('max', pending.uuid, 'approved');
    expect(byAuthor).toMatchObject({ status: 'refused', reason: 'You cannot approve your own override; another manager must review it.' });
    const rejectOwn = await review('max', pending.uuid, 'rejected', 'changed my mind');
    expect(rejectOwn.reason).toBe('You cannot reject your own override; undo it to take it back, or another manager reviews it.');
    const noNote = await review('mia', pending.uuid, 'rejected', ' ');
    expect(noNote.reason).toBe('A rejection needs a note saying why.');
    expect(await count('SELECT count(*) AS n FROM fwb.approvals')).toBe(0);
    const approved = await review('mia', pending.uuid, 'approved', 'ok');
    expect(approved).toMatchObject({ status: 'approved', reason: null });
    expect((await admin.query('SELECT decided_by, verdict FROM fwb.approvals')).rows).toEqual([{ decided_by: 'mia', verdict: 'approved' }]);
    const again = await review('mia', pending.uuid, 'rejected', 'on second thought');
    expect(again.reason).toMatch(/^Decision \d+ was already approved\.$/);
    const final = await decideOne('ana', { line_id: lines.accept, action: 'override', quantity: 105, reason_code: 'promotion' });
    expect((await review('mia', final.uuid, 'approved')).reason).toMatch(/^Decision \d+ did not need approval\.$/);
    // The audit entry of the approval names the reviewer.
    expect(await count(`SELECT count(*) AS n FROM fwb.audit_log WHERE action = 'approval' AND actor = 'mia'`)).toBe(1);
  });

  it('refuses approving a decision that is no longer the line’s current one', async () => {
    const line = lines.stale;
    const first = await decideOne('ana', { line_id: line, action: 'override', quantity: 200, reason_code: 'promotion', comment: 'Promo' });
    expect(first.status).toBe('pending_approval');
    const second = await decideOne('ana', { line_id: line, action: 'override', quantity: 110, reason_code: 'promotion', based_on_seq: Number(first.seq) });
    expect(second.status).toBe('final');
    const late = await review('max', first.uuid, 'approved');
    expect(late).toMatchObject({ status: 'refused' });
    expect(late.reason).toMatch(/^Decision \d+ is no longer the current decision of line \d+ \(it was undone or decided again\); there is nothing to review\.$/);
  });

  it('records a uuid once: the same decision again returns the stored outcome, a refusal included, and someone else’s uuid records nothing', async () => {
    const uuid = randomUUID();
    const decision = { uuid, line_id: lines.idem, action: 'override', quantity: 150, reason_code: 'promotion', comment: 'Promo' };
    const [first] = await submit('bo', [decision]);
    const [again] = await submit('bo', [decision]);
    const [third] = await submit('bo', [decision, decision]).then((o) => [o[0], o[1]] as const);
    expect(first!.status).toBe('pending_approval');
    expect(again).toEqual(first);
    expect(third).toEqual(first);
    expect(await count('SELECT count(*) AS n FROM fwb.decisions WHERE uuid = $1', [uuid])).toBe(1);
    expect((await admin.query(auditOf, [first!.decision_id])).rows).toHaveLength(1);

    const refusedUuid = randomUUID();
    const refused = { uuid: refusedUuid, line_id: lines.frozen, action: 'accept' };
    const [r1] = await submit('bo', [refused]);
    const [r2] = await submit('bo', [refused]);
    expect(r1!.status).toBe('refused');
    expect(r2).toEqual(r1);
    expect(await count('SELECT count(*) AS n FROM fwb.refused_submissions WHERE uuid = $1', [refusedUuid])).toBe(1);

    const [stolen] = await submit('ana', [{ ...decision, quantity: 90 }]);
    expect(stolen).toMatchObject({ status: 'refused', seq: null });
    expect(stolen!.reason).toMatch(/already names another record of the team .*send it again with a new uuid/);
    expect((await admin.query('SELECT decided_by, quantity FROM fwb.decisions WHERE uuid = $1', [uuid])).rows).toEqual([{ decided_by: 'bo', quantity: 150 }]);

    // A review's uuid too: approved once, the same call again answers the same.
    const reviewUuid = randomUUID();
    const v1 = await review('max', uuid, 'approved', null, reviewUuid);
    const v2 = await review('max', uuid, 'approved', null, reviewUuid);
    expect(v1.status).toBe('approved');
    expect(v2).toEqual(v1);
    expect(await count('SELECT count(*) AS n FROM fwb.approvals WHERE uuid = $1', [reviewUuid])).toBe(1);

    // The same decision sent at once over two connections (a retry racing the first try): still one row.
    const racing = { uuid: randomUUID(), line_id: lines.idem, action: 'accept', based_on_seq: 1e12 };
    const second = await server.connectAs('bo', passwordOf('bo'));
    try {
      const [a, b] = await Promise.all([submit('bo', [racing]), second.query('SELECT fwb.submit_decisions($1::jsonb) AS out', [JSON.stringify([racing])]).then((r) => r.rows[0].out as Outcome[])]);
      expect(a[0]!.status).toBe('final');
      expect(b).toEqual(a);
    } finally {
      await second.end();
    }
    expect(await count('SELECT count(*) AS n FROM fwb.decisions WHERE uuid = $1', [racing.uuid])).toBe(1);

    // A decision without a uuid records nothing of its call.
    await expect(submit('bo', [{ line_id: lines.idem, action: 'accept' }])).rejects.toMatchObject({ code: '22023', message: expect.stringMatching(/Every decision needs its own uuid/) });
  });

  it('records both of two planners deciding one line unseen: the later arrival is current and the line is in conflict for both until one decides again', async () => {
    const line = lines.conflict;
    const ana = await decideOne('ana', { line_id: line, action: 'override', quantity: 90, reason_code: 'lost_business', based_on_seq: null });
    const bo = await decideOne('bo', { line_id: line, action: 'override', quantity: 115, reason_code: 'promotion', based_on_seq: null });
    expect([ana.status, ana.conflict, bo.status, bo.conflict]).toEqual(['final', false, 'final', true]);
    const latest = await admin.query(`SELECT uuid::text, decided_by FROM fwb.decisions WHERE line_id = $1 ORDER BY seq DESC LIMIT 1`, [line]);
    expect(latest.rows[0]).toEqual({ uuid: bo.uuid, decided_by: 'bo' });
    // Both see it, each through their own login.
    for (const login of ['ana', 'bo'] as const) {
      const open = await as(login).query('SELECT author, other_author FROM fwb.open_conflicts WHERE line_id = $1 AND session_user IN (author, other_author)', [line]);
      expect(open.rows, login).toEqual([{ author: 'bo', other_author: 'ana' }]);
    }
    // Ana's own second decision, having seen Bo's: the conflict closes.
    const settled = await decideOne('ana', { line_id: line, action: 'override', quantity: 105, reason_code: 'promotion', based_on_seq: Number(bo.seq) });
    expect(settled).toMatchObject({ status: 'final', conflict: false });
    expect(await count('SELECT count(*) AS n FROM fwb.open_conflicts WHERE line_id = $1', [line])).toBe(0);
    expect((await admin.query(`SELECT how, resolved_by FROM fwb.conflict_resolutions r JOIN fwb.line_conflicts c USING (conflict_id) WHERE c.line_id = $1`, [line])).rows).toEqual([
      { how: 'decided_again', resolved_by: 'ana' },
    ]);
  });

  it('lets one of a conflict’s authors acknowledge it, and nobody else', async () => {
    const line = lines.ack;
    const ana = await decideOne('ana', { line_id: line, action: 'accept' });
    const bo = await decideOne('bo', { line_id: line, action: 'accept' });
    expect([ana.conflict, bo.conflict]).toEqual([false, true]);
    expect((await as('max').query('SELECT fwb.acknowledge_conflict($1) AS n', [line])).rows[0].n).toBe(0);
    expect(await count('SELECT count(*) AS n FROM fwb.open_conflicts WHERE line_id = $1', [line])).toBe(1);
    await expect(as('al').query('SELECT fwb.acknowledge_conflict($1)', [line])).rejects.toMatchObject({ code: '42501' });
    expect((await as('ana').query('SELECT fwb.acknowledge_conflict($1) AS n', [line])).rows[0].n).toBe(1);
    expect(await count('SELECT count(*) AS n FROM fwb.open_conflicts WHERE line_id = $1', [line])).toBe(0);
  });

  it('undoes only one’s own current decision', async () => {
    const line = lines.undo;
    const mine = await decideOne('ana', { line_id: line, action: 'override', quantity: 95, reason_code: 'promotion' });
    expect((await decideOne('bo', { line_id: line, action: 'undo' })).reason).toBe(`You have no decision on line ${line} to undo.`);
    const undo = await decideOne('ana', { line_id: line, action: 'undo' });
    expect(undo.status).toBe('final');
    const row = (await admin.query('SELECT action, undoes_decision_id::text AS undoes, decided_by FROM fwb.decisions WHERE uuid = $1', [undo.uuid])).rows[0];
    expect(row).toEqual({ action: 'undo', undoes: String(mine.decision_id), decided_by: 'ana' });
    expect((await decideOne('ana', { line_id: line, action: 'undo' })).reason).toBe(`You have no decision on line ${line} to undo.`);
    await decideOne('ana', { line_id: line, action: 'accept' });
    const bo = await decideOne('bo', { line_id: line, action: 'accept', based_on_seq: 1e12 });
    expect((await decideOne('ana', { line_id: line, action: 'undo' })).reason).toBe(`Your decision on line ${line} was followed by bo's decision ${bo.decision_id}; it can no longer be undone.`);
  });

  it('judges by the policy in force at arrival: a freeze widened after the decision was made offline refuses it; a model at 0 needs a comment', async () => {
    const line = lines.policy;
    const lag = Number((await admin.query('SELECT lag FROM fwb.forecast_lines WHERE line_id = $1', [line])).rows[0].lag);
    await asOwner(() =>
      admin.query(
        `INSERT INTO fwb.policies (segment_type, segment_value, model_role, approval_pct, approval_units, freeze_lags, comment_pct, updated_by, stepped_down_at)
         VALUES ('category', 'Beverages', 'decide', 25, 1000, $1, 20, 'max', now())`,
        [lag],
      ),
    );
    const late = await decideOne('bo', { line_id: line, action: 'accept', decided_at_client: '2026-01-02T08:00:00Z' });
    expect(late.reason).toBe(`Line is frozen: lag ${lag} is inside the freeze window of ${lag} (policy for category Beverages).`);
    const zero = await decideOne('bo', { line_id: lines.zero, action: 'override', quantity: 5, reason_code: 'promotion' });
    expect(zero.reason).toBe('A comment is required: the change of an unbounded change (the model said 0) is more than the 20 % the policy allows without one.');
    const stepped = await decideOne('bo', { line_id: lines.zero, action: 'accept' });
    // A stepped-down segment's model acts as 'assist', whatever role the policy names.
    expect(stepped).toMatchObject({ status: 'final', model_role: 'assist' });
  });

  it('keeps one audit chain: each entry’s hash is sha256 of the previous hash and its content', async () => {
    const { rows } = await admin.query(
      `SELECT audit_id, prev_hash, hash,
              encode(sha256(convert_to(prev_hash || E'\\n' || jsonb_build_array(to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), actor, action, entity, entity_id, payload)::text, 'UTF8')), 'hex') AS recomputed
         FROM fwb.audit_log ORDER BY audit_id`,
    );
    expect(rows.length).toBeGreaterThan(10);
    let prev = '0'.repeat(64);
    for (const r of rows) {
      expect(r.prev_hash, `entry ${r.audit_id}`).toBe(prev);
      expect(r.recomputed, `entry ${r.audit_id}`).toBe(r.hash);
      prev = r.hash;
    }
    const unaudited = await count(`SELECT count(*) AS n FROM fwb.decisions d WHERE NOT EXISTS (SELECT 1 FROM (${auditOf}) a)`.replaceAll('$1', 'd.decision_id'));
    expect(unaudited).toBe(0);
  });

  it('upgrades a version 1 team database with fwb team init, and init again changes nothing', async () => {
    await admin.query('CREATE DATABASE from_v1');
    const url = server.urlFor('fwb_admin', 'from_v1');
    const before = process.env.PGPASSWORD;
    process.env.PGPASSWORD = server.password;
    try {
      expect(await initTeam(url, { upTo: 1 })).toMatchObject({ created: true, schemaVersion: 1 });
    } finally {
      if (before === undefined) delete process.env.PGPASSWORD;
      else process.env.PGPASSWORD = before;
    }
    const upgrade = fwb(['team', 'init', '--url', url], { password: server.password });
    expect(upgrade.status, upgrade.stderr).toBe(0);
    expect(upgrade.stdout).toMatch(new RegExp(`upgraded from schema fwb version 1 to ${SCHEMA_VERSION}`));
    const again = fwb(['team', 'init', '--url', url, '--json'], { password: server.password });
    expect(JSON.parse(again.stdout)).toMatchObject({ created: false, schemaVersion: SCHEMA_VERSION });
    expect(again.stdout).not.toMatch(/upgradedFrom/);
    const db = await adminClient(server, 'from_v1');
    try {
      // Every step this fwb knows, in order.
      expect((await db.query('SELECT version FROM fwb.schema_version ORDER BY version')).rows).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })));
      const fns = await db.query(
        `SELECT p.proname, pg_get_userbyid(p.proowner) AS owner, p.prosecdef, p.proconfig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE n.nspname = 'fwb' AND p.proname IN ('submit_decisions', 'review_override', 'acknowledge_conflict') ORDER BY 1`,
      );
      expect(fns.rows).toEqual(
        ['acknowledge_conflict', 'review_override', 'submit_decisions'].map((proname) => ({ proname, owner: 'fwb_owner', prosecdef: true, proconfig: ['search_path=fwb, pg_temp'] })),
      );
      const grants = await db.query(
        `SELECT r.rolname, has_function_privilege(r.rolname, 'fwb.submit_decisions(jsonb)', 'EXECUTE') AS submit,
                has_function_privilege(r.rolname, 'fwb.review_override(uuid, uuid, text, text, timestamptz)', 'EXECUTE') AS review
           FROM pg_roles r WHERE r.rolname IN ('fwb_analyst', 'fwb_planner', 'fwb_manager') ORDER BY 1`,
      );
      expect(grants.rows).toEqual([
        { rolname: 'fwb_analyst', submit: false, review: false },
        { rolname: 'fwb_manager', submit: true, review: true },
        { rolname: 'fwb_planner', submit: true, review: false },
      ]);
    } finally {
      await db.end();
    }
  });
});
