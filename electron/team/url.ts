// A team URL with and without its password. Plain string work, no driver: the hosts load it at start.

/**
 * The URL with `password` put in it, for the desktop app, whose password comes from the OS
 * keychain rather than libpq's conventions. Only ever handed to connectTeam, never shown:
 * every message built from it goes through shownUrl/redact.
 */
export function urlWithPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** The URL without any password in it, as a link keeps it and as a keychain entry is named. */
export function urlWithoutPassword(url: string): string {
  const u = new URL(url);
  u.password = '';
  return u.toString();
}
