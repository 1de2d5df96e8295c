// fwb team join: a workbook becomes a replica of a team workbook (TEAM.md "On the laptop").
//   - the first workbook of an empty team publishes its items, runs, lines and actuals
//     (analysts only: the database refuses anyone else), keeping its ids;
//   - an empty workbook pulls everything, page by page by seq;
//   - anything else is refused with the reason, and nothing changes on either side.
// The workbook is reached through a port the host wires to the backend's host calls, so
// this module holds the PostgreSQL side only (no SQL of the workbook here).
import copyStreams from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PUBLISHED_TABLES, PULLED_TABLE_NAMES, type Cell, type PublicationPage, type PublishedTable, type PulledPage, type PulledTable, type ReplicaState, type TeamLink, type TeamRole } from '../../shared/team-sync';
import { requireMemberSchema, requireTeamSchema } from './admin';
import { connectTarget, withTeam, type TeamClient } from './connect';
import { TeamError } from './errors';
import { TEAM_TABLES } from './schema-v2';
import type { Grain } from '../../shared/period';
import { JOURNAL_TABLE_NAMES, type JournalPage, type JournalTable } from '../../shared/team-journal';
import { pullJournal } from './journal-pull';

/** The workbook, as join needs it (electron/backend/team-replica through the host calls). */
export interface ReplicaPort {
  state(): Promise<ReplicaState>;
  /** The workbook's rows of `table` to publish after key `after` (PUBLISHED_TABLES' order), at most `limit`. */
  publicationPage(table: PublishedTable, after: number, limit: number): Promise<PublicationPage>;
  link(link: TeamLink, marks: Record<string, number>): Promise<void>;
  applyPage(page: PulledPage): Promise<void>;
  /** After a pull that wrote rows: the workbook's derived data brought current once (not per page). */
  finishPull(): Promise<void>;
  /** The team's journal (decisions, approvals, policies, reason codes, …), pulled with the data (fwb sync's journal-pull.ts). */
  applyJournalPage(page: JournalPage): Promise<void>;
  /** The first workbook of a team: its own policy segments and reason codes the team does not hold leave it (what left). */
  keepOnlyTeamRules(team: { policies: [string, string][]; reasonCodes: string[] }): Promise<{ policies: string[]; reasonCodes: string[] }>;
}

export interface PublishCounts {
  batches: number;
  locations: number;
  items: number;
  runs: number;
  lines: number;
  actuals: number;
  ownersNotInTeam: string[];
  throughSeq: number;
}

export interface JoinOutcome {
  how: 'published' | 'pulled' | 'empty' | 'resumed';
  login: string;
  role: TeamRole;
  url: string;
  published?: PublishCounts;
  /** Rows pulled, per table (the journal's too: a team that has decided hands its journal to a new replica). */
  pulled: Partial<Record<PulledTable | JournalTable, number>>;
  /** What the workbook holds that this version does not publish yet. */
  notPublished?: { salesInputs: number; decisions: number };
  /** The first workbook's own decision rules the team does not hold, taken out of it (the team's are in force). */
  rulesTakenOut?: { policies: string[]; reasonCodes: string[] };
}

/** Rows per page of a pull: large enough that the per-page costs (a round trip, a SQLite transaction) vanish in the rows' own. */
export const PULL_PAGE_ROWS = 20_000;
/** Rows per page read from the workbook for a publication's COPY: memory stays flat however large the workbook. */
export const PUBLISH_PAGE_ROWS = 10_000;

/** The URL as the workbook keeps and shows it: no password at all (not even a mask), which libpq's conventions supply. */
function urlWithoutPassword(url: string): string {
  const u = new URL(url);
  u.password = '';
  return u.toString();
}

/** Team-wide: a dated name for the team database, stable as long as the database is. */
async function teamIdentity(client: TeamClient): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    `SELECT current_database() || '@' || to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS id FROM fwb.schema_version WHERE version = 1`,
  );
  return rows[0]!.id;
}

