// Who is at the keyboard. A single-seat desktop tool has no passwords: the user
// says who they are, and that name goes on every decision they make. The backend
// still enforces roles, because the renderer is untrusted.
import type { ParsedRequestOf } from '../../../shared/contract';
import type { Session, SessionUser, UserRole } from '../../../shared/domain';
import { appendAudit } from '../audit/chain';
import type { BackendContext } from '../context';
import { readMeta, type Db } from '../db/open';
import { WorkbenchError } from '../errors';
import { openingRun } from '../queries/opening-run';

const CURRENT_USER_KEY = 'current_user';

interface UserRow {
  user_id: string;
  display_name: string;
  role: UserRole;
}

const toUser = (r: UserRow): SessionUser => ({ userId: r.user_id, displayName: r.display_name, role: r.role });

function findUser(db: Db, userId: string): UserRow | undefined {
  return db.prepare('SELECT user_id, display_name, role FROM users WHERE user_id = ?').get(userId) as UserRow | undefined;
}

export function currentUser(db: Db): SessionUser | null {
  const id = readMeta(db, CURRENT_USER_KEY);
  const row = id === null ? undefined : findUser(db, id);
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

export function getSession({ db }: BackendContext): Session {
  const users = (db.prepare('SELECT user_id, display_name, role FROM users ORDER BY display_name, user_id').all() as UserRow[]).map(toUser);
  const user = currentUser(db);
  return { user, users, openingRun: openingRun(db, user?.userId ?? null) };
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

/** Signs in as an existing user, or creates a new one. Roles are never changed at sign-in. */
export function signIn(ctx: BackendContext, req: ParsedRequestOf<'signIn'>): Session {
  const { db } = ctx;
  const at = ctx.now().toISOString();
  db.transaction(() => {
    let row: UserRow | undefined;
    if (req.userId !== undefined) {
      row = findUser(db, req.userId);
    } else {
      // Same name again is the same person; a namesake gets a numbered id.
      const base = slug(req.displayName);
      let candidate = base;
      for (let n = 2; (row = findUser(db, candidate)) && row.display_name.toLowerCase() !== req.displayName.toLowerCase(); n++) candidate = `${base}-${n}`;
      if (!row) req = { ...req, userId: candidate };
    }
    if (row && row.role !== req.role) {
      throw new WorkbenchError('FORBIDDEN', `${row.display_name} (${row.user_id}) is a ${row.role}; a role is not changed by signing in.`);
    }
    if (!row) {
      const userId = req.userId!;
      db.prepare('INSERT INTO users (user_id, display_name, role, created_at) VALUES (?, ?, ?, ?)').run(userId, req.displayName, req.role, at);
      appendAudit(db, { at, actor: userId, action: 'user.create', entity: 'user', entityId: userId, payload: { userId, displayName: req.displayName, role: req.role, createdAt: at } });
      row = { user_id: userId, display_name: req.displayName, role: req.role };
    }
    db.prepare('INSERT OR REPLACE INTO workbook_meta (key, value) VALUES (?, ?)').run(CURRENT_USER_KEY, row.user_id);
    appendAudit(db, { at, actor: row.user_id, action: 'session.sign_in', entity: 'user', entityId: row.user_id, payload: { userId: row.user_id, at } });
  }).immediate();
  return getSession(ctx);
}
