// Connecting to the team's PostgreSQL the way libpq does, so that what a company set
// up for psql works for fwb too: the URL names the server, the login and the database;
// the password comes from the URL, the service file, PGPASSWORD or the password file
// (PGPASSFILE or ~/.pgpass, pgpass.ts), in libpq's order; PGSERVICE (or `service=` in
// the URL) names a section of the connection service file (pg-service.ts), which
// node-postgres does not read. No password ever appears in what we print.
import pg from 'pg';
import { parse as parseConnectionString, toClientConfig } from 'pg-connection-string';
import { userInfo } from 'node:os';
import { TeamError, redact, shownUrl } from './errors';
import { serviceSettings } from './pg-service';
import { passwordFromFile } from './pgpass';

export type TeamClient = pg.Client;

export interface ConnectTarget {
  /** The URL as given, with what the service file adds. */
  url: string;
  /** The URL as it may be shown. */
  shown: string;
  password: string | undefined;
}

/** The URL to connect to: the given one, completed from the connection service file where it names a service. */
export function connectTarget(given: string): ConnectTarget {
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new TeamError(`"${redact(given)}" is not a PostgreSQL URL: give one like postgres://LOGIN@HOST:PORT/DATABASE.`, 'rejected');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new TeamError(`"${shownUrl(given)}" is not a PostgreSQL URL (it starts with ${url.protocol}//): give one like postgres://LOGIN@HOST:PORT/DATABASE.`, 'rejected');
  }
  const service = url.searchParams.get('service') ?? process.env.PGSERVICE;
  url.searchParams.delete('service');
  let password = url.password ? decodeURIComponent(url.password) : undefined;
  if (service) {
    const s = serviceSettings(service);
    // As in libpq: what the URL says wins over the service file.
    if (!url.hostname && s.host) url.hostname = s.host;
    if (!url.port && s.port) url.port = s.port;
    if (!url.username && s.user) url.username = encodeURIComponent(s.user);
    if ((url.pathname === '' || url.pathname === '/') && s.dbname) url.pathname = `/${encodeURIComponent(s.dbname)}`;
    if (!url.searchParams.has('sslmode') && s.sslmode) url.searchParams.set('sslmode', s.sslmode);
    if (password === undefined && s.password) password = s.password;
  }
  // Never unencrypted over a network unless asked for: a non-loopback host without an sslmode
  // (here or in PGSSLMODE) gets sslmode=require, so a server without TLS is refused in a sentence.
  if (!isLoopback(url.hostname || process.env.PGHOST || 'localhost') && !url.searchParams.has('sslmode') && !process.env.PGSSLMODE) {
    url.searchParams.set('sslmode', 'require');
  }
  return { url: url.toString(), shown: shownUrl(url.toString()), password };
}

/** This machine: a loopback address, localhost, or a Unix socket folder. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h.startsWith('/');
}

/** Opens a connection, or throws a TeamError that says what to do (never with the password). */
export async function connectTeam(given: string): Promise<TeamClient> {
  const target = connectTarget(given);
  // libpq's meaning of sslmode (require: encrypted, certificate not checked), not node-postgres's own.
  const config: pg.ClientConfig = toClientConfig(parseConnectionString(target.url, { useLibpqCompat: true }));
  const key = {
    host: config.host || process.env.PGHOST || 'localhost',
    port: String(config.port ?? process.env.PGPORT ?? 5432),
    database: config.database || process.env.PGDATABASE || '',
    user: config.user || process.env.PGUSER || userInfo().username,
  };
  const password = target.password ?? process.env.PGPASSWORD ?? passwordFromFile({ ...key, database: key.database || key.user });
  // A function: node-postgres asks for it only when the server wants a password.
  config.password = async () => {
    if (password === undefined) throw new TeamError(missingPassword(key.user, `${key.host}:${key.port}`));
    return password;
  };
  const client = new pg.Client({ ...config, application_name: 'fwb', connectionTimeoutMillis: 15_000 });
  // A connection that breaks later reports through 'error'; the failing query throws too.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw connectionFailure(err, target);
  }
  return client;
}

