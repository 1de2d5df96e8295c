// fwb: argument parsing and printing only; the work is done by the backend, through its client (client.ts).
import { BackendRefusal } from './client';
import { ACCURACY_USAGE, BACKUP_USAGE, CHECK_USAGE, DEMO_USAGE, EXPORT_USAGE, IMPORT_USAGE, RESTORE_USAGE, SIMULATE_USAGE, SYNC_USAGE, TEAM_USAGE, VALUE_USAGE } from './usage';
import { withCliHint } from './hints';
import { EXIT, processIo, UsageError, type CliIo, type ExitCode } from './io';

const COMMANDS: Record<string, { usage: string; run: (argv: string[], io: CliIo) => Promise<ExitCode> }> = {
  // Each command's module (and the backend it pulls in) loads only when it runs.
  demo: { usage: DEMO_USAGE, run: async (argv, io) => (await import('./commands/demo')).demoCommand(argv, io) },
  import: { usage: IMPORT_USAGE, run: async (argv, io) => (await import('./commands/import')).importCommand(argv, io) },
  accuracy: { usage: ACCURACY_USAGE, run: async (argv, io) => (await import('./commands/accuracy')).accuracyCommand(argv, io) },
  simulate: { usage: SIMULATE_USAGE, run: async (argv, io) => (await import('./commands/simulate')).simulateCommand(argv, io) },
  value: { usage: VALUE_USAGE, run: async (argv, io) => (await import('./commands/value')).valueCommand(argv, io) },
  check: { usage: CHECK_USAGE, run: async (argv, io) => (await import('./commands/check')).checkCommand(argv, io) },
  export: { usage: EXPORT_USAGE, run: async (argv, io) => (await import('./commands/export')).exportCommand(argv, io) },
  backup: { usage: BACKUP_USAGE, run: async (argv, io) => (await import('./commands/backup')).backupCommand(argv, io) },
  restore: { usage: RESTORE_USAGE, run: async (argv, io) => (await import('./commands/restore')).restoreCommand(argv, io) },
  sync: { usage: SYNC_USAGE, run: async (argv, io) => (await import('./commands/sync')).syncCommand(argv, io) },
  team: { usage: TEAM_USAGE, run: async (argv, io) => (await import('./commands/team')).teamCommand(argv, io) },
};

export const HELP = `fwb — Forecast Workbench on the command line

Usage: fwb <command> [options]

Commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.usage.split('\n')[0]}`)
  .join('\n')}

Run "fwb <command> --help" for a command's options.
Exit codes: 0 done, 1 failed, 2 usage error, 3 input rejected.
`;

/** Runs one fwb command; `io` defaults to the process's own output (processIo), as bin/fwb.cjs runs it. */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(HELP);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`fwb: unknown command "${name}"\n\n${HELP}`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (caught) {
    const err = caught;
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`fwb ${name}: ${(err as Error).message}\n\n${command.usage}\n`);
      return EXIT.usage;
    }
    if (err instanceof BackendRefusal && err.error.code !== 'INTERNAL') {
      const e = err.error;
      const where = [e.file, e.row !== undefined ? `row ${e.row}` : null, e.column ? `column ${e.column}` : null].filter(Boolean).join(', ');
      io.stderr.write(`fwb ${name}: ${where ? `${where}: ` : ''}${withCliHint(e.message, e.hint)}\n`);
      return e.code === 'INPUT_REJECTED' || e.code === 'NOT_A_WORKBOOK' || e.code === 'WORKBOOK_TOO_NEW' ? EXIT.rejected : EXIT.failed;
    }
    // Not an error we know: a sentence for the person, the stack only when asked for (FWB_DEBUG=1).
    const message = err instanceof BackendRefusal ? err.error.message.replace(/^Unexpected backend error: /, '') : err instanceof Error ? err.message : String(err);
    io.stderr.write(`fwb ${name} failed unexpectedly: ${message}. Nothing more was written; this is a fault of fwb, please report it${process.env.FWB_DEBUG === '1' ? '' : ' (FWB_DEBUG=1 prints the details)'}.\n`);
    if (process.env.FWB_DEBUG === '1' && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return EXIT.failed;
  }
}
