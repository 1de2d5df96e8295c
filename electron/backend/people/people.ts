// The workbook's people and how each proves who they are (issue 12.2). In a
// single-seat workbook identities are local: planners sign in by name; managers
// and analysts with a passphrase whose scrypt hash the workbook keeps. Only a
// signed-in manager adds managers and analysts, except the very first manager.
import type { ReadableDb } from '../db/handles';
import type { Person, SessionUser, UserRole } from '../../../shared/domain';
import { appendAudit } from '../audit/chain';
import type { WriteContext } from '../context';
import type { Db } from '../db/open';
import { WorkbenchError } from '../errors';
import { assertNewPassphrase, hashPassphrase, MIN_PASSPHRASE_LENGTH, verifyPassphrase } from './passphrase';

/** Where a sign-in came from, as the audit log records it. */
export type SignInVia = 'app' | 'cli';

interface PersonRow {
  user_id: string;
  display_name: string;
  role: UserRole;
  has_passphrase: number;
}

const ROLE_NAME: Record<UserRole, string> = { planner: 'a planner', manager: 'a manager', analyst: 'an analyst' };

/** Managers approve and set policy, analysts load the data: both prove who they are. */
export const needsPassphrase = (role: UserRole): boolean => role !== 'planner';

export const toUser = (r: { user_id: string; display_name: string; role: UserRole }): SessionUser => ({ userId: r.user_id, displayName: r.display_name, role: r.role });

const PERSON_SQL = 'SELECT u.user_id, u.display_name, u.role, p.user_id IS NOT NULL AS has_passphrase FROM users u LEFT JOIN user_passphrases p ON p.user_id = u.user_id';

export function findPerson(db: ReadableDb, userId: string): PersonRow | undefined {
  return db.prepare(`${PERSON_SQL} WHERE u.user_id = ?`).get(userId) as PersonRow | undefined;
}

function signInWith(r: PersonRow): Person['signInWith'] {
  if (r.has_passphrase) return 'passphrase';
  return needsPassphrase(r.role) ? 'new-passphrase' : 'name';
}

export function listPeople(db: ReadableDb): Person[] {
  return (db.prepare(`${PERSON_SQL} ORDER BY u.display_name, u.user_id`).all() as PersonRow[]).map((r) => ({ ...toUser(r), signInWith: signInWith(r) }));
}

function managerNames(db: ReadableDb): string[] {
  return db.prepare("SELECT display_name FROM users WHERE role = 'manager' ORDER BY display_name").pluck().all() as string[];
}

/** The roles the person at the keyboard (or nobody) may add: anyone a planner; the first manager at first start; the rest a manager. */
export function rolesMayAdd(db: ReadableDb, by: SessionUser | null): UserRole[] {
  if (by?.role === 'manager') return ['planner', 'manager', 'analyst'];
  return managerNames(db).length === 0 ? ['planner', 'manager'] : ['planner'];
}

function assertMayAdd(db: Db, by: SessionUser | null, role: UserRole, displayName: string): void {
  if (rolesMayAdd(db, by).includes(role)) return;
  const managers = managerNames(db);
  const who = managers.length === 0 ? null : managers.length <= 3 ? managers.join(' or ') : 'a manager';
  const next = who === null ? `create the workbook's first manager, then add ${displayName} as that manager` : `ask ${who} to sign in and add ${displayName}`;
  throw new WorkbenchError('FORBIDDEN', `Only a signed-in manager can add ${ROLE_NAME[role]}; ${next}.`);
}

function passphraseHash(db: Db, userId: string): string | null {
  return (db.prepare('SELECT hash FROM user_passphrases WHERE user_id = ?').pluck().get(userId) as string | undefined) ?? null;
}

function storePassphrase(db: Db, userId: string, hash: string, at: string): void {
  db.prepare('INSERT INTO user_passphrases (user_id, hash, set_at) VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, set_at = excluded.set_at').run(userId, hash, at);
}

export interface NewPerson {
  userId: string;
  displayName: string;
  role: UserRole;
  newPassphrase?: string;
}

/** Adds a person: the rules of who may add whom hold here, and a manager or analyst chooses a passphrase as they are added. */
export async function addPerson(ctx: WriteContext, by: SessionUser | null, p: NewPerson): Promise<SessionUser> {
  const { db } = ctx;
  assertMayAdd(db, by, p.role, p.displayName);
  let hash: string | null = null;
  if (needsPassphrase(p.role)) {
    if (p.newPassphrase === undefined) {
      const role = ROLE_NAME[p.role].replace(/^a(n?) /, (_, n: string) => `A${n} `);
      throw new WorkbenchError('INVALID_REQUEST', `${role} signs in with a passphrase: choose one of at least ${MIN_PASSPHRASE_LENGTH} characters for ${p.displayName}.`);
    }
    hash = await hashPassphrase(assertNewPassphrase(p.newPassphrase, p.displayName));
  }
  const at = ctx.now().toISOString();
  db.transaction(() => {
    // Checked again inside the write: another call may have added a manager while the hash was computed.
    assertMayAdd(db, by, p.role, p.displayName);
    if (findPerson(db, p.userId)) throw new WorkbenchError('INVALID_REQUEST', `${p.userId} exists already; sign in as them instead.`);
    db.prepare('INSERT INTO users (user_id, display_name, role, created_at) VALUES (?, ?, ?, ?)').run(p.userId, p.displayName, p.role, at);
    if (hash !== null) storePassphrase(db, p.userId, hash, at);
    appendAudit(db, {
      at,
      actor: by?.userId ?? p.userId,
      action: 'user.create',
      entity: 'user',
      entityId: p.userId,
      payload: { userId: p.userId, displayName: p.displayName, role: p.role, createdAt: at, addedBy: by?.userId ?? null, passphrase: hash !== null },
    });
  }).immediate();
  return { userId: p.userId, displayName: p.displayName, role: p.role };
}

