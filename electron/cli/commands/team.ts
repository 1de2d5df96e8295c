// fwb team init | add-user | remove-user | dev-server: setting up a team workbook on PostgreSQL.
// Parsing and printing only; the work is in electron/team.
import { parseArgs } from 'node:util';
import { TeamError, redact } from '../../team/errors';
import { EXIT, UsageError, positiveInt, type CliIo, type ExitCode } from '../io';
import { readStdin } from '../person';
import { TEAM_USAGE } from '../usage';

type Values = Record<string, string | boolean | undefined>;

/** A password is never taken on the command line, where every program of the machine can read it. */
function refusePasswordInArgv(argv: readonly string[]): void {
  if (argv.some((a) => a === '--password' || a.startsWith('--password='))) {
    throw new UsageError('a password is never taken on the command line (other programs can read it there): use --password-stdin');
  }
}

function required(values: Values, name: string, what: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} ${what} is required`);
  return v;
}

async function init(argv: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({ args: argv, options: { url: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true });
  const url = required(values, 'url', 'ADMIN_URL');
  const { initTeam } = await import('../../team/init');
  const done = await initTeam(url);
  if (values.json) io.stdout.write(`${JSON.stringify(done)}\n`);
  else if (done.created) {
    io.stdout.write(
      `Team workbook created in database "${done.database}" (PostgreSQL ${done.serverVersion}, schema fwb version ${done.schemaVersion}, owned by ${done.roles[0]}; group roles ${done.roles.slice(1).join(', ')}).\n` +
        `Next: fwb team add-user --url ADMIN_URL --user LOGIN --name "Full Name" --role planner|manager|analyst --password-stdin\n`,
    );
  } else if (done.upgradedFrom !== undefined) {
    io.stdout.write(`Team workbook in database "${done.database}" upgraded from schema fwb version ${done.upgradedFrom} to ${done.schemaVersion}.\n`);
  } else io.stdout.write(`Database "${done.database}" already holds the team workbook (schema fwb version ${done.schemaVersion}): nothing changed.\n`);
  return EXIT.ok;
}

async function addUserCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  refusePasswordInArgv(argv);
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      user: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const url = required(values, 'url', 'ADMIN_URL');
  const login = required(values, 'user', 'LOGIN');
  const role = required(values, 'role', 'planner|manager|analyst');
  const { addUser, TEAM_ROLES } = await import('../../team/users');
  if (!(TEAM_ROLES as string[]).includes(role)) throw new UsageError(`--role must be one of ${TEAM_ROLES.join(', ')}, got "${role}"`);
  const password = values['password-stdin'] ? await readStdin(io) : undefined;
  const done = await addUser(url, { login, role: role as (typeof TEAM_ROLES)[number], ...(values.name !== undefined ? { name: values.name } : {}), ...(password !== undefined ? { password } : {}) });
  if (values.json) io.stdout.write(`${JSON.stringify(done)}\n`);
  else {
    const what = {
      created: `created, ${done.role}`,
      joined: `an existing login of the server, joined the team as ${done.role}`,
      'role changed': `now ${done.role} (was ${done.previousRole})`,
      reactivated: `back in the team as ${done.role}`,
      unchanged: `already ${done.role}`,
    }[done.change];
    io.stdout.write(`${done.login} (${done.name}): ${what}${done.passwordSet && done.change !== 'created' ? '; password replaced' : ''}.\n`);
  }
  return EXIT.ok;
}

async function removeUserCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({ args: argv, options: { url: { type: 'string' }, user: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true });
  const url = required(values, 'url', 'ADMIN_URL');
  const login = required(values, 'user', 'LOGIN');
  const { removeUser } = await import('../../team/users');
  const done = await removeUser(url, login);
  if (values.json) io.stdout.write(`${JSON.stringify(done)}\n`);
  else io.stdout.write(`${done.login} (${done.name}, ${done.role}): ${done.alreadyRemoved ? 'was already removed' : 'can no longer sign in; their decisions keep their name'}.\n`);
  return EXIT.ok;
}

async function devServer(argv: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({ args: argv, options: { dir: { type: 'string' }, port: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true });
  const dir = required(values, 'dir', 'D');
  const port = values.port === undefined ? undefined : positiveInt('port', values.port, 0);
  if (port !== undefined && port > 65535) throw new UsageError(`--port must be at most 65535, got "${values.port}"`);
  const { startLocalServer } = await import('../../team/local-server');
  const server = await startLocalServer({ dir, ...(port !== undefined ? { port } : {}) });
  const stopped = new Promise<void>((resolve) => {
    // Signal handlers alone do not keep Node running: this timer does, until a signal comes.
    const alive = setInterval(() => {}, 1 << 30);
    const stop = () => {
      io.stderr.write('Stopping the PostgreSQL server…\n');
      server.stop();
      clearInterval(alive);
      resolve();
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, stop);
  });
  // The URL line is what the person asked for; the password is in it, and nowhere else we print.
  if (values.json) io.stdout.write(`${JSON.stringify({ url: server.urlWithPassword, port: server.port, dir: server.dir, passfile: server.passfile, version: server.version })}\n`);
  else io.stdout.write(`PostgreSQL ${server.version} for a trial at ${server.urlWithPassword}\n`);
  io.stderr.write(
    `Data in ${server.dir}. For commands without the password in them: PGPASSFILE=${server.passfile} fwb team init --url ${server.url}\nCtrl-C stops the server.\n`,
  );
  await stopped;
  return EXIT.ok;
}

/** FWB_TEAM_PAGE_ROWS: rows per page of a pull (default join.ts's PULL_PAGE_ROWS), for tuning and for tests that stop a pull between pages. */
function pageRows(): { pageRows?: number } {
  const n = Number(process.env.FWB_TEAM_PAGE_ROWS);
  return Number.isInteger(n) && n > 0 ? { pageRows: n } : {};
}

async function join(argv: string[], io: CliIo): Promise<ExitCode> {
  refusePasswordInArgv(argv);
  const { values } = parseArgs({ args: argv, options: { db: { type: 'string' }, url: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true });
  const dbPath = required(values, 'db', 'FILE');
  const url = required(values, 'url', 'MEMBER_URL');
  const [{ joinTeam, teamGrain }, { withClient }, { basename }, { existsSync }] = await Promise.all([import('../../team/join'), import('../client'), import('node:path'), import('node:fs')]);
  // A file that does not exist yet is created: an empty workbook of the team's grain, which pulls the team's data.
  const grain = existsSync(dbPath) ? undefined : await teamGrain(url);
  const done = await withClient({ dbPath, access: 'write', ...(grain ? { grain } : {}) }, (client) =>
    joinTeam(
      url,
      {
        state: () => client.host('teamReplicaState', {}),
        publicationPage: (table, after, limit) => client.host('teamPublicationPage', { table, after, limit }),
        link: (link, marks) => client.host('recordTeamLink', { link, marks }),
        applyPage: (page) => client.host('applyTeamPage', page),
        finishPull: () => client.host('finishTeamPull', {}),
        applyJournalPage: (page) => client.host('applyTeamJournalPage', page),
        keepOnlyTeamRules: (rules) => client.host('keepOnlyTeamRules', rules),
      },
      basename(dbPath),
      pageRows(),
    ),
  );
  if (values.json) {
    io.stdout.write(`${JSON.stringify(done)}\n`);
    return EXIT.ok;
  }
  const n = (x: number | undefined) => (x ?? 0).toLocaleString('en-US');
  const who = `as ${done.login} (${done.role})`;
  if (done.how === 'published' && done.published) {
    const p = done.published;
    io.stdout.write(`${dbPath} published to the team workbook at ${done.url} ${who}: ${n(p.items)} items, ${n(p.runs)} forecast runs with ${n(p.lines)} lines, ${n(p.actuals)} actuals in ${n(p.batches)} batches; it is now the team's replica.\n`);
    if (p.ownersNotInTeam.length > 0) {
      io.stdout.write(`  Items owned by ${p.ownersNotInTeam.join(', ')} were published without an owner: none of them is a login of the team (fwb team add-user adds them).\n`);
    }
    const left = done.notPublished;
    if (left && (left.salesInputs > 0 || left.decisions > 0)) {
      io.stdout.write(`  Not published (this version publishes items, forecasts and actuals only): ${n(left.salesInputs)} sales inputs, ${n(left.decisions)} decisions stay in this workbook alone.\n`);
    }
    const out = done.rulesTakenOut;
    if (out && (out.policies.length > 0 || out.reasonCodes.length > 0)) {
      const named = [...out.policies.map((p) => `the policy for ${p}`), ...out.reasonCodes.map((c) => `reason code ${c}`)];
      io.stdout.write(`  The team's decision rules are in force now; this workbook's own that the team does not hold were taken out: ${named.join(', ')}. A manager adds any that should stay to the team's.\n`);
    }
  } else if (done.how === 'empty') io.stdout.write(`${dbPath} joined the team workbook at ${done.url} ${who}; the team holds no data yet.\n`);
  else {
    const p = done.pulled;
    io.stdout.write(
      `${dbPath} ${done.how === 'resumed' ? 'caught up with' : 'joined'} the team workbook at ${done.url} ${who}: pulled ${n(p.items)} items, ${n(p.forecast_runs)} forecast runs with ${n(p.forecast_lines)} lines, ${n(p.actuals)} actuals, ${n(p.users)} people.\n`,
    );
  }
  return EXIT.ok;
}

