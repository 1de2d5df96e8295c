// fwb commands that act as a person (`--user ID`): a manager or analyst proves
// it with their passphrase, read from standard input (--passphrase-stdin) or the
// environment (FWB_PASSPHRASE) — never from the command line, where other
// programs on the machine can read it.
import type { CommandSignIn } from '../backend/host-entry';
import type { Client } from './client';
import { UsageError, type CliIo } from './io';

export const PASSPHRASE_ENV = 'FWB_PASSPHRASE';

/** Refuses `--passphrase X` / `--passphrase=X` before anything parses or prints the arguments. */
export function refusePassphraseInArgv(argv: readonly string[]): void {
  if (argv.some((a) => a === '--passphrase' || a.startsWith('--passphrase='))) {
    throw new UsageError(`a passphrase is never taken on the command line (other programs can read it there): use --passphrase-stdin or ${PASSPHRASE_ENV}`);
  }
}

export async function readStdin(io: CliIo): Promise<string> {
  let text = '';
  for await (const chunk of io.stdin ?? process.stdin) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  // One trailing line break is how `echo` and files end; anything else is part of the passphrase.
  return text.replace(/\r?\n$/, '');
}

/** Signs `userId` in on this command's connection, asking for their passphrase where they have one; returns their id. */
export async function actAsPerson(client: Client, userId: string, io: CliIo, fromStdin: boolean): Promise<string> {
  const fromEnv = process.env[PASSPHRASE_ENV] || undefined;
  const passphrase = fromStdin ? await readStdin(io) : fromEnv;
  const outcome = await client.host<CommandSignIn>('signInAs', passphrase === undefined ? { userId } : { userId, passphrase });
  if ('needsPassphrase' in outcome) {
    const who = outcome.needsPassphrase;
    throw new UsageError(
      `${userId} (${who.displayName}, ${who.role}) signs in with a passphrase: give it on standard input with --passphrase-stdin, or in the environment variable ${PASSPHRASE_ENV} (never on the command line).`,
    );
  }
  return outcome.signedIn;
}