async function whoAmI(client: TeamClient): Promise<{ login: string; role: TeamRole; name: string }> {
  const { rows } = await client.query<{ login: string; role: TeamRole; display_name: string; active: boolean }>(
    'SELECT session_user AS login, u.role, u.display_name, u.active FROM (SELECT 1) one LEFT JOIN fwb.users u ON u.login = session_user',
  );
  const me = rows[0]!;
  if (!me.role) throw new TeamError(`The login "${me.login}" is not a person of this team: ask the team's administrator to add it (fwb team add-user), then join again.`, 'rejected');
  if (!me.active) throw new TeamError(`${me.display_name} (login "${me.login}") was removed from the team and may not join a workbook to it.`, 'rejected');
  return { login: me.login, role: me.role, name: me.display_name };
}

/** The team's grain: that of its first forecast run (null while it has none). */
async function grainOf(client: TeamClient): Promise<Grain | null> {
  const { rows } = await client.query<{ grain: Grain }>('SELECT grain FROM fwb.forecast_runs ORDER BY seq LIMIT 1');
  return rows[0]?.grain ?? null;
}

/** The grain a workbook created to join the team at `url` is created with: the team's runs' (month while the team has none). */
export async function teamGrain(url: string): Promise<Grain> {
  return withTeam(url, async (client) => {
    await requireTeamSchema(client, TEAM_TABLES);
    // Before the file is made: a team this fwb cannot join leaves no empty workbook behind.
    await requireMemberSchema(client, 'join');
    return (await grainOf(client)) ?? 'month';
  });
}

