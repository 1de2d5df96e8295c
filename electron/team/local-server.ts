// A PostgreSQL server of our own on this machine: for the tests (a throwaway one in a
// fresh folder under /tmp) and for `fwb team dev-server` (one kept in a folder the user
// names, created on first use and started again on later uses). Real teams point
// `fwb team init` at the server their company runs; this is for trying and testing.
//
// Debian's (and most Linux distributions') server binaries live in
// /usr/lib/postgresql/<major>/bin; FWB_PG_BIN names another folder, and initdb on the
// PATH (Homebrew, Postgres.app, a source build) is used when neither is there.
// PostgreSQL refuses to run as root, so as root the server runs as the `postgres`
// OS user (runuser), in a folder that user can reach.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { TeamError } from './errors';

/** The admin login every local server is created with. */
export const LOCAL_ADMIN = 'fwb_admin';
const PASSWORD_FILE = 'admin-password';
const PASSFILE = 'admin.pgpass';
const DATA = 'pg';
const LOG = 'server.log';

export interface LocalServer {
  /** The admin URL without its password (the password is in `password`, and in `passfile` in libpq's format). */
  url: string;
  /** The admin URL with its password, for the one line a person asked for. */
  urlWithPassword: string;
  password: string;
  passfile: string;
  port: number;
  dir: string;
  version: string;
  /** The server's log file. */
  log: string;
  /** Stops the server (fast shutdown: open sessions are ended, nothing is lost). Safe to call twice. */
  stop(): void;
}

export interface LocalServerOptions {
  /** Where the server keeps its data; created when missing. */
  dir: string;
  /** The port on 127.0.0.1; default a free one. */
  port?: number;
  /** Trade durability for speed (fsync off): for throwaway test servers only. */
  throwaway?: boolean;
  /** More server settings (`name=value`), e.g. log_statement=all for a test that reads the log. */
  settings?: string[];
}

const INSTALL_HINT =
  'PostgreSQL 14 or newer is needed: on Debian or Ubuntu "apt-get install postgresql", on macOS "brew install postgresql@16", or set FWB_PG_BIN to the folder holding initdb and pg_ctl';

/** The folder with initdb, pg_ctl and postgres: of `major` where given and installed (a data folder runs only under its own major), else the newest. */
export function findServerBinaries(major?: string): string {
  const named = process.env.FWB_PG_BIN;
  if (named) {
    if (!existsSync(join(named, 'pg_ctl'))) throw new TeamError(`FWB_PG_BIN is ${named}, which holds no pg_ctl. ${INSTALL_HINT}.`);
    return named;
  }
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const majors = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v) && existsSync(join(debian, v, 'bin', 'pg_ctl')))
      .sort((a, b) => Number(b) - Number(a));
    if (major !== undefined && majors.includes(major)) return join(debian, major, 'bin');
    if (majors.length > 0) return join(debian, majors[0]!, 'bin');
  }
  const onPath = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' });
  if (onPath.status === 0 && onPath.stdout.trim()) return resolve(onPath.stdout.trim(), '..');
  throw new TeamError(`No PostgreSQL server is installed on this machine (no /usr/lib/postgresql/*/bin, no pg_ctl on the PATH). ${INSTALL_HINT}.`);
}

/** A port nobody listens on at 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

interface OsUser {
  uid: number;
  gid: number;
}

function postgresUser(): OsUser {
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) {
    throw new TeamError('PostgreSQL does not run as root, and this machine has no "postgres" OS user to run it as: run fwb as an ordinary user, or install PostgreSQL from the distribution (which creates that user).');
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Runs a server binary: as the `postgres` OS user when we are root. Arguments never hold a password. */
function runBinary(bin: string, name: string, args: string[]): SpawnSyncReturns<string> {
  const command = join(bin, name);
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  // The server's children must not keep our stdout open (a caller reading it to its end would wait for ever).
  return spawnSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
}

function lastLines(text: string, n = 4): string {
  return text.trim().split('\n').slice(-n).join(' / ');
}

/** Makes a folder the server may write: its own when we run as ourselves, the postgres user's when we are root. */
function serverOwned(path: string, owner: OsUser | null, mode: number): void {
  mkdirSync(path, { recursive: true, mode });
  chmodSync(path, mode);
  if (owner) chownSync(path, owner.uid, owner.gid);
}

function serverVersion(bin: string): string {
  const out = spawnSync(join(bin, 'postgres'), ['--version'], { encoding: 'utf8' });
  return /(\d+(?:\.\d+)?)/.exec(out.stdout ?? '')?.[1] ?? 'unknown';
}

function adminUrl(port: number, password?: string): string {
  const who = password === undefined ? LOCAL_ADMIN : `${LOCAL_ADMIN}:${encodeURIComponent(password)}`;
  return `postgres://${who}@127.0.0.1:${port}/postgres`;
}

