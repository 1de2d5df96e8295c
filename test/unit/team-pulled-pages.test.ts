// Pages of a team's rows written into a real, empty workbook (team-replica/pull.ts), as fwb team
// join writes them: the rows' fingerprints computed as the pages are written, so the seal of a
// replica that pulled a million lines need not read them again; and lines, written with foreign
// keys off, still refused when they name a parent the replica does not hold.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openWorkbook, type OpenedWorkbook } from '../../electron/backend/db/open';
import { applyPulledPage, auditPulledBatches, endPull } from '../../electron/backend/team-replica/pull';
import { allBatchContents } from '../../electron/backend/audit/content-digest';
import { takeWrittenContents } from '../../electron/backend/audit/written-contents';
import { ensureSealed } from '../../electron/backend/audit/seal';
import { readGovernedRecords } from '../../electron/backend/audit/records';
import type { Cell, PulledPage, PulledTable } from '../../shared/team-sync';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

const AT = '2026-10-01T08:00:00.000Z';
const ITEMS = 30;
const PERIODS = 12;

/** A small team's data as its pull's pages bring it: two batches, two runs, lines over several pages, actuals. */
function teamPages(linesPerPage: number): PulledPage[] {
  const page = (table: PulledTable, rows: Cell[][], lastSeq: number): PulledPage => ({ table, rows, lastSeq });
  const lines: Cell[][] = [];
  let lineId = 100;
  for (const run of [7, 9]) {
    for (let i = 1; i <= ITEMS; i++) {
      for (let p = 1; p <= PERIODS; p++) lines.push([lineId++, run, i, 1, 20260000 + p * 100 + 1, p, (i * 13 + p * 7) % 97, null, run === 9 ? 1.5 * p : null]);
    }
  }
  const linePages: PulledPage[] = [];
  for (let k = 0; k < lines.length; k += linesPerPage) linePages.push(page('forecast_lines', lines.slice(k, k + linesPerPage), 1000 + k));
  return [
    page('users', [['al', 'Al Analyst', 'analyst', AT]], 1),
    page('import_batches', [
      [3, 'forecasts', 'a.csv', 10, 'aa', null, 'ets', 'v1', { origin: '2026-01-01' }, 360, 360, 0, 'al', AT],
      [5, 'forecasts', 'b.csv', 10, 'bb', null, 'ets', 'v2', {}, 360, 360, 0, 'al', AT],
      [6, 'actuals', 'c.csv', 10, 'cc', null, null, null, {}, 30, 30, 0, 'al', AT],
    ], 4),
    page('locations', [[1, 'ALL', 'All locations']], 5),
    page('items', Array.from({ length: ITEMS }, (_, k) => [k + 1, `SKU-${k + 1}`, `Item ${k + 1}`, 'Cat', null, null, 'A', null, null, {}, null, 3]), 6),
    page('forecast_runs', [
      [7, 'ets', 'v1', 20260101, 'month', null, 3, AT],
      [9, 'ets', 'v2', 20260201, 'month', 80, 5, AT],
    ], 8),
    ...linePages,
    page('actuals', Array.from({ length: ITEMS }, (_, k) => [500 + k, k + 1, 1, 20260101, 10 + k, 6, AT]), 5000),
  ];
}

