// Who may act as whom in a single-seat workbook (issue 12.2): managers and
// analysts sign in with a passphrase, the session lives in the running backend
// (never in the file), and only a signed-in manager adds managers and analysts.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkWorkbook } from '../../electron/backend/audit/check';
import type { BackendContext } from '../../electron/backend/context';
import { MIGRATIONS } from '../../electron/backend/db/migrations/index';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { fillSmallWorkbook, FIXED_NOW, smallWorkbook, tempDir } from '../helpers/workbook';
import { ok, refused } from '../helpers/api';

const MARIA = { displayName: 'Maria Lopez', role: 'manager' } as const;
const SECRET = 'blue heron at dawn';

describe('people and passphrases', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: BackendContext;
  let path: string;
  let runId: number;
  let clock: number;
  const count = (sql: string, ...args: unknown[]) => ctx.db.prepare(sql).pluck().get(...args) as number;
  /** Every byte the workbook keeps about the audit trail, to look for secrets in. */
  const auditText = () => JSON.stringify(ctx.db.prepare('SELECT * FROM audit_log').all());
  const storedHashes = () => ctx.db.prepare('SELECT hash FROM user_passphrases ORDER BY user_id').pluck().all() as string[];

  beforeEach(async () => {
    t = tempDir('fwb-people-');
    ({ ctx, runId, path } = await smallWorkbook(t.dir));
    clock = FIXED_NOW().getTime();
    ctx.now = () => new Date(clock);
  });
  afterEach(() => {
    if (ctx.db.open) ctx.db.close();
    t.cleanup();
  });

  /** The first manager, created at first start (nobody signed in, no manager yet). */
  const firstManager = () => ok(ctx, 'signIn', { ...MARIA, newPassphrase: SECRET });

  it('keeps the session in the running backend: whoever opens the file next starts signed out', async () => {
    await ok(ctx, 'signIn', { userId: 'ana' });
    expect((await ok(ctx, 'getSession', {})).user?.userId).toBe('ana');
    expect(count("SELECT count(*) FROM workbook_meta WHERE key = 'current_user'")).toBe(0);

    // The next launch (the app, the browser host or fwb) opens its own connection.
    const next = await openWorkbook(path, { now: FIXED_NOW });
    const nextCtx: BackendContext = { ...ctx, db: next.db };
    expect((await ok(nextCtx, 'getSession', {})).user).toBeNull();
    const lineId = count('SELECT min(line_id) FROM forecast_lines');
    expect(await refused(nextCtx, 'decideLine', { lineId, action: 'accept' })).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('Choose who you are first') });
    next.db.close();
    // This launch is still Ana's until she signs out.
    await ok(ctx, 'decideLine', { lineId, action: 'accept' });
    expect((await ok(ctx, 'signOut', {})).user).toBeNull();
    expect(await refused(ctx, 'bulkAccept', { runId, filter: {} })).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('creates the first manager at first start, with a passphrase; after that only a signed-in manager adds managers and analysts', async () => {
    expect((await ok(ctx, 'getSession', {})).mayAdd).toEqual(['planner', 'manager']);
    expect(await refused(ctx, 'signIn', MARIA)).toMatchObject({ code: 'INVALID_REQUEST', message: 'A manager signs in with a passphrase: choose one of at least 8 characters for Maria Lopez.' });
    expect(await refused(ctx, 'signIn', { ...MARIA, newPassphrase: 'short' })).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/at least 8 characters/) });
    expect(await refused(ctx, 'signIn', { displayName: 'Sam Taylor', role: 'analyst', newPassphrase: SECRET })).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/^Only a signed-in manager can add an analyst/) });
    expect(count('SELECT count(*) FROM users')).toBe(2);

    const maria = await firstManager();
    expect(maria.user).toEqual({ userId: 'maria.lopez', displayName: 'Maria Lopez', role: 'manager' });
    expect(maria.mayAdd).toEqual(['planner', 'manager', 'analyst']);
    await ok(ctx, 'signOut', {});

    // Nobody signed in, or a planner: no more managers, no analysts.
    const max = { displayName: 'Max Berg', role: 'manager', newPassphrase: SECRET } as const;
    expect(await refused(ctx, 'signIn', max)).toMatchObject({ code: 'FORBIDDEN', message: 'Only a signed-in manager can add a manager; ask Maria Lopez to sign in and add Max Berg.' });
    await ok(ctx, 'signIn', { userId: 'ana' });
    expect((await ok(ctx, 'getSession', {})).mayAdd).toEqual(['planner']);
    expect(await refused(ctx, 'signIn', max)).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refused(ctx, 'signIn', { displayName: 'Sam Taylor', role: 'analyst', newPassphrase: SECRET })).toMatchObject({ code: 'FORBIDDEN' });
    // A planner adds a planner (planners sign in by name) and changes nobody's role.
    expect((await ok(ctx, 'signIn', { displayName: 'Cleo Park', role: 'planner' })).user).toMatchObject({ userId: 'cleo.park', role: 'planner' });
    expect(await refused(ctx, 'signIn', { userId: 'ana', role: 'manager' })).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/is a planner/) });
    expect(count("SELECT count(*) FROM users WHERE role <> 'planner'")).toBe(1);

    // A signed-in manager adds one; the newcomer chooses their passphrase as they are added.
    await ok(ctx, 'signIn', { userId: 'maria.lopez', passphrase: SECRET });
    expect((await ok(ctx, 'signIn', max)).user).toMatchObject({ userId: 'max.berg', role: 'manager' });
    const added = ctx.db.prepare("SELECT actor, payload FROM audit_log WHERE action = 'user.create' AND entity_id = 'max.berg'").get() as { actor: string; payload: string };
    expect(added.actor).toBe('maria.lopez');
    expect(JSON.parse(added.payload)).toMatchObject({ userId: 'max.berg', role: 'manager', addedBy: 'maria.lopez' });
    expect(checkWorkbook(ctx.db).ok).toBe(true);
  });

  it('asks a manager for the passphrase, refuses a wrong one with a sentence and audits it, never writing the secret anywhere', async () => {
    await firstManager();
    await ok(ctx, 'signIn', { userId: 'ana' });
    const people = (await ok(ctx, 'getSession', {})).users;
    expect(people.find((p) => p.userId === 'maria.lopez')).toMatchObject({ signInWith: 'passphrase' });
    expect(people.find((p) => p.userId === 'ana')).toMatchObject({ signInWith: 'name' });

    // Ana picks the manager, without or with a guessed passphrase: still Ana.
    expect(await refused(ctx, 'signIn', { userId: 'maria.lopez' })).toEqual({ code: 'FORBIDDEN', message: 'Maria Lopez signs in with a passphrase: type it to continue.' });
    expect(await refused(ctx, 'signIn', { userId: 'maria.lopez', role: 'manager', passphrase: 'maria123!' })).toEqual({
      code: 'FORBIDDEN',
      message: 'Wrong passphrase for Maria Lopez. Type it again; passphrases are case-sensitive.',
    });
    expect((await ok(ctx, 'getSession', {})).user?.userId).toBe('ana');
    const refusal = ctx.db.prepare("SELECT actor, entity_id, payload FROM audit_log WHERE action = 'session.sign_in_refused'").all() as { actor: string | null; entity_id: string; payload: string }[];
    expect(refusal).toHaveLength(1);
    // Who was at the keyboard, whom they tried, when: never what they typed.
    expect(refusal[0]).toMatchObject({ entity_id: 'maria.lopez', actor: 'ana' });
    expect(JSON.parse(refusal[0]!.payload)).toEqual({ userId: 'maria.lopez', at: FIXED_NOW().toISOString(), reason: 'wrong passphrase', via: 'app' });

    expect((await ok(ctx, 'signIn', { userId: 'maria.lopez', passphrase: SECRET })).user?.userId).toBe('maria.lopez');
    for (const secret of [SECRET, 'maria123!', ...storedHashes(), ...storedHashes().map((h) => h.split('$').at(-1)!)]) expect(auditText()).not.toContain(secret);
    expect(checkWorkbook(ctx.db).ok).toBe(true);
  });

  it('keeps an scrypt hash with its own random salt and parameters, never the passphrase', async () => {
    await firstManager();
    await ok(ctx, 'signIn', { displayName: 'Max Berg', role: 'manager', newPassphrase: SECRET });
    const [maria, max] = ctx.db.prepare('SELECT user_id, hash FROM user_passphrases ORDER BY user_id').all() as { user_id: string; hash: string }[];
    expect([maria!.user_id, max!.user_id]).toEqual(['maria.lopez', 'max.berg']);
    for (const { hash } of [maria!, max!]) {
      expect(hash).toMatch(/^scrypt\$ln=(1[5-9]|2\d),r=8,p=1\$[A-Za-z0-9+/]{22,}={0,2}\$[A-Za-z0-9+/]{43}=$/);
      expect(hash).not.toContain(SECRET);
    }
    // The same passphrase, two people: two salts, two hashes.
    expect(maria!.hash.split('$')[2]).not.toBe(max!.hash.split('$')[2]);
    expect(maria!.hash.split('$')[3]).not.toBe(max!.hash.split('$')[3]);
  });

  it('slows repeated wrong passphrases down, counting from the audit log, and lets the right one in once the wait is over', async () => {
    await firstManager();
    await ok(ctx, 'signOut', {});
    for (let i = 0; i < 3; i++) expect(await refused(ctx, 'signIn', { userId: 'maria.lopez', passphrase: `guess ${i}` })).toMatchObject({ message: expect.stringMatching(/^Wrong passphrase/) });
    // Even the right passphrase waits: the check is not even made.
    expect(await refused(ctx, 'signIn', { userId: 'maria.lopez', passphrase: SECRET })).toEqual({
      code: 'FORBIDDEN',
      message: 'Too many wrong passphrases for Maria Lopez: wait 30 seconds, then try again.',
    });
    clock += 20_000;
    expect(await refused(ctx, 'signIn', { userId: 'maria.lopez', passphrase: SECRET })).toMatchObject({ message: expect.stringMatching(/wait 10 seconds/) });
    clock += 10_000;
    expect(await refused(ctx, 'signIn', { userId: 'maria.lopez', passphrase: 'guess 3' })).toMatchObject({ message: expect.stringMatching(/^Wrong passphrase/) });
    // Each further failure doubles the wait.
    expect(await refused(ctx, 'signIn', { userId: 'maria.lopez', passphrase: SECRET })).toMatchObject({ message: expect.stringMatching(/wait 1 minute,/) });
    expect(count("SELECT count(*) FROM audit_log WHERE action = 'session.sign_in_refused'")).toBe(4);
    clock += 60_000;
    expect((await ok(ctx, 'signIn', { userId: 'maria.lopez', passphrase: SECRET })).user?.userId).toBe('maria.lopez');
    // A successful sign-in starts the count again.
    await ok(ctx, 'signOut', {});
    expect(await refused(ctx, 'signIn', { userId: 'maria.lopez', passphrase: 'guess 4' })).toMatchObject({ message: expect.stringMatching(/^Wrong passphrase/) });
    expect((await ok(ctx, 'signIn', { userId: 'maria.lopez', passphrase: SECRET })).user?.userId).toBe('maria.lopez');
  });

  it('lets the signed-in person change their passphrase, asking for the old one', async () => {
    expect(await refused(ctx, 'changePassphrase', { current: SECRET, next: 'a new dawn rises' })).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('Choose who you are first') });
    await firstManager();
    expect(await refused(ctx, 'changePassphrase', { current: 'not it at all', next: 'a new dawn rises' })).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/^Wrong passphrase for Maria Lopez/) });
    expect(await refused(ctx, 'changePassphrase', { current: SECRET, next: 'short' })).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/at least 8 characters/) });
    await ok(ctx, 'changePassphrase', { current: SECRET, next: 'a new dawn rises' });
    await ok(ctx, 'signOut', {});
    expect(await refused(ctx, 'signIn', { userId: 'maria.lopez', passphrase: SECRET })).toMatchObject({ message: expect.stringMatching(/^Wrong passphrase/) });
    await ok(ctx, 'signIn', { userId: 'maria.lopez', passphrase: 'a new dawn rises' });
    const change = ctx.db.prepare("SELECT actor, payload FROM audit_log WHERE action = 'person.passphrase_change'").get() as { actor: string; payload: string };
    expect(change.actor).toBe('maria.lopez');
    expect(JSON.parse(change.payload)).toEqual({ userId: 'maria.lopez', at: FIXED_NOW().toISOString() });
    expect(auditText()).not.toContain('a new dawn rises');
    // A planner has no passphrase to change.
    await ok(ctx, 'signIn', { userId: 'ana' });
    expect(await refused(ctx, 'changePassphrase', { current: '', next: 'a new dawn rises' })).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/Planners sign in by name/) });
  });

  it('refuses an approval by the override’s own author, even one written straight into the workbook', async () => {
    await firstManager();
    const lineId = ctx.db.prepare("SELECT line_id FROM forecast_lines JOIN items USING (item_key) WHERE item_id = 'SKU-1' AND lag = 1").pluck().get() as number;
    const own = await ok(ctx, 'decideLine', { lineId, action: 'override', quantity: 200, reasonCode: 'promotion', comment: 'Big order' });
    expect(own.lineState.status).toBe('pending_approval');
    expect(await refused(ctx, 'reviewOverride', { decisionId: own.decision.decisionId, verdict: 'approved' })).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/cannot approve your own/) });
    const insert = ctx.db.prepare("INSERT INTO approvals (decision_id, verdict, note, decided_by, decided_at) VALUES (?, 'approved', NULL, ?, ?)");
    expect(() => insert.run(own.decision.decisionId, 'maria.lopez', FIXED_NOW().toISOString())).toThrow(/nobody approves their own decision/);
    expect(count('SELECT count(*) FROM approvals')).toBe(0);
  });
});