/**
 * Creates the server in `dir` on first use (initdb, a generated admin password kept in
 * `dir` readable by this user only) and starts it; later calls with the same folder start
 * the same server again.
 */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const dir = resolve(options.dir);
  const versionFile = join(dir, DATA, 'PG_VERSION');
  const madeBy = existsSync(versionFile) ? readFileSync(versionFile, 'utf8').trim() : undefined;
  const bin = findServerBinaries(madeBy);
  const installed = serverVersion(bin);
  if (madeBy !== undefined && installed.split('.')[0] !== madeBy) {
    throw new TeamError(`The server in ${join(dir, DATA)} was made by PostgreSQL ${madeBy}, and this machine runs ${installed}, which cannot open it: install PostgreSQL ${madeBy}'s server (or set FWB_PG_BIN to it), or choose another --dir.`);
  }
  const owner = asRoot ? postgresUser() : null;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // As root the postgres user must pass through the folder to its data (and no further).
  if (owner) {
    chmodSync(dir, 0o711);
    if (spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-x', dir]).status !== 0) {
      throw new TeamError(
        `As root, fwb runs the PostgreSQL server as the "postgres" OS user, which cannot reach ${dir} (a folder above it is closed to other users): choose a folder it can reach, such as one under /tmp.`,
      );
    }
  }
  const data = join(dir, DATA);
  const passwordPath = join(dir, PASSWORD_FILE);

  if (!existsSync(join(data, 'PG_VERSION'))) {
    if (existsSync(data) && readdirSync(data).length > 0) {
      throw new TeamError(`${data} holds files but no PostgreSQL data: move them away or choose another --dir.`);
    }
    const password = randomBytes(18).toString('base64url');
    writeFileSync(passwordPath, `${password}\n`, { mode: 0o600 });
    chmodSync(passwordPath, 0o600);
    serverOwned(data, owner, 0o700);
    // initdb reads the password from a file the server's user can read, removed right after.
    const pwfile = join(dir, `.initdb-pw-${process.pid}`);
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (owner) chownSync(pwfile, owner.uid, owner.gid);
    try {
      const init = runBinary(bin, 'initdb', ['-D', data, '-U', LOCAL_ADMIN, '-A', 'scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C', ...(options.throwaway ? ['--no-sync'] : [])]);
      if (init.status !== 0) {
        const why = init.error?.message ?? lastLines(init.stderr);
        rmSync(data, { recursive: true, force: true });
        throw new TeamError(`Could not create a PostgreSQL server in ${data}: ${why}.`);
      }
    } finally {
      rmSync(pwfile, { force: true });
    }
  }
  if (!existsSync(passwordPath)) throw new TeamError(`${dir} holds a PostgreSQL server but not its admin password (${PASSWORD_FILE}): choose another --dir for a new server.`);
  const password = readFileSync(passwordPath, 'utf8').trim();
  if (runBinary(bin, 'pg_ctl', ['-D', data, 'status']).status === 0) {
    throw new TeamError(`The PostgreSQL server in ${data} is already running (another fwb team dev-server?): stop that one with Ctrl-C, or with "pg_ctl -D ${data} stop".`);
  }
  const port = options.port ?? (await freePort());
  const log = join(dir, LOG);
  if (!existsSync(log)) writeFileSync(log, '', { mode: 0o600 });
  if (owner) chownSync(log, owner.uid, owner.gid);

  const settings = [
    `-p ${port}`,
    `-k '${data}'`,
    '-c listen_addresses=127.0.0.1',
    // Small: the machines running tests and trials share their cores and memory.
    '-c shared_buffers=32MB',
    '-c max_connections=60',
    ...(options.throwaway ? ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'] : []),
    ...(options.settings ?? []).map((s) => `-c ${s}`),
  ].join(' ');
  const start = runBinary(bin, 'pg_ctl', ['-D', data, '-o', settings, '-l', log, '-w', '-t', '60', 'start']);
  if (start.status !== 0) {
    // pg_ctl only says to look at the log: the reason is there.
    const fromLog = existsSync(log) ? lastLines(readFileSync(log, 'utf8'), 2) : '';
    const busy = /already in use|could not bind|could not create any TCP\/IP sockets/i.test(fromLog) ? ` Port ${port} is taken: pass another --port.` : '';
    throw new TeamError(`The PostgreSQL server in ${data} did not start (${log} says: ${fromLog || lastLines(start.stderr || start.stdout, 2)}).${busy}`);
  }
  const passfile = join(dir, PASSFILE);
  writeFileSync(passfile, `127.0.0.1:${port}:*:${LOCAL_ADMIN}:${password.replace(/([:\\])/g, '\\$1')}\n`, { mode: 0o600 });
  chmodSync(passfile, 0o600);

  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    runBinary(bin, 'pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
  };
  return { url: adminUrl(port), log, urlWithPassword: adminUrl(port, password), password, passfile, port, dir, version: installed, stop };
}
