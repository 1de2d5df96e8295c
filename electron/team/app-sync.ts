// The host's team sync for an open workbook (issue 15.3): on open, every 30 s while the
// server answers (the wait doubling to 5 min while it does not), and on demand (syncNow).
// The workbook is reached only through the backend's host calls, each one short, as
// fwb sync does: the backend's write queue is shared with the page, which stays usable.
// The password comes from libpq's conventions (connect.ts), never from the page.
import type { Result } from '../../shared/domain';
import type { Outbox, SyncLedger, TeamChangeOutcome, TeamOutcome } from '../../shared/team-journal';
import { OFFLINE_RETRY_CAP_S, SYNC_EVERY_S, type TeamStatus } from '../../shared/team-status';
import type { JournalPage } from '../../shared/team-journal';
import type { LaterPublicationPage, PulledPage, ReplicaState, UnpublishedBatch } from '../../shared/team-sync';
import { TeamError, redact } from './errors';
import { urlWithPassword } from './url';
import type { ReplicaPort } from './join';
import type { SyncPort } from './sync';

export interface HostCalls {
  hostCall(method: string, payload: unknown): Promise<Result<unknown>>;
}

export interface TeamSyncService {
  status(): Promise<TeamStatus>;
  syncNow(): Promise<TeamStatus>;
  /** Stops the timer and waits (bounded) for a sync in flight, so the workbook is not closed under it. */
  stop(): Promise<void>;
}

/** How long stop() waits for a sync in flight before the host closes anyway (a hung server must not hold the exit). */
export const STOP_WAIT_S = 20;

async function host<T>(backend: HostCalls, method: string, payload: unknown): Promise<T> {
  const r = await backend.hostCall(method, payload);
  if (!r.ok) throw new TeamError(`The workbook refused ${method}: ${r.error.message}`);
  return r.value as T;
}

/** The workbook as fwb team join reaches it (Connect in the app), through the backend's host calls. */
export function joinPort(backend: HostCalls): ReplicaPort {
  return {
    state: () => host<ReplicaState>(backend, 'teamReplicaState', {}),
    publicationPage: (table, after, limit) => host(backend, 'teamPublicationPage', { table, after, limit }),
    link: (link, marks) => host(backend, 'recordTeamLink', { link, marks }),
    applyPage: (page: PulledPage) => host(backend, 'applyTeamPage', page),
    finishPull: () => host(backend, 'finishTeamPull', {}),
    applyJournalPage: (page: JournalPage) => host(backend, 'applyTeamJournalPage', page),
    keepOnlyTeamRules: (rules) => host(backend, 'keepOnlyTeamRules', rules),
  };
}

/** The workbook as a sync reaches it: join's calls and the journal's. */
export function replicaPort(backend: HostCalls): SyncPort {
  const { state, applyPage, finishPull, applyJournalPage } = joinPort(backend);
  return {
    state,
    applyPage,
    finishPull,
    applyJournalPage,
    outbox: () => host<Outbox>(backend, 'teamOutbox', {}),
    recordOutcomes: (outcomes: TeamOutcome[]) => host(backend, 'recordTeamOutcomes', { outcomes }),
    recordChangeOutcomes: (outcomes: TeamChangeOutcome[]) => host(backend, 'recordTeamChangeOutcomes', { outcomes }),
    markAcknowledged: (ackIds: number[]) => host(backend, 'markTeamAcknowledged', { ackIds }),
    ledger: () => host<SyncLedger>(backend, 'teamSyncLedger', {}),
    unpublished: () => host<UnpublishedBatch[]>(backend, 'unpublishedTeamImports', {}),
    laterPublicationPage: (batchId, uuid, table, after, limit) => host<LaterPublicationPage>(backend, 'teamLaterPublicationPage', { batchId, uuid, table, after, limit }),
    recordPublication: (answer, login) => host(backend, 'recordTeamPublication', { answer, login }),
  };
}