/** Runs `work` on a connection and closes it, whatever happens. */
export async function withTeam<T>(url: string, work: (client: TeamClient) => Promise<T>): Promise<T> {
  const client = await connectTeam(url);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

function describeTarget(target: ConnectTarget): { login: string; where: string; database: string } {
  const u = new URL(target.url);
  return {
    login: decodeURIComponent(u.username) || process.env.PGUSER || 'your OS user name',
    where: `${u.hostname || process.env.PGHOST || 'localhost'}:${u.port || process.env.PGPORT || '5432'}`,
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || process.env.PGDATABASE || 'the login’s own database',
  };
}

function missingPassword(login: string, where: string): string {
  return `The server at ${where} asks login "${login}" for a password and none was found: set PGPASSWORD, add a line for it to ~/.pgpass (or the file PGPASSFILE names), or name a PGSERVICE that gives one.`;
}

/** A connection failure as a sentence. */
export function connectionFailure(err: unknown, target: ConnectTarget): TeamError {
  const e = err as { code?: string; message?: string };
  const { login, where, database } = describeTarget(target);
  const secrets = [target.password, process.env.PGPASSWORD];
  const detail = redact(e.message ?? String(err), secrets);
  switch (e.code) {
    case 'ECONNREFUSED':
    case 'ECONNRESET':
      return new TeamError(`No PostgreSQL server answers at ${where} (connection refused): check the host and port in ${target.shown} and that the server is running.`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new TeamError(`The host in ${target.shown} is not known (${where}): check its spelling and the network.`);
    case 'ETIMEDOUT':
      return new TeamError(`The PostgreSQL server at ${where} did not answer in time: check the network, a firewall, or the host and port in ${target.shown}.`);
    case '28P01':
    case '28000':
      return new TeamError(
        `The server at ${where} refused the login "${login}" to database "${database}": wrong password, or no access for this login (the server says: ${detail}). Check the password (PGPASSWORD, ~/.pgpass or the URL) and that the login exists.`,
      );
    case '3D000':
      return new TeamError(`The server at ${where} has no database "${database}": check the database name at the end of ${target.shown}.`);
    case '57P03':
      return new TeamError(`The PostgreSQL server at ${where} is starting up or shutting down: try again in a moment.`);
  }
  if (err instanceof TeamError) return err;
  if (/does not support SSL/i.test(detail)) {
    return new TeamError(
      `The server at ${where} does not offer encryption (TLS), which fwb asks for over a network: ask its administrator to turn on SSL, or add ?sslmode=disable to the URL to connect unencrypted on a network you trust.`,
    );
  }
  if (/timeout/i.test(detail)) return new TeamError(`The PostgreSQL server at ${where} did not answer in time: check the network, a firewall, or the host and port in ${target.shown}.`);
  return new TeamError(`Could not connect to ${target.shown}: ${detail}.`);
}

/**
 * A connection lost after it was open (the server stopped, crashed or was restarted, the
 * network cut) as a sentence, or null for any other failure. pg says "Connection terminated
 * unexpectedly" (or, for a query after that, "… is not queryable") with no code; a server
 * shutting down sends 57P01–57P03 first.
 */
export function lostConnection(err: unknown, url: string): TeamError | null {
  const e = err as { code?: string; message?: string };
  const lost = /^Connection terminated|connection error and is not queryable/i.test(e?.message ?? '') || ['ECONNRESET', 'EPIPE', 'ECONNREFUSED', '57P01', '57P02', '57P03'].includes(e?.code ?? '') || (e?.code ?? '').startsWith('08');
  if (!lost) return null;
  const target = connectTarget(url);
  const { where } = describeTarget(target);
  const detail = redact((e.message ?? String(err)).replace(/\.$/, ''), [target.password, process.env.PGPASSWORD]);
  return new TeamError(`The team's server at ${where} stopped answering in the middle of the sync (${detail.charAt(0).toLowerCase()}${detail.slice(1)}). What it answered before is recorded in the workbook; sync again once the server is back.`);
}
