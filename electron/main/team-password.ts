// The seam for a team workbook's password in the desktop app (issue 15.3): kept in the OS
// keychain through Electron's safeStorage, in a file of the user's data folder that holds
// only the encrypted bytes, never in the workbook, an argument, a log or an error.
// Main's team sync and File › Connect (team-menu.ts, team-connect.ts) take the password from
// here first, then libpq's conventions (connect.ts).
import type { SafeStorage } from 'electron';

import type { TeamPasswordStore } from '../team/passwords';

export type { TeamPasswordStore };

/** A store of encrypted passwords, keyed by URL; `load`/`save` read and write the user's data file. */
export function keychainPasswords(safeStorage: Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'>, load: () => Record<string, string>, save: (all: Record<string, string>) => void): TeamPasswordStore {
  const ready = () => {
    if (!safeStorage.isEncryptionAvailable()) throw new Error('This computer offers no keychain to keep the team password in: set PGPASSWORD or use ~/.pgpass instead.');
  };
  return {
    get(url) {
      const stored = load()[url];
      if (stored === undefined || !safeStorage.isEncryptionAvailable()) return null;
      return safeStorage.decryptString(Buffer.from(stored, 'base64'));
    },
    set(url, password) {
      ready();
      save({ ...load(), [url]: safeStorage.encryptString(password).toString('base64') });
    },
    forget(url) {
      const all = load();
      delete all[url];
      save(all);
    },
  };
}
