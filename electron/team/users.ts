// The team's people: each a PostgreSQL login in one group role (fwb_planner,
// fwb_manager or fwb_analyst), and a row in fwb.users with their name. Identifiers
// and literals reach SQL only through the driver's quoting (escapeIdentifier,
// escapeLiteral); the password reaches the server only as a SCRAM verifier.
import { GROUP_ROLES, actAsOwner, lockTeamAdmin, requireAdmin, requireSupportedServer, requireTeamSchema, serverFacts, type TeamRole } from './admin';
import { withTeam, type TeamClient } from './connect';
import { TeamError } from './errors';
import { TEAM_TABLES } from './schema-v2';
import { scramVerifier } from './scram';

export const TEAM_ROLES = Object.keys(GROUP_ROLES) as TeamRole[];

/**
 * A login the team can use: letters, digits, and `_ . @ -` inside (as company logins and
 * e-mail-like LDAP names are), at most 63 bytes (PostgreSQL's limit, beyond which it would
 * cut the name silently), and none of the names PostgreSQL or fwb reserve.
 */
export function loginProblem(login: string): string | null {
  if (login === '') return 'is empty';
  if (Buffer.byteLength(login, 'utf8') > 63) return 'is longer than 63 bytes, PostgreSQL’s limit for a name';
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.@-]*$/.test(login)) return 'may hold only letters, digits and _ . @ - (and not start with . @ or -)';
  if (/^pg_/i.test(login)) return 'starts with pg_, which PostgreSQL keeps for its own roles';
  if (/^fwb_/i.test(login)) return 'starts with fwb_, which fwb keeps for the team’s group roles';
  if (['public', 'current_user', 'current_role', 'session_user', 'user', 'none'].includes(login.toLowerCase())) return 'is a word PostgreSQL reserves';
  return null;
}

function checkLogin(login: string): void {
  const problem = loginProblem(login);
  if (problem) throw new TeamError(`The login "${login}" ${problem}: choose another.`, 'rejected');
}

export interface AddUserRequest {
  login: string;
  /** Required for a new person; kept when omitted for someone already in the team. */
  name?: string;
  role: TeamRole;
  /** Required for a new login; when given for an existing one, it replaces their password. */
  password?: string;
}

export interface AddUserOutcome {
  login: string;
  name: string;
  role: TeamRole;
  /** What changed: a new login, an existing login of the server joining the team, a new role, or the person back after removal. */
  change: 'created' | 'joined' | 'role changed' | 'reactivated' | 'unchanged';
  previousRole?: TeamRole;
  passwordSet: boolean;
}

async function roleOf(client: TeamClient, login: string): Promise<{ rolsuper: boolean; rolcanlogin: boolean } | null> {
  const { rows } = await client.query<{ rolsuper: boolean; rolcanlogin: boolean }>('SELECT rolsuper, rolcanlogin FROM pg_roles WHERE rolname = $1', [login]);
  return rows[0] ?? null;
}

/** Makes `login` a member of exactly one group role (or none, for removal). */
async function setGroup(client: TeamClient, login: string, role: TeamRole | null): Promise<void> {
  const who = client.escapeIdentifier(login);
  for (const [name, group] of Object.entries(GROUP_ROLES)) {
    const { rows } = await client.query<{ yes: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE g.rolname = $1 AND u.rolname = $2) AS yes',
      [group, login],
    );
    const member = rows[0]!.yes;
    if (name === role && !member) await client.query(`GRANT ${client.escapeIdentifier(group)} TO ${who}`);
    if (name !== role && member) await client.query(`REVOKE ${client.escapeIdentifier(group)} FROM ${who}`);
  }
}

