// Decision history (issue 12.1): overrides made before the team used the app land
// only on closed lines (actual known) or on runs older than their model's newest;
// they never change an open plan, never credit a person of the workbook, and show
// as imported everywhere. Tried like an attacker would: through the importer, the
// API, the command line and the database itself.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkWorkbook, type CheckReport } from '../../electron/backend/audit/check';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook, type Db } from '../../electron/backend/db/open';
import { readLineState, refreshLineState } from '../../electron/backend/decisions/projection';
import { runPlanTable } from '../../electron/backend/exports/plan';
import { importFile } from '../../electron/backend/imports/import-file';
import { stageStream } from '../../electron/backend/imports/staging';
import type { ImportOptions } from '../../electron/backend/imports/types';
import { runCli } from '../../electron/cli/main';
import type { SliceTable } from '../../shared/accuracy';
import type { ExportCell } from '../../shared/exports';
import { importedDecisionText, importedHistoryText } from '../../shared/decision-provenance';
import { ok, refused } from '../helpers/api';
import { addPeople, signInAs } from '../helpers/people';
import { tempDir } from '../helpers/workbook';
import { all, newWorkbook, one, writeLines } from '../fixtures/import/v_harness';

let t: ReturnType<typeof tempDir>;
let ctx: BackendContext;
let db: Db;
const imp = (options: ImportOptions, name: string, lines: string[]) => importFile(ctx, writeLines(t.dir, name, lines), options);
const lineId = (model: string, origin: number, item: string, period: number) =>
  one<number>(db, 'SELECT l.line_id FROM forecast_lines l JOIN forecast_runs r USING (run_id) JOIN items i USING (item_key) WHERE r.model_name = ? AND r.origin = ? AND i.item_id = ? AND l.period = ?', model, origin, item, period);
const runId = (model: string, origin: number) => one<number>(db, 'SELECT run_id FROM forecast_runs WHERE model_name = ? AND origin = ?', model, origin);
const HEADER = 'item,period,final,reason,comment,decided_by,decided_at,model,origin';

async function cli(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(['import', '--db', ctx.path, ...args], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { status, stdout, stderr };
}

beforeEach(async () => {
  t = tempDir('fwb-history-');
  ({ ctx, db } = await newWorkbook(t.dir));
  await addPeople(ctx, { userId: 'mia', displayName: 'Mia Manager' }, [
    { userId: 'sam', displayName: 'Sam Analyst', role: 'analyst' },
    { userId: 'ana.silva', displayName: 'Ana Silva', role: 'planner' },
  ]);
  await imp({ kind: 'items', user: 'sam' }, 'items.csv', ['sku,name,category,planner', 'A,Apple,Household,ana.silva', 'B,Banana,Snacks,ana.silva']);
  const months = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2025, 6 + i, 1)).toISOString().slice(0, 10)); // 2025-07 … 2026-06
  await imp({ kind: 'actuals', user: 'sam' }, 'actuals.csv', ['sku,month,sales', ...months.flatMap((m) => [`A,${m},100`, `B,${m},50`])]);
  // ets at April: May and June are closed, July is open on a run older than ets' newest.
  await imp({ kind: 'forecasts', model: 'ets', origin: '2026-04-01', user: 'sam' }, 'ets-apr.csv', ['sku,month,fcst', 'A,2026-05-01,100', 'A,2026-06-01,110', 'A,2026-07-01,120', 'B,2026-07-01,60']);
  // ets at June: the newest of ets, the plan planners are working on. arima at June: the newest of arima.
  await imp({ kind: 'forecasts', model: 'ets', origin: '2026-06-01', user: 'sam' }, 'ets-jun.csv', ['sku,month,fcst', 'A,2026-07-01,105', 'A,2026-08-01,115', 'B,2026-07-01,55']);
  await imp({ kind: 'forecasts', model: 'arima', origin: '2026-06-01', user: 'sam' }, 'arima-jun.csv', ['sku,month,fcst', 'A,2026-07-01,99']);
});
afterEach(() => {
  db.close();
  t.cleanup();
});

