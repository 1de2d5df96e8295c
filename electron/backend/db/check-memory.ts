// The damage guard's memory. A write open runs SQLite's quick_check over the
// whole file (db/damage.ts), 0.5 s at 1 M lines and 7 s at 10 M, although the
// file is almost always exactly as we left it. So we remember, outside the
// workbook (a small JSON file in the user's cache folder; FWB_CACHE_DIR moves
// it), the identity of each workbook as we last knew it sound: after a check
// that passed, and after our own clean close. A write open whose file still has
// that identity skips the check. Any write by anyone moves the file's ctime,
// which no program can set back, and a write still in the -wal moves the -wal;
// a new file at the path has a new inode. A full check still runs at least
// once a week, for what no identity shows (a disk's bit rot). The memory is
// only ever a reason to skip: a file of it that cannot be read or written means
// "check as before", never an error.
import { mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { damageSightings } from '../errors';

export const CHECK_AT_LEAST_EVERY_DAYS = 7;
const CHECK_AT_LEAST_EVERY_MS = CHECK_AT_LEAST_EVERY_DAYS * 86_400_000;
/** Workbooks remembered; the least recently used are forgotten beyond this. */
const MAX_REMEMBERED = 200;
const PRODUCT_FOLDER = 'Forecast Workbench';

/** The file as stat sees it, to the nanosecond, and its -wal's state. */
export interface FileIdentity {
  dev: string;
  ino: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
  /** null: no -wal beside it. */
  wal: { ino: string; size: string; mtimeNs: string; ctimeNs: string } | null;
}

interface Remembered {
  identity: FileIdentity;
  /** When a full check of it last passed (ms since the epoch). */
  checkedAt: number;
  /** When this entry was written, to forget the oldest first. */
  at: number;
}

interface Memory {
  version: 1;
  workbooks: Record<string, Remembered>;
}

/** The per-user cache folder of the platform, as Electron's and the XDG conventions place it. */
function cacheDir(env: NodeJS.ProcessEnv): string {
  if (env.FWB_CACHE_DIR) return env.FWB_CACHE_DIR;
  if (process.platform === 'win32') return join(env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local'), PRODUCT_FOLDER, 'Cache');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', PRODUCT_FOLDER);
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), PRODUCT_FOLDER);
}

export function checkMemoryFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'checked-workbooks.json');
}

/** The identity of the workbook at `path` and of its -wal; null where stat fails. */
export function fileIdentity(path: string): FileIdentity | null {
  try {
    const main = statSync(path, { bigint: true });
    const wal = statSync(`${path}-wal`, { bigint: true, throwIfNoEntry: false });
    return {
      dev: String(main.dev),
      ino: String(main.ino),
      size: String(main.size),
      mtimeNs: String(main.mtimeNs),
      ctimeNs: String(main.ctimeNs),
      wal: wal ? { ino: String(wal.ino), size: String(wal.size), mtimeNs: String(wal.mtimeNs), ctimeNs: String(wal.ctimeNs) } : null,
    };
  } catch {
    return null;
  }
}

const MAIN_FIELDS = ['dev', 'ino', 'size', 'mtimeNs', 'ctimeNs'] as const;
const WAL_FIELDS = ['ino', 'size', 'mtimeNs', 'ctimeNs'] as const;

function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  if (!MAIN_FIELDS.every((k) => a[k] === b[k])) return false;
  if (a.wal === null || b.wal === null) return a.wal === b.wal;
  const [wa, wb] = [a.wal, b.wal];
  return WAL_FIELDS.every((k) => wa[k] === wb[k]);
}

function isIdentity(x: unknown): x is FileIdentity {
  const o = x as Record<string, unknown> | null;
  const text = (v: unknown) => typeof v === 'string';
  if (!o || typeof o !== 'object' || !MAIN_FIELDS.every((k) => text(o[k]))) return false;
  const wal = o.wal as Record<string, unknown> | null | undefined;
  return wal === null || (typeof wal === 'object' && WAL_FIELDS.every((k) => text(wal[k])));
}