const SUBCOMMANDS: Record<string, (argv: string[], io: CliIo) => Promise<ExitCode>> = {
  init,
  'add-user': addUserCommand,
  'remove-user': removeUserCommand,
  'dev-server': devServer,
  join,
};

export async function teamCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const [sub, ...rest] = argv;
  const run = sub === undefined ? undefined : SUBCOMMANDS[sub];
  if (!run) throw new UsageError(sub === undefined ? 'name what to do: init, add-user, remove-user, dev-server or join' : `unknown team command "${sub}" (init, add-user, remove-user, dev-server, join)`);
  try {
    return await run(rest, io);
  } catch (err) {
    if (err instanceof TeamError) {
      io.stderr.write(`fwb team ${sub}: ${err.message}\n`);
      return err.kind === 'rejected' ? EXIT.rejected : EXIT.failed;
    }
    // The server refused a statement (it says why in its own words): a sentence, never a stack, never a password.
    const e = err as { severity?: string; code?: string; message?: string };
    if (typeof e?.severity === 'string' && typeof e.code === 'string') {
      io.stderr.write(`fwb team ${sub}: the server refused it: ${redact(e.message ?? '', [process.env.PGPASSWORD])} (SQLSTATE ${e.code}). Nothing was changed.\n`);
      return EXIT.failed;
    }
    throw err;
  }
}

export { TEAM_USAGE };