describe('where decision history may land', () => {
  it('lands on closed lines and on runs older than their model’s newest, and refuses every other row with the reason', async () => {
    // The line: current, frozen (lag 1 of a Household item, freeze 1).
    await signInAs(ctx, { userId: 'mia', displayName: 'Mia Manager', role: 'manager' });
    await ok(ctx, 'savePolicy', { segmentType: 'category', segmentValue: 'Household', modelRole: 'recommend', approvalPct: 25, approvalUnits: null, freezeLags: 1, commentPct: null, driftThresholdPts: null });
    await ok(ctx, 'signOut', {});
    const r = await imp({ kind: 'decisions', user: 'sam' }, 'history.csv', [
      HEADER,
      'A,2026-07-01,77777,promotion,,Ana Silva,2026-06-20T09:00:00Z,ets,2026-06-01',
      'A,2026-08-01,130,promotion,,Ana Silva,2026-06-20T09:00:00Z,ets,2026-06-01',
      'A,2026-07-01,90,promotion,,Ana Silva,2026-06-20T09:00:00Z,arima,2026-06-01',
      'A,2026-05-01,130,promotion,,Ana Silva,2026-04-20T09:00:00Z,ets,2026-04-01',
      'A,2026-07-01,140,promotion,,Ana Silva,2026-04-21T09:00:00Z,ets,2026-04-01',
      'A,2026-06-01,120,promotion,,Ana Silva,2027-01-01T00:00:00Z,ets,2026-04-01',
    ]);
    expect(r).toMatchObject({ rowsRead: 6, rowsAccepted: 2, rowsQuarantined: 4 });
    const jun = runId('ets', 20260601);
    expect(r.errors).toEqual([
      {
        row: 2,
        column: null,
        reason: `line is open: decide it in Review (run ${jun} is the newest of model ets and the actual of 2026-07-01 is not known yet); it is frozen too: lag 1 is inside the freeze window of 1 (policy for category Household)`,
      },
      { row: 3, column: null, reason: `line is open: decide it in Review (run ${jun} is the newest of model ets and the actual of 2026-08-01 is not known yet)` },
      { row: 4, column: null, reason: `line is open: decide it in Review (run ${runId('arima', 20260601)} is the newest of model arima and the actual of 2026-07-01 is not known yet); it is frozen too: lag 1 is inside the freeze window of 1 (policy for category Household)` },
      { row: 7, column: 'decided_at', reason: 'decided at 2027-01-01T00:00:00.000Z, after this import (2026-10-31T18:00:00.000Z): a decision cannot be dated in the future' },
    ]);
    // The plan being worked on did not move; the history is where it may be.
    for (const line of [lineId('ets', 20260601, 'A', 20260701), lineId('ets', 20260601, 'A', 20260801), lineId('arima', 20260601, 'A', 20260701)]) {
      expect(readLineState(db, line)).toMatchObject({ status: 'undecided', decisionId: null });
    }
    expect(readLineState(db, lineId('ets', 20260401, 'A', 20260501))).toMatchObject({ status: 'final', finalQuantity: 130, decidedBy: null });
    expect(readLineState(db, lineId('ets', 20260401, 'A', 20260701))).toMatchObject({ status: 'final', finalQuantity: 140 });
    expect(all(db, 'SELECT row_number FROM quarantine_rows q JOIN import_batches b USING (batch_id) WHERE b.kind = ? ORDER BY row_number', 'decisions').map((q) => q.row_number)).toEqual([2, 3, 4, 7]);
    expect(checkWorkbook(db).problems).toEqual([]);
  });

  it('does not land on a line that has decisions made in this workbook, an override waiting for approval or an accept', async () => {
    await signInAs(ctx, { userId: 'ana.silva', displayName: 'Ana Silva', role: 'planner' });
    const pending = await ok(ctx, 'decideLine', { lineId: lineId('ets', 20260401, 'B', 20260701), action: 'override', quantity: 200, reasonCode: 'promotion', comment: 'big order' });
    expect(pending.lineState.status).toBe('pending_approval');
    await ok(ctx, 'decideLine', { lineId: lineId('ets', 20260401, 'A', 20260701), action: 'accept' });
    await ok(ctx, 'signOut', {});
    const r = await imp({ kind: 'decisions', user: 'sam' }, 'history.csv', [
      HEADER,
      'B,2026-07-01,61,promotion,,Ana Silva,2026-04-20T09:00:00Z,ets,2026-04-01',
      'A,2026-07-01,125,promotion,,Ana Silva,2026-04-20T09:00:00Z,ets,2026-04-01',
    ]);
    expect(r.errors).toEqual([
      { row: 2, column: null, reason: "line has decisions made in this workbook (the latest: an override by Ana Silva, waiting for a manager's approval); history only records what was decided before the team used the app" },
      { row: 3, column: null, reason: 'line has decisions made in this workbook (the latest: an accept by Ana Silva); history only records what was decided before the team used the app' },
    ]);
    expect(readLineState(db, pending.decision.lineId)).toMatchObject({ status: 'pending_approval', decisionId: pending.decision.decisionId, decidedBy: 'ana.silva' });
    await signInAs(ctx, { userId: 'mia', displayName: 'Mia Manager', role: 'manager' });
    expect((await ok(ctx, 'listPendingApprovals', {})).approvals.map((a) => a.decisionId)).toEqual([pending.decision.decisionId]);
  });

  it('is refused by the workbook itself on an open line, or credited to a person, whatever writes it', async () => {
    const batch = one<number>(db, 'SELECT max(batch_id) FROM import_batches');
    const insert = db.prepare("INSERT INTO decisions (line_id, action, quantity, source, decided_by, recorded_by, decided_at, status, batch_id) VALUES (?, 'accept', ?, 'model', ?, 'Ana Silva', '2026-04-01T00:00:00.000Z', 'final', ?)");
    expect(() => insert.run(lineId('ets', 20260601, 'A', 20260801), 115, null, batch)).toThrow(/^line is open: decide it in Review$/);
    expect(() => insert.run(lineId('ets', 20260401, 'A', 20260501), 100, 'ana.silva', batch)).toThrow(/^imported decision history is credited to no person of the workbook/);
    const inApp = db.prepare("INSERT INTO decisions (line_id, action, quantity, source, decided_by, recorded_by, decided_at, status) VALUES (?, 'accept', 100, 'model', 'ana.silva', 'Ana Silva', '2026-04-01T00:00:00.000Z', 'final')");
    expect(() => inApp.run(lineId('ets', 20260401, 'A', 20260501))).toThrow(/^only imported decision history records a name as text/);
    expect(one(db, 'SELECT count(*) FROM decisions')).toBe(0);
  });
});

