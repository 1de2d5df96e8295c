// The governance report's figures match the workbook: each is recomputed here
// from the raw tables by a different route (line by line, not through the
// accuracy cube), and the HTML export carries them and its charts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/backend/api';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook, type Db } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { governanceHtml } from '../../electron/backend/governance/html';
import { governanceReport } from '../../electron/backend/governance/report';
import { governanceHeadlines } from '../../electron/backend/exports/governance';
import { identitiesText, rollbackAnswer, type GovernanceReport } from '../../shared/governance';
import { FIXED_NOW, smallWorkbook, tempDir } from '../helpers/workbook';

let db: Db;
let ctx: BackendContext;
let cleanup: () => void;
let report: GovernanceReport;

beforeAll(async () => {
  const t = tempDir('fwb-gov-');
  cleanup = t.cleanup;
  const path = `${t.dir}/demo.sqlite`;
  db = (await openWorkbook(path, { now: FIXED_NOW })).db;
  generateDemo(db, { items: 500, seed: 42 });
  ctx = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
  // A release and a rollback, made through the API as a manager would.
  expect((await dispatch(ctx, 'signIn', { userId: 'maria.lopez', passphrase: 'demo' })).ok).toBe(true);
  const runId = db.prepare('SELECT run_id FROM forecast_runs ORDER BY origin DESC LIMIT 1 OFFSET 1').pluck().get() as number;
  expect((await dispatch(ctx, 'releaseRun', { runId, note: 'September plan' })).ok).toBe(true);
  expect((await dispatch(ctx, 'releaseRun', { runId, note: 'again' })).ok).toBe(true);
  expect((await dispatch(ctx, 'rollbackRun', { runId, toVersion: 1, note: 'back to the first' })).ok).toBe(true);
  const served = await dispatch(ctx, 'getGovernanceReport', {});
  expect(served.ok).toBe(true);
  report = (served as { value: GovernanceReport }).value;
}, 60_000);
afterAll(() => {
  db.close();
  cleanup();
});

const one = (sql: string) => db.prepare(sql).pluck().get() as number;

