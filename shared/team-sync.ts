// The words a workbook and the team database share when a workbook joins a team
// (electron/team/join.ts on the PostgreSQL side, electron/backend/team-replica on the
// workbook's): which rows travel, in which columns, in which order. One place, so the
// staging tables the server creates and the rows the workbook sends cannot drift apart.
import type { Grain } from './period';

/** A column a publication stages: its name, and its PostgreSQL type in the staging table. */
export type StagedColumn = readonly [name: string, pgType: string];

/** What the first workbook of a team publishes, table by table, in the order it is copied (parents first). */
export const PUBLISHED_TABLES = {
  fwb_stage_batches: [
    ['batch_id', 'bigint'], ['uuid', 'uuid'], ['kind', 'text'], ['file_name', 'text'], ['file_size', 'bigint'], ['sha256', 'text'],
    ['source', 'text'], ['model_name', 'text'], ['model_version', 'text'], ['options', 'jsonb'], ['rows_read', 'integer'],
    ['rows_accepted', 'integer'], ['rows_quarantined', 'integer'], ['recorded_by', 'text'], ['imported_at_client', 'timestamptz'],
  ],
  fwb_stage_locations: [['location_key', 'bigint'], ['location_id', 'text'], ['name', 'text']],
  fwb_stage_items: [
    ['item_key', 'bigint'], ['item_id', 'text'], ['name', 'text'], ['category', 'text'], ['brand', 'text'], ['family', 'text'],
    ['abc_class', 'text'], ['owner_id', 'text'], ['unit', 'text'], ['attributes', 'jsonb'], ['introduced_period', 'integer'], ['batch_id', 'bigint'],
  ],
  fwb_stage_runs: [['run_id', 'bigint'], ['model_name', 'text'], ['model_version', 'text'], ['origin', 'integer'], ['grain', 'text'], ['interval_level', 'double precision'], ['batch_id', 'bigint']],
  fwb_stage_lines: [
    ['line_id', 'bigint'], ['run_id', 'bigint'], ['item_key', 'bigint'], ['location_key', 'bigint'], ['period', 'integer'], ['lag', 'integer'],
    ['quantity', 'double precision'], ['lower', 'double precision'], ['upper', 'double precision'],
  ],
  fwb_stage_actuals: [['actual_id', 'bigint'], ['item_key', 'bigint'], ['location_key', 'bigint'], ['period', 'integer'], ['quantity', 'double precision'], ['batch_id', 'bigint'], ['superseded', 'boolean']],
} as const satisfies Record<string, readonly StagedColumn[]>;
export type PublishedTable = keyof typeof PUBLISHED_TABLES;

/** A cell as it travels: JSON values; objects are jsonb columns. */
export type Cell = string | number | boolean | null | Record<string, unknown>;

/** A page of the workbook's rows to publish, in PUBLISHED_TABLES' column order, by the table's key (its first column). */
export interface PublicationPage {
  rows: Cell[][];
  /** The key to ask for rows after next; null when this page was the last. */
  last: number | null;
}

/** The kinds of import batch the first publication carries (sales inputs and decisions come later). */
export const PUBLISHED_BATCH_KINDS = ['items', 'forecasts', 'actuals', 'demo'] as const;

/** The team's tables a replica pulls, in the order they are pulled (parents first), with the workbook's columns each fills. */
export const PULLED_TABLES = {
  users: ['user_id', 'display_name', 'role', 'created_at'],
  import_batches: ['batch_id', 'kind', 'file_name', 'file_size', 'sha256', 'source', 'model_name', 'model_version', 'options', 'rows_read', 'rows_accepted', 'rows_quarantined', 'imported_by', 'imported_at'],
  locations: ['location_key', 'location_id', 'name'],
  items: ['item_key', 'item_id', 'name', 'category', 'brand', 'family', 'abc_class', 'owner_id', 'unit', 'attributes', 'introduced_period', 'batch_id'],
  forecast_runs: ['run_id', 'model_name', 'model_version', 'origin', 'grain', 'interval_level', 'batch_id', 'created_at'],
  forecast_lines: ['line_id', 'run_id', 'item_key', 'location_key', 'period', 'lag', 'quantity', 'lower', 'upper'],
  actuals: ['actual_id', 'item_key', 'location_key', 'period', 'quantity', 'batch_id', 'recorded_at'],
  /** Planners' sales inputs, published by later publications (a value of a key supersedes the one before, as actuals do). */
  sales_inputs: ['sales_input_id', 'item_key', 'location_key', 'period', 'quantity', 'source', 'note', 'batch_id', 'recorded_at'],
  /** The team's audit chain, into the workbook's team_audit_log (not its own audit_log): `fwb check --team` compares it with the server's. */
  audit_log: ['seq', 'audit_id', 'at', 'actor', 'action', 'entity', 'entity_id', 'payload', 'prev_hash', 'hash'],
} as const;
export type PulledTable = keyof typeof PULLED_TABLES;
export const PULLED_TABLE_NAMES = Object.keys(PULLED_TABLES) as PulledTable[];

