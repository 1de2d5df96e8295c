// Export, backup and restore: a workbook, run, version or batch that is not
// there is bad input (exit 3), not a failure; anything else goes on to fwb's
// general handling (exit 1, or 3 for the codes it knows as rejections).
import { BackendRefusal } from '../client';
import { EXIT, type CliIo, type ExitCode } from '../io';

export function rejectedInput(err: unknown, io: CliIo, command: string): ExitCode {
  if (err instanceof BackendRefusal && (err.error.code === 'NOT_FOUND' || err.error.code === 'INVALID_REQUEST')) {
    io.stderr.write(`fwb ${command}: ${err.error.message}\n`);
    return EXIT.rejected;
  }
  throw err;
}