describe('who imported history is credited to', () => {
  it('nobody of the workbook: the names stay text, marked imported, and nobody is created', async () => {
    const people = all(db, 'SELECT user_id, role FROM users ORDER BY user_id');
    const r = await imp({ kind: 'decisions', user: 'sam' }, 'history.csv', [
      HEADER,
      'A,2026-05-01,130,promotion,,Ana Silva,2026-04-20T09:00:00Z,ets,2026-04-01',
      'A,2026-06-01,110,,,Olga Old,2026-04-20T09:01:00Z,ets,2026-04-01',
      'A,2026-07-01,150,promotion,,,2026-04-20T09:02:00Z,ets,2026-04-01',
    ]);
    expect(r).toMatchObject({ rowsAccepted: 3, rowsQuarantined: 0 });
    expect(all(db, 'SELECT user_id, role FROM users ORDER BY user_id')).toEqual(people);
    expect(all(db, 'SELECT action, decided_by, recorded_by, batch_id FROM decisions ORDER BY decision_id')).toEqual([
      { action: 'override', decided_by: null, recorded_by: 'Ana Silva', batch_id: r.batchId },
      { action: 'accept', decided_by: null, recorded_by: 'Olga Old', batch_id: r.batchId },
      { action: 'override', decided_by: null, recorded_by: null, batch_id: r.batchId },
    ]);
    // The audit log names who imported them, not the names in the file.
    expect(all(db, "SELECT actor FROM audit_log WHERE entity = 'decision' ORDER BY audit_id").map((a) => a.actor)).toEqual(['sam', 'sam', 'sam']);
    // Signing in as the person of that name gives no decision of hers to take back.
    await ok(ctx, 'signIn', { userId: 'ana.silva' });
    expect(await refused(ctx, 'undoLastDecision', {})).toMatchObject({ code: 'NOT_FOUND', message: 'Ana Silva has no decision to undo.' });

    const journal = await ok(ctx, 'getLineJournal', { lineId: lineId('ets', 20260401, 'A', 20260501) });
    expect(journal.decisions).toHaveLength(1);
    expect(journal.decisions[0]).toMatchObject({ decidedBy: null, decidedByName: null, imported: { batchId: r.batchId, fileName: 'history.csv', importedBy: 'sam', importedByName: 'Sam Analyst', recordedBy: 'Ana Silva' } });
    expect(importedDecisionText(journal.decisions[0]!.imported!)).toBe(`imported from history.csv (batch ${r.batchId}) by Sam Analyst, as recorded by Ana Silva`);
    const unnamed = await ok(ctx, 'getLineJournal', { lineId: lineId('ets', 20260401, 'A', 20260701) });
    expect(importedDecisionText(unnamed.decisions[0]!.imported!)).toBe(`imported from history.csv (batch ${r.batchId}) by Sam Analyst, with no decider recorded`);
    expect(checkWorkbook(db).problems).toEqual([]);
  });

  it('shows as imported in the plan export, the planner slice and the governance report', async () => {
    // Ana decides a line in the app before its actual is known; history comes in for two closed lines.
    await signInAs(ctx, { userId: 'ana.silva', displayName: 'Ana Silva', role: 'planner' });
    await ok(ctx, 'decideLine', { lineId: lineId('ets', 20260401, 'A', 20260701), action: 'override', quantity: 126, reasonCode: 'promotion' });
    await ok(ctx, 'signOut', {});
    const h = await imp({ kind: 'decisions', user: 'sam' }, 'history.csv', [
      HEADER,
      'A,2026-05-01,130,promotion,,Ana Silva,2026-04-20T09:00:00Z,ets,2026-04-01',
      'A,2026-06-01,104,lost_business,,Ana Silva,2026-04-20T09:01:00Z,ets,2026-04-01',
    ]);
    expect(h.rowsAccepted).toBe(2);
    await imp({ kind: 'actuals', user: 'sam' }, 'july.csv', ['sku,month,sales', 'A,2026-07-01,125']);

    const imported = `imported from history.csv (batch ${h.batchId}) by Sam Analyst, as recorded by Ana Silva`;
    const plan = runPlanTable(db, runId('ets', 20260401));
    const decidedBy = plan.columns.findIndex((c) => c.key === 'decided_by');
    expect([...(plan.rows as Iterable<ExportCell[]>)].map((row) => [row[0], row[3], row[decidedBy]])).toEqual([
      ['A', '2026-05-01', imported],
      ['A', '2026-06-01', imported],
      ['A', '2026-07-01', 'ana.silva'],
      ['B', '2026-07-01', null],
    ]);

    const slice = (await ok(ctx, 'getAccuracySlice', { by: 'planner', metric: 'wape' })) as SliceTable;
    expect(slice.rows.map((row) => [row.key, row.label, row.n])).toEqual([
      ['imported:Ana Silva', 'Ana Silva (imported)', 2],
      ['ana.silva', 'Ana Silva', 1],
    ]);

    const report = await ok(ctx, 'getGovernanceReport', {});
    expect(report.accountability.importedHistory).toEqual([
      { batchId: h.batchId, fileName: 'history.csv', importedBy: 'sam', importedByName: 'Sam Analyst', importedAt: '2026-10-31T18:00:00.000Z', decisions: 2, recordedBy: ['Ana Silva'] },
    ]);
    expect(importedHistoryText(report.accountability.importedHistory)).toBe(
      `2 decisions are history imported from files, not decided in this workbook: ${imported}.`,
    );
    const { governanceHtml } = await import('../../electron/backend/governance/html');
    expect(governanceHtml(report)).toContain(`2 decisions are history imported from files, not decided in this workbook: imported from history.csv (batch ${h.batchId}) by Sam Analyst, as recorded by Ana Silva.`);
  });
});

