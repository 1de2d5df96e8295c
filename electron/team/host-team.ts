// The browser host's team workbook (issue 15.3): the open workbook's sync (app-sync.ts) and
// the page's Team workbook › Connect… and Disconnect… (app-connect.ts, as the desktop app's
// File menu). The browser host has no keychain: a password typed in the page's dialog is
// kept in this process's memory only (passwords.ts), for the join and the syncs until the
// host stops; after a restart libpq's conventions (PGPASSWORD, ~/.pgpass, PGSERVICE) give it.
import { SYNC_NOW_AT, type TeamConnectAnswer, type TeamDisconnectAnswer, type TeamStatus } from '../../shared/team-status';
import { connectToTeam, disconnectFromTeam, keychainPasswordFor, type ConnectRequest } from './app-connect';
import { startTeamSync, type HostCalls, type TeamSyncService } from './app-sync';
import { memoryPasswords, type TeamPasswordStore } from './passwords';

export interface HostTeamOptions {
  workbookName: string;
  /** Seconds between syncs while online (FWB_SYNC_EVERY_S in tests). */
  everyS?: number;
  passwords?: TeamPasswordStore;
}

export class HostTeam {
  private sync: TeamSyncService;
  private readonly passwords: TeamPasswordStore;

  constructor(
    private readonly backend: HostCalls,
    private readonly options: HostTeamOptions,
  ) {
    this.passwords = options.passwords ?? memoryPasswords();
    this.sync = this.start();
  }

  /** A linked workbook syncs on start, every 30 s and on demand; a single-seat one never reaches a server. */
  private start(): TeamSyncService {
    return startTeamSync(this.backend, { workbookName: this.options.workbookName, everyS: this.options.everyS, password: (url) => keychainPasswordFor(this.passwords, url) });
  }

  /** The link changed: the sync reads it afresh (after the one under way, if any, ended). */
  private async restart(): Promise<void> {
    await this.sync.stop();
    this.sync = this.start();
  }

  async status(): Promise<TeamStatus> {
    return this.withAdvice(await this.sync.status());
  }

  async syncNow(): Promise<TeamStatus> {
    return this.withAdvice(await this.sync.syncNow());
  }

  /** A missing password is also told the page's way: connecting again keeps it in this host's memory. */
  private withAdvice(status: TeamStatus): TeamStatus {
    if (!status.offline || !/asks login .* for a password and none was found/.test(status.offline)) return status;
    return { ...status, offline: `${status.offline.replace(/\.$/, '')}; or choose Team workbook › Connect to Team Workbook… with the same address to give it to this browser host until it stops.` };
  }

  async connect(request: ConnectRequest): Promise<TeamConnectAnswer> {
    const answer = await connectToTeam(this.backend, this.passwords, this.options.workbookName, request);
    if (answer.ok) await this.restart();
    return answer;
  }

  /**
   * Disconnect, the page having asked first. Unsent decisions refuse it with the backend's
   * sentence (`unsent`): the page asks again and sends `keepUnsent` to go on anyway.
   */
  async disconnect(keepUnsent: boolean): Promise<TeamDisconnectAnswer> {
    let unsentQuestion: string | null = null;
    let asked = 0;
    const answer = await disconnectFromTeam(this.backend, this.passwords, this.options.workbookName, {
      confirm: async (_message, detail) => {
        asked += 1;
        if (asked === 1) return true; // the page's own confirmation
        unsentQuestion = detail;
        return keepUnsent;
      },
    }, SYNC_NOW_AT.browser);
    if (answer.done) await this.restart();
    if (!answer.done && unsentQuestion !== null) return { done: false, message: unsentQuestion, unsent: true };
    return answer;
  }

  /** Stops syncing, waiting (bounded) for a sync under way. */
  stop(): Promise<void> {
    return this.sync.stop();
  }
}
