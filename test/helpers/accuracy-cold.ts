// What a cold build of the accuracy cube makes of a workbook as it is: on a copy (VACUUM INTO), every table of
// the cube emptied and its records dropped, then built anew and read by `read`. The incremental tests hold the
// kept cube's tables to it after each kind of change. And the bench's generated workbook, with its cube built.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ensureAccuracyCube } from '../../electron/backend/accuracy/cube';
import { openWorkbook, type Db } from '../../electron/backend/db/open';
import { FIXED_NOW } from './workbook';

const CUBE_TABLES = ['accuracy_cells', 'accuracy_override_cells', 'accuracy_override_rollup', 'accuracy_override_totals', 'accuracy_cell_totals', 'accuracy_runs'];
let copies = 0;

export async function coldCubeOf<T>(db: Db, dir: string, read: (copy: Db) => T): Promise<T> {
  const path = join(dir, `cold-${++copies}.sqlite`);
  db.exec(`VACUUM INTO '${path}'`);
  const { db: copy } = await openWorkbook(path, { now: FIXED_NOW });
  try {
    copy.exec(`${CUBE_TABLES.map((t) => `DELETE FROM ${t};`).join(' ')} DELETE FROM workbook_meta WHERE key LIKE 'accuracy_%';`);
    ensureAccuracyCube(copy);
    return read(copy);
  } finally {
    copy.close();
  }
}

const ROOT = join(import.meta.dirname, '..', '..');

/** The bench's generated accuracy workbook (scripts/bench/accuracy-workbook.mjs) of `items` items at `path`, opened, its cube built. */
export async function generatedAccuracyWorkbook(path: string, items: number): Promise<Db> {
  const made = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bench', 'accuracy-workbook.mjs'), path, String(items)], { cwd: ROOT, encoding: 'utf8' });
  expect(made.status, made.stderr).toBe(0);
  const { db } = await openWorkbook(path, { now: FIXED_NOW });
  ensureAccuracyCube(db);
  return db;
}
