// The accuracy cube kept incrementally (issue 14): each kind of change rebuilds
// only the cells it touches, and the cube then equals a cold rebuild of the same
// workbook row for row. The cold rebuild is made on a copy (VACUUM INTO), so the
// incremental cube carries on from its own state, errors and all.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accuracySlice } from '../../electron/backend/accuracy/slices';
import { ensureAccuracyCube } from '../../electron/backend/accuracy/cube';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook, type Db } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { importFile } from '../../electron/backend/imports/import-file';
import { undoImportBatch } from '../../electron/backend/imports/undo';
import { Rng } from '../../electron/backend/demo/random';
import { rebuildLineState } from '../../electron/backend/decisions/projection';
import { DEMO_PASSPHRASE } from '../../shared/domain';
import { writeLines } from '../fixtures/import/v_harness';
import { ok } from '../helpers/api';
import { signInAs } from '../helpers/people';
import { FIXED_NOW, fillSmallWorkbook, tempDir } from '../helpers/workbook';
import { CELL_TABLES, cubeRows as cubeRowsTo } from '../helpers/cube-rows';

const SQLITE3 = '/usr/bin/sqlite3';

const cubeRows = (db: Db) => cubeRowsTo(db, 10);

let copies = 0;
/** The cube a cold build makes of the workbook as it is now, on a copy of it. */
async function coldCube(db: Db, dir: string): Promise<Record<string, string[]>> {
  const path = join(dir, `cold-${++copies}.sqlite`);
  db.exec(`VACUUM INTO '${path}'`);
  const { db: copy } = await openWorkbook(path, { now: FIXED_NOW });
  try {
    copy.exec("DELETE FROM accuracy_cells; DELETE FROM accuracy_override_cells; DELETE FROM accuracy_runs; DELETE FROM workbook_meta WHERE key LIKE 'accuracy_%';");
    ensureAccuracyCube(copy);
    return cubeRows(copy);
  } finally {
    copy.close();
  }
}

/** Logs, on this connection, the run and period of every cell deleted: what a refresh rewrote. */
function watchRewrites(db: Db): () => string[] {
  db.exec('CREATE TEMP TABLE rewritten (run_id INTEGER, period INTEGER)');
  for (const table of CELL_TABLES) db.exec(`CREATE TEMP TRIGGER ${table}_rewritten AFTER DELETE ON main.${table} BEGIN INSERT INTO rewritten VALUES (old.run_id, old.period); END`);
  return () => {
    const seen = db.prepare("SELECT DISTINCT run_id || ':' || period FROM temp.rewritten ORDER BY 1").pluck().all() as string[];
    db.prepare('DELETE FROM temp.rewritten').run();
    return seen;
  };
}