/** One page of a pull: rows of one table (in PULLED_TABLES' column order) and the highest seq among them. */
export interface PulledPage {
  table: PulledTable;
  rows: Cell[][];
  lastSeq: number;
}

export type TeamRole = 'planner' | 'manager' | 'analyst';

/**
 * Later publications (team schema version 4): an import into a linked workbook is published by
 * the next sync, one batch per call, its rows naming items and locations by their ids, the team
 * giving every id (a replica's own ids would collide with another's). `ord` keeps the workbook's
 * row order; `run_key` is the workbook's run id, only to tie lines to their run.
 */
export const LATER_PUBLICATION_TABLES = {
  fwb_import_batch: [
    ['uuid', 'uuid'], ['kind', 'text'], ['file_name', 'text'], ['file_size', 'bigint'], ['sha256', 'text'], ['source', 'text'],
    ['model_name', 'text'], ['model_version', 'text'], ['options', 'jsonb'], ['rows_read', 'integer'], ['rows_accepted', 'integer'],
    ['rows_quarantined', 'integer'], ['recorded_by', 'text'], ['imported_at_client', 'timestamptz'],
  ],
  fwb_import_locations: [['location_id', 'text'], ['name', 'text']],
  fwb_import_items: [
    ['item_id', 'text'], ['name', 'text'], ['category', 'text'], ['brand', 'text'], ['family', 'text'], ['abc_class', 'text'],
    ['owner_id', 'text'], ['unit', 'text'], ['attributes', 'jsonb'], ['introduced_period', 'integer'],
  ],
  fwb_import_runs: [['run_key', 'bigint'], ['model_name', 'text'], ['model_version', 'text'], ['origin', 'integer'], ['grain', 'text'], ['interval_level', 'double precision']],
  fwb_import_lines: [
    ['ord', 'bigint'], ['run_key', 'bigint'], ['item_id', 'text'], ['location_id', 'text'], ['period', 'integer'], ['lag', 'integer'],
    ['quantity', 'double precision'], ['lower', 'double precision'], ['upper', 'double precision'],
  ],
  fwb_import_actuals: [['ord', 'bigint'], ['item_id', 'text'], ['location_id', 'text'], ['period', 'integer'], ['quantity', 'double precision']],
  fwb_import_sales: [['ord', 'bigint'], ['item_id', 'text'], ['location_id', 'text'], ['period', 'integer'], ['quantity', 'double precision'], ['source', 'text'], ['note', 'text']],
} as const satisfies Record<string, readonly StagedColumn[]>;
export type LaterPublicationTable = keyof typeof LATER_PUBLICATION_TABLES;

/** The kinds a team publishes after its first publication, and the role that may (the team's database holds the same rule). */
export const LATER_PUBLISHER: Record<'items' | 'forecasts' | 'actuals' | 'sales_inputs', TeamRole> = {
  items: 'analyst',
  forecasts: 'analyst',
  actuals: 'analyst',
  sales_inputs: 'planner',
};

/** An import of a linked workbook not published yet, with the uuid the team knows it by (minted once, so a retry publishes once). */
export interface UnpublishedBatch {
  batchId: number;
  uuid: string;
  kind: keyof typeof LATER_PUBLISHER;
  fileName: string;
  /** Items of the team an items batch changed (each a new version there: team schema version 8). */
  changedTeamItems?: number;
}

/** The team's answer to one publication. */
export type PublicationAnswer =
  | { uuid: string; status: 'published'; teamBatchId: number }
  | { uuid: string; status: 'refused'; reason: string };

/** A page of one batch's rows to publish: rows in LATER_PUBLICATION_TABLES' column order; `last` the key to ask after next (null: no more). */
export type LaterPublicationPage = PublicationPage;

/** The team a workbook is a replica of. */
export interface TeamLink {
  /** Without a password. */
  url: string;
  teamId: string;
  login: string;
  role: TeamRole;
  linkedHow: 'published' | 'pulled' | 'empty';
  linkedAt: string;
}

/** What a workbook holds, for the join's choice between publishing, pulling and refusing. */
export interface ReplicaState {
  link: TeamLink | null;
  /** Rows of the workbook's own data (batches, items, runs, actuals, sales inputs, decisions): 0 is an empty workbook. */
  rows: { batches: number; items: number; runs: number; actuals: number; salesInputs: number; decisions: number };
  /** The highest seq the replica holds, per pulled table (none before it joins). */
  marks: Record<string, number>;
  /** The workbook's grain: an empty workbook pulls only a team whose runs have it. */
  grain: Grain;
  /** The highest ids of rows a first publication does not publish (sales inputs, other batches): the team's ids move past them. */
  maxIds?: { batches: number; salesInputs: number };
  /** Imports made in the linked workbook that the team does not hold yet (fwb sync publishes them before it pulls). */
  unpublishedImports?: number;
}
