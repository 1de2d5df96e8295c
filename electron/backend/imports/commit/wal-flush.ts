// Flushes the write-ahead log to disk in the background while an import goes on.
//
// Why: an import holds SQLite's checkpoints back until its end (committer.ts), so
// the final checkpoint first waits for the whole log (~70 MB a million lines) to
// reach the disk, then for the same pages in the workbook file: on the machines
// measured, a tenth of an import's time was spent waiting there. An fdatasync of
// the log between chunks runs on libuv's thread pool while this thread inserts,
// so at the end little of the log is left to wait for. It only ever adds a flush:
// SQLite's own syncs, and so what survives a power cut, are unchanged.
import { open, type FileHandle } from 'node:fs/promises';

export class WalFlusher {
  private handle: Promise<FileHandle | null> | null = null;
  private inFlight = false;
  private stopped = false;

  constructor(private readonly walPath: string) {}

  /** Starts a flush of what the log holds now, unless one is still running. Never waits, never throws. */
  kick(): void {
    if (this.stopped || this.inFlight) return;
    this.inFlight = true;
    // Read-only is enough for fsync on Linux and macOS; where it is not (Windows), the flusher simply stops.
    this.handle ??= open(this.walPath, 'r').catch(() => null);
    void this.handle
      .then((fh) => {
        if (fh === null) this.stopped = true;
        else return fh.datasync();
      })
      .catch(() => {
        this.stopped = true;
      })
      .finally(() => {
        this.inFlight = false;
      });
  }

  /** Closes the log's handle once any flush in progress is done. */
  close(): void {
    this.stopped = true;
    const handle = this.handle;
    this.handle = null;
    if (handle) void handle.then((fh) => fh?.close()).catch(() => undefined);
  }
}