describe('a workbook of the previous schema', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir('fwb-people-migrate-')));
  afterEach(() => t.cleanup());

  it('migrates: nobody is signed in, and an earlier manager chooses a passphrase at their first sign-in, audited', async () => {
    const path = join(t.dir, 'v2.sqlite');
    const before = 2; // the schema before migration 3 (003-passphrases)
    const old = await openWorkbook(path, { now: FIXED_NOW, migrations: MIGRATIONS.slice(0, before) });
    fillSmallWorkbook(old.db);
    const at = FIXED_NOW().toISOString();
    old.db.prepare("INSERT INTO users (user_id, display_name, role, created_at) VALUES ('maria.lopez', 'Maria Lopez', 'manager', ?), ('sam.taylor', 'Sam Taylor', 'analyst', ?)").run(at, at);
    // That version kept the signed-in person in the file.
    old.db.prepare("INSERT INTO workbook_meta (key, value) VALUES ('current_user', 'maria.lopez')").run();
    old.db.close();

    const opened = await openWorkbook(path, { now: FIXED_NOW });
    expect(opened.migratedFrom).toBe(before);
    expect(opened.backupPath).not.toBeNull();
    const ctx: BackendContext = { db: opened.db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
    try {
      expect(opened.db.prepare("SELECT count(*) FROM workbook_meta WHERE key = 'current_user'").pluck().get()).toBe(0);
      const session = await ok(ctx, 'getSession', {});
      expect(session.user).toBeNull();
      expect(session.users.map((u) => [u.userId, u.role, u.signInWith])).toEqual([
        ['ana', 'planner', 'name'],
        ['ben', 'planner', 'name'],
        ['maria.lopez', 'manager', 'new-passphrase'],
        ['sam.taylor', 'analyst', 'new-passphrase'],
      ]);
      expect(await refused(ctx, 'signIn', { userId: 'maria.lopez' })).toEqual({
        code: 'FORBIDDEN',
        message: 'Maria Lopez has no passphrase yet (this workbook comes from an earlier version): choose one of at least 8 characters to sign in.',
      });
      expect(await refused(ctx, 'signIn', { userId: 'maria.lopez', passphrase: SECRET })).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/has no passphrase yet/) });
      expect((await ok(ctx, 'signIn', { userId: 'maria.lopez', newPassphrase: SECRET })).user?.userId).toBe('maria.lopez');
      const set = opened.db.prepare("SELECT actor, payload FROM audit_log WHERE action = 'person.passphrase_set'").get() as { actor: string; payload: string };
      expect(set.actor).toBe('maria.lopez');
      expect(JSON.parse(set.payload)).toEqual({ userId: 'maria.lopez', at: FIXED_NOW().toISOString(), why: 'first sign-in since the upgrade' });
      // From now on the passphrase is asked, and choosing another is refused.
      await ok(ctx, 'signOut', {});
      expect(await refused(ctx, 'signIn', { userId: 'maria.lopez', newPassphrase: 'someone else’s choice' })).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/signs in with a passphrase/) });
      await ok(ctx, 'signIn', { userId: 'maria.lopez', passphrase: SECRET });
      expect(checkWorkbook(opened.db).ok).toBe(true);
    } finally {
      opened.db.close();
    }
  });
});