describe('who may import what', () => {
  const stage = (name: string, lines: string[]) => stageStream(ctx.stagingDir, name, Readable.from([`${lines.join('\n')}\n`]));

  it('through the API: nothing for nobody, sales inputs only for a planner, everything for analysts and managers', async () => {
    const fc = await stage('fc.csv', ['sku,month,fcst', 'A,2026-09-01,1']);
    const history = await stage('history.csv', [HEADER, 'A,2026-05-01,130,promotion,,Ana Silva,2026-04-20T09:00:00Z,ets,2026-04-01']);
    const forecasts = { stagedId: fc.stagedId, kind: 'forecasts', model: 'ets', origin: '2026-08-01' } as const;
    expect(await refused(ctx, 'runImport', forecasts)).toMatchObject({ code: 'FORBIDDEN', message: 'Choose who you are first.' });
    await ok(ctx, 'signIn', { userId: 'ana.silva' });
    expect(await refused(ctx, 'runImport', forecasts)).toMatchObject({ code: 'FORBIDDEN', message: 'Ana Silva is a planner: planners import sales inputs; an analyst or a manager imports forecasts.' });
    expect(await refused(ctx, 'runImport', { stagedId: history.stagedId, kind: 'decisions' })).toMatchObject({ code: 'FORBIDDEN', message: 'Ana Silva is a planner: planners import sales inputs; an analyst or a manager imports decision history.' });
    expect(one(db, "SELECT count(*) FROM import_batches WHERE kind IN ('forecasts', 'decisions') AND file_name IN ('fc.csv', 'history.csv')")).toBe(0);
    const si = await stage('si.csv', ['sku,period,sales_input', 'A,2026-09-01,70']);
    expect(await ok(ctx, 'runImport', { stagedId: si.stagedId, kind: 'sales_inputs' })).toMatchObject({ rowsAccepted: 1, batchId: expect.any(Number) });
    await signInAs(ctx, { userId: 'sam' });
    expect(await ok(ctx, 'runImport', forecasts)).toMatchObject({ rowsAccepted: 1 });
    expect(await ok(ctx, 'runImport', { stagedId: history.stagedId, kind: 'decisions' })).toMatchObject({ rowsAccepted: 1 });
    expect(all(db, "SELECT kind, imported_by FROM import_batches WHERE file_name IN ('si.csv', 'fc.csv', 'history.csv') ORDER BY batch_id")).toEqual([
      { kind: 'sales_inputs', imported_by: 'ana.silva' },
      { kind: 'forecasts', imported_by: 'sam' },
      { kind: 'decisions', imported_by: 'sam' },
    ]);
  });

  it('through the importer: an importer the workbook does not know is refused, and never created', async () => {
    await expect(imp({ kind: 'actuals', user: 'mallory' }, 'a.csv', ['sku,month,sales', 'A,2026-07-01,5'])).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'Nobody with the id mallory works in this workbook, so nothing was imported as them.',
    });
    await expect(imp({ kind: 'forecasts', model: 'ets', origin: '2026-08-01', user: 'ana.silva' }, 'fc.csv', ['sku,month,fcst', 'A,2026-09-01,1'])).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(all(db, "SELECT user_id FROM users WHERE user_id = 'mallory'")).toEqual([]);
    expect(one(db, "SELECT count(*) FROM import_batches WHERE file_name IN ('a.csv', 'fc.csv')")).toBe(0);
  });

  it('through fwb: --user a planner imports sales inputs only; a pipeline without --user imports history credited to nobody named', async () => {
    const fc = writeLines(t.dir, 'fc.csv', ['sku,month,fcst', 'A,2026-09-01,1']);
    const asPlanner = await cli('--kind', 'forecasts', '--model', 'ets', '--origin', '2026-08-01', '--user', 'ana.silva', fc);
    expect(asPlanner).toMatchObject({ status: 1, stderr: 'fwb import: Ana Silva is a planner: planners import sales inputs; an analyst or a manager imports forecasts.\n' });
    const si = writeLines(t.dir, 'si.csv', ['sku,period,sales_input', 'A,2026-09-01,70']);
    expect((await cli('--kind', 'sales-inputs', '--user', 'ana.silva', si)).status).toBe(0);
    const history = writeLines(t.dir, 'h.csv', [HEADER, 'A,2026-05-01,130,promotion,,Ana Silva,2026-04-20T09:00:00Z,ets,2026-04-01', 'A,2026-08-01,130,promotion,,Ana Silva,2026-06-20T09:00:00Z,ets,2026-06-01']);
    const pipeline = await cli('--kind', 'decisions', '--json', history);
    expect(pipeline.status).toBe(0);
    const out = JSON.parse(pipeline.stdout);
    expect(out).toMatchObject({ rowsAccepted: 1, rowsQuarantined: 1, errors: [{ row: 3, column: null, reason: expect.stringMatching(/^line is open: decide it in Review/) }] });
    const journal = await ok(ctx, 'getLineJournal', { lineId: lineId('ets', 20260401, 'A', 20260501) });
    expect(importedDecisionText(journal.decisions[0]!.imported!)).toBe(`imported from h.csv (batch ${out.batchId}) by nobody named, as recorded by Ana Silva`);
    expect(all(db, "SELECT user_id FROM users WHERE display_name = 'Ana Silva' OR user_id LIKE 'Ana%'")).toEqual([{ user_id: 'ana.silva' }]);
    expect(checkWorkbook(db).problems).toEqual([]);
  });
});

