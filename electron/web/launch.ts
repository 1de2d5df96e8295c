// Opening the browser host in a browser without handing the session token, or
// anything that can be traded for it, to another program's arguments (which
// every local user can read in the process list). As Jupyter does: the opener
// gets the path of a launch file, private to this user (0600 in a 0700 folder),
// that redirects to the app with a one-time launch code.
import { spawn as spawnProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const escapeAttribute = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface LaunchFile {
  /** The file: URL to hand to the browser. */
  url: string;
  /** Removes the file and its folder (when the host stops). */
  remove(): void;
}

/** Writes the launch file for `launchUrl` (an address with a one-time code) into a fresh private folder. */
export function writeLaunchFile(launchUrl: string): LaunchFile {
  const dir = mkdtempSync(join(tmpdir(), 'forecast-workbench-launch-'));
  const path = join(dir, 'open-forecast-workbench.html');
  const href = escapeAttribute(launchUrl);
  writeFileSync(
    path,
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><meta http-equiv="refresh" content="0; url=${href}"><title>Forecast Workbench</title></head>\n<body><p>Opening <a href="${href}">Forecast Workbench</a>…</p></body></html>\n`,
    { mode: 0o600, flag: 'wx' },
  );
  return { url: pathToFileURL(path).href, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface OpenerEnvironment {
  platform?: NodeJS.Platform;
  env?: Record<string, string | undefined>;
  spawn?: typeof spawnProcess;
  /** Where to say what went wrong (a person at a terminal). */
  say?: (line: string) => void;
}

/** Hands `target` (the launch file's URL) to the desktop's opener, detached. */
export function openInBrowser(target: string, { platform = process.platform, env = process.env, spawn = spawnProcess, say = (l) => process.stderr.write(`${l}\n`) }: OpenerEnvironment = {}): void {
  const opener = platform === 'darwin' ? 'open' : platform === 'win32' ? 'explorer' : 'xdg-open';
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    say('No display here to open a browser on: open the address above yourself.');
    return;
  }
  const child = spawn(opener, [target], { stdio: 'ignore', detached: true });
  child.on('error', () => say(`Could not start ${opener}: open the address above yourself.`));
  child.unref();
}