describe('the demo workbook', () => {
  it('gives its managers and analysts the passphrase demo, and says it is a demo', async () => {
    const t = tempDir('fwb-people-demo-');
    const path = join(t.dir, 'demo.sqlite');
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    try {
      generateDemo(db, { items: 12, months: 36, seed: 3 });
      const ctx: BackendContext = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
      const session = await ok(ctx, 'getSession', {});
      expect(session.demoWorkbook).toBe(true);
      expect(session.users.filter((u) => u.signInWith !== 'name').map((u) => u.userId)).toEqual(['maria.lopez', 'sam.taylor']);
      expect(await refused(ctx, 'signIn', { userId: 'maria.lopez' })).toMatchObject({ code: 'FORBIDDEN' });
      expect((await ok(ctx, 'signIn', { userId: 'maria.lopez', passphrase: 'demo' })).user?.role).toBe('manager');
      expect((await ok(ctx, 'signIn', { userId: 'sam.taylor', passphrase: 'demo' })).user?.role).toBe('analyst');
      expect((await ok(ctx, 'signIn', { userId: 'chen.wei' })).user?.role).toBe('planner');
      expect(checkWorkbook(db).ok).toBe(true);
    } finally {
      db.close();
      t.cleanup();
    }
  });

  it('is not claimed by any other workbook', async () => {
    const t = tempDir('fwb-people-plain-');
    const { ctx } = await smallWorkbook(t.dir);
    expect((await ok(ctx, 'getSession', {})).demoWorkbook).toBe(false);
    ctx.db.close();
    t.cleanup();
  });
});