describe('fwb check and imported history', () => {
  async function tampered(sql: string): Promise<CheckReport> {
    const copy = join(t.dir, `tampered-${Math.random().toString(36).slice(2)}.sqlite`);
    await db.backup(copy);
    const raw = new Database(copy);
    for (const name of raw.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all() as string[]) raw.exec(`DROP TRIGGER "${name}"`);
    raw.exec(sql);
    raw.close();
    const { db: opened } = await openWorkbook(copy, { readonly: true });
    try {
      return checkWorkbook(opened);
    } finally {
      opened.close();
    }
  }

  it('passes after a history import and catches an imported decision altered afterwards', async () => {
    const h = await imp({ kind: 'decisions', user: 'sam' }, 'history.csv', [HEADER, 'A,2026-05-01,130,promotion,,Ana Silva,2026-04-20T09:00:00Z,ets,2026-04-01']);
    expect(h.rowsAccepted).toBe(1);
    expect(checkWorkbook(db)).toMatchObject({ ok: true, problems: [] });
    const id = one<number>(db, 'SELECT decision_id FROM decisions WHERE batch_id = ?', h.batchId);
    for (const change of [
      "decided_by = 'ana.silva'", // credited to the planner after all
      "recorded_by = 'Mia Manager'", // another name
      'batch_id = NULL', // passed off as decided here
      'quantity = 77777',
    ]) {
      const report = await tampered(`UPDATE decisions SET ${change} WHERE decision_id = ${id}`);
      expect(report.problems.map((p) => p.message), change).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^decision ${id} differs from what audit entry \\d+ recorded \\(the row was altered\\)`))]));
    }
  });
});

describe('history imported by an earlier version', () => {
  it('stays history: shown as imported, and never taken back as the named person’s own decision', async () => {
    // Earlier versions wrote history credited to a person of the workbook named after the file's decider.
    const h = await imp({ kind: 'decisions', user: 'sam' }, 'old-history.csv', [HEADER, 'A,2026-05-01,130,promotion,,Ana Silva,2026-04-20T09:00:00Z,ets,2026-04-01']);
    const line = lineId('ets', 20260401, 'A', 20260701); // open, on a run older than ets' newest
    db.exec('DROP TRIGGER decisions_history_credits_nobody');
    db.prepare("INSERT INTO decisions (line_id, action, quantity, source, reason_code, decided_by, decided_at, status, batch_id) VALUES (?, 'override', 140, 'override', 'promotion', 'ana.silva', '2026-04-21T09:00:00.000Z', 'final', ?)").run(line, h.batchId);
    refreshLineState(db, line);
    await ok(ctx, 'signIn', { userId: 'ana.silva' });
    expect(await refused(ctx, 'undoLastDecision', {})).toMatchObject({ code: 'NOT_FOUND', message: 'Ana Silva has no decision to undo.' });
    expect(readLineState(db, line)).toMatchObject({ finalQuantity: 140, decidedBy: 'ana.silva' });
    const journal = await ok(ctx, 'getLineJournal', { lineId: line });
    expect(importedDecisionText(journal.decisions[0]!.imported!)).toBe(`imported from old-history.csv (batch ${h.batchId}) by Sam Analyst, as recorded by ana.silva`);
  });
});