describe('pages of a pull written into an empty workbook', () => {
  let t: ReturnType<typeof tempDir>;
  let wb: OpenedWorkbook;
  beforeEach(async () => {
    t = tempDir('fwb-pulled-pages-');
    wb = await openWorkbook(join(t.dir, 'replica.sqlite'), { now: FIXED_NOW });
  });
  afterEach(() => {
    wb.close();
    t.cleanup();
  });

  it('fingerprints each batch’s rows as it writes them, the same as reading them back, and the seal records them', () => {
    const { db } = wb;
    for (const page of teamPages(250)) applyPulledPage(db, page);
    const read = allBatchContents(db);
    const written = takeWrittenContents(db);
    expect(written).not.toBeNull();
    expect([...written!.entries()].sort()).toEqual([...read.entries()].sort());
    expect(read.get(3)!.lines.rows).toBe(ITEMS * PERIODS);
    expect(read.get(6)!.actuals.rows).toBe(ITEMS);
    // Taken once: the seal then reads the rows itself, and records what they hold.
    ensureSealed(db, AT);
    const records = readGovernedRecords(db);
    for (const id of [3, 5, 6]) expect(records.batches.get(String(id))!.content).toEqual(read.get(id));
    endPull(db);
    expect(auditPulledBatches(db, AT)).toBe(0);
  });

  it('gives the seal the fingerprints its pages computed, equal to the rows’ own', () => {
    const { db } = wb;
    for (const page of teamPages(500)) applyPulledPage(db, page);
    ensureSealed(db, AT);
    const recorded = readGovernedRecords(db).batches.get('3')!.content;
    expect(recorded).toEqual(allBatchContents(db).get(3));
  });

  it('vouches for nothing when the tables held rows before the pull, or something else wrote between two pages', () => {
    const { db } = wb;
    const pages = teamPages(250);
    const cut = pages.findIndex((p) => p.table === 'forecast_lines') + 1;
    // A pull stopped after a page of lines, resumed by another process: its tracker starts on tables that hold rows.
    for (const page of pages.slice(0, cut)) applyPulledPage(db, page);
    endPull(db);
    auditPulledBatches(db, AT);
    for (const page of pages.slice(cut)) applyPulledPage(db, page);
    expect(takeWrittenContents(db)).toBeNull();
    ensureSealed(db, AT);
    expect(readGovernedRecords(db).batches.get('3')!.content).toEqual(allBatchContents(db).get(3));
  });

  it('vouches for nothing when the workbook was written between two of its pages', () => {
    const { db } = wb;
    const pages = teamPages(250);
    const cut = pages.findIndex((p) => p.table === 'forecast_lines') + 1;
    for (const page of pages.slice(0, cut)) applyPulledPage(db, page);
    db.prepare('UPDATE forecast_lines SET quantity = quantity + 1 WHERE line_id = 100').run();
    for (const page of pages.slice(cut)) applyPulledPage(db, page);
    expect(takeWrittenContents(db)).toBeNull();
  });

  it('refuses a page whose full-width row holds a list, an infinite number or nothing in a cell, writing none of it', () => {
    const { db } = wb;
    const pages = teamPages(10_000);
    for (const page of pages.slice(0, 3)) applyPulledPage(db, page);
    const item = (k: number): Cell[] => [k, `SKU-${k}`, `Item ${k}`, 'Cat', null, null, 'A', null, null, {}, null, 3];
    for (const bad of [['nested'], Number.POSITIVE_INFINITY, Number.NaN, undefined]) {
      const row = item(2) as unknown[];
      row[4] = bad;
      expect(() => applyPulledPage(db, { table: 'items', rows: [item(1), row as Cell[]], lastSeq: 6 })).toThrow(/pulled row of items holds a brand that is not text, a finite number, a boolean, null or an object: nothing of the page was written/);
    }
    expect(() => applyPulledPage(db, { table: 'items', rows: [item(1), item(2).slice(0, 5)], lastSeq: 6 })).toThrow(/has 5 columns, not 12/);
    expect(db.prepare('SELECT count(*) FROM items').pluck().get()).toBe(0);
    expect(db.prepare("SELECT last_seq FROM team_sync WHERE table_name = 'items'").pluck().get()).toBeUndefined();
  });

  it('refuses a page of lines naming an item the replica does not hold, writes none of it, and keeps foreign keys on', () => {
    const { db } = wb;
    const pages = teamPages(10_000);
    const linesAt = pages.findIndex((p) => p.table === 'forecast_lines');
    for (const page of pages.slice(0, linesAt)) applyPulledPage(db, page);
    const lines = pages[linesAt]!;
    const orphan: PulledPage = { ...lines, rows: [...lines.rows.slice(0, 50), [99_999, 7, 4242, 1, 20260101, 1, 5, null, null]] };
    expect(() => applyPulledPage(db, orphan)).toThrow(/names 1 items row\(s\) by item_key that the replica does not hold/);
    const run: PulledPage = { ...lines, rows: [[99_998, 8, 1, 1, 20260101, 1, 5, null, null]] };
    expect(() => applyPulledPage(db, run)).toThrow(/forecast_runs row\(s\) by run_id/);
    expect(db.prepare('SELECT count(*) FROM forecast_lines').pluck().get()).toBe(0);
    expect(db.prepare("SELECT last_seq FROM team_sync WHERE table_name = 'forecast_lines'").pluck().get()).toBeUndefined();
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    applyPulledPage(db, lines);
    expect(db.prepare('SELECT count(*) FROM forecast_lines').pluck().get()).toBe(lines.rows.length);
    expect(db.pragma('foreign_key_check(forecast_lines)')).toEqual([]);
  });
});