/** What the memory file holds, keeping only entries of the right shape; empty where it cannot be read. */
function readMemory(file: string): Memory {
  const memory: Memory = { version: 1, workbooks: {} };
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown; workbooks?: unknown };
    if (parsed?.version !== 1 || typeof parsed.workbooks !== 'object' || parsed.workbooks === null) return memory;
    for (const [key, entry] of Object.entries(parsed.workbooks as Record<string, Partial<Remembered>>)) {
      if (isIdentity(entry?.identity) && Number.isFinite(entry.checkedAt) && Number.isFinite(entry.at)) memory.workbooks[key] = entry as Remembered;
    }
  } catch {
    // Missing, unreadable or not JSON: nothing remembered.
  }
  return memory;
}

/** Written whole under a temporary name, then renamed, so a reader never sees half a file; two writers at once lose an entry at worst (a check more). */
function writeMemory(file: string, memory: Memory): void {
  const kept = Object.entries(memory.workbooks)
    .sort((a, b) => b[1].at - a[1].at)
    .slice(0, MAX_REMEMBERED);
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(temp, JSON.stringify({ version: 1, workbooks: Object.fromEntries(kept) }), { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    // A cache we cannot write only means the next open checks.
    try {
      rmSync(temp, { force: true });
    } catch {
      // nothing we can do about it
    }
  }
}

function keyOf(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/**
 * One write session of a workbook, from before anything of ours touches the
 * file until our clean close: whether its open may skip the quick check, and
 * what to remember afterwards.
 */
export class CheckedSession {
  /** The file as it was before we opened it (null: new, or stat failed). */
  private readonly before: FileIdentity | null;
  /** The file we opened (for a new workbook, the one we created): the close remembers only that one. */
  private opened: Pick<FileIdentity, 'dev' | 'ino'> | null;
  private key: string | null;
  private checkedAt: number | null = null;
  private readonly sightingsAtOpen = damageSightings();

  /** Call before the first byte of ours touches the file (before any probe or pragma). */
  constructor(
    private readonly path: string,
    private readonly now: () => number = Date.now,
  ) {
    this.before = fileIdentity(path);
    this.opened = this.before;
    this.key = this.before ? keyOf(path) : null;
  }

  /** A new workbook: we made the file, so nothing in it needs a check. */
  created(): void {
    this.opened = fileIdentity(this.path);
    this.key = keyOf(this.path);
    this.checkedAt = this.now();
  }

  /** True when the file is still exactly as remembered sound and that check is recent: the quick check may be skipped. */
  maySkipCheck(): boolean {
    if (!this.key || !this.before) return false;
    const remembered = readMemory(checkMemoryFile()).workbooks[this.key];
    if (!remembered || !sameIdentity(remembered.identity, this.before)) return false;
    const age = this.now() - remembered.checkedAt;
    if (!(age >= 0 && age < CHECK_AT_LEAST_EVERY_MS)) return false;
    this.checkedAt = remembered.checkedAt;
    return true;
  }

  /** The quick check passed on the file as it was before we opened it. */
  checkPassed(): void {
    this.checkedAt = this.now();
    if (this.before) this.remember(this.before);
  }

  /**
   * After our connection closed (SQLite's final checkpoint done): the file as we
   * leave it. Not where this session met damage, nor where the path now names
   * another file than the one we opened (a sync tool put a copy in its place).
   */
  closedCleanly(): void {
    if (this.checkedAt === null || damageSightings() !== this.sightingsAtOpen) return;
    const after = fileIdentity(this.path);
    if (!after || !this.opened || after.dev !== this.opened.dev || after.ino !== this.opened.ino) return;
    this.remember(after);
  }

  private remember(identity: FileIdentity): void {
    if (!this.key || this.checkedAt === null) return;
    const file = checkMemoryFile();
    const memory = readMemory(file);
    memory.workbooks[this.key] = { identity, checkedAt: this.checkedAt, at: this.now() };
    writeMemory(file, memory);
  }
}
