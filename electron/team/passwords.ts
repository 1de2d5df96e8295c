// Where a host keeps the team workbook's password it was given in the Connect dialog
// (issue 15.3): the desktop app in the OS keychain (main/team-password.ts), the browser
// host in its own process's memory only (it has no keychain), so a restart asks libpq's
// conventions (PGPASSWORD, ~/.pgpass, PGSERVICE) or the dialog again. Never the workbook.

export interface TeamPasswordStore {
  /** The password for the team workbook at `url` (without a password), or null when none is kept. */
  get(url: string): string | null;
  set(url: string, password: string): void;
  forget(url: string): void;
  /** Where a password given is kept, for the page's sentences ("this computer’s keychain" when absent). */
  readonly keptIn?: string;
}

/** The browser host's store: a map in this process, gone when it stops. */
export function memoryPasswords(): TeamPasswordStore {
  const kept = new Map<string, string>();
  return {
    keptIn: 'the browser host’s memory until it stops',
    get: (url) => kept.get(url) ?? null,
    set: (url, password) => void kept.set(url, password),
    forget: (url) => void kept.delete(url),
  };
}