async function teamHoldsData(client: TeamClient): Promise<boolean> {
  const { rows } = await client.query<{ yes: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM fwb.import_batches) OR EXISTS (SELECT 1 FROM fwb.items) OR EXISTS (SELECT 1 FROM fwb.forecast_runs)
         OR EXISTS (SELECT 1 FROM fwb.actuals) OR EXISTS (SELECT 1 FROM fwb.decisions) AS yes`,
  );
  return rows[0]!.yes;
}

function holdsData(state: ReplicaState): boolean {
  return Object.values(state.rows).some((n) => n > 0);
}

function describeRows(rows: ReplicaState['rows']): string {
  const parts = [
    [rows.items, 'item'],
    [rows.runs, 'forecast run'],
    [rows.actuals, 'actual'],
    [rows.salesInputs, 'sales input'],
    [rows.decisions, 'decision'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, what]) => `${(n as number).toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`);
  return parts.length > 0 ? parts.join(', ') : `${rows.batches} import batches`;
}

/** Links the workbook behind `replica` to the team at `url` (a member's login), publishing or pulling as TEAM.md says. */
export async function joinTeam(url: string, replica: ReplicaPort, workbookName: string, { pageRows = PULL_PAGE_ROWS } = {}): Promise<JoinOutcome> {
  const shown = urlWithoutPassword(connectTarget(url).url);
  return withTeam(url, async (client) => {
    await requireTeamSchema(client, TEAM_TABLES);
    await requireMemberSchema(client, 'join');
    const me = await whoAmI(client);
    const teamId = await teamIdentity(client);
    const state = await replica.state();
    const link = (how: TeamLink['linkedHow']): TeamLink => ({ url: shown, teamId, login: me.login, role: me.role, linkedHow: how, linkedAt: new Date().toISOString() });

    if (state.link) {
      if (state.link.teamId !== teamId) {
        throw new TeamError(`${workbookName} is already linked to another team workbook (${state.link.url}): a workbook is the replica of one team; join with another workbook.`, 'rejected');
      }
      if (state.link.login !== me.login) {
        throw new TeamError(`${workbookName} is linked to this team as login "${state.link.login}", not "${me.login}": join with that login's URL, or with a workbook of your own.`, 'rejected');
      }
      // Its own imports are published by fwb sync before anything is pulled: a pull first could meet their ids.
      if ((state.unpublishedImports ?? 0) > 0) {
        throw new TeamError(`${workbookName} is linked already and holds ${state.unpublishedImports} import${state.unpublishedImports === 1 ? '' : 's'} the team has not got yet: run fwb sync --db ${workbookName}, which publishes them and then catches up; nothing was changed.`, 'rejected');
      }
      // Joined before (perhaps a pull that was stopped): it only catches up.
      return { how: 'resumed', login: me.login, role: me.role, url: shown, pulled: await pullEverything(client, replica, pageRows) };
    }

    const teamHasData = await teamHoldsData(client);
    const workbookHasData = holdsData(state);
    if (workbookHasData && teamHasData) {
      throw new TeamError(
        `${workbookName} holds data of its own (${describeRows(state.rows)}) and the team workbook at ${shown} already holds the team's: only an empty workbook joins a team that has data (it pulls everything), and only the first workbook of an empty team publishes. Join with a new, empty workbook; nothing was changed.`,
        'rejected',
      );
    }
    if (!workbookHasData) {
      const grain = teamHasData ? await grainOf(client) : null;
      if (grain !== null && grain !== state.grain) {
        throw new TeamError(
          `${workbookName} is a workbook of ${state.grain}ly periods and the team's forecasts are ${grain}ly: a replica keeps the team's grain. Join with a file that does not exist yet (fwb team join creates it with the team's grain); nothing was changed.`,
          'rejected',
        );
      }
      // Linked first with nothing pulled: a pull stopped halfway resumes by joining again.
      await replica.link(link(teamHasData ? 'pulled' : 'empty'), Object.fromEntries(PULLED_TABLE_NAMES.map((t) => [t, 0])));
      return { how: teamHasData ? 'pulled' : 'empty', login: me.login, role: me.role, url: shown, pulled: await pullEverything(client, replica, pageRows) };
    }

    const published = await publish(client, replica, workbookName, state.maxIds);
    // Everything of the shared tables up to the publication is this workbook's own; users and the team's audit entries were not published by it.
    await replica.link(link('published'), Object.fromEntries(PULLED_TABLE_NAMES.map((t) => [t, t === 'users' || t === 'audit_log' ? 0 : published.throughSeq])));
    const pulled = await pullEverything(client, replica, pageRows);
    // The server judges every decision by the team's rules: the workbook keeps no rules of its own beside them.
    const rulesTakenOut = await replica.keepOnlyTeamRules(await teamRules(client));
    return {
      how: 'published',
      login: me.login,
      role: me.role,
      url: shown,
      published,
      pulled,
      notPublished: { salesInputs: state.rows.salesInputs, decisions: state.rows.decisions },
      rulesTakenOut,
    };
  });
}

/** The policy segments and reason codes the team holds (any version). */
async function teamRules(client: TeamClient): Promise<{ policies: [string, string][]; reasonCodes: string[] }> {
  const policies = await client.query<{ segment_type: string; segment_value: string }>('SELECT DISTINCT segment_type, segment_value FROM fwb.policies');
  const codes = await client.query<{ code: string }>('SELECT code FROM fwb.reason_codes');
  return { policies: policies.rows.map((r) => [r.segment_type, r.segment_value]), reasonCodes: codes.rows.map((r) => r.code) };
}

/** The team's data and journal after the replica's marks, in one snapshot. */
async function pullEverything(client: TeamClient, replica: ReplicaPort, pageRows: number): Promise<JoinOutcome['pulled']> {
  const journal: JoinOutcome['pulled'] = {};
  const data = await pullAll(client, replica, pageRows, async (c, marks) => {
    for (const table of JOURNAL_TABLE_NAMES) journal[table] = await pullJournal(c, replica, table, marks[table] ?? 0, pageRows);
  });
  return { ...data, ...journal };
}

