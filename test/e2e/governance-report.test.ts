// The governance report on the Governance screen, in headless Chromium against
// the browser host on a demo workbook with its planted drift (Snacks), two
// releases and a rollback: the seven questions, the backend's figures, the two
// charts, and "Save as HTML" writing the same report to disk.
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { governanceHtml } from '../../electron/backend/governance/html';
import { GOVERNANCE_QUESTIONS, type GovernanceReport } from '../../shared/governance';
import { appInBrowser, callApi, MARIA, SCREENSHOTS } from './browser';

/** A percentage as the report writes it: one decimal, grouped. */
const pct = (v: number) => `${v.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;

describe('the governance report on the Governance screen', () => {
  const app = appInBrowser({
    // 500 items: the demo's planted drift on Snacks stands out and the drift guard raises its alert.
    items: 500,
    as: MARIA,
    acceptDownloads: true,
    ready: async () => {
      // Two releases of the current run and a rollback to the first: question 7 has something to say.
      const { currentRunId } = await callApi<{ currentRunId: number }>(app.host, 'getWorkbookInfo', {});
      await callApi(app.host, 'releaseRun', { runId: currentRunId, note: 'Cycle plan for S&OP' });
      await callApi(app.host, 'releaseRun', { runId: currentRunId });
      await callApi(app.host, 'rollbackRun', { runId: currentRunId, toVersion: 1, note: 'v2 went out before the approvals were in' });
      report = await callApi<GovernanceReport>(app.host, 'getGovernanceReport', {});
      await app.page.goto(`${app.host.url}#/governance`);
      await app.page.getByRole('button', { name: 'Save policy for all items' }).waitFor();
      await app.page.getByRole('tab', { name: 'Report' }).click();
      await panel().getByRole('region', { name: GOVERNANCE_QUESTIONS[0] }).waitFor();
    },
  });
  let report: GovernanceReport;

  const panel = () => app.page.getByRole('tabpanel', { name: 'Report' });
  const question = (n: number) => panel().getByRole('region', { name: GOVERNANCE_QUESTIONS[n - 1] });
  /** A headline figure's value (the first line of its <dd>), by its label. */
  const glanceValue = async (label: string) => (await panel().locator('.report-glance div').filter({ has: app.page.getByRole('term').filter({ hasText: new RegExp(`^${label}$`) }) }).locator('dd').innerText()).split('\n')[0]!.trim();

  it('answers the seven questions, in order, each with an answer in words', async () => {
    await expect(app.page.getByRole('tab', { name: 'Report' }).getAttribute('aria-selected')).resolves.toBe('true');
    const headings = await panel().locator('.report-q > h3').allInnerTexts();
    expect(headings.map((h) => h.replace(/\s+/g, ' ').trim())).toEqual(GOVERNANCE_QUESTIONS.map((q, i) => `${i + 1} ${q}`));
    for (let n = 1; n <= 7; n++) expect((await question(n).locator('.answer').innerText()).length).toBeGreaterThan(25);
    // The model's role per segment, as the policies hold it; the planted drift stepped Snacks down to assist.
    expect(report.drift.steppedDown).toContain('Snacks');
    const segment = (r: GovernanceReport['roles'][number]) => (r.segmentType === 'all' ? 'All items' : `${r.segmentType === 'abc_class' ? 'ABC class ' : ''}${r.segmentValue}`);
    const stepDown = (r: GovernanceReport['roles'][number]) =>
      r.steppedDownAt === null ? '' : r.role === 'assist' ? ` (held at assist by the drift guard since ${r.steppedDownAt.slice(0, 10)})` : ` (stepped down from ${r.role} by the drift guard on ${r.steppedDownAt.slice(0, 10)})`;
    await expect(question(3).locator('.answer').innerText()).resolves.toBe(`${report.roles.map((r) => `${segment(r)}: ${r.roleInForce}${stepDown(r)}`).join('; ')}.`);
    expect(report.roles.find((r) => r.segmentValue === 'Snacks')!.roleInForce).toBe('assist');
  });

  it('shows the backend’s figures: accuracy, accountability, drift alerts and releases', async () => {
    const m = report.monitoring;
    expect(m.modelWape).not.toBeNull();
    await expect(glanceValue('Model WAPE')).resolves.toBe(pct(m.modelWape!));
    await expect(glanceValue('Final plan WAPE')).resolves.toBe(pct(m.finalWape!));
    await expect(glanceValue('Interval coverage')).resolves.toBe(pct(m.coverage!));
    await expect(glanceValue('Drift alerts')).resolves.toBe(String(report.drift.alerts.length));
    await expect(glanceValue('Releases')).resolves.toBe(String(report.rollback.releases));
    await expect(glanceValue('Awaiting a manager')).resolves.toBe(String(report.accountability.pendingApprovals));
    expect(report.drift.alerts.length).toBeGreaterThanOrEqual(1);
    expect([report.rollback.releases, report.rollback.rollbacks]).toEqual([2, 1]);

    const q5 = await question(5).locator('.answer').innerText();
    expect(q5).toContain(`Over ${report.monitoring.linesWithActuals.toLocaleString('en-US')} lines with known actuals: model WAPE ${pct(m.modelWape!)}, final plan ${pct(m.finalWape!)}`);
    const categories = question(5).getByRole('table', { name: 'By category' });
    await expect(categories.locator('tbody tr td:first-child').allInnerTexts()).resolves.toEqual(m.byCategory.map((c) => c.category));
    await expect(categories.locator('tbody tr td:nth-child(3)').allInnerTexts()).resolves.toEqual(m.byCategory.map((c) => pct(c.modelWape!)));

    await expect(question(6).locator('.answer').innerText()).resolves.toMatch(new RegExp(`^${report.drift.alerts.length} drift alerts?; stepped down to assist: .*Snacks`));
    const alerts = question(6).getByRole('table', { name: 'Drift alerts' });
    await expect(alerts.locator('tbody tr').count()).resolves.toBe(report.drift.alerts.length);
    await expect(alerts.locator('tbody tr td:first-child').allInnerTexts()).resolves.toEqual(report.drift.alerts.map((a) => a.segment));

    await expect(question(7).locator('.answer').innerText()).resolves.toMatch(/^2 releases of 1 run and 1 rollback\./);
    const releases = question(7).getByRole('table', { name: 'Recent releases and rollbacks' });
    await expect(releases.locator('tbody tr td:nth-child(3)').allInnerTexts()).resolves.toEqual(['rollback to v1', 'release', 'release']);

    const a = report.accountability;
    await expect(question(4).locator('.answer').innerText()).resolves.toContain(`${a.owners.length} planners own`);
    await expect(question(4).getByRole('table', { name: 'Item owners' }).locator('tbody tr').count()).resolves.toBe(a.owners.length);
    // Where the audit log's word ends in a single-seat file, with the chain head to compare copies against.
    const audit = await question(4).locator('.report-audit-note').innerText();
    expect(audit).toContain('whoever holds this file can rewrite the whole chain');
    expect(audit).toContain(`head entry ${a.auditChain.head!.auditId.toLocaleString('en-US')} ${a.auditChain.head!.hash.slice(0, 16)}…`);
    await question(4).scrollIntoViewIfNeeded();
    mkdirSync(SCREENSHOTS, { recursive: true });
    await question(4).screenshot({ path: join(SCREENSHOTS, 'governance-report-q4.png') });
    await expect(question(1).getByRole('table', { name: 'Model versions' }).locator('tbody tr').count()).resolves.toBe(report.provenance.models.length);
  });

  it('says the same about the step-down in question 3, question 6, the headline and the policies table', async () => {
    // The demo's drift guard gave Snacks a policy of its own at assist (all items' rules) and stepped it down.
    expect(report.drift.steppedDown).toEqual(['Snacks']);
    await expect(glanceValue('Stepped down')).resolves.toBe('1');
    await expect(question(3).locator('.answer').innerText()).resolves.toContain('Snacks: assist (held at assist by the drift guard since 2026-10-01)');
    await expect(question(3).getByRole('table', { name: 'Policies' }).getByRole('row').filter({ hasText: /^Snacks/ }).locator('td').nth(2).innerText()).resolves.toBe('assist (drift guard)');
    await expect(question(6).locator('.answer').innerText()).resolves.toBe('1 drift alert; stepped down to assist: Snacks.');
    await question(3).screenshot({ path: join(SCREENSHOTS, 'governance-report-q3.png') });
    await question(6).screenshot({ path: join(SCREENSHOTS, 'governance-report-q6.png') });
    await panel().locator('.report-glance').screenshot({ path: join(SCREENSHOTS, 'governance-report-headline.png') });
    await app.page.getByRole('tab', { name: 'Policies and approvals' }).click();
    const drift = app.page.getByRole('table', { name: 'Policies per segment' }).locator('tr.row-drift');
    await expect(drift.innerText()).resolves.toMatch(/^stepped down by drift guard on 2026-10-01 category Snacks is held at assist, its set role, until a manager lifts the step-down\./);
    await expect(drift.innerText()).resolves.not.toContain('instead of assist');
    await expect(drift.getByRole('button', { name: 'Restore role of category Snacks' }).innerText()).resolves.toBe('Lift the step-down');
    await app.page.screenshot({ path: join(SCREENSHOTS, 'governance-policies-step-down.png') });
    await app.page.getByRole('tab', { name: 'Report' }).click();
    await question(1).waitFor();
  });

  it('draws model vs final WAPE per period with coverage, and WAPE by category, each titled and described', async () => {
    const trend = question(5).getByRole('img', { name: /^Line chart of the model's and the final plan's WAPE % per period, (\d+) periods/ });
    await expect(trend.count()).resolves.toBe(1);
    await expect(trend.getAttribute('aria-label')).resolves.toContain(`${report.monitoring.trend.length} periods`);
    const bars = question(5).getByRole('img', { name: /^Bar chart of WAPE % by category/ });
    await expect(bars.count()).resolves.toBe(1);
    // The canvas is drawn (a blank canvas would mean the chart failed).
    for (const chart of [trend, bars]) {
      const box = await chart.boundingBox();
      expect(box!.width).toBeGreaterThan(400);
      expect(box!.height).toBeGreaterThan(200);
      const inked = await chart.locator('canvas').first().evaluate((c: HTMLCanvasElement) => {
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
        return n;
      });
      expect(inked).toBeGreaterThan(2000);
    }
  });

  it('saves the report as HTML, says where it went, and the file holds the same answers', async () => {
    await panel().getByRole('button', { name: 'Save as HTML' }).click();
    const note = panel().getByRole('status', { name: 'Saved: Governance report' });
    await note.waitFor({ timeout: 30_000 });
    const text = await note.innerText();
    const path = /Saved to\s+(\S+\.html)/.exec(text)?.[1];
    expect(path, text).toBeDefined();
    expect(dirname(path!)).toBe(join(app.dir, 'exports'));
    expect(basename(path!)).toMatch(/^demo-governance-report-\d{8}-\d{6}\.html$/);
    const html = readFileSync(path!, 'utf8');
    for (const q of GOVERNANCE_QUESTIONS) expect(html).toContain(q.replace(/'/g, '&#39;'));
    // The answers in words are the same: the headline of question 5 appears there as on screen.
    const q5 = (await question(5).locator('.answer').innerText()).split(':')[0]!;
    expect(html).toContain(q5);
    expect(html).toContain(`model WAPE ${report.monitoring.modelWape!.toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`);

    const [download] = await Promise.all([app.page.waitForEvent('download'), note.getByRole('button', { name: 'Download a copy' }).click()]);
    expect(download.suggestedFilename()).toBe(basename(path!));
    expect(readFileSync((await download.path())!, 'utf8')).toBe(html);
  });

  it('says on screen, word for word, what the HTML report says in answer to each question', async () => {
    const unescape = (h: string) => h.replace(/<[^>]+>/g, '').replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e]!);
    const answers = [...governanceHtml(report).matchAll(/<p class="answer">([^]*?)<\/p>/g)].map((m) => unescape(m[1]!));
    expect(answers).toHaveLength(GOVERNANCE_QUESTIONS.length);
    for (let n = 1; n <= GOVERNANCE_QUESTIONS.length; n++) await expect(question(n).locator('.answer').innerText()).resolves.toBe(answers[n - 1]);
  });

  it('looks calm and complete: a full-height screenshot, every control named, no console errors', async () => {
    await app.page.waitForFunction(() => document.querySelector('.governance-report')?.getAttribute('aria-busy') !== 'true');
    const extra = await app.page.evaluate(() => {
      const screen = document.querySelector('.screen.governance')!;
      return screen.scrollHeight - screen.clientHeight;
    });
    await app.page.setViewportSize({ width: 1440, height: 900 + Math.max(0, extra) });
    await app.page.waitForTimeout(300); // the charts follow the resize
    await app.page.screenshot({ path: join(SCREENSHOTS, 'governance-report-screen.png') });
    await app.page.setViewportSize({ width: 1440, height: 900 });
    const unnamed = await app.page.evaluate(() =>
      [...document.querySelectorAll('button, input, select, a[href]')]
        .filter((el) => !(el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || (el as HTMLInputElement).labels?.length || (el.textContent ?? '').trim()))
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(unnamed).toEqual([]);
    // Arrow keys move between the tabs.
    await app.page.getByRole('tab', { name: 'Report' }).focus();
    await app.page.keyboard.press('ArrowLeft');
    await expect(app.page.getByRole('tab', { name: 'Policies and approvals' }).getAttribute('aria-selected')).resolves.toBe('true');
    await app.page.getByRole('table', { name: 'Policies per segment' }).waitFor();
    expect(app.problems).toEqual([]);
  });
});
