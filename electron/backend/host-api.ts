// Calls only a trusted host may make (the desktop shell's File menu, fwb), never
// the page: they take paths on disk, which an untrusted renderer must not be able
// to name. They travel as 'hostCall' messages, which neither the IPC relay nor
// the browser host ever sends, so the contract's METHOD_NAMES stay the page's
// whole API. Each is validated with zod like the contract; each request's schema
// is made when the call is first made (fwb accuracy, a process per call, makes two).
// The namespace import lets the bundlers leave out the zod modules never used (its ninety locales above all).
import * as z from 'zod';
import type { ParsedRequestOf } from '../../shared/contract';
import { IMPORT_FILE_KINDS, type ImportOutcome, type ImportUndoOutcome, type Result } from '../../shared/domain';
import type { Stairstep } from '../../shared/accuracy';
import { GRAINS } from '../../shared/period';
import { LATER_PUBLICATION_TABLES, PULLED_TABLE_NAMES, PUBLISHED_TABLES, type LaterPublicationTable, type PublicationAnswer, type UnpublishedBatch, type PublicationPage, type PublishedTable, type Cell, type PulledPage, type PulledTable, type ReplicaState, type TeamLink } from '../../shared/team-sync';
import { JOURNAL_TABLE_NAMES, TEAM_CHANGE_KINDS, type JournalPage, type JournalTable, type Outbox, type SyncLedger, type TeamChangeOutcome, type TeamOutcome } from '../../shared/team-journal';
import type { BackendContext } from './context';
import { toApiError, WorkbenchError } from './errors';
import { carryOut } from './declarations';
import { IMPORT_EFFECTS, UNDO_EFFECTS } from './imports/effects';
import { runJob } from './jobs';
// Each call's own modules load when it is made, with the contract's schemas some requests
// take: a backup, timed against imports under way, must not wait for the exports, the
// accuracy engine, the demo recipe or the audit's verification to load; fwb accuracy,
// a process per call, must not wait for the import pipeline, the backup or the people.
import type { BackupOutcome } from './db/backup';
import type { BackupVerdict, RestoreOutcome } from './db/restore';
import type { CheckReport } from './audit/check';
import type { DemoSummary } from './demo/seed';

/**
 * What a host call runs with: the workbook's path, a way to stream job events,
 * and the open workbook, or null for calls about files rather than an open
 * workbook (restore, demo) that the host makes without opening one.
 */
export interface HostScope {
  path: string;
  emit: BackendContext['emit'];
  now: () => Date;
  ctx: BackendContext | null;
}

// A path on the host's machine: the shell's dialogs give absolute ones, fwb's as typed (relative to where it runs).
const filePath = () => z.string().min(1).max(4096);

function workbook(scope: HostScope): BackendContext {
  if (!scope.ctx) throw new WorkbenchError('INVALID_REQUEST', 'This call needs an open workbook.');
  return scope.ctx;
}

const importFileRequest = () =>
  z
    .object({
      path: filePath(),
      kind: z.enum(IMPORT_FILE_KINDS),
      model: z.string().min(1).max(100).optional(),
      modelVersion: z.string().max(100).optional(),
      origin: z.string().max(40).optional(),
      grain: z.enum(GRAINS).optional(),
      map: z.record(z.string(), z.string()).optional(),
      sheet: z.string().max(200).optional(),
      strict: z.boolean().default(false),
      force: z.boolean().default(false),
      unknownItems: z.enum(['create', 'reject']).default('reject'),
    })
    .strict();

/** A pulled cell: what PostgreSQL's JSON gives (text, a finite number, a boolean, null, an object). */
function isPulledCell(c: unknown): boolean {
  if (c === null) return true;
  switch (typeof c) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(c);
    case 'object':
      return !Array.isArray(c);
    default:
      return false;
  }
}

// A page's rows are checked in one loop, not by a zod union per cell: on a 1M-line pull the
// union cost about 2 s and a copy of every row (measured in a CPU profile of fwb team join).
const pulledRows = () =>
  z.custom<Cell[][]>((v) => Array.isArray(v) && v.every((row) => Array.isArray(row) && row.every(isPulledCell)), {
    message: 'Each row of a pulled page must be a list of text, finite numbers, booleans, nulls or objects.',
  });

