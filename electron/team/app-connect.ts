// Connect to team workbook… and Disconnect, in the desktop app (File menu) and the browser
// host (the page's Team workbook menu) alike (issue 15.3), as plain functions over the open
// workbook's host calls and the host's password store (passwords.ts: the OS keychain, or the
// browser host's memory), so they are tested without Electron. The password typed in the
// dialog goes to that store only: never into the workbook (the link keeps the URL without
// it), an argument, a log or a message (every sentence shown is redacted of it).
import { joinPort, type HostCalls } from './app-sync';
import type { JoinOutcome } from './join';
import { TeamError, redact } from './errors';
import { urlWithPassword, urlWithoutPassword } from './url';
import type { Result } from '../../shared/domain';
import type { TeamConnectAnswer } from '../../shared/team-status';
import type { TeamPasswordStore } from './passwords';

export interface ConnectRequest {
  /** The member's URL, without a password: postgres://LOGIN@HOST:PORT/DATABASE. */
  url: string;
  /** Empty: libpq's conventions give it (PGPASSWORD, ~/.pgpass, PGSERVICE). */
  password: string;
}

export type ConnectAnswer = TeamConnectAnswer;

/**
 * The password for a link's URL: the keychain's first; null lets libpq's conventions give one
 * (connect.ts), so a company's ~/.pgpass or PGSERVICE works in the desktop app too.
 */
export function keychainPasswordFor(passwords: TeamPasswordStore, url: string): string | null {
  try {
    return passwords.get(url);
  } catch {
    return null; // a keychain that cannot decrypt (another user's, a reset one): fall back to libpq's conventions
  }
}

/** Links the open workbook to the team at `url` as fwb team join does, keeping the password in the keychain. */
export async function connectToTeam(backend: HostCalls, passwords: TeamPasswordStore, workbookName: string, request: ConnectRequest): Promise<ConnectAnswer> {
  const password = request.password;
  const fail = (message: string): ConnectAnswer => ({ ok: false, message: redact(message, [password || undefined]) });
  let given: URL;
  try {
    given = new URL(request.url.trim());
  } catch {
    return fail('Give the team workbook’s address as postgres://LOGIN@HOST:PORT/DATABASE (your login, the server and its database).');
  }
  if (given.password) {
    // The URL is what the workbook keeps: a password in it would be written into the file.
    return fail(`Type the password in the password field, not in the address: the address is kept in the workbook, the password only in ${passwords.keptIn ?? 'this computer’s keychain'}.`);
  }
  const [{ connectTarget }, { joinTeam }] = await Promise.all([import('./connect'), import('./join')]);
  let key: string;
  try {
    key = urlWithoutPassword(connectTarget(given.toString()).url); // the link's URL, as joinTeam records it
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  const before = keychainPasswordFor(passwords, key);
  try {
    // Kept first, so a computer without a keychain is told before anything is linked.
    if (password !== '') passwords.set(key, password);
  } catch (err) {
    return fail(`${(err as Error).message} Then leave the password field empty.`);
  }
  try {
    const done = await joinTeam(password !== '' ? urlWithPassword(given.toString(), password) : given.toString(), joinPort(backend), workbookName);
    return { ok: true, how: done.how, login: done.login, role: done.role, url: done.url, message: joinedSentence(workbookName, done) };
  } catch (err) {
    // A wrong password is not kept; one that worked before stays.
    if (password !== '') {
      if (before !== null) passwords.set(key, before);
      else passwords.forget(key);
    }
    if (err instanceof TeamError) return fail(err.message);
    return fail(`Could not connect ${workbookName} to the team workbook: ${(err as Error).message ?? String(err)}. Nothing was linked; check the address and try again.`);
  }
}

function joinedSentence(workbookName: string, done: JoinOutcome): string {
  const who = `as ${done.login} (${done.role})`;
  if (done.how === 'published') return `${workbookName} published its data to the team workbook at ${done.url} ${who}; it is now the team's replica.`;
  if (done.how === 'empty') return `${workbookName} joined the team workbook at ${done.url} ${who}; the team holds no data yet.`;
  if (done.how === 'resumed') return `${workbookName} caught up with the team workbook at ${done.url} ${who}.`;
  return `${workbookName} joined the team workbook at ${done.url} ${who} and pulled the team's data.`;
}

export interface UnlinkOutcome {
  url: string | null;
  login: string | null;
  unsent: { decisions: number; reviews: number };
  unsentChanges?: number;
}

export interface DisconnectDialogs {
  /** Asks once; true to go on. */
  confirm(message: string, detail: string, button: string): Promise<boolean>;
}


export type DisconnectAnswer = { done: true; message: string } | { done: false; message: string | null };

/**
 * Disconnect: asks, then unlinks (backend team-replica/state.ts unlinkTeam). Unsent decisions
 * refuse it with the backend's sentence; the person is then asked again, and only a second yes
 * keeps them in this workbook alone. The keychain's password for the team is forgotten.
 */
export async function disconnectFromTeam(backend: HostCalls, passwords: TeamPasswordStore, workbookName: string, dialogs: DisconnectDialogs, syncNowAt: string): Promise<DisconnectAnswer> {
  const state = await joinPort(backend).state();
  if (!state.link) return { done: false, message: `${workbookName} is not linked to a team workbook.` };
  const { url, login } = state.link;
  const go = await dialogs.confirm(
    `Disconnect ${workbookName} from the team workbook?`,
    `It stops syncing with ${url} as ${login} and becomes a single-seat workbook again. What it holds stays: the team's data, the decisions and what the team answered. It cannot join the team again: to work with the team later, connect a new, empty workbook.`,
    'Disconnect',
  );
  if (!go) return { done: false, message: null };
  let r: Result<unknown> = await backend.hostCall('unlinkTeam', { keepUnsent: false, syncNowAt });
  if (!r.ok && r.error.code === 'INPUT_REJECTED') {
    const keep = await dialogs.confirm('Disconnect with decisions the team has not received?', r.error.message, 'Disconnect Anyway');
    if (!keep) return { done: false, message: null };
    r = await backend.hostCall('unlinkTeam', { keepUnsent: true, syncNowAt });
  }
  if (!r.ok) return { done: false, message: r.error.message };
  passwords.forget(url);
  const out = r.value as UnlinkOutcome;
  const kept = out.unsent.decisions + out.unsent.reviews;
  const changes = out.unsentChanges ?? 0;
  const stay = [kept > 0 ? `${kept} unsent decision${kept === 1 ? '' : 's'}` : '', changes > 0 ? `${changes} unsent change${changes === 1 ? '' : 's'}` : ''].filter(Boolean).join(' and ');
  return { done: true, message: `${workbookName} is no longer linked to ${url}${stay ? `; ${stay} stay in this workbook only` : ''}.` };
}
