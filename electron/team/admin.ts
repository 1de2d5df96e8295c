// What every administrator's command checks first: the server is new enough, the
// login may create roles, and (for all but init) the team schema is there.
import { TeamError } from './errors';
import type { TeamClient } from './connect';

export const MIN_SERVER_VERSION_NUM = 140000;
export const GROUP_ROLES = { analyst: 'fwb_analyst', planner: 'fwb_planner', manager: 'fwb_manager' } as const;
export type TeamRole = keyof typeof GROUP_ROLES;
export const OWNER_ROLE = 'fwb_owner';
/** The newest schema version this fwb writes. */
export const SCHEMA_VERSION = 8;

export interface ServerFacts {
  versionNum: number;
  version: string;
  login: string;
  database: string;
  superuser: boolean;
  createRole: boolean;
  createInDatabase: boolean;
}

export async function serverFacts(client: TeamClient): Promise<ServerFacts> {
  const { rows } = await client.query<{
    version_num: number;
    version: string;
    login: string;
    database: string;
    rolsuper: boolean;
    rolcreaterole: boolean;
    create_db: boolean;
  }>(
    `SELECT current_setting('server_version_num')::int AS version_num, current_setting('server_version') AS version,
            current_user AS login, current_database() AS database, r.rolsuper, r.rolcreaterole,
            has_database_privilege(current_database(), 'CREATE') AS create_db
       FROM pg_roles r WHERE r.rolname = current_user`,
  );
  const r = rows[0]!;
  return {
    versionNum: r.version_num,
    version: r.version,
    login: r.login,
    database: r.database,
    superuser: r.rolsuper,
    createRole: r.rolcreaterole,
    createInDatabase: r.create_db,
  };
}

export function requireSupportedServer(facts: ServerFacts): void {
  if (facts.versionNum < MIN_SERVER_VERSION_NUM) {
    throw new TeamError(`The server runs PostgreSQL ${facts.version}; the team workbook needs PostgreSQL 14 or newer: upgrade the server or use another one.`, 'rejected');
  }
}

/** An administrator here: a superuser, or a login that may create roles (and, for `init`, schemas in the database). */
export function requireAdmin(facts: ServerFacts, command: string, needsCreate: boolean): void {
  const canCreate = facts.superuser || facts.createInDatabase;
  if (facts.superuser || (facts.createRole && (!needsCreate || canCreate))) return;
  const missing = [!facts.createRole ? 'create roles (CREATEROLE)' : null, needsCreate && !canCreate ? `create schemas in database "${facts.database}"` : null].filter(Boolean).join(' or ');
  throw new TeamError(
    `The login "${facts.login}" may not ${missing}, which fwb team ${command} needs: run it with an administrator’s URL (a superuser, or a login with CREATEROLE${needsCreate ? ' and CREATE on the database' : ''}).`,
    'rejected',
  );
}

/** The version of the team schema in this database, 0 when there is none; refuses a schema holding what we did not create. */
export async function teamSchemaVersion(client: TeamClient, ours: readonly string[]): Promise<number> {
  const schema = await client.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'fwb'`);
  if (schema.rowCount === 0) return 0;
  const { rows } = await client.query<{ name: string; kind: string }>(
    `SELECT c.relname AS name, c.relkind AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'fwb' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY c.relname`,
  );
  const foreign = rows.map((r) => r.name).filter((name) => !ours.includes(name));
  if (foreign.length > 0) {
    const named = foreign.slice(0, 10).map((n) => `fwb.${n}`).join(', ') + (foreign.length > 10 ? ` and ${foreign.length - 10} more` : '');
    throw new TeamError(
      `Schema "fwb" in this database holds ${foreign.length === 1 ? 'a table' : 'tables'} fwb did not create (${named}): the team workbook needs the schema to itself. Use another database, or move ${foreign.length === 1 ? 'that table' : 'those tables'} out of schema fwb.`,
      'rejected',
    );
  }
  if (!rows.some((r) => r.name === 'schema_version')) {
    if (rows.length > 0) throw new TeamError('Schema "fwb" holds some of the team workbook’s tables but no schema_version: it was not made by fwb team init. Use another database.', 'rejected');
    return 0;
  }
  const version = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM fwb.schema_version');
  return version.rows[0]?.v ?? 0;
}

/** Refuses work on a database fwb team init has not prepared, or one a newer fwb has. */
export async function requireTeamSchema(client: TeamClient, ours: readonly string[]): Promise<void> {
  const version = await teamSchemaVersion(client, ours);
  if (version === 0) throw new TeamError('This database holds no team workbook: run "fwb team init --url ADMIN_URL" on it first.', 'rejected');
  if (version > SCHEMA_VERSION) throw new TeamError(`The team workbook in this database is of schema version ${version}, newer than this fwb knows (${SCHEMA_VERSION}): update fwb.`, 'rejected');
}

/** The schema version a member's join and sync need (version 7: managers' policy, reason-code and release changes, their uuids in the pull, and the automatic finals a release sends). */
export const MEMBER_SCHEMA_VERSION = 7;

/** Refuses a member's join or sync against a team database an older fwb made, in a sentence naming the administrator's one command. */
export async function requireMemberSchema(client: TeamClient, what: string): Promise<void> {
  const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM fwb.schema_version');
  const version = rows[0]?.v ?? 0;
  if (version < MEMBER_SCHEMA_VERSION) {
    throw new TeamError(
      `The team workbook on this server is of schema version ${version}, older than this fwb needs (${MEMBER_SCHEMA_VERSION}) to ${what}: ask the team's administrator to run "fwb team init --url ADMIN_URL", which upgrades it in place, then ${what} again. Nothing was changed.`,
      'rejected',
    );
  }
}

/** Lets the administrator act as the schema's owner (SET ROLE), as the write statements of init and add-user do. */
export async function actAsOwner(client: TeamClient, facts: ServerFacts): Promise<void> {
  if (!facts.superuser) {
    const member = await client.query(`SELECT pg_has_role(current_user, $1, 'MEMBER') AS yes`, [OWNER_ROLE]);
    if (!member.rows[0]?.yes) await client.query(`GRANT ${client.escapeIdentifier(OWNER_ROLE)} TO ${client.escapeIdentifier(facts.login)}`);
  }
  await client.query(`SET LOCAL ROLE ${client.escapeIdentifier(OWNER_ROLE)}`);
}

/** Serialises administrators' commands on one database (two inits at once must not both create). */
export async function lockTeamAdmin(client: TeamClient): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock(hashtext('fwb team admin'))`);
}