// ——— Proving who one is ———

/** Consecutive wrong passphrases allowed before each further try must wait. */
const FREE_FAILURES = 3;
const FIRST_WAIT_MS = 30_000;
const LONGEST_WAIT_MS = 15 * 60_000;

/** The person's wrong passphrases since they last got in, from the audit log: a restart does not reset them. */
function failuresSinceLastSuccess(db: Db, userId: string): { failures: number; lastAt: string | null } {
  return db
    .prepare(
      `SELECT count(*) AS failures, max(at) AS lastAt FROM audit_log
        WHERE entity = 'user' AND entity_id = @userId AND action = 'session.sign_in_refused'
          AND audit_id > coalesce((SELECT max(audit_id) FROM audit_log WHERE entity = 'user' AND entity_id = @userId
                                     AND action IN ('session.sign_in', 'person.passphrase_set', 'person.passphrase_change')), 0)`,
    )
    .get({ userId }) as { failures: number; lastAt: string | null };
}

function waitText(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** After a few wrong passphrases each try waits, doubling: guessing from the keyboard or a script gets slow. */
function assertNotThrottled(ctx: WriteContext, person: { user_id: string; display_name: string }): void {
  const { failures, lastAt } = failuresSinceLastSuccess(ctx.db, person.user_id);
  if (failures < FREE_FAILURES || lastAt === null) return;
  const wait = Math.min(LONGEST_WAIT_MS, FIRST_WAIT_MS * 2 ** (failures - FREE_FAILURES));
  const left = Date.parse(lastAt) + wait - ctx.now().getTime();
  if (left > 0) throw new WorkbenchError('FORBIDDEN', `Too many wrong passphrases for ${person.display_name}: wait ${waitText(left)}, then try again.`);
}

function refuseWrongPassphrase(ctx: WriteContext, person: { user_id: string; display_name: string }, by: SessionUser | null, reason: string, via: SignInVia): never {
  const at = ctx.now().toISOString();
  // Recorded, never with what was typed: who was at the keyboard, whom they tried, when.
  ctx.db.transaction(() => appendAudit(ctx.db, { at, actor: by?.userId ?? null, action: 'session.sign_in_refused', entity: 'user', entityId: person.user_id, payload: { userId: person.user_id, at, reason, via } })).immediate();
  throw new WorkbenchError('FORBIDDEN', `Wrong passphrase for ${person.display_name}. Type it again; passphrases are case-sensitive.`);
}

export interface Credentials {
  passphrase?: string;
  /** Only for a manager or analyst from before passphrases existed: the one they choose at their first sign-in. */
  newPassphrase?: string;
}

/**
 * Checks that whoever signs in as `person` may: a planner by name; a manager or
 * analyst by their passphrase. One from an earlier version, who has none yet,
 * chooses it now (audited) — no weaker than before the upgrade, and closed from then on.
 */
export async function authenticate(ctx: WriteContext, person: PersonRow, given: Credentials, by: SessionUser | null, via: SignInVia): Promise<void> {
  const { db } = ctx;
  const name = person.display_name;
  if (!person.has_passphrase) {
    if (!needsPassphrase(person.role)) return;
    if (given.newPassphrase === undefined) {
      throw new WorkbenchError('FORBIDDEN', `${name} has no passphrase yet (this workbook comes from an earlier version): choose one of at least ${MIN_PASSPHRASE_LENGTH} characters to sign in.`);
    }
    const hash = await hashPassphrase(assertNewPassphrase(given.newPassphrase, name));
    const at = ctx.now().toISOString();
    db.transaction(() => {
      if (passphraseHash(db, person.user_id) !== null) throw new WorkbenchError('FORBIDDEN', `${name} has just chosen a passphrase; sign in with it.`);
      storePassphrase(db, person.user_id, hash, at);
      appendAudit(db, { at, actor: person.user_id, action: 'person.passphrase_set', entity: 'user', entityId: person.user_id, payload: { userId: person.user_id, at, why: 'first sign-in since the upgrade' } });
    }).immediate();
    return;
  }
  if (given.passphrase === undefined) throw new WorkbenchError('FORBIDDEN', `${name} signs in with a passphrase: type it to continue.`);
  assertNotThrottled(ctx, person);
  if (!(await verifyPassphrase(given.passphrase, passphraseHash(db, person.user_id) ?? ''))) refuseWrongPassphrase(ctx, person, by, 'wrong passphrase', via);
}

/** The signed-in person changes their own passphrase, proving the current one first. */
export async function changeOwnPassphrase(ctx: WriteContext, user: SessionUser, current: string, next: string): Promise<void> {
  const { db } = ctx;
  const person = findPerson(db, user.userId);
  if (!person?.has_passphrase) throw new WorkbenchError('INVALID_REQUEST', 'Planners sign in by name, without a passphrase; there is none to change.');
  assertNewPassphrase(next, person.display_name);
  assertNotThrottled(ctx, person);
  if (!(await verifyPassphrase(current, passphraseHash(db, person.user_id) ?? ''))) refuseWrongPassphrase(ctx, person, user, 'wrong current passphrase', 'app');
  const hash = await hashPassphrase(next);
  const at = ctx.now().toISOString();
  db.transaction(() => {
    storePassphrase(db, person.user_id, hash, at);
    appendAudit(db, { at, actor: person.user_id, action: 'person.passphrase_change', entity: 'user', entityId: person.user_id, payload: { userId: person.user_id, at } });
  }).immediate();
}
