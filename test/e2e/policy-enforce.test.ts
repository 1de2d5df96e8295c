// The planner's side of an adopted policy (issue 16, item 3), in headless Chromium
// against the browser host on the demo workbook: a manager adopts "upward overrides
// in Snacks count half" in Governance › Policy lab, imports the next cycle's
// forecast on the Import screen; a planner opens a Snacks line of it, types an
// override, reads what will apply before saving, saves, and the grid shows the
// applied plan; the line's history has both figures, and "See why" opens the
// adoption with the figures stored beside it. Screenshots go to test-results/shots.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ForecastLinePage, ForecastLineRow, ForecastRunSummary, WorkbookInfo } from '../../shared/domain';
import { formatCount, formatQuantity } from '../../shared/format';
import type { AdoptedPolicy, OverridePolicyPreview } from '../../shared/policy-lab';
import { ANA, appInBrowser, callApi, CHEN, MARIA, ROOT, showLine, signIn, worklistReady, type Person } from './browser';

const SHOTS = join(ROOT, 'test-results', 'shots');
const SNACKS_UP_HALF = { rules: [{ segment: { by: 'category', value: 'Snacks' }, levers: { dampUp: 0.5 } }] };

const nextMonth = (iso: string) => {
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
};

describe('an adopted policy while a planner decides', () => {
  const app = appInBrowser({ items: 60, as: MARIA, timeout: 120_000, viewport: { width: 1440, height: 1000 } });
  const api = <T,>(method: string, payload: unknown) => callApi<T>(app.host, method, payload);
  let line: ForecastLineRow;
  let planner: Person;
  let newRunId: number;

  it('a manager adopts upward overrides in Snacks counting half, in the lab', async () => {
    await app.page.goto(`${app.host.url}#/governance`);
    await app.page.getByRole('tab', { name: 'Policy lab' }).click();
    await app.page.getByRole('status').filter({ hasText: /^Simulated over [\d,]+ lines$/ }).waitFor({ timeout: 60_000 });
    await app.page.getByRole('combobox', { name: 'Segment type of rule 1' }).selectOption('category');
    await app.page.getByRole('combobox', { name: 'Segment value of rule 1' }).fill('Snacks');
    await app.page.getByRole('spinbutton', { name: 'Upward × of rule 1 (Snacks)' }).fill('0.5');
    await app.page.waitForFunction(() => document.querySelector('.policy-lab')?.getAttribute('aria-busy') === 'false', undefined, { timeout: 60_000 });
    await app.page.getByRole('textbox', { name: 'Adoption note' }).fill('blind upward tweaks in Snacks hurt');
    await app.page.getByRole('button', { name: 'Adopt as policy from the next run' }).click();
    await app.page.getByRole('status', { name: 'Adopted' }).waitFor({ timeout: 30_000 });
    const { adoptions } = await api<{ adoptions: AdoptedPolicy[] }>('listPolicyAdoptions', {});
    expect(adoptions.map((a) => a.policy)).toEqual([SNACKS_UP_HALF]);
  });

  it('the next cycle’s forecast is imported on the Import screen', async () => {
    const info = await api<WorkbookInfo>('getWorkbookInfo', {});
    const { runs } = await api<{ runs: ForecastRunSummary[] }>('listRuns', {});
    const current = runs.find((r) => r.runId === info.currentRunId)!;
    const origin = nextMonth(current.origin);
    const page = await api<ForecastLinePage>('getRunLines', { runId: current.runId, limit: 2000 });
    const rows = page.rows.filter((r) => r.period > origin);
    const file = join(app.dir, `demand_${origin}.csv`);
    writeFileSync(file, `sku,month,fcst\n${rows.map((r) => `${r.itemId},${r.period.slice(0, 10)},${r.quantity}`).join('\n')}\n`);
    await app.page.goto(`${app.host.url}#/import`);
    await app.page.getByRole('combobox', { name: 'Kind of data' }).selectOption('forecasts');
    await app.page.getByLabel('Choose file').setInputFiles(file);
    await app.page.locator('#preview-title').waitFor();
    await app.page.getByRole('textbox', { name: 'Model name' }).fill(current.modelName);
    await app.page.getByLabel('Origin', { exact: true }).fill(origin);
    await app.page.getByRole('button', { name: 'Import file' }).click();
    await app.page.locator('.banner.ok').waitFor({ timeout: 30_000 });
    newRunId = (await api<WorkbookInfo>('getWorkbookInfo', {})).currentRunId!;
    expect(newRunId).toBeGreaterThan(current.runId);
  });

  it('the planner sees what will apply before saving, saves, and the grid shows the applied plan', async () => {
    const page = await api<ForecastLinePage>('getRunLines', { runId: newRunId, limit: 2000, filter: { category: 'Snacks', status: 'undecided' } });
    const owners = new Map([ANA, CHEN].map((p) => [p[0], p]));
    line = page.rows.find((r) => !r.frozen && r.lock === null && r.quantity >= 40 && owners.has(r.owner ?? '') && page.rows.filter((o) => o.itemId === r.itemId && o.lag === r.lag).length === 1)!;
    expect(line).toBeDefined();
    planner = owners.get(line.owner!)!;
    await signIn(app.host, ...planner);
    await app.page.goto(`${app.host.url}#/review`);
    await worklistReady(app.page);
    await showLine(app.page, line);

    // An even change, so half of it is a whole number.
    const step = 2 * Math.max(1, Math.round(line.quantity * 0.1));
    const asked = line.quantity + step;
    const applied = line.quantity + step / 2;
    await app.page.keyboard.press('o');
    await app.page.getByRole('textbox', { name: 'Override quantity' }).fill(String(asked));
    const note = app.page.getByRole('note', { name: 'Adopted policy' });
    await note.waitFor();
    const preview = await api<OverridePolicyPreview>('previewOverride', { lineId: line.lineId, quantity: asked });
    expect(preview.applies).toMatchObject({ asked, applied, changed: true, refused: false });
    const text = await note.innerText();
    expect(text).toBe(`${preview.applies!.text} See why`);
    expect(text).toMatch(new RegExp(`^This \\+[\\d.]+ % will be applied as \\+[\\d.]+ % \\(${applied}\\): upward overrides in Snacks count half since run ${newRunId} \\(policy v1, adopted by Maria Lopez on \\d{4}-\\d\\d-\\d\\d\\)\\. See why$`));
    await app.page.getByRole('combobox', { name: 'Reason' }).selectOption('promotion');
    await app.page.getByRole('textbox', { name: 'Comment' }).fill('Retailer feature in week 2');
    mkdirSync(SHOTS, { recursive: true });
    await app.page.locator('form.override').screenshot({ path: join(SHOTS, 'review-policy-editor.png') });
    await app.page.screenshot({ path: join(SHOTS, 'review-policy-applied.png') });

    await app.page.keyboard.press('Enter');
    await app.page.getByRole('status').filter({ hasText: `planned at ${applied}` }).waitFor();
    const grid = app.page.getByRole('grid', { name: 'Worklist' });
    const headers = await grid.getByRole('columnheader').allInnerTexts();
    const plan = headers.findIndex((h) => h.trim().startsWith('Plan'));
    await expect(grid.locator('[aria-rowindex="2"] [role=gridcell]').nth(plan).innerText()).resolves.toBe(formatQuantity(applied));
    const journal = app.page.getByRole('region', { name: 'Decision history of this line' });
    await journal.getByText(`${planner[1]} overrode: asked ${formatQuantity(asked)}, applied ${formatQuantity(applied)} under policy v1 · Promotion`, { exact: false }).waitFor();
    const stored = await api<ForecastLinePage>('getRunLines', { runId: newRunId, limit: 50, filter: { text: line.itemId, lag: line.lag } });
    expect(stored.rows.find((r) => r.lineId === line.lineId)).toMatchObject({ finalQuantity: applied, status: 'final' });
    await app.page.screenshot({ path: join(SHOTS, 'review-policy-saved.png') });
  });

  it('“See why” opens the adoption in the Policy lab with the figures stored beside it', async () => {
    await app.page.keyboard.press('o');
    await app.page.getByRole('textbox', { name: 'Override quantity' }).fill(String(line.quantity * 2));
    await app.page.getByRole('note', { name: 'Adopted policy' }).getByRole('button', { name: 'See why' }).click();
    const adoption = app.page.getByRole('region', { name: 'Adopted policy v1' });
    await adoption.waitFor({ timeout: 30_000 });
    const { adoptions } = await api<{ adoptions: AdoptedPolicy[] }>('listPolicyAdoptions', {});
    const text = await adoption.innerText();
    expect(text).toContain('Category Snacks: upward × 0.5');
    expect(text).toContain('“blind upward tweaks in Snacks hurt”');
    expect(text).toContain(`${formatCount(adoptions[0]!.figures.workload.baseline.decisions)} → ${formatCount(adoptions[0]!.figures.workload.simulated.decisions)}`);
    await app.page.screenshot({ path: join(SHOTS, 'policy-lab-see-why.png') });
    expect(app.problems).toEqual([]);
  });
});
