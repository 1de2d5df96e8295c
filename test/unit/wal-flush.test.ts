// The import's background flush of the write-ahead log (imports/commit/wal-flush.ts):
// it may only add flushes, so it must never throw, never hold the log open after the
// import, and give up quietly where the log cannot be flushed.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WalFlusher } from '../../electron/backend/imports/commit/wal-flush';
import { tempDir } from '../helpers/workbook';

/** Open descriptors of this process naming `path` (Linux: /proc/self/fd). */
function openHandlesOf(path: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false;
    }
  }).length;
}

describe('the write-ahead log flusher', () => {
  it('flushes while the import runs and holds the log open no longer than the import', { skip: !existsSync('/proc/self/fd') }, async () => {
    const t = tempDir();
    try {
      const wal = join(t.dir, 'w.sqlite-wal');
      writeFileSync(wal, Buffer.alloc(1 << 20, 1));
      const flusher = new WalFlusher(wal);
      flusher.kick();
      flusher.kick(); // a second kick while one runs is a no-op
      for (let i = 0; i < 50 && openHandlesOf(wal) === 0; i++) await sleep(10);
      expect(openHandlesOf(wal)).toBe(1);
      flusher.close();
      for (let i = 0; i < 50 && openHandlesOf(wal) > 0; i++) await sleep(10);
      expect(openHandlesOf(wal)).toBe(0);
      flusher.kick(); // after close: nothing is opened again
      await sleep(20);
      expect(openHandlesOf(wal)).toBe(0);
    } finally {
      t.cleanup();
    }
  });

  it('gives up quietly when there is no log to flush', async () => {
    const flusher = new WalFlusher('/nonexistent/dir/w.sqlite-wal');
    expect(() => flusher.kick()).not.toThrow();
    await sleep(20);
    expect(() => flusher.kick()).not.toThrow();
    flusher.close();
  });
});