export async function addUser(url: string, request: AddUserRequest): Promise<AddUserOutcome> {
  checkLogin(request.login);
  if (!TEAM_ROLES.includes(request.role)) throw new TeamError(`"${request.role}" is not a role of the team: choose ${TEAM_ROLES.join(', ')}.`, 'rejected');
  if (request.name !== undefined && request.name.trim() === '') throw new TeamError('The name is empty: give the person’s full name with --name.', 'rejected');
  if (request.password !== undefined && request.password === '') throw new TeamError('The password read from standard input is empty: give one.', 'rejected');
  return withTeam(url, async (client) => {
    const facts = await serverFacts(client);
    requireSupportedServer(facts);
    requireAdmin(facts, 'add-user', false);
    await client.query('BEGIN');
    try {
      await lockTeamAdmin(client);
      await requireTeamSchema(client, TEAM_TABLES);
      const { login } = request;
      const who = client.escapeIdentifier(login);
      const existing = await roleOf(client, login);
      const member = (await client.query<{ display_name: string; role: TeamRole; active: boolean }>('SELECT display_name, role, active FROM fwb.users WHERE login = $1', [login])).rows[0];
      if (existing?.rolsuper) {
        throw new TeamError(`"${login}" is a superuser of the server, whom no rule of the database binds: give the person a login of their own for the team.`, 'rejected');
      }
      if (login === facts.login) throw new TeamError(`"${login}" is the administrator running this command: give the person a login of their own for the team.`, 'rejected');
      const name = request.name?.trim() ?? member?.display_name;
      if (name === undefined) throw new TeamError(`"${login}" is new to the team: give their full name with --name.`, 'rejected');
      if (!existing && request.password === undefined) {
        throw new TeamError(`"${login}" is a new login and needs a password: give it on standard input with --password-stdin.`, 'rejected');
      }
      const password = request.password === undefined ? '' : ` PASSWORD ${client.escapeLiteral(scramVerifier(request.password))}`;
      if (!existing) await client.query(`CREATE ROLE ${who} LOGIN${password}`);
      else await client.query(`ALTER ROLE ${who} LOGIN${password}`);
      await setGroup(client, login, request.role);
      await actAsOwner(client, facts);
      await client.query(
        `INSERT INTO fwb.users (login, display_name, role) VALUES ($1, $2, $3)
         ON CONFLICT (login) DO UPDATE SET display_name = EXCLUDED.display_name, role = EXCLUDED.role, active = true,
                changed_at = now(), seq = nextval('fwb.seq')
          WHERE (fwb.users.display_name, fwb.users.role, fwb.users.active) IS DISTINCT FROM (EXCLUDED.display_name, EXCLUDED.role, true)`,
        [login, name, request.role],
      );
      await client.query('COMMIT');
      const change: AddUserOutcome['change'] = !existing
        ? 'created'
        : !member
          ? 'joined'
          : !member.active
            ? 'reactivated'
            : member.role !== request.role
              ? 'role changed'
              : 'unchanged';
      return {
        login,
        name,
        role: request.role,
        change,
        ...(member && member.role !== request.role ? { previousRole: member.role } : {}),
        passwordSet: request.password !== undefined,
      };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  });
}

export interface RemoveUserOutcome {
  login: string;
  name: string;
  role: TeamRole;
  alreadyRemoved: boolean;
}

/** The person can no longer sign in nor act for the team; their row (and so their history's name) stays. */
export async function removeUser(url: string, login: string): Promise<RemoveUserOutcome> {
  checkLogin(login);
  return withTeam(url, async (client) => {
    const facts = await serverFacts(client);
    requireSupportedServer(facts);
    requireAdmin(facts, 'remove-user', false);
    await client.query('BEGIN');
    try {
      await lockTeamAdmin(client);
      await requireTeamSchema(client, TEAM_TABLES);
      const member = (await client.query<{ display_name: string; role: TeamRole; active: boolean }>('SELECT display_name, role, active FROM fwb.users WHERE login = $1', [login])).rows[0];
      if (!member) throw new TeamError(`"${login}" is not a person of this team (fwb.users has no such login): nothing was changed.`, 'rejected');
      if (await roleOf(client, login)) {
        await client.query(`ALTER ROLE ${client.escapeIdentifier(login)} NOLOGIN`);
        await setGroup(client, login, null);
      }
      await actAsOwner(client, facts);
      if (member.active) await client.query(`UPDATE fwb.users SET active = false, changed_at = now(), seq = nextval('fwb.seq') WHERE login = $1`, [login]);
      await client.query('COMMIT');
      return { login, name: member.display_name, role: member.role, alreadyRemoved: !member.active };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  });
}