describe('the cube kept incrementally on the demo workbook', () => {
  let t: ReturnType<typeof tempDir>;
  let db: Db;
  let ctx: BackendContext;
  let items: string[];
  let actualsBatch: number;
  let rewrites: () => string[];
  const NEXT = '2026-11-01';
  const NEXT_KEY = 20261101;

  const expectSameAsCold = async () => {
    ensureAccuracyCube(db);
    expect(cubeRows(db)).toEqual(await coldCube(db, t.dir));
  };
  const importLines = (name: string, lines: string[], options: Parameters<typeof importFile>[2]) => importFile(ctx, writeLines(t.dir, name, lines), options);

  beforeAll(async () => {
    t = tempDir('fwb-acc-incr-');
    const path = join(t.dir, 'demo.sqlite');
    db = (await openWorkbook(path, { now: FIXED_NOW })).db;
    generateDemo(db, { items: 120, seed: 7 });
    ctx = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: join(t.dir, 'staging') };
    ensureAccuracyCube(db);
    rewrites = watchRewrites(db);
    items = db.prepare('SELECT item_id FROM items ORDER BY item_key').pluck().all() as string[];
  }, 120_000);
  afterAll(() => {
    db.close();
    t.cleanup();
  });

  it('a new month of actuals rewrites the cells of that month only', async () => {
    const out = await importLines('next.csv', ['item_id,period,actual', ...items.map((id, i) => `${id},${NEXT},${(i * 7) % 53}`)], { kind: 'actuals', user: 'sam.taylor' });
    actualsBatch = out.batchId;
    ensureAccuracyCube(db);
    expect(rewrites().filter((cell) => !cell.endsWith(`:${NEXT_KEY}`))).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM accuracy_cells WHERE period = ?').pluck().get(NEXT_KEY)).toBeGreaterThan(0);
    await expectSameAsCold();
  });

  it('a month past every line changes no cell at all', async () => {
    rewrites();
    await importLines('far.csv', ['item_id,period,actual', ...items.map((id) => `${id},2027-09-01,4`)], { kind: 'actuals', user: 'sam.taylor' });
    expect(ensureAccuracyCube(db)).toBe(0);
    expect(rewrites()).toEqual([]);
    await expectSameAsCold();
  });

  it('an actual that supersedes one, before some runs’ origins and after others', async () => {
    await importLines('fix.csv', ['item_id,period,actual', `${items[0]},2026-08-01,999`, `${items[1]},2026-11-01,0`], { kind: 'actuals', user: 'sam.taylor' });
    await expectSameAsCold();
  });

  it('a file with quarantined rows: what it let in, and nothing of what it left out', async () => {
    const out = await importLines('mixed.csv', ['item_id,period,actual', `${items[2]},2026-10-01,12`, `${items[3]},2026-10-01,-5`, `NOBODY,2026-10-01,3`], { kind: 'actuals', user: 'sam.taylor' });
    expect(out.rowsQuarantined).toBeGreaterThan(0);
    await expectSameAsCold();
  });

  it('an items file that moves items to another category and class: the slices by them follow', async () => {
    const moved = items.slice(0, 30);
    const bySlice = () => [accuracySlice(db, {}, 'wape', 'category'), accuracySlice(db, {}, 'wape', 'abc_class')];
    ensureAccuracyCube(db);
    const before = bySlice();
    const out = await importLines('items.csv', ['item_id,category,abc_class', ...moved.map((id) => `${id},Moved,C`)], { kind: 'items', user: 'sam.taylor' });
    expect(out.rowsAccepted).toBe(moved.length);
    await expectSameAsCold();
    const after = bySlice();
    expect(after).not.toEqual(before);
    expect(after[0]!.rows.map((r) => r.key)).toContain('Moved');
  });

  it('sales inputs of a month', async () => {
    await importLines('sales.csv', ['item_id,period,sales_input', ...items.slice(0, 40).map((id, i) => `${id},${NEXT},${i + 3}`)], { kind: 'sales_inputs', user: 'sam.taylor' });
    await expectSameAsCold();
  });

  it('a decision, its undo and an approval rewrite only the cells of their line’s run and period', async () => {
    // A line whose actual is not known yet (a decision made later would be made with hindsight).
    const LATER = 20261201;
    const line = db
      .prepare(
        `SELECT fl.line_id AS lineId, fl.run_id AS runId, fl.period, fl.quantity, i.item_id AS itemId, i.owner_id AS owner FROM forecast_lines fl JOIN items i ON i.item_key = fl.item_key
          WHERE fl.period = ? AND fl.run_id = (SELECT max(run_id) FROM forecast_runs) AND i.owner_id IS NOT NULL ORDER BY fl.line_id LIMIT 1`,
      )
      .get(LATER) as { lineId: number; runId: number; period: number; quantity: number; itemId: string; owner: string };
    const own = `${line.runId}:${line.period}`;
    rewrites();
    await signInAs(ctx, { userId: line.owner });
    const decide = () => ok(ctx, 'decideLine', { lineId: line.lineId, action: 'override', quantity: line.quantity + 40, reasonCode: 'promotion', comment: 'Order in hand' });
    await decide();
    expect(ensureAccuracyCube(db)).toBe(1);
    expect(rewrites().filter((cell) => cell !== own)).toEqual([]);
    await expectSameAsCold();

    await ok(ctx, 'undoLastDecision', { runId: line.runId });
    expect(ensureAccuracyCube(db)).toBe(1);
    expect(rewrites().filter((cell) => cell !== own)).toEqual([]);
    await expectSameAsCold();

    // An override far above the model waits for a manager's approval.
    const big = await ok(ctx, 'decideLine', { lineId: line.lineId, action: 'override', quantity: line.quantity * 10 + 5000, reasonCode: 'promotion', comment: 'Tender won' });
    expect(big.lineState.status).toBe('pending_approval');
    const pending = big.decision.decisionId;
    ensureAccuracyCube(db);
    await ok(ctx, 'signIn', { userId: 'maria.lopez', passphrase: DEMO_PASSPHRASE });
    await ok(ctx, 'reviewOverride', { decisionId: pending, verdict: 'approved', note: 'Confirmed' });
    await expectSameAsCold();

    // Decided again, then its actual comes in: the override is scored.
    await signInAs(ctx, { userId: line.owner });
    await decide();
    await importLines('december.csv', ['item_id,period,actual', `${line.itemId},2026-12-01,77`], { kind: 'actuals', user: 'sam.taylor' });
    ensureAccuracyCube(db);
    expect(db.prepare('SELECT count(*) FROM accuracy_override_cells WHERE run_id = ? AND period = ?').pluck().get(line.runId, LATER)).toBeGreaterThan(0);
    await expectSameAsCold();
  });

  it('a new run builds its own cells and rewrites no other run’s', async () => {
    rewrites();
    const out = await importLines('run.csv', ['item_id,period,forecast', ...items.slice(0, 50).flatMap((id, i) => [`${id},2026-11-01,${10 + i}`, `${id},2026-12-01,${11 + i}`])], {
      kind: 'forecasts',
      origin: '2026-10-01',
      model: 'Challenger',
      user: 'sam.taylor',
    });
    expect(out.runs).toHaveLength(1);
    expect(ensureAccuracyCube(db)).toBe(1);
    expect(rewrites().filter((cell) => !cell.startsWith(`${out.runs[0]!.runId}:`))).toEqual([]);
    await expectSameAsCold();
  });

  it('an actuals import undone', async () => {
    // The drift guard's alerts on the new actuals, resolved by a manager: the batch may be undone.
    db.prepare('UPDATE drift_alerts SET resolved_at = ? WHERE resolved_at IS NULL').run(FIXED_NOW().toISOString());
    undoImportBatch(db, actualsBatch, { user: 'sam.taylor', at: FIXED_NOW().toISOString() });
    await expectSameAsCold();
  });
});

