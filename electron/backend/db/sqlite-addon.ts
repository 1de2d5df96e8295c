// better-sqlite3's compiled addon, named by its path for `new Database(…, { nativeBinding })`.
// Left to itself the package finds it through the `bindings` package, which reads a
// stack trace for its caller's folder and first tries two other build folders, each a
// failed require: several milliseconds of every fwb call, each a process of its own.
// Electron (whose packaged app keeps the addon unpacked beside its archive) and an
// addon anywhere but where `npm install` builds it keep the package's own lookup.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

let addonPath: string | undefined | null = null;

/** The addon's file where npm builds it (node_modules/better-sqlite3/build/Release), or undefined for the package's own lookup. */
export function sqliteAddon(): string | undefined {
  if (addonPath === null) {
    addonPath = undefined;
    if (process.versions.electron === undefined) {
      try {
        const file = createRequire(import.meta.url)
          .resolve('better-sqlite3')
          .replace(/lib[\\/]index\.js$/, 'build/Release/better_sqlite3.node');
        if (file.endsWith('.node') && existsSync(file)) addonPath = file;
      } catch {
        // Not resolvable from here: the package's own lookup says why, if it fails too.
      }
    }
  }
  return addonPath;
}
