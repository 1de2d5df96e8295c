// The governance report's eighth question, the value of planning (issue 16
// item 4): the same measures as getValueMeasures / `fwb value`, per run and per
// planner, on screen (the sections) and in the exported HTML, on the hand-built
// workbook whose figures test/unit/value-measures.test.ts recomputes by hand.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { runCli } from '../../electron/cli/main';
import { governanceHtml } from '../../electron/backend/governance/html';
import { GOVERNANCE_QUESTIONS, type GovernanceReport } from '../../shared/governance';
import { governanceSections, phraseText, type ReportTable } from '../../shared/governance-sections';
import type { ValueReport } from '../../shared/value';
import { ok } from '../helpers/api';
import { valueWorkbook } from '../helpers/value-workbook';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

const withoutTime = ({ generatedAt: _, ...rest }: ValueReport) => rest;

describe('the governance report’s value section', () => {
  const t = tempDir('fwb-gov-value-');
  let ctx: BackendContext;
  let report: GovernanceReport;
  let byRun: ValueReport;
  let byPlanner: ValueReport;

  beforeAll(async () => {
    ({ ctx } = await valueWorkbook(t.dir));
    report = await ok(ctx, 'getGovernanceReport', {});
    byRun = await ok(ctx, 'getValueMeasures', { by: 'run' });
    byPlanner = await ok(ctx, 'getValueMeasures', { by: 'planner' });
  });
  afterAll(() => {
    ctx.db.close();
    t.cleanup();
  });

  it('carries the value measures per run and per planner, equal to getValueMeasures', () => {
    expect(report.value).toBeDefined();
    expect(withoutTime(report.value.byRun)).toEqual(withoutTime(byRun));
    expect(withoutTime(report.value.byPlanner)).toEqual(withoutTime(byPlanner));
  });

  it('answers question 8 with a table per run and per planner, the figures known by hand', () => {
    const sections = governanceSections(report);
    const value = sections.find((s) => s.question === GOVERNANCE_QUESTIONS[7]);
    expect(value?.n).toBe(8);
    const [perRun, perPlanner] = value!.blocks as ReportTable[];
    const col = (table: ReportTable, head: string) => table.columns.findIndex((c) => c.head === head);
    const cells = (table: ReportTable, head: string) => table.rows.map((r) => phraseText([r[col(table, head)]!]));
    expect(perRun!.caption).toBe('Value per run (origin order)');
    expect(cells(perRun!, 'Run')).toEqual(['run 1 · Jun 2026', 'run 2 · Jul 2026', 'All']);
    // Run 1: imported 31 Oct 18:00, released 2 Nov 12:00 (42 h); run 2 open since 08:00, the clock at 14:00.
    expect(cells(perRun!, 'Cycle time')).toEqual(['42.0 h', '6.0 h (open)', 'median 42.0 h, some open']);
    expect(cells(perRun!, 'Touch rate')).toEqual(['66.7 %', '33.3 %', '58.3 %']);
    // Eight overrides made, Ben's one escalation rejected.
    expect(cells(perRun!, 'Overrides').at(-1)).toBe('8');
    expect(cells(perRun!, 'Escalated').at(-1)).toBe('12.5 %');
    expect(cells(perRun!, 'Rejected').at(-1)).toBe('100.0 %');
    expect(perPlanner!.caption).toBe('Value per planner');
    expect(cells(perPlanner!, 'Planner')).toEqual(['ana', 'ben', 'All']);
    expect(cells(perPlanner!, 'Touch rate').slice(0, 2)).toEqual(['75.0 %', '100.0 %']);
    expect(phraseText(value!.answer)).toMatch(/^Median cycle time 42\.0 h from first import to release \(some runs still open\)\. Planners overrode 58\.3 % of 12 lines/);
  });

  it('the exported HTML answers question 8 with the same tables', () => {
    const html = governanceHtml(report);
    expect(html).toContain(GOVERNANCE_QUESTIONS[7]);
    expect(html).toContain('<caption>Value per run (origin order)</caption>');
    expect(html).toContain('<caption>Value per planner</caption>');
    expect(html).toContain('median 42.0 h, some open');
    expect(html).toMatch(/<td[^>]*>6\.0 h \(open\)<\/td>/);
  });
});

describe('fwb export --what governance on a workbook whose exceptions were never scored', () => {
  it('scores them first, so question 8 counts the top exceptions as getValueMeasures does', async () => {
    const t = tempDir('fwb-gov-value-cli-');
    try {
      const path = join(t.dir, 'demo.sqlite');
      const { db } = await openWorkbook(path, { now: FIXED_NOW });
      generateDemo(db, { items: 40, seed: 7 });
      expect(db.prepare('SELECT count(*) FROM line_exceptions').pluck().get()).toBe(0);
      db.close();
      const out = join(t.dir, 'report.html');
      let stderr = '';
      const status = await runCli(['export', '--db', path, '--what', 'governance', '--format', 'html', '--out', out], { stdout: { write: () => {} }, stderr: { write: (x: string) => (stderr += x) } });
      expect(stderr).toBe('');
      expect(status).toBe(0);
      const html = readFileSync(out, 'utf8');
      const again = await openWorkbook(path, { now: FIXED_NOW });
      const ctx: BackendContext = { db: again.db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
      const measures = await ok(ctx, 'getValueMeasures', { by: 'run' });
      again.db.close();
      expect(measures.overall.exceptions.top).toBeGreaterThan(0);
      expect(html).toContain(`of the ${measures.overall.exceptions.top.toLocaleString('en-US')} top exceptions`);
    } finally {
      t.cleanup();
    }
  }, 120_000);
});
