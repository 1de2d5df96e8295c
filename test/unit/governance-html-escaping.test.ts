// The governance report as HTML holds workbook text (categories, file names,
// model names) in its tables and its server-rendered SVG charts: all of it as
// text, never markup (issue 12.5).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import { governanceHtml } from '../../electron/backend/governance/html';
import { periodKey } from '../../shared/period';
import { ok } from '../helpers/api';
import { FIXED_NOW, smallWorkbook, tempDir } from '../helpers/workbook';

const HOSTILE_CATEGORY = '<meta http-equiv="refresh" content="0;url=https://example.invalid/">';
const HOSTILE_MODEL = '</text><script>alert(1)</script>';

describe('the governance report HTML', () => {
  const t = tempDir('fwb-gov-escape-');
  let ctx: BackendContext;
  beforeAll(async () => {
    ({ ctx } = await smallWorkbook(t.dir));
    ctx.db.prepare("UPDATE items SET category = ? WHERE item_id = 'SKU-1'").run(HOSTILE_CATEGORY);
    ctx.db.prepare('UPDATE forecast_runs SET model_name = ?').run(HOSTILE_MODEL);
    // Actuals for the run's periods, so the category chart has a bar for every category.
    const add = ctx.db.prepare('INSERT INTO actuals (item_key, period, quantity, recorded_at) SELECT item_key, ?, 150, ? FROM items');
    for (const p of ['2026-07-01', '2026-08-01', '2026-09-01']) add.run(periodKey(p), FIXED_NOW().toISOString());
  });
  afterAll(() => {
    ctx.db.close();
    t.cleanup();
  });

  it('escapes workbook text in its tables and in the SVG charts', async () => {
    // Through dispatch, which brings the accuracy figures current first.
    const report = await ok(ctx, 'getGovernanceReport', {});
    expect(report.monitoring.byCategory.map((c) => c.category)).toContain(HOSTILE_CATEGORY);
    const html = governanceHtml(report);
    expect(html).not.toContain('<meta http-equiv="refresh"');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;meta http-equiv=&quot;refresh&quot;');
    // The category chart names the category on its axis, as text.
    const svg = html.slice(html.indexOf('<figure>'), html.lastIndexOf('</figure>'));
    expect(svg).toContain('&lt;meta http-equiv=&quot;refresh&quot;');
    expect(svg).not.toContain('<meta');
  });
});
