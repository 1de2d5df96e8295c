// Later publications, the PostgreSQL side (team schema version 4): each import made in a
// linked workbook since it was linked is published by the sync, one batch per transaction:
// fwb.stage_import(kind), the batch's rows by COPY into the staging tables, then
// fwb.publish_import, which gives the team's ids. The batch's uuid was minted once in the
// workbook, so a publication whose answer was lost (the process killed after the server
// committed) is answered from what the server stored when it is sent again: published once.
// The team's answer is written in the workbook before the next batch is sent.
import copyStreams from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LATER_PUBLICATION_TABLES, type Cell, type LaterPublicationPage, type LaterPublicationTable, type PublicationAnswer, type UnpublishedBatch } from '../../shared/team-sync';
import type { TeamClient } from './connect';
import { TeamError } from './errors';

/** The workbook, as a later publication needs it. */
export interface PublicationPort {
  unpublished(): Promise<UnpublishedBatch[]>;
  laterPublicationPage(batchId: number, uuid: string, table: LaterPublicationTable, after: number, limit: number): Promise<LaterPublicationPage>;
  recordPublication(answer: PublicationAnswer, login: string): Promise<void>;
}

export interface PublishedImport {
  uuid: string;
  fileName: string;
  kind: string;
  status: 'published' | 'refused';
  teamBatchId: number | null;
  reason: string | null;
  /** Items the team held that an items batch changed, each now a new version there (team schema version 8). */
  changedItems?: number;
}

/** The team schema version that takes changes to items it holds (electron/team/schema-v8.ts). */
const ITEM_VERSIONS_SCHEMA = 8;

/**
 * An items batch that changed items the team holds: a team database older than version 8 would refuse it (and the
 * replica could not put those items back by undoing it), so it waits, unsent, for the upgrade; the sync stops there,
 * since nothing is pulled before every import is published (ids).
 */
async function requireItemVersions(client: TeamClient, fileName: string): Promise<void> {
  const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM fwb.schema_version');
  if ((rows[0]?.v ?? 0) >= ITEM_VERSIONS_SCHEMA) return;
  throw new TeamError(
    `The team's database does not take changes to its items yet (its schema is older than this fwb's): ask the team's administrator to run fwb team init --url ADMIN_URL, which upgrades it; ${fileName} stays unsent.`,
    'rejected',
  );
}

const PAGE_ROWS = 10_000;

/** COPY's text format: tab-separated, \N for null, backslash escapes. */
function copyText(cell: Cell): string {
  if (cell === null) return '\\N';
  const text = typeof cell === 'object' ? JSON.stringify(cell) : typeof cell === 'boolean' ? (cell ? 't' : 'f') : String(cell);
  return text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

async function* copyLines(port: PublicationPort, b: UnpublishedBatch, table: LaterPublicationTable): AsyncGenerator<string> {
  let after = Number.MIN_SAFE_INTEGER;
  for (;;) {
    const page = await port.laterPublicationPage(b.batchId, b.uuid, table, after, PAGE_ROWS);
    if (page.rows.length > 0) yield page.rows.map((r) => `${r.map(copyText).join('\t')}\n`).join('');
    if (page.last === null) return;
    after = page.last;
  }
}

/** The server's refusal of a publication as a sentence (its own, raised by the schema's functions), or null for a failure that is not a refusal. */
function refusal(err: unknown): string | null {
  const e = err as { code?: string; message?: string };
  if (typeof e.code !== 'string' || typeof e.message !== 'string') return null;
  // 42501 a role that may not publish the kind; 22/23 the batch's rows; P0 a RAISE of ours.
  return /^(42501|22|23|P0)/.test(e.code) ? e.message : null;
}

/** Publishes the workbook's unpublished imports, oldest first; each answer is recorded in the workbook before the next is sent. */
export async function publishImports(client: TeamClient, port: PublicationPort, login: string, workbookName: string): Promise<PublishedImport[]> {
  const out: PublishedImport[] = [];
  for (const b of await port.unpublished()) {
    let answer: PublicationAnswer;
    let changedItems: number | undefined;
    if ((b.changedTeamItems ?? 0) > 0) await requireItemVersions(client, b.fileName);
    await client.query('BEGIN');
    try {
      await client.query('SELECT fwb.stage_import($1)', [b.kind]);
      for (const table of Object.keys(LATER_PUBLICATION_TABLES) as LaterPublicationTable[]) {
        const columns = LATER_PUBLICATION_TABLES[table].map(([name]) => name).join(', ');
        await pipeline(Readable.from(copyLines(port, b, table)), client.query(copyStreams.from(`COPY pg_temp.${table} (${columns}) FROM STDIN`)));
      }
      const { rows } = await client.query<{ out: { batchId: number; changedItems?: number } }>('SELECT fwb.publish_import($1::jsonb) AS out', [JSON.stringify({ workbook: workbookName })]);
      await client.query('COMMIT');
      answer = { uuid: b.uuid, status: 'published', teamBatchId: Number(rows[0]!.out.batchId) };
      if (rows[0]!.out.changedItems !== undefined) changedItems = Number(rows[0]!.out.changedItems);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      if ((err as { code?: string }).code === '42883') {
        throw new TeamError(`The team's database does not take later publications yet (its schema is older than this fwb's): ask the team's administrator to run fwb team init --url ADMIN_URL, which upgrades it; ${b.fileName} stays unsent.`, 'rejected');
      }
      const why = refusal(err);
      if (why === null) throw err;
      answer = { uuid: b.uuid, status: 'refused', reason: `The team refused the import ${b.fileName}: ${why}` };
    }
    await port.recordPublication(answer, login);
    out.push({ uuid: b.uuid, fileName: b.fileName, kind: b.kind, status: answer.status, teamBatchId: answer.status === 'published' ? answer.teamBatchId : null, reason: answer.status === 'refused' ? answer.reason : null, ...(changedItems !== undefined ? { changedItems } : {}) });
  }
  return out;
}
