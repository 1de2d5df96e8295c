// fwb team init: the team workbook's schema, group roles and grants in a PostgreSQL
// database, in one transaction (all or nothing). A database at an older version is
// brought up to this one step by step (each step's version recorded in
// fwb.schema_version, as the workbook's migrations are); at this version nothing changes.
import { GROUP_ROLES, OWNER_ROLE, SCHEMA_VERSION, actAsOwner, lockTeamAdmin, requireAdmin, requireSupportedServer, serverFacts, teamSchemaVersion } from './admin';
import { withTeam, type TeamClient } from './connect';
import { TeamError } from './errors';
import { SCHEMA_V1 } from './schema-v1';
import { SCHEMA_V2, TEAM_TABLES } from './schema-v2';
import { SCHEMA_V3 } from './schema-v3';
import { SCHEMA_V4 } from './schema-v4';
import { SCHEMA_V5 } from './schema-v5';
import { SCHEMA_V6 } from './schema-v6';
import { SCHEMA_V7 } from './schema-v7';
import { SCHEMA_V8 } from './schema-v8';

/** The schema's steps, append-only: a new version is a new step at the end. */
const STEPS: readonly { version: number; sql: string }[] = [
  { version: 1, sql: SCHEMA_V1 },
  { version: 2, sql: SCHEMA_V2 },
  { version: 3, sql: SCHEMA_V3 },
  { version: 4, sql: SCHEMA_V4 },
  { version: 5, sql: SCHEMA_V5 },
  { version: 6, sql: SCHEMA_V6 },
  { version: 7, sql: SCHEMA_V7 },
  { version: 8, sql: SCHEMA_V8 },
];

export interface InitOutcome {
  /** False when the database already held a team workbook. */
  created: boolean;
  /** The version the database held before, when init upgraded it. */
  upgradedFrom?: number;
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

/** `upTo` stops at an older version (for tests of the upgrade); a person's init always goes to SCHEMA_VERSION. */
export async function initTeam(url: string, { upTo = SCHEMA_VERSION }: { upTo?: number } = {}): Promise<InitOutcome> {
  return withTeam(url, async (client) => {
    const facts = await serverFacts(client);
    requireSupportedServer(facts);
    requireAdmin(facts, 'init', true);
    const outcome = (created: boolean, schemaVersion: number, upgradedFrom?: number): InitOutcome => ({
      created,
      ...(upgradedFrom !== undefined ? { upgradedFrom } : {}),
      schemaVersion,
      serverVersion: facts.version,
      database: facts.database,
      admin: facts.login,
      roles: [OWNER_ROLE, ...Object.values(GROUP_ROLES)],
    });
    await client.query('BEGIN');
    try {
      await lockTeamAdmin(client);
      const version = await teamSchemaVersion(client, TEAM_TABLES);
      if (version > SCHEMA_VERSION) {
        throw new TeamError(`The team workbook in this database is of schema version ${version}, newer than this fwb knows (${SCHEMA_VERSION}): update fwb; nothing was changed.`, 'rejected');
      }
      if (version >= upTo) {
        await client.query('ROLLBACK');
        return outcome(false, version);
      }
      await ensureGroupRoles(client);
      await actAsOwner(client, facts);
      if (version === 0) {
        await client.query('RESET ROLE');
        const schema = await client.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'fwb'`);
        // An empty schema someone made for us is taken over; otherwise it is created for the owner.
        if (schema.rowCount === 0) await client.query(`CREATE SCHEMA fwb AUTHORIZATION ${client.escapeIdentifier(OWNER_ROLE)}`);
        else await client.query(`ALTER SCHEMA fwb OWNER TO ${client.escapeIdentifier(OWNER_ROLE)}`);
        await client.query(`SET LOCAL ROLE ${client.escapeIdentifier(OWNER_ROLE)}`);
      }
      // applied_by is the administrator (session_user), though the objects are the owner's.
      for (const step of STEPS.filter((s) => s.version > version && s.version <= upTo)) {
        await client.query(step.sql);
        await client.query('INSERT INTO fwb.schema_version (version, applied_by) VALUES ($1, session_user)', [step.version]);
      }
      await client.query('COMMIT');
      return version === 0 ? outcome(true, upTo) : outcome(false, upTo, version);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  });
}
