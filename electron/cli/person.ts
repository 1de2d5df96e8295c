// fwb commands that act as a person (`--user ID`): a manager or analyst proves
// it with their passphrase, read from standard input (--passphrase-stdin) or the
// environment (FWB_PASSPHRASE) — never from the command line, where other
// programs on the machine can read it.
import type { BackendContext } from '../backend/context';
import { findPerson } from '../backend/people/people';
import { signInForCommand, signInMethodOf } from '../backend/people/session';
import { WorkbenchError } from '../backend/errors';
import { UsageError, type CliIo } from './io';

export const PASSPHRASE_ENV = 'FWB_PASSPHRASE';

/** Refuses `--passphrase X` / `--passphrase=X` before anything parses or prints the arguments. */
export function refusePassphraseInArgv(argv: readonly string[]): void {
  if (argv.some((a) => a === '--passphrase' || a.startsWith('--passphrase='))) {
    throw new UsageError(`a passphrase is never taken on the command line (other programs can read it there): use --passphrase-stdin or ${PASSPHRASE_ENV}`);
  }
}

async function readStdin(io: CliIo): Promise<string> {
  let text = '';
  for await (const chunk of io.stdin ?? process.stdin) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  // One trailing line break is how `echo` and files end; anything else is part of the passphrase.
  return text.replace(/\r?\n$/, '');
}

/** Signs `userId` in on this command's connection, asking for their passphrase where they have one; returns their id. */
export async function actAsPerson(ctx: BackendContext, userId: string, io: CliIo, fromStdin: boolean): Promise<string> {
  const method = signInMethodOf(ctx.db, userId);
  const fromEnv = process.env[PASSPHRASE_ENV] || undefined;
  const passphrase = fromStdin ? await readStdin(io) : fromEnv;
  if (method === 'passphrase' && passphrase === undefined) {
    const who = findPerson(ctx.db, userId)!;
    throw new UsageError(
      `${userId} (${who.display_name}, ${who.role}) signs in with a passphrase: give it on standard input with --passphrase-stdin, or in the environment variable ${PASSPHRASE_ENV} (never on the command line).`,
    );
  }
  if (method === 'new-passphrase') {
    throw new WorkbenchError('FORBIDDEN', `${userId} has no passphrase yet (the workbook comes from an earlier version): sign in as them once in the app to choose one, then run this again.`);
  }
  return (await signInForCommand(ctx, userId, { passphrase })).userId;
}
