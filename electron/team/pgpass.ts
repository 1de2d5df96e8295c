// libpq's password file, read here rather than by node-postgres (whose own reading is
// deprecated and warns on every connection): PGPASSFILE, else ~/.pgpass; lines of
// host:port:database:user:password, `*` matching anything, `\:` and `\\` escaped. As
// libpq does, a file others may read is ignored (on Unix).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface PassKey {
  host: string;
  port: string;
  database: string;
  user: string;
}

function fields(line: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '\\' && i + 1 < line.length) current += line[++i];
    else if (ch === ':' && out.length < 4) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out;
}

/** The password the file's first matching line gives, if any. */
export function passwordFromFileText(text: string, key: PassKey): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const f = fields(line);
    if (f.length < 5) continue;
    const [host, port, database, user, password] = f as [string, string, string, string, string];
    const match = (pattern: string, value: string) => pattern === '*' || pattern === value;
    if (match(host, key.host) && match(port, key.port) && match(database, key.database) && match(user, key.user)) return password;
  }
  return undefined;
}

export function passwordFromFile(key: PassKey): string | undefined {
  const file = process.env.PGPASSFILE || join(homedir(), '.pgpass');
  if (!existsSync(file)) return undefined;
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) return undefined;
  return passwordFromFileText(readFileSync(file, 'utf8'), key);
}
