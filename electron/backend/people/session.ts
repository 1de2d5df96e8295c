// Who is at the keyboard. The session belongs to the running backend — one app
// launch, one browser-host process, one fwb command — never to the workbook file:
// whoever opens the file next starts signed out, so a passphrase checked at
// sign-in cannot outlive the launch that checked it. The backend enforces roles
// on every call, because the renderer is untrusted.
import type { ReadableDb } from '../db/handles';
import type { ParsedRequestOf } from '../../../shared/contract';
import type { Person, Session, SessionUser } from '../../../shared/domain';
import { appendAudit } from '../audit/chain';
import type { ReadContext, WriteContext } from '../context';
import { readMeta, type Db } from '../db/open';
import { WorkbenchError } from '../errors';
import { addPerson, authenticate, changeOwnPassphrase, findPerson, listPeople, rolesMayAdd, toUser, type Credentials, type SignInVia } from './people';
import { openingRun } from '../review/opening-run';

/** Per open connection of this process: a new launch opens a new connection, and nobody is signed in on it. */
const signedIn = new WeakMap<ReadableDb, string>();

const hasTeamLink = new WeakMap<ReadableDb, boolean>();
/** The login a team's replica is linked as; none in a single-seat workbook (nor one read as it is, from before migration 9). */
function teamLogin(db: ReadableDb): string | undefined {
  let has = hasTeamLink.get(db);
  if (has === undefined) hasTeamLink.set(db, (has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'team_link'").get() !== undefined));
  return has ? (db.prepare('SELECT login FROM team_link WHERE singleton = 1').pluck().get() as string | undefined) : undefined;
}

export function currentUser(db: ReadableDb): SessionUser | null {
  // A team's replica acts as the login it was linked with (TEAM.md: identity is the login), never a name picked at sign-in.
  const login = teamLogin(db);
  const id = login ?? signedIn.get(db);
  const row = id === undefined ? undefined : findPerson(db, id);
  return row ? toUser(row) : null;
}

/** The signed-in user, or FORBIDDEN: nothing is decided anonymously. */
export function requireUser(db: Db): SessionUser {
  const user = currentUser(db);
  if (!user) throw new WorkbenchError('FORBIDDEN', 'Choose who you are first.');
  return user;
}

/** Deciding lines is the planners' job (and their manager's); analysts load and export data. */
export function requireDecider(db: Db): SessionUser {
  const user = requireUser(db);
  if (user.role === 'analyst') throw new WorkbenchError('FORBIDDEN', `${user.displayName} is an analyst; only planners and managers decide forecast lines.`);
  return user;
}

export function requireManager(db: Db, what: string): SessionUser {
  const user = requireUser(db);
  if (user.role !== 'manager') throw new WorkbenchError('FORBIDDEN', `Only a manager may ${what}; ${user.displayName} is signed in as ${user.role}.`);
  return user;
}

export function getSession({ db }: ReadContext): Session {
  const user = currentUser(db);
  return { user, users: listPeople(db), mayAdd: rolesMayAdd(db, user), demoWorkbook: readMeta(db, 'demo') === 'true', openingRun: openingRun(db, user?.userId ?? null) };
}

/** "Ana Silva" → "ana.silva", the shape of the ids the demo and imports use. */
function slug(displayName: string): string {
  const base = displayName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.+|\.+$/g, '')
    .slice(0, 56);
  return base || 'user';
}

/** The person a name refers to (the same name again is the same person), or a free id for a newcomer (a namesake gets a numbered one). */
function resolveByName(db: Db, displayName: string): { existing: string } | { free: string } {
  const base = slug(displayName);
  let candidate = base;
  for (let n = 2; ; n++) {
    const row = findPerson(db, candidate);
    if (!row) return { free: candidate };
    if (row.display_name.toLowerCase() === displayName.toLowerCase()) return { existing: candidate };
    candidate = `${base}-${n}`;
  }
}

function startSession(ctx: WriteContext, user: SessionUser, via: SignInVia): void {
  const at = ctx.now().toISOString();
  ctx.db.transaction(() => appendAudit(ctx.db, { at, actor: user.userId, action: 'session.sign_in', entity: 'user', entityId: user.userId, payload: { userId: user.userId, at, via } })).immediate();
  signedIn.set(ctx.db, user.userId);
}

/**
 * Signs in as an existing person (a manager or analyst proves it with their
 * passphrase), or adds a newcomer and signs them in: a planner by anyone, the
 * first manager at first start, everyone else only while a manager is signed in.
 * Roles are never changed at sign-in.
 */
export async function signIn(ctx: WriteContext, req: ParsedRequestOf<'signIn'>): Promise<Session> {
  const { db } = ctx;
  const by = currentUser(db);
  const resolved = req.userId !== undefined ? (findPerson(db, req.userId) ? { existing: req.userId } : { free: req.userId }) : resolveByName(db, req.displayName!);
  let user: SessionUser;
  if ('existing' in resolved) {
    const person = findPerson(db, resolved.existing)!;
    if (req.role !== undefined && person.role !== req.role) {
      throw new WorkbenchError('FORBIDDEN', `${person.display_name} (${person.user_id}) is a ${person.role}; a role is not changed by signing in.`);
    }
    await authenticate(ctx, person, req, by, 'app');
    user = toUser(person);
  } else {
    if (req.displayName === undefined || req.role === undefined) {
      throw new WorkbenchError('NOT_FOUND', `Nobody with the id ${resolved.free} works in this workbook; choose someone from the list, or add yourself with your name and role.`);
    }
    user = await addPerson(ctx, by, { userId: resolved.free, displayName: req.displayName, role: req.role, newPassphrase: req.newPassphrase });
  }
  startSession(ctx, user, 'app');
  return getSession(ctx);
}

/** For ways in that act as one person for one command (fwb): proves who they are and signs them in on this connection. */
export async function signInForCommand(ctx: WriteContext, userId: string, credentials: Credentials): Promise<SessionUser> {
  const person = findPerson(ctx.db, userId);
  if (!person) throw new WorkbenchError('FORBIDDEN', `Nobody with the id ${userId} works in this workbook; a manager adds people in the app (sign-in dialog › Someone new).`);
  await authenticate(ctx, person, credentials, null, 'cli');
  const user = toUser(person);
  startSession(ctx, user, 'cli');
  return user;
}

export function signOut(ctx: WriteContext): Session {
  const user = currentUser(ctx.db);
  if (user) {
    const at = ctx.now().toISOString();
    ctx.db.transaction(() => appendAudit(ctx.db, { at, actor: user.userId, action: 'session.sign_out', entity: 'user', entityId: user.userId, payload: { userId: user.userId, at } })).immediate();
  }
  signedIn.delete(ctx.db);
  return getSession(ctx);
}

export async function changePassphrase(ctx: WriteContext, req: ParsedRequestOf<'changePassphrase'>): Promise<Session> {
  await changeOwnPassphrase(ctx, requireUser(ctx.db), req.current, req.next);
  return getSession(ctx);
}

/** How a person signs in (fwb asks for a passphrase only when they have one), or null for nobody by that id. */
export function signInMethodOf(db: Db, userId: string): Person['signInWith'] | null {
  return listPeople(db).find((p) => p.userId === userId)?.signInWith ?? null;
}

/** What a command's sign-in came to: signed in, or a person who signs in with a passphrase that was not given. */
export type CommandSignIn = { signedIn: string } | { needsPassphrase: { displayName: string; role: string } };

/** fwb --user: signs `userId` in for one command, asking for the passphrase back where they have one and none came. */
export async function signInForOneCommand(ctx: WriteContext, userId: string, passphrase: string | undefined): Promise<CommandSignIn> {
  const method = signInMethodOf(ctx.db, userId);
  if (method === 'passphrase' && passphrase === undefined) {
    const who = findPerson(ctx.db, userId)!;
    return { needsPassphrase: { displayName: who.display_name, role: who.role } };
  }
  if (method === 'new-passphrase') {
    throw new WorkbenchError('FORBIDDEN', `${userId} has no passphrase yet (the workbook comes from an earlier version): sign in as them once in the app to choose one, then run this again.`);
  }
  return { signedIn: (await signInForCommand(ctx, userId, { passphrase })).userId };
}