/** COPY's text format: tab-separated, \N for null, backslash escapes. */
function copyText(cell: Cell): string {
  if (cell === null) return '\\N';
  const text = typeof cell === 'object' ? JSON.stringify(cell) : typeof cell === 'boolean' ? (cell ? 't' : 'f') : String(cell);
  return text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** A table's rows as COPY text, one chunk per page read from the workbook: the next page is read only when COPY wants more. */
async function* copyLines(replica: ReplicaPort, table: PublishedTable): AsyncGenerator<string> {
  let after = Number.MIN_SAFE_INTEGER;
  for (;;) {
    const page = await replica.publicationPage(table, after, PUBLISH_PAGE_ROWS);
    if (page.rows.length > 0) yield page.rows.map((r) => `${r.map(copyText).join('\t')}\n`).join('');
    if (page.last === null) return;
    after = page.last;
  }
}

async function publish(client: TeamClient, replica: ReplicaPort, workbookName: string, maxIds: ReplicaState['maxIds']): Promise<PublishCounts> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT fwb.stage_publication()');
    for (const table of Object.keys(PUBLISHED_TABLES) as PublishedTable[]) {
      const columns = PUBLISHED_TABLES[table].map(([name]) => name).join(', ');
      await pipeline(Readable.from(copyLines(replica, table)), client.query(copyStreams.from(`COPY pg_temp.${table} (${columns}) FROM STDIN`)));
    }
    const { rows } = await client.query<{ out: PublishCounts }>('SELECT fwb.publish_batch($1::jsonb) AS out', [JSON.stringify({ workbook: workbookName })]);
    // Rows the workbook keeps unpublished hold ids too: later publications must be given others (team schema version 4).
    if (maxIds) await client.query('SELECT fwb.reserve_ids($1, $2)', [maxIds.batches, maxIds.salesInputs]);
    await client.query('COMMIT');
    return rows[0]!.out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw publishFailure(err, workbookName);
  }
}

function publishFailure(err: unknown, workbookName: string): Error {
  const e = err as { code?: string; message?: string };
  if (err instanceof TeamError) return err;
  if (e.code === '42501') {
    return new TeamError(`${workbookName} holds data and the team workbook is empty, so joining would publish it, which the team database refused: ${e.message} Ask the team's analyst to publish first, then join with an empty workbook.`, 'rejected');
  }
  if (e.code && /^(22|23|55|P0)/.test(e.code)) return new TeamError(`The team database refused ${workbookName}'s data: ${e.message ?? ''} Nothing was published.`, 'rejected');
  return err as Error;
}

/** A page as the server answers it (PULL_SQL): its rows and the highest seq among them (null: no rows). */
interface PulledAnswer {
  rows: Cell[][];
  last: string | null;
}

/**
 * Pulls every table after the replica's marks, in one snapshot of the team's record, page by page;
 * `more` pulls further tables (fwb sync's journal) in the same snapshot.
 */
export async function pullAll(client: TeamClient, replica: Pick<ReplicaPort, 'state' | 'applyPage' | 'finishPull'>, pageRows: number, more?: (client: TeamClient, marks: Record<string, number>) => Promise<void>): Promise<Partial<Record<PulledTable, number>>> {
  const { marks } = await replica.state();
  const pulled: Partial<Record<PulledTable, number>> = {};
  // One snapshot: a line pulled never names an item the pull has not seen.
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    for (const table of PULLED_TABLE_NAMES) {
      const fetchPage = (after: number): Promise<PulledAnswer> => fetchPulledPage(client, table, after, pageRows);
      let total = 0;
      let next: Promise<PulledAnswer> | null = fetchPage(marks[table] ?? 0);
      while (next !== null) {
        const { rows, last }: PulledAnswer = await next;
        if (rows.length === 0 || last === null) break;
        const lastSeq: number = Number(last);
        // The next page is asked for before this one is written, so the server reads it and its rows
        // are parsed while the workbook writes. Marks move with each written page only: a pull cut
        // here asks for the unwritten page again.
        next = rows.length < pageRows ? null : fetchPage(lastSeq);
        // An answer not awaited yet must not be an unhandled rejection if writing this page fails first.
        next?.catch(() => {});
        await replica.applyPage({ table, rows, lastSeq });
        total += rows.length;
      }
      pulled[table] = total;
    }
    if (more) await more(client, marks);
    await client.query('COMMIT');
    // Once for the whole pull: what an import refreshes after it (the newest run's scores and overview).
    if (Object.values(pulled).some((n) => n > 0)) await replica.finishPull();
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
  return pulled;
}