describe('rows edited in place by another program', () => {
  // Edits that keep every id: only migration 008's counts of in-place edits tell the cube they happened.
  let t: ReturnType<typeof tempDir>;
  let db: Db;
  let path: string;
  beforeAll(async () => {
    t = tempDir('fwb-acc-edit-');
    path = join(t.dir, 'demo.sqlite');
    db = (await openWorkbook(path, { now: FIXED_NOW })).db;
    generateDemo(db, { items: 60, seed: 11 });
    ensureAccuracyCube(db);
  }, 120_000);
  afterAll(() => {
    db.close();
    t.cleanup();
  });

  /** Runs `sql` as another program would: the sqlite3 shell when the machine has one, else a second connection. */
  const elsewhere = (sql: string) => {
    if (existsSync(SQLITE3)) {
      const run = spawnSync(SQLITE3, [path, sql], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      return;
    }
    const other = new Database(path);
    try {
      other.exec(sql);
    } finally {
      other.close();
    }
  };
  const edits = () => Object.fromEntries(db.prepare('SELECT source, edits FROM source_edits').raw().all() as [string, number][]);

  const cases: [string, string][] = [
    ['an item moved to another category', "UPDATE items SET category = 'Moved' WHERE item_key = (SELECT min(item_key) FROM items WHERE category IS NOT NULL)"],
    ['an item given another class and owner', "UPDATE items SET abc_class = 'C', owner_id = NULL WHERE item_key IN (SELECT item_key FROM items WHERE abc_class = 'A' LIMIT 3)"],
    ['an actual corrected', 'UPDATE actuals SET quantity = quantity + 17 WHERE actual_id = (SELECT max(actual_id) FROM actuals WHERE superseded_at IS NULL)'],
    ['a sales input corrected', 'UPDATE sales_inputs SET quantity = quantity * 2 WHERE sales_input_id IN (SELECT sales_input_id FROM sales_inputs WHERE superseded_at IS NULL LIMIT 5)'],
    ['a forecast line corrected', 'UPDATE forecast_lines SET quantity = quantity + 3 WHERE line_id IN (SELECT fl.line_id FROM forecast_lines fl JOIN actuals a ON a.item_key = fl.item_key AND a.location_key = fl.location_key AND a.period = fl.period ORDER BY fl.line_id DESC LIMIT 4)'],
    ['an actual deleted', 'DELETE FROM actuals WHERE actual_id = (SELECT min(actual_id) FROM actuals WHERE superseded_at IS NULL)'],
  ];
  for (const [what, sql] of cases) {
    it(`${what}: the cube follows, whole`, async () => {
      const before = cubeRows(db);
      elsewhere(sql);
      expect(ensureAccuracyCube(db)).toBeGreaterThan(0);
      const after = cubeRows(db);
      expect(after).toEqual(await coldCube(db, t.dir));
      expect(after).not.toEqual(before);
    });
  }

  it('the app’s own writes count no edit: an actual superseded by a new one, an import’s upsert that changes nothing', async () => {
    const ctx: BackendContext = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: join(t.dir, 'staging') };
    const item = db.prepare('SELECT i.item_id FROM items i JOIN actuals a ON a.item_key = i.item_key ORDER BY a.period DESC LIMIT 1').pluck().get() as string;
    const period = db.prepare("SELECT printf('%04d-%02d-%02d', max(period) / 10000, max(period) / 100 % 100, max(period) % 100) FROM actuals").pluck().get() as string;
    const before = edits();
    await importFile(ctx, writeLines(t.dir, 'restated.csv', ['item_id,period,actual', `${item},${period},4321`]), { kind: 'actuals', user: 'sam.taylor' });
    expect(db.prepare('SELECT count(*) FROM actuals WHERE superseded_at IS NOT NULL AND quantity <> 4321').pluck().get()).toBeGreaterThan(0);
    db.prepare('UPDATE items SET category = category, name = name').run();
    expect(edits()).toEqual(before);
    await expect(coldCube(db, t.dir)).resolves.toEqual((ensureAccuracyCube(db), cubeRows(db)));
  });
});

