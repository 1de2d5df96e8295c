// Output and exit-code conventions of fwb: 0 done, 1 failed, 2 usage error, 3 input rejected.
export const EXIT = { ok: 0, failed: 1, usage: 2, rejected: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** Where --passphrase-stdin reads from (default: the process's standard input). */
  stdin?: AsyncIterable<string | Buffer>;
}

export class UsageError extends Error {}

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