/** An audit entry's time as fwb.utc_text renders it for the chain's hash. */
export const AUDIT_AT = `to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** Each pulled table's row as a JSON array in PULLED_TABLES' order (bigints as numbers). */
const SELECT_ROW: Record<PulledTable, string> = {
  users: `login, display_name, role, ${iso('created_at')}`,
  import_batches: `batch_id, kind, file_name, file_size, sha256, source, model_name, model_version, options, rows_read, rows_accepted, rows_quarantined, imported_by, ${iso('coalesce(imported_at_client, imported_at)')}`,
  locations: 'location_key, location_id, name',
  items: 'item_key, item_id, name, category, brand, family, abc_class, owner_id, unit, attributes, introduced_period, batch_id',
  forecast_runs: `run_id, model_name, model_version, origin, grain, interval_level, batch_id, ${iso('created_at')}`,
  forecast_lines: 'line_id, run_id, item_key, location_key, period, lag, quantity, lower, upper',
  actuals: `actual_id, item_key, location_key, period, quantity, batch_id, ${iso('recorded_at')}`,
  sales_inputs: `sales_input_id, item_key, location_key, period, quantity, source, note, batch_id, ${iso('recorded_at')}`,
  // The time as the chain hashes it (fwb.utc_text, microseconds; members may not call it), so the copy compares entry by entry.
  audit_log: `seq, audit_id, ${AUDIT_AT}, actor, action, entity, entity_id, payload, prev_hash, hash`,
};
/**
 * A page as one row: its rows as one JSON array (in seq order) and the highest seq. One JSON text a page is
 * parsed by one JSON.parse; a row per line cost the driver's per-row parsing, ~1 s of a 1M-line pull.
 * Not the audit chain: an entry may hold a thousand decisions, and a page of them as one text could pass
 * PostgreSQL's 1 GB a value and V8's longest string; its rows come one a row, as the driver reads them.
 */
const PULL_SQL = Object.fromEntries(
  PULLED_TABLE_NAMES.map((t) => [
    t,
    t === 'audit_log'
      ? `SELECT json_build_array(${SELECT_ROW[t]}) AS row, seq FROM fwb.${t} WHERE seq > $1 ORDER BY seq LIMIT $2`
      : `SELECT coalesce(json_agg(json_build_array(${SELECT_ROW[t]}) ORDER BY seq), '[]'::json) AS rows, max(seq) AS last
           FROM (SELECT * FROM fwb.${t} WHERE seq > $1 ORDER BY seq LIMIT $2) page`,
  ]),
) as Record<PulledTable, string>;

/** A page of `table` after seq `after`, as PULL_SQL asks for it. */
async function fetchPulledPage(client: TeamClient, table: PulledTable, after: number, pageRows: number): Promise<PulledAnswer> {
  if (table !== 'audit_log') return (await client.query<PulledAnswer>(PULL_SQL[table], [after, pageRows])).rows[0]!;
  const { rows } = await client.query<{ row: Cell[]; seq: string }>(PULL_SQL[table], [after, pageRows]);
  return { rows: rows.map((r) => r.row), last: rows.at(-1)?.seq ?? null };
}