describe('governance report figures', () => {
  it('provenance: every import batch, by kind, and every model version', () => {
    expect(report.provenance.batches.reduce((t, b) => t + b.files, 0)).toBe(one('SELECT count(*) FROM import_batches'));
    expect(report.provenance.batches.find((b) => b.kind === 'actuals')!.rowsQuarantined).toBe(one("SELECT count(*) FROM quarantine_rows q JOIN import_batches b ON b.batch_id = q.batch_id WHERE b.kind = 'actuals'"));
    expect(report.provenance.models.map((m) => [m.version, m.runs])).toEqual([
      ['2.3', 8],
      ['2.4', 5],
    ]);
    expect(report.provenance.models.reduce((t, m) => t + m.lines, 0)).toBe(one('SELECT count(*) FROM forecast_lines'));
  });

  it('quality: quarantine rate and the freshness of actuals', () => {
    expect(report.quality.rowsQuarantined).toBe(one('SELECT count(*) FROM quarantine_rows'));
    expect(report.quality.rowsRead).toBe(one('SELECT sum(rows_read) FROM import_batches'));
    expect(report.quality.lastActualPeriod).toBe('2026-10-01');
    expect(report.quality.actualsLagBuckets).toBe(0);
    expect(report.quality.items).toBe(500);
  });

  it("roles: each policy's role in force, with the drift guard's step-down", () => {
    const snacks = report.roles.find((r) => r.segmentValue === 'Snacks')!;
    expect(snacks.roleInForce).toBe('assist');
    expect(snacks.steppedDownAt).not.toBeNull();
    expect(report.roles).toHaveLength(one('SELECT count(*) FROM policies'));
  });

  it('accountability: who owns items, who approved, and how many lines a person decided', () => {
    expect(report.accountability.owners.reduce((t, o) => t + o.items, 0) + report.accountability.itemsWithoutOwner).toBe(500);
    const approvals = report.accountability.approvers.reduce((t, a) => t + a.approvals + a.rejections, 0);
    expect(approvals).toBe(one('SELECT count(*) FROM approvals'));
    // Independently: the latest decision in force per line of a past run, by a person.
    const person = one(`
      WITH inforce AS (
        SELECT d.* FROM decisions d
         WHERE d.action <> 'undo' AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes_decision_id = d.decision_id)),
      latest AS (SELECT line_id, max(decision_id) AS id FROM inforce GROUP BY line_id)
      SELECT count(*) FROM latest l JOIN decisions d ON d.decision_id = l.id JOIN forecast_lines fl ON fl.line_id = l.line_id
       WHERE d.action IN ('accept', 'override') AND d.decided_by IS NOT NULL
         AND fl.run_id IN (SELECT run_id FROM forecast_runs WHERE origin < (SELECT max(origin) FROM forecast_runs))`);
    expect(report.accountability.linesDecidedByPerson).toBe(person);
    expect(report.accountability.linesInPastRuns).toBe(one('SELECT count(*) FROM forecast_lines WHERE run_id IN (SELECT run_id FROM forecast_runs WHERE origin < (SELECT max(origin) FROM forecast_runs))'));
  });

  it('accountability: says plainly that identities are local to a single-seat workbook, in the report and its HTML', () => {
    expect(report.accountability.identities).toEqual({ kind: 'local', awaitingPassphrase: [] });
    const sentence = identitiesText(report.accountability.identities);
    expect(sentence).toMatch(/^Identities are local to this single-seat workbook: .*passphrase.*Team workbooks authenticate every person against the database\.$/);
    expect(governanceHtml(report)).toContain(sentence);
    // Someone from before passphrases existed is named until they choose one.
    db.prepare("INSERT INTO users (user_id, display_name, role, created_at) VALUES ('old.hand', 'Old Hand', 'analyst', '2025-01-01T00:00:00.000Z')").run();
    try {
      const later = governanceReport(db, FIXED_NOW()).accountability.identities;
      expect(later).toEqual({ kind: 'local', awaitingPassphrase: ['Old Hand'] });
      expect(identitiesText(later)).toMatch(/ Old Hand has not chosen a passphrase yet: whoever signs in as them first chooses it\.$/);
    } finally {
      db.prepare("DELETE FROM users WHERE user_id = 'old.hand'").run();
    }
  });

  it('monitoring: model and final WAPE and coverage equal a line-by-line computation', () => {
    const lines = db
      .prepare(
        `SELECT fl.quantity AS m, coalesce(ls.final_quantity, fl.quantity) AS f, a.quantity AS act, fl.lower, fl.upper
           FROM forecast_lines fl
           JOIN actuals a ON a.item_key = fl.item_key AND a.location_key = fl.location_key AND a.period = fl.period AND a.superseded_at IS NULL
           LEFT JOIN line_state ls ON ls.line_id = fl.line_id`,
      )
      .all() as { m: number; f: number; act: number; lower: number | null; upper: number | null }[];
    const sumA = lines.reduce((t, l) => t + l.act, 0);
    expect(report.monitoring.linesWithActuals).toBe(lines.length);
    expect(report.monitoring.modelWape).toBeCloseTo((lines.reduce((t, l) => t + Math.abs(l.m - l.act), 0) / sumA) * 100, 9);
    expect(report.monitoring.finalWape).toBeCloseTo((lines.reduce((t, l) => t + Math.abs(l.f - l.act), 0) / sumA) * 100, 9);
    expect(report.monitoring.finalBias).toBeCloseTo((lines.reduce((t, l) => t + (l.f - l.act), 0) / sumA) * 100, 9);
    const bounded = lines.filter((l) => l.lower !== null && l.upper !== null);
    expect(report.monitoring.coverage).toBeCloseTo((bounded.filter((l) => l.act >= l.lower! && l.act <= l.upper!).length / bounded.length) * 100, 9);
    expect(report.monitoring.byCategory.map((c) => c.category)).toEqual(['Beverages', 'Household', 'Personal Care', 'Snacks']);
  });

  it('drift and rollback: the alerts and releases as recorded', () => {
    expect(report.drift.alerts.map((a) => [a.segment, a.resolvedAt])).toEqual([['Snacks', null]]);
    expect(report.drift.steppedDown).toEqual(['Snacks']);
    expect([report.rollback.releases, report.rollback.rollbacks, report.rollback.runsReleased]).toEqual([2, 1, 1]);
    expect(report.rollback.recent[0]).toMatchObject({ kind: 'rollback', restoresVersion: 1, version: 3, releasedBy: 'Maria Lopez' });
  });

  it('one source for the step-down: question 3, question 6 and the headline count agree, in sentences that read right', () => {
    // The demo's drift guard gave Snacks a policy of its own (all items' rules, role assist) and stepped it down.
    const stepped = db.prepare('SELECT segment_value, model_role FROM policies WHERE stepped_down_at IS NOT NULL').all();
    expect(stepped).toEqual([{ segment_value: 'Snacks', model_role: 'assist' }]);
    expect(report.drift.steppedDown).toEqual(['Snacks']);
    const steppedDownHeadline = () => [...(governanceHeadlines(db, FIXED_NOW()).rows as Iterable<unknown[]>)].find((r) => r[1] === 'Segments stepped down to assist')![2];
    expect(steppedDownHeadline()).toBe(1);
    const html = governanceHtml(report);
    const answer = (n: number) => new RegExp(`<span class="q">${n}</span>[^]*?<p class="answer">([^]*?)</p>`).exec(html)![1]!;
    expect(answer(3)).toContain('Snacks: <b>assist</b> (held at assist by the drift guard since 2026-10-01)');
    expect(answer(6)).toBe('1 drift alert; <span class="warn">stepped down to assist: Snacks</span>.');
    expect(html).not.toMatch(/instead of assist|stepped down from assist|alert\(s\)/);
    // A segment stepped down from another role says from which.
    db.prepare("UPDATE policies SET stepped_down_at = '2026-11-03T08:00:00.000Z' WHERE segment_type = 'abc_class' AND segment_value = 'C'").run();
    try {
      const again = governanceReport(db, FIXED_NOW());
      expect(again.drift.steppedDown).toEqual(['Snacks', 'ABC class C']);
      expect(steppedDownHeadline()).toBe(2);
      expect(governanceHtml(again)).toContain('ABC class C: <b>assist</b> (stepped down from decide by the drift guard on 2026-11-03)');
    } finally {
      db.prepare("UPDATE policies SET stepped_down_at = NULL WHERE segment_type = 'abc_class' AND segment_value = 'C'").run();
    }
  });

  it('the HTML export answers the seven questions and the value of planning with its figures and embedded charts, and no scripts', () => {
    const html = governanceHtml(governanceReport(db, FIXED_NOW()));
    expect(html.match(/<h2>/g)).toHaveLength(8); // the seven questions and the value of planning (issue 16 item 4)
    expect(html).toContain(`model WAPE ${report.monitoring.modelWape!.toFixed(1)} %`);
    expect(html.match(/<svg /g)!.length).toBeGreaterThanOrEqual(2);
    expect(html).toContain('Model and final plan error per period (WAPE %)');
    expect(html).not.toMatch(/<script|src="http/);
    expect(html).toContain('stepped down to assist: Snacks');
  });
});

describe('a workbook whose forecasts carry no interval', () => {
  it('says coverage is not measured, with no "undefined" in the report or its HTML', async () => {
    const t = tempDir('fwb-gov-nointerval-');
    const { ctx: small } = await smallWorkbook(t.dir);
    try {
      small.db.prepare('UPDATE forecast_lines SET lower = NULL, upper = NULL').run();
      small.db.prepare('UPDATE forecast_runs SET interval_level = NULL').run();
      const r = governanceReport(small.db, FIXED_NOW());
      expect(r.monitoring.intervalLevel).toBeNull();
      expect(r.monitoring.coverage).toBeNull();
      const html = governanceHtml(r);
      expect(html).toContain('no forecast carries an interval, so how often actuals fall inside one is not measured.');
      expect(html).not.toMatch(/undefined/);
    } finally {
      small.db.close();
      t.cleanup();
    }
  });
});

describe('question 7 in words', () => {
  it('counts releases, runs and rollbacks in words that read right for one and many', () => {
    expect(rollbackAnswer({ ...report.rollback, releases: 2, runsReleased: 1, rollbacks: 1, backupsNote: '' })).toBe('2 releases of 1 run and 1 rollback. ');
    expect(rollbackAnswer({ ...report.rollback, releases: 1, runsReleased: 1, rollbacks: 0, backupsNote: 'Backups: none.' })).toBe('1 release of 1 run and 0 rollbacks. Backups: none.');
    expect(governanceHtml(report)).not.toMatch(/\(s\)/);
  });
});