describe('the cube kept incrementally under random changes', () => {
  it('equals a cold rebuild after each of 40 random changes by another program', async () => {
    const t = tempDir('fwb-acc-rand-');
    const { db } = await openWorkbook(join(t.dir, 'r.sqlite'), { now: FIXED_NOW });
    try {
      fillSmallWorkbook(db);
      const at = FIXED_NOW().toISOString();
      // A second run at a later origin, and one of another model at the first origin.
      db.prepare("INSERT INTO forecast_runs (model_name, model_version, origin, grain, created_at) VALUES ('Other', '1', 20260601, 'month', ?), ('TestModel', '1', 20260801, 'month', ?)").run(at, at);
      db.prepare("INSERT INTO forecast_lines (run_id, item_key, period, lag, quantity) SELECT 2, item_key, period, lag, quantity + 3 FROM forecast_lines WHERE run_id = 1 AND lag < 3").run();
      db.prepare('INSERT INTO forecast_lines (run_id, item_key, period, lag, quantity) SELECT 3, item_key, period + 200, lag, quantity + 1 FROM forecast_lines WHERE run_id = 1').run();
      // Most lines with their actual known, so most cells score something.
      db.prepare("INSERT INTO actuals (item_key, period, quantity, recorded_at) SELECT item_key, p.value, 90 + item_key * 7 + p.value % 1000 / 100, ? FROM items, json_each('[20260701, 20260801, 20260901, 20261001]') p").run(at);
      ensureAccuracyCube(db);
      const rng = Rng.for(14, 'cube');
      const periods = [20250601, 20250701, 20250801, 20250901, 20251001, 20260601, 20260701, 20260801, 20260901, 20261001, 20261101, 20270701];
      const lines = db.prepare('SELECT line_id, quantity FROM forecast_lines').all() as { line_id: number; quantity: number }[];
      for (let step = 0; step < 40; step++) {
        const kind = rng.int(0, 3);
        const item = rng.int(1, 3);
        const period = periods[rng.int(0, periods.length - 1)]!;
        if (kind <= 1) {
          const table = kind === 0 ? 'actuals' : 'sales_inputs';
          db.transaction(() => {
            db.prepare(`UPDATE ${table} SET superseded_at = ? WHERE item_key = ? AND location_key = 1 AND period = ? AND superseded_at IS NULL`).run(at, item, period);
            db.prepare(`INSERT INTO ${table} (item_key, period, quantity, recorded_at) VALUES (?, ?, ?, ?)`).run(item, period, rng.int(0, 400), at);
          })();
        } else {
          const line = lines[rng.int(0, lines.length - 1)]!;
          const status = kind === 2 ? 'final' : 'pending_approval';
          db.prepare("INSERT INTO decisions (line_id, action, quantity, source, reason_code, decided_by, decided_at, status) VALUES (?, 'override', ?, 'override', 'promotion', 'ana', ?, ?)").run(
            line.line_id,
            line.quantity + rng.int(-20, 20),
            at,
            status,
          );
          rebuildLineState(db);
        }
        ensureAccuracyCube(db);
        expect(cubeRows(db), `after step ${step}`).toEqual(await coldCube(db, t.dir));
      }
    } finally {
      db.close();
      t.cleanup();
    }
  }, 120_000);
});