export interface TeamSyncOptions {
  workbookName: string;
  /** Seconds between syncs while online (tests shorten it). */
  everyS?: number;
  capS?: number;
  /** How long stop() waits for a sync in flight (STOP_WAIT_S; tests shorten it). */
  stopWaitS?: number;
  /** Told after each sync that finished, e.g. to tell the page its data changed. */
  onSynced?(pulled: number): void;
  /**
   * The password for the link's URL, where the host keeps one itself (the desktop app: the OS
   * keychain); null or absent: libpq's conventions (PGPASSWORD, ~/.pgpass, PGSERVICE).
   */
  password?(url: string): string | null;
}

/** Starts syncing a linked workbook (a single-seat workbook: nothing runs, status says not linked). */
export function startTeamSync(backend: HostCalls, options: TeamSyncOptions): TeamSyncService {
  const everyMs = (options.everyS ?? SYNC_EVERY_S) * 1000;
  const capMs = (options.capS ?? OFFLINE_RETRY_CAP_S) * 1000;
  const port = replicaPort(backend);
  let syncing = false;
  let lastSync: TeamStatus['lastSync'] = null;
  let offline: string | null = null;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  /** The keychain's password of the sync under way, taken out of any reason shown. */
  let secret: string | null = null;

  const schedule = () => {
    if (stopped) return;
    clearTimeout(timer);
    const wait = offline === null ? everyMs : Math.min(capMs, everyMs * 2 ** Math.min(failures - 1, 10));
    timer = setTimeout(() => void runOnce(), wait);
    timer.unref?.();
  };

  async function once(): Promise<void> {
    let url: string;
    try {
      // A single-seat workbook never reaches a server; nor one the host is closing.
      const link = stopped ? null : (await port.state()).link;
      if (!link || stopped) return;
      url = link.url;
    } catch {
      return;
    }
    syncing = true;
    try {
      const { syncTeam } = await import('./sync');
      secret = options.password?.(url) ?? null;
      const done = await syncTeam(port, options.workbookName, secret !== null ? { url: urlWithPassword(url, secret) } : {});
      const pulled = Object.values(done.pulled).reduce((a: number, b) => a + (b ?? 0), 0);
      lastSync = { at: new Date().toISOString(), ok: true, pushed: done.pushed.decisions + done.pushed.reviews + done.pushed.acknowledgements, pulled };
      offline = null;
      failures = 0;
      options.onSynced?.(pulled);
    } catch (err) {
      failures += 1;
      lastSync = { at: new Date().toISOString(), ok: false, pushed: 0, pulled: 0 };
      offline = whyOffline(err, secret);
    } finally {
      syncing = false;
    }
  }

  function runOnce(): Promise<void> {
    // One sync at a time: a request while one runs waits for it and then syncs again.
    running = running.then(once).finally(schedule);
    return running;
  }

  async function status(): Promise<TeamStatus> {
    const state = await port.state();
    const link = state.link;
    if (!link) return { linked: false, login: null, role: null, url: null, unsent: { decisions: 0, reviews: 0 }, syncing: false, lastSync: null, offline: null, conflicts: [], refusals: [] };
    const ledger = await port.ledger();
    return { linked: true, login: link.login, role: link.role, url: link.url, unsent: ledger.unsent, unsentChanges: ledger.changes?.unsent ?? 0, syncing, lastSync, offline, conflicts: ledger.conflicts, refusals: ledger.refusals };
  }

  void runOnce();
  return {
    status,
    async syncNow() {
      await runOnce();
      return status();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      let bound: ReturnType<typeof setTimeout> | undefined;
      // Each host call is short, so a sync under way ends soon; one stuck on a server that stopped answering is left behind.
      await Promise.race([running.catch(() => {}), new Promise<void>((done) => (bound = setTimeout(done, (options.stopWaitS ?? STOP_WAIT_S) * 1000)))]);
      clearTimeout(bound);
    },
  };
}

/** The reason a sync did not finish, in one sentence without a password. */
function whyOffline(err: unknown, secret: string | null): string {
  if (err instanceof TeamError) return redact(err.message, [secret ?? undefined]);
  const e = err as { code?: string; message?: string };
  const text = redact(String(e?.message ?? err), [process.env.PGPASSWORD, secret ?? undefined]);
  return e?.code ? `the team's server refused the sync: ${text} (SQLSTATE ${e.code}); what was answered before is recorded, the rest goes with the next sync.` : `the sync stopped: ${text}; the rest goes with the next sync.`;
}
