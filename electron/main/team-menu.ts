// The desktop app's team workbook (issue 15.3): the sync of the open workbook (run in main,
// as the browser host runs it), the page's teamStatus/syncNow over IPC, and the File menu's
// Sync now, Connect to team workbook… and Disconnect. Electron's objects come in as
// parameters, so tests drive all of it with fakes and a real PostgreSQL.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserWindow, Dialog, IpcMain, IpcMainInvokeEvent, SafeStorage } from 'electron';
import { startTeamSync, type HostCalls, type TeamSyncService } from '../team/app-sync';
import { SYNC_NOW_AT, TEAM_CONNECT_CHANNEL, TEAM_CONNECT_REQUEST_CHANNEL, TEAM_PAGE_METHODS, teamPageChannel, type TeamStatus } from '../../shared/team-status';
import type { Result } from '../../shared/domain';
import { EVENT_CHANNEL } from '../../shared/methods';
import { type AppPage } from './app-page';
import { isTrustedSender } from './ipc';
import { connectToTeam, disconnectFromTeam, keychainPasswordFor, type ConnectAnswer, type ConnectRequest, type DisconnectDialogs } from '../team/app-connect';
import { keychainPasswords, type TeamPasswordStore } from './team-password';

export interface DesktopTeamOptions {
  passwords: TeamPasswordStore;
  /** Seconds between syncs while online (FWB_SYNC_EVERY_S in tests). */
  everyS?: number;
}

const NOT_LINKED: TeamStatus = { linked: false, login: null, role: null, url: null, unsent: { decisions: 0, reviews: 0 }, syncing: false, lastSync: null, offline: null, conflicts: [], refusals: [] };

/** One workbook's team sync at a time: attached when a workbook opens, stopped when it closes. */
export class DesktopTeam {
  private sync: TeamSyncService | null = null;
  private backend: HostCalls | null = null;
  private name = 'workbook';

  constructor(private readonly options: DesktopTeamOptions) {}

  /** Syncs being stopped, by the backend they ran on: its close waits for them (a switch attaches the new workbook before the old one closes). */
  private readonly stopping = new Map<object, Promise<void>>();

  /** A workbook opened: a linked one starts syncing (on open, every 30 s, on demand); a single-seat one never reaches a server. */
  attach(backend: HostCalls, workbookName: string): void {
    this.stopSync();
    this.backend = backend;
    this.name = workbookName;
    this.sync = startTeamSync(backend, {
      workbookName,
      everyS: this.options.everyS,
      password: (url) => keychainPasswordFor(this.options.passwords, url),
    });
  }

  /** Stops the current sync, keeping the wait for it under its backend's name. */
  private stopSync(): void {
    if (!this.sync || !this.backend) return;
    const backend = this.backend;
    const earlier = this.stopping.get(backend) ?? Promise.resolve();
    this.stopping.set(backend, Promise.all([earlier, this.sync.stop()]).then(() => {}));
    this.sync = null;
  }

  /**
   * A workbook closes: stops its sync and resolves once a sync under way has ended (at most
   * STOP_WAIT_S, 20 s, as the browser host's close), so the workbook is not closed under it.
   */
  async detach(backend?: object): Promise<void> {
    const which = backend ?? this.backend;
    if (!which) return;
    if (which === this.backend) {
      this.stopSync();
      this.backend = null;
    }
    const wait = this.stopping.get(which);
    this.stopping.delete(which);
    await wait;
  }

  async status(): Promise<TeamStatus> {
    return this.sync ? this.withDesktopAdvice(await this.sync.status()) : NOT_LINKED;
  }

  async syncNow(): Promise<TeamStatus> {
    return this.sync ? this.withDesktopAdvice(await this.sync.syncNow()) : NOT_LINKED;
  }

  /** A missing password is told the desktop app's way too: connecting again keeps it in the keychain. */
  private withDesktopAdvice(status: TeamStatus): TeamStatus {
    if (!status.offline || !/asks login .* for a password and none was found/.test(status.offline)) return status;
    return { ...status, offline: `${status.offline.replace(/\.$/, '')}; or choose File › Connect to Team Workbook… with the same address to keep your password in this computer’s keychain.` };
  }

  /** File › Connect to team workbook…: links the open workbook, then syncs it from then on. */
  async connect(request: ConnectRequest): Promise<ConnectAnswer> {
    const backend = this.backend;
    if (!backend) return { ok: false, message: 'Open a workbook first: File › New Workbook… makes an empty one to join the team with.' };
    const answer = await connectToTeam(backend, this.options.passwords, this.name, request);
    if (answer.ok) this.attach(backend, this.name); // the sync sees the new link at once
    return answer;
  }