export const hostContract = {
  /** File › Back up workbook… and fwb backup: an online backup of the open workbook to `outPath`, its pages as job progress. */
  backupWorkbook: {
    request: () => z.object({ outPath: filePath(), overwrite: z.boolean().default(false) }).strict(),
    run: (scope: HostScope, req: { outPath: string; overwrite: boolean }): Promise<BackupOutcome> =>
      // The status line shows a job until it finishes, refused or not.
      runJob(scope.emit, 'backup', async (progress) =>
        (await import('./db/backup')).backupWorkbook(workbook(scope).db, req.outPath, {
          overwrite: req.overwrite,
          onProgress: (p) => progress({ phase: 'backing up', done: p.pagesDone, total: p.pagesTotal, message: `${p.pagesDone}/${p.pagesTotal} pages` }),
        }),
      ),
  },
  /** File › Restore from backup…: checks the shell's copy of the backup before the shell swaps it in. */
  verifyRestoreCopy: {
    request: () => z.object({ path: filePath(), displayName: z.string().min(1).max(300) }).strict(),
    run: async (_scope: HostScope, req: { path: string; displayName: string }): Promise<BackupVerdict> => (await import('./db/restore')).verifyRestoreCopy(req.path, req.displayName),
  },
  /** fwb restore: puts the backup `from` in the workbook's place (no workbook open), keeping the current file aside. */
  restoreWorkbook: {
    request: () => z.object({ from: filePath() }).strict(),
    run: async (scope: HostScope, req: { from: string }): Promise<RestoreOutcome> => (await import('./db/restore')).restoreWorkbook(scope.path, req.from),
  },
  /** fwb check: integrity, the audit chain, the journal, releases and governed rows; `against` a copy's recorded chain head. */
  checkWorkbook: {
    request: () => z.object({ against: filePath().optional() }).strict(),
    run: async (scope: HostScope, req: { against?: string }): Promise<CheckReport> => {
      const against = req.against === undefined ? undefined : await (await import('./audit/against')).readCopyChainHead(req.against);
      const { checkWorkbook } = await import('./audit/check');
      return checkWorkbook(workbook(scope).db, { against });
    },
  },
  /** fwb demo: writes the demo workbook at the path (no workbook open), under a temporary name until it is complete. */
  generateDemo: {
    request: () => z.object({ items: z.number().int().min(1), months: z.number().int().min(36), seed: z.number().int() }).strict(),
    run: async (scope: HostScope, req: { items: number; months: number; seed: number }): Promise<DemoSummary & { keptAside?: string }> =>
      (await import('./demo/seed')).writeDemoFile(scope.path, req, scope.emit),
  },
  /** fwb --user: signs a person in on this connection for one command, with their passphrase where they have one. */
  signInAs: {
    request: () => z.object({ userId: z.string().min(1).max(1000), passphrase: z.string().max(100_000).optional() }).strict(),
    run: async (scope: HostScope, req: { userId: string; passphrase?: string }) => (await import('./people/session')).signInForOneCommand(workbook(scope), req.userId, req.passphrase),
  },
  /** fwb import: a file by its path, as the signed-in person (or nobody), with job events as the app's imports have. */
  importFile: {
    request: importFileRequest,
    run: async (scope: HostScope, req: z.output<ReturnType<typeof importFileRequest>>): Promise<ImportOutcome> => {
      const { path, ...options } = req;
      // The page's runImport and this: one import, with the effects api.ts declares for it (job, rescoring, announcement).
      return carryOut(workbook(scope), IMPORT_EFFECTS, async (ctx) => (await import('./imports/handlers')).importPath(ctx, path, options), req);
    },
  },
  /** fwb import --undo: takes a batch back as the signed-in person (or nobody). */
  undoImport: {
    request: () => z.object({ batchId: z.number().int().min(1) }).strict(),
    run: async (scope: HostScope, req: { batchId: number }): Promise<ImportUndoOutcome> => carryOut(workbook(scope), UNDO_EFFECTS, async (ctx) => (await import('./imports/handlers')).undoImportAsCommand(ctx, req.batchId), req),
  },
  /** fwb export: one export (the contract's runExport request) to a path the host names, its rows as job progress. */
  exportToFile: {
    request: async () => z.object({ request: (await import('../../shared/contract')).runExportRequest, outPath: filePath(), overwrite: z.boolean().default(false) }).strict(),
    run: async (scope: HostScope, req: { request: ParsedRequestOf<'runExport'>; outPath: string; overwrite: boolean }) =>
      (await import('./exports/handlers')).exportToPath(workbook(scope), req.request, req.outPath, req.overwrite),
  },
  /** fwb accuracy --stairstep: the stairstep alone (the screen's overview also computes its charts). */
  accuracyStairstep: {
    request: async () => {
      const { shape } = (await import('../../shared/contract-accuracy')).getAccuracyOverviewRequest;
      return z.object({ filter: shape.filter, metric: shape.metric }).strict();
    },
    run: async (scope: HostScope, req: Omit<ParsedRequestOf<'getAccuracyOverview'>, 'seed'>): Promise<Stairstep> => (await import('./accuracy/handlers')).accuracyStairstep(workbook(scope), req),
  },
  /**
   * fwb accuracy: whether a read-only look can answer, the workbook being at this
   * version's schema and its accuracy cube current (otherwise the command opens
   * it for writing, so the cube is brought up to date first, as the app does).
   */
  accuracyCubeCurrent: {
    request: () => z.object({}).strict(),
    run: async (scope: HostScope): Promise<boolean> => {
      const { db } = workbook(scope);
      const [{ MIGRATIONS }, { accuracyCube }, { isCurrent, need }] = await Promise.all([import('./db/migrations/index'), import('./accuracy/cube'), import('./derived/registry')]);
      if (db.prepare('PRAGMA user_version').pluck().get() !== MIGRATIONS.length) return false;
      return isCurrent(db, [need(accuracyCube)]);
    },
  },
  /** fwb team join: what the workbook holds and the team it is linked to, if any. */
  teamReplicaState: {
    request: () => z.object({}).strict(),
    run: async (scope: HostScope): Promise<ReplicaState> => (await import('./team-replica/state')).replicaState(workbook(scope).db),
  },
  /** fwb team join, the first workbook of a team: a page of the rows it publishes, those of `table` after key `after`. */
  teamPublicationPage: {
    request: () =>
      z
      .object({ table: z.enum(Object.keys(PUBLISHED_TABLES) as [PublishedTable, ...PublishedTable[]]), after: z.number().int(), limit: z.number().int().min(1).max(100_000) })
      .strict(),
    run: async (scope: HostScope, req: { table: PublishedTable; after: number; limit: number }): Promise<PublicationPage> =>
      (await import('./team-replica/publication')).publicationPage(workbook(scope).db, req.table, req.after, req.limit),
  },
  /** fwb team join: links the workbook (the URL without a password) with the seq it holds of each table. */
  recordTeamLink: {
    request: () =>
      z
        .object({
          link: z.object({ url: z.string().min(1).max(4096), teamId: z.string().min(1).max(500), login: z.string().min(1).max(200), role: z.enum(['planner', 'manager', 'analyst']), linkedHow: z.enum(['published', 'pulled', 'empty']), linkedAt: z.string().min(1).max(40) }).strict(),
          marks: z.record(z.string(), z.number().int().min(0)),
        })
        .strict(),
    run: async (scope: HostScope, req: { link: TeamLink; marks: Record<string, number> }) => (await import('./team-replica/state')).recordTeamLink(workbook(scope).db, req.link, req.marks),
  },
  /** fwb team join, the first workbook of a team: its own policy segments and reason codes the team does not hold leave it. */
  keepOnlyTeamRules: {
    request: () =>
      z
        .object({
          policies: z.array(z.tuple([z.string().min(1).max(200), z.string().min(1).max(500)])).max(100_000),
          reasonCodes: z.array(z.string().min(1).max(200)).max(100_000),
        })
        .strict(),
    run: async (scope: HostScope, req: { policies: [string, string][]; reasonCodes: string[] }) =>
      (await import('./team-replica/changes')).keepOnlyTeamRules(workbook(scope).db, req, scope.now),
  },
  /** File › Disconnect: the workbook becomes single-seat; unsent decisions refuse it unless kept knowingly. */
  unlinkTeam: {
    request: () => z.object({ keepUnsent: z.boolean().default(false), syncNowAt: z.string().min(1).max(100).optional() }).strict(),
    run: async (scope: HostScope, req: { keepUnsent: boolean; syncNowAt?: string }) => (await import('./team-replica/state')).unlinkTeam(workbook(scope).db, req, scope.now),
  },
  /** fwb team join and sync: one page of the team's rows, written with its high-water mark in one transaction. */
  applyTeamPage: {
    request: () =>
      z
        .object({
          table: z.enum(PULLED_TABLE_NAMES as [PulledTable, ...PulledTable[]]),
          // Its cells are checked as applyPulledPage converts them, before it writes anything (one pass, not two).
          rows: z.custom<Cell[][]>((v) => Array.isArray(v) && v.every((row) => Array.isArray(row)), { message: 'A pulled page must be a list of rows, each a list of cells.' }),
          lastSeq: z.number().int().min(0),
        })
        .strict(),
    run: async (scope: HostScope, req: PulledPage) => (await import('./team-replica/pull')).applyPulledPage(workbook(scope).db, req),
  },
  /** fwb check --team: a page of the replica's copy of the team's audit chain, the entries after seq `after`. */
  teamAuditCopy: {
    request: () => z.object({ after: z.number().int().min(0), limit: z.number().int().min(1).max(100_000) }).strict(),
    run: async (scope: HostScope, req: { after: number; limit: number }) => (await import('./team-replica/audit-copy')).teamAuditCopy(workbook(scope).db, req.after, req.limit),
  },
  /** fwb team join and sync, after a pull that wrote rows: the derived data an import refreshes, brought current once. */
  finishTeamPull: {
    request: () => z.object({}).strict(),
    run: async (scope: HostScope): Promise<void> => {
      const pull = await import('./team-replica/pull');
      pull.endPull(workbook(scope).db);
      pull.auditPulledBatches(workbook(scope).db, scope.now().toISOString());
      return carryOut(workbook(scope), (await import('./team-replica/effects')).TEAM_PULL_EFFECTS, () => undefined, {});
    },
  },
  /** fwb sync: the imports made in this linked workbook that the team does not hold yet, each with its uuid. */
  unpublishedTeamImports: {
    request: () => z.object({}).strict(),
    run: async (scope: HostScope): Promise<UnpublishedBatch[]> => (await import('./team-replica/later-publication')).unpublishedBatches(workbook(scope).db, scope.now().toISOString()),
  },
  /** fwb sync: a page of one unpublished import's rows of one staging table. */
  teamLaterPublicationPage: {
    request: () =>
      z
        .object({
          batchId: z.number().int(),
          uuid: z.string().uuid(),
          table: z.enum(Object.keys(LATER_PUBLICATION_TABLES) as [LaterPublicationTable, ...LaterPublicationTable[]]),
          after: z.number().int(),
          limit: z.number().int().min(1).max(100_000),
        })
        .strict(),
    run: async (scope: HostScope, req: { batchId: number; uuid: string; table: LaterPublicationTable; after: number; limit: number }) =>
      (await import('./team-replica/later-publication')).laterPublicationPage(workbook(scope).db, req.batchId, req.uuid, req.table, req.after, req.limit),
  },
  /** fwb sync: the team's answer to one publication (published: the workbook's copy leaves, the pull brings the team's; refused: undone). */
  recordTeamPublication: {
    request: () =>
      z
        .object({
          answer: z.union([
            z.object({ uuid: z.string().uuid(), status: z.literal('published'), teamBatchId: z.number().int().min(1) }).strict(),
            z.object({ uuid: z.string().uuid(), status: z.literal('refused'), reason: z.string().min(1).max(10_000) }).strict(),
          ]),
          login: z.string().min(1).max(200),
        })
        .strict(),
    run: async (scope: HostScope, req: { answer: PublicationAnswer; login: string }) =>
      (await import('./team-replica/later-publication')).recordPublication(workbook(scope).db, req.answer, { login: req.login, at: scope.now().toISOString() }),
  },
  /** fwb sync: the replica's unsent decisions and reviews, in the order they were made. */
  teamOutbox: {
    request: () => z.object({}).strict(),
    run: async (scope: HostScope): Promise<Outbox> => (await import('./team-replica/outbox')).outbox(workbook(scope).db),
  },
  /** fwb sync: the server's answers to pushed rows, recorded in one transaction. */
  recordTeamOutcomes: {
    request: () =>
      z
      .object({
        outcomes: z.array(
          z
            .object({
              kind: z.enum(['decision', 'review']),
              uuid: z.string().min(1).max(100),
              status: z.enum(['final', 'pending_approval', 'approved', 'rejected', 'refused']),
              reason: z.string().max(10_000).nullable(),
              seq: z.number().int().min(0).nullable(),
            })
            .strict(),
        ),
      })
      .strict(),
    run: async (scope: HostScope, req: { outcomes: TeamOutcome[] }) => (await import('./team-replica/outbox')).recordOutcomes(workbook(scope).db, req.outcomes, scope.now),
  },
  /** fwb sync: the server's answers to pushed policy, reason-code and release changes, recorded in one transaction. */
  recordTeamChangeOutcomes: {
    request: () =>
      z
        .object({
          outcomes: z.array(
            z
              .object({
                kind: z.enum(TEAM_CHANGE_KINDS),
                uuid: z.string().min(1).max(100),
                status: z.enum(['saved', 'released', 'refused']),
                reason: z.string().max(10_000).nullable(),
                seq: z.number().int().min(0).nullable(),
                version: z.number().int().min(1).optional(),
              })
              .strict(),
          ),
        })
        .strict(),
    run: async (scope: HostScope, req: { outcomes: TeamChangeOutcome[] }) => (await import('./team-replica/changes')).recordChangeOutcomes(workbook(scope).db, req.outcomes, scope.now),
  },
  /** fwb sync: one page of the team's journal (decisions, approvals, refusals, conflicts, policies, reason codes) with its mark. */
  applyTeamJournalPage: {
    request: () =>
      z
      .object({
        table: z.enum(JOURNAL_TABLE_NAMES as [JournalTable, ...JournalTable[]]),
        rows: pulledRows(),
        lastSeq: z.number().int().min(0),
      })
      .strict(),
    run: async (scope: HostScope, req: JournalPage) => (await import('./team-replica/journal-pull')).applyJournalPage(workbook(scope).db, req, scope.now),
  },
  /** fwb sync --acknowledge LINE: the login has seen the line's conflict (sent by the sync). */
  acknowledgeTeamConflict: {
    request: () => z.object({ lineId: z.number().int().min(1) }).strict(),
    run: async (scope: HostScope, req: { lineId: number }) => (await import('./team-replica/outbox')).acknowledgeConflict(workbook(scope).db, req.lineId, scope.now),
  },
  /** fwb sync: acknowledgements the server took. */
  markTeamAcknowledged: {
    request: () => z.object({ ackIds: z.array(z.number().int().min(1)) }).strict(),
    run: async (scope: HostScope, req: { ackIds: number[] }) => (await import('./team-replica/outbox')).markAcknowledged(workbook(scope).db, req.ackIds, scope.now),
  },
  /** fwb sync: what is unsent, the refusals kept for the login and its open conflicts. */
  teamSyncLedger: {
    request: () => z.object({}).strict(),
    run: async (scope: HostScope): Promise<SyncLedger> => (await import('./team-replica/outbox')).syncLedger(workbook(scope).db),
  },
  /** How this backend runs, for the host's diagnostics: the file large imports are parsed in (null: the backend's own thread). */
  backendInfo: {
    request: () => z.object({}).strict(),
    run: async (): Promise<{ parseWorker: string | null }> => ({ parseWorker: (await import('./imports/read/reader-thread')).parseWorkerFile() }),
  },
} as const;

export type HostMethodName = keyof typeof hostContract;

export async function hostDispatch(scope: HostScope, method: unknown, payload: unknown): Promise<Result<unknown>> {
  if (typeof method !== 'string' || !Object.hasOwn(hostContract, method)) {
    return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `Unknown host method: ${String(method).slice(0, 100)}` } };
  }
  const entry = hostContract[method as HostMethodName];
  const request: z.ZodType = typeof entry.request === 'function' ? await entry.request() : entry.request;
  const parsed = request.safeParse(payload ?? {});
  if (!parsed.success) {
    return { ok: false, error: { code: 'INVALID_REQUEST', message: `Invalid request for ${method}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ')}` } };
  }
  try {
    return { ok: true, value: await (entry.run as (scope: HostScope, req: unknown) => Promise<unknown>)(scope, parsed.data) };
  } catch (err) {
    const { asBusyError } = await import('./db/busy');
    return { ok: false, error: toApiError(scope.ctx ? asBusyError(err, scope.ctx.db) : err) };
  }
}
