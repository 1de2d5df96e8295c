// What the page is told of a linked workbook's team sync. The sync itself runs in the
// host (the browser host, the desktop app's main process), never in the backend or the
// page: the backend does not reach the team's server (layering rule), the page never
// holds a connection. These two calls are the host's, beside the contract's methods.
import type { TeamConflict, TeamRefusal } from './team-journal';
import type { TeamRole } from './team-sync';

/** Where each host offers Sync Now (the browser host has no File menu), for every sentence and tooltip that sends a person there. */
export const SYNC_NOW_AT = { desktop: 'File › Sync Now', browser: 'Team workbook › Sync Now' } as const;

export const TEAM_PAGE_METHODS = ['teamStatus', 'syncNow'] as const;
export type TeamPageMethod = (typeof TEAM_PAGE_METHODS)[number];
export const isTeamPageMethod = (m: string): m is TeamPageMethod => (TEAM_PAGE_METHODS as readonly string[]).includes(m);
/** The browser host's Connect and Disconnect, host calls like the two above (the desktop app has IPC channels for them). */
export const TEAM_HOST_METHODS = ['teamConnect', 'teamDisconnect'] as const;
export type TeamHostMethod = (typeof TEAM_HOST_METHODS)[number];
export const isTeamHostMethod = (m: string): m is TeamHostMethod => (TEAM_HOST_METHODS as readonly string[]).includes(m);

export interface TeamStatus {
  linked: boolean;
  login: string | null;
  role: TeamRole | null;
  /** The server's address, without a password. */
  url: string | null;
  unsent: { decisions: number; reviews: number };
  /** A manager's policy, reason-code and release changes waiting for the next sync (absent: none). */
  unsentChanges?: number;
  syncing: boolean;
  /** The last sync that finished: when (ISO) and how. */
  lastSync: { at: string; ok: boolean; pushed: number; pulled: number } | null;
  /** Set while the server does not answer: the reason in one sentence. */
  offline: string | null;
  conflicts: TeamConflict[];
  /** Refusals the workbook keeps for this login, newest last. */
  refusals: TeamRefusal[];
}

/** Seconds between syncs while the server answers (TEAM.md); offline, the wait doubles up to the cap. */
export const SYNC_EVERY_S = 30;
export const OFFLINE_RETRY_CAP_S = 300;

/** The desktop app's IPC channels for the team calls (electron/main/team-menu.ts, the preload's bridge). */
export const teamPageChannel = (method: TeamPageMethod) => `workbench:team:${method}`;
/** The Connect dialog's answer: { url, password } → ConnectAnswer (the password goes to the keychain). */
export const TEAM_CONNECT_CHANNEL = 'workbench:team:connect';
/** Main → page: File › Connect to team workbook… was chosen; the page shows its dialog. */
export const TEAM_CONNECT_REQUEST_CHANNEL = 'workbench:team:connect-requested';

/** What the desktop app answers a Connect dialog. */
export type TeamConnectAnswer = { ok: true; how: string; login: string; role: string; url: string; message: string } | { ok: false; message: string };

/** What Disconnect answers the page: done, or not (unsent: decisions the team has not received; ask again, then keepUnsent). */
export type TeamDisconnectAnswer = { done: true; message: string } | { done: false; message: string | null; unsent?: boolean };
