// libpq's connection service file, which node-postgres does not read: PGSERVICE=NAME
// (or `service=NAME` in the URL) takes the settings of section [NAME] from the file
// PGSERVICEFILE names, else ~/.pg_service.conf, else pg_service.conf in PGSYSCONFDIR
// (libpq's order: the first file that has the section wins).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TeamError } from './errors';

export interface ServiceSettings {
  host?: string;
  port?: string;
  dbname?: string;
  user?: string;
  password?: string;
  sslmode?: string;
}

function serviceFiles(): string[] {
  const files: string[] = [];
  if (process.env.PGSERVICEFILE) files.push(process.env.PGSERVICEFILE);
  else files.push(join(homedir(), '.pg_service.conf'));
  files.push(join(process.env.PGSYSCONFDIR ?? '/etc/postgresql-common', 'pg_service.conf'));
  return files;
}

/** The section `name` of a service file's text, or null when the file has no such section. */
export function parseServiceSection(text: string, name: string): Record<string, string> | null {
  let inSection = false;
  let found: Record<string, string> | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      inSection = header[1] === name;
      if (inSection) found = {};
      continue;
    }
    const eq = line.indexOf('=');
    if (inSection && found && eq > 0) found[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return found;
}

/** The settings of service `name`; a service nobody defined is refused with the files looked in. */
export function serviceSettings(name: string): ServiceSettings {
  const files = serviceFiles();
  for (const file of files) {
    if (!existsSync(file)) continue;
    const section = parseServiceSection(readFileSync(file, 'utf8'), name);
    if (section) return section;
  }
  throw new TeamError(`No connection service "${name}" (PGSERVICE) is defined in ${files.join(' or ')}: add a [${name}] section, or give the full URL.`, 'rejected');
}
