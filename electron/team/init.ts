// fwb team init: the team workbook's schema, group roles and grants in a PostgreSQL
// database, in one transaction (all or nothing). Running it again on a database at
// this version changes nothing.
import { GROUP_ROLES, OWNER_ROLE, SCHEMA_VERSION, actAsOwner, lockTeamAdmin, requireAdmin, requireSupportedServer, serverFacts, teamSchemaVersion } from './admin';
import { withTeam, type TeamClient } from './connect';
import { TeamError } from './errors';
import { SCHEMA_V1, SCHEMA_V1_TABLES } from './schema-v1';

export interface InitOutcome {
  /** False when the database already held this version: nothing was changed. */
  created: boolean;
  schemaVersion: number;
  serverVersion: string;
  database: string;
  admin: string;
  roles: string[];
}

/** Group roles hold no login of their own: a role of these names that can log in, or is a superuser, is someone else's. */
async function ensureGroupRoles(client: TeamClient): Promise<void> {
  for (const role of [OWNER_ROLE, ...Object.values(GROUP_ROLES)]) {
    const { rows } = await client.query<{ rolcanlogin: boolean; rolsuper: boolean }>('SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = $1', [role]);
    if (rows.length === 0) await client.query(`CREATE ROLE ${client.escapeIdentifier(role)} NOLOGIN`);
    else if (rows[0]!.rolcanlogin || rows[0]!.rolsuper) {
      throw new TeamError(`The server already has a role "${role}" that ${rows[0]!.rolsuper ? 'is a superuser' : 'can log in'}; fwb needs that name for a group role without a login. Rename that role first.`, 'rejected');
    }
  }
}

export async function initTeam(url: string): Promise<InitOutcome> {
  return withTeam(url, async (client) => {
    const facts = await serverFacts(client);
    requireSupportedServer(facts);
    requireAdmin(facts, 'init', true);
    const outcome = (created: boolean): InitOutcome => ({
      created,
      schemaVersion: SCHEMA_VERSION,
      serverVersion: facts.version,
      database: facts.database,
      admin: facts.login,
      roles: [OWNER_ROLE, ...Object.values(GROUP_ROLES)],
    });
    await client.query('BEGIN');
    try {
      await lockTeamAdmin(client);
      const version = await teamSchemaVersion(client, SCHEMA_V1_TABLES);
      if (version > SCHEMA_VERSION) {
        throw new TeamError(`The team workbook in this database is of schema version ${version}, newer than this fwb knows (${SCHEMA_VERSION}): update fwb; nothing was changed.`, 'rejected');
      }
      if (version === SCHEMA_VERSION) {
        await client.query('ROLLBACK');
        return outcome(false);
      }
      await ensureGroupRoles(client);
      await actAsOwner(client, facts);
      await client.query('RESET ROLE');
      const schema = await client.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'fwb'`);
      // An empty schema someone made for us is taken over; otherwise it is created for the owner.
      if (schema.rowCount === 0) await client.query(`CREATE SCHEMA fwb AUTHORIZATION ${client.escapeIdentifier(OWNER_ROLE)}`);
      else await client.query(`ALTER SCHEMA fwb OWNER TO ${client.escapeIdentifier(OWNER_ROLE)}`);
      await client.query(`SET LOCAL ROLE ${client.escapeIdentifier(OWNER_ROLE)}`);
      await client.query(SCHEMA_V1);
      await client.query('INSERT INTO fwb.schema_version (version, applied_by) VALUES ($1, session_user)', [SCHEMA_VERSION]);
      await client.query('COMMIT');
      return outcome(true);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  });
}
