// Output and exit-code conventions of fwb: 0 done, 1 failed, 2 usage error, 3 input rejected.
import { writeSync } from 'node:fs';

export const EXIT = { ok: 0, failed: 1, usage: 2, rejected: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** Where --passphrase-stdin reads from (default: the process's standard input). */
  stdin?: AsyncIterable<string | Buffer>;
}

export class UsageError extends Error {}

/**
 * fwb's own standard output and error, written straight to their file descriptors.
 * Node's process.stdout is a stream whose making loads Node's streams (start-up time
 * of every call, for a command that prints one answer); a synchronous write is also
 * whole before the process exits. A reader that has gone (`fwb … | head`) ends the
 * writing quietly, as the tools fwb is piped into expect.
 */
export function processIo(): CliIo {
  let readerGone = false;
  const writer = (fd: number) => (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    let at = 0;
    while (at < bytes.length && !readerGone) {
      try {
        at += writeSync(fd, bytes, at);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // A pipe's reader gone is EPIPE; a socket's (stdio a parent like Node's spawn made) is ECONNRESET.
        if (code === 'EPIPE' || code === 'ECONNRESET') readerGone = true;
        // A descriptor another program left non-blocking, full for now: wait a moment and go on.
        else if (code === 'EAGAIN') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        else throw err;
      }
    }
    return true;
  };
  return {
    stdout: { write: writer(1) },
    stderr: {
      write: writer(2),
      // Asked only by commands that show progress: node:tty loads Node's streams (through node:net).
      get isTTY() {
        return process.getBuiltinModule('node:tty').isatty(2);
      },
    },
  };
}

export function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive whole number, got "${text}"`);
  return n;
}

/** A one-line progress display on stderr, only when a person is watching. */
export function progressLine(io: CliIo): (text: string) => void {
  if (!io.stderr.isTTY) return () => {};
  return (text) => io.stderr.write(`\r\x1b[2K${text}`);
}