  /** File › Disconnect from team workbook…: asks, then unlinks; the sync stops reaching the server. */
  async disconnect(dialogs: DisconnectDialogs) {
    const backend = this.backend;
    if (!backend) return { done: false as const, message: 'No workbook is open.' };
    const answer = await disconnectFromTeam(backend, this.options.passwords, this.name, dialogs, SYNC_NOW_AT.desktop);
    if (answer.done) this.attach(backend, this.name); // now single-seat: the service stays idle
    return answer;
  }
}

const forbidden = (what: string): Result<never> => ({ ok: false, error: { code: 'FORBIDDEN', message: `${what} may only be asked by the Forecast Workbench window.` } });

/** The page's teamStatus and syncNow, and the Connect dialog's answer, each only from the app's own page. */
export function registerTeamIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, page: AppPage, team: () => DesktopTeam): () => void {
  for (const method of TEAM_PAGE_METHODS) {
    ipcMain.handle(teamPageChannel(method), async (event: IpcMainInvokeEvent): Promise<Result<TeamStatus>> => {
      if (!isTrustedSender(event.senderFrame, page)) return forbidden(method);
      return { ok: true, value: await (method === 'syncNow' ? team().syncNow() : team().status()) };
    });
  }
  ipcMain.handle(TEAM_CONNECT_CHANNEL, async (event: IpcMainInvokeEvent, request: unknown): Promise<Result<ConnectAnswer>> => {
    if (!isTrustedSender(event.senderFrame, page)) return forbidden('Connecting to a team workbook');
    const r = request as Partial<ConnectRequest> | null;
    if (!r || typeof r.url !== 'string' || typeof r.password !== 'string' || r.url.length > 4096 || r.password.length > 1024) {
      return { ok: false, error: { code: 'INVALID_REQUEST', message: 'Give the team workbook’s address and, if it needs one, your password.' } };
    }
    return { ok: true, value: await team().connect({ url: r.url, password: r.password }) };
  });
  return () => {
    for (const method of TEAM_PAGE_METHODS) ipcMain.removeHandler(teamPageChannel(method));
    ipcMain.removeHandler(TEAM_CONNECT_CHANNEL);
  };
}

export { TEAM_CONNECT_REQUEST_CHANNEL };

/** FWB_SYNC_EVERY_S shortens the 30 s between syncs (tests), as in the browser host. */
export function syncEveryS(env: Record<string, string | undefined>): number | undefined {
  return env.FWB_SYNC_EVERY_S ? Math.max(1, Number(env.FWB_SYNC_EVERY_S) || 30) : undefined;
}

const NO_KEYCHAIN: TeamPasswordStore = {
  get: () => null,
  set: () => {
    throw new Error('This computer offers no keychain to keep the team password in: set PGPASSWORD or use ~/.pgpass instead.');
  },
  forget: () => {},
};

/** The keychain's passwords, kept encrypted in team-passwords.json of the user's data folder (readable by the user only). */
export function teamPasswords(safeStorage: Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> | undefined, userData: () => string): TeamPasswordStore {
  if (!safeStorage) return NO_KEYCHAIN;
  const file = () => join(userData(), 'team-passwords.json');
  return keychainPasswords(
    safeStorage,
    () => {
      try {
        return JSON.parse(readFileSync(file(), 'utf8')) as Record<string, string>;
      } catch {
        return {};
      }
    },
    (all) => writeFileSync(file(), JSON.stringify(all), { mode: 0o600 }),
  );
}

type MenuDialog = Pick<Dialog, 'showMessageBox' | 'showErrorBox'>;

/** File › Sync now: a sync at once; a failure or a workbook that is not linked is told in a sentence. */
export async function syncTeamFromMenu(dialog: MenuDialog, team: DesktopTeam): Promise<TeamStatus> {
  const status = await team.syncNow();
  if (!status.linked) {
    await dialog.showMessageBox({ type: 'info', title: 'Sync Now', message: 'This workbook is not linked to a team workbook.', detail: 'File › Connect to Team Workbook… links it (an empty workbook pulls the team’s data).', buttons: ['OK'] });
  } else if (status.offline) {
    dialog.showErrorBox('The team workbook did not answer', `The sync did not finish: ${status.offline}`);
  }
  return status;
}

/** File › Disconnect from team workbook…: native confirmations, then the outcome in a sentence. */
export async function disconnectFromMenu(dialog: MenuDialog, window: () => BrowserWindow | null, team: DesktopTeam) {
  const confirm = async (message: string, detail: string, button: string) => {
    const options = { type: 'warning' as const, title: 'Disconnect', message, detail, buttons: [button, 'Cancel'], defaultId: 1, cancelId: 1, noLink: true };
    const parent = window();
    const { response } = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
    return response === 0;
  };
  const answer = await team.disconnect({ confirm });
  if (answer.message) await dialog.showMessageBox({ type: answer.done ? 'info' : 'warning', title: 'Disconnect', message: answer.message, buttons: ['OK'] });
  if (answer.done) window()?.webContents.send(EVENT_CHANNEL, { type: 'workbook-changed', reason: 'team-disconnect' });
  return answer;
}
