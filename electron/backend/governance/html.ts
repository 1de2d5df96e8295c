// The governance report as one self-contained HTML file that prints well: no
// scripts, no external files; the charts are SVG rendered here by ECharts'
// server-side renderer, so they print sharp and open anywhere.
import * as echarts from 'echarts';
import { countOf, GOVERNANCE_QUESTIONS, identitiesText, monitoringAnswer, reportSegmentName, rollbackAnswer, stepDownPhrase, type GovernanceReport } from '../../../shared/governance';
import { importedHistoryText } from '../../../shared/decision-provenance';

const esc = (v: unknown): string =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const num = (v: number | null | undefined, digits = 0) => (v === null || v === undefined ? '—' : v.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${num(v, v !== 0 && Math.abs(v) < 0.1 ? 2 : 1)} %`);
const when = (iso: string | null) => (iso ? esc(iso.replace('T', ' ').slice(0, 16)) : '—');

function svgChart(option: echarts.EChartsCoreOption, width = 720, height = 290): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  chart.setOption({ animation: false, textStyle: { fontFamily: 'Segoe UI, Helvetica, Arial, sans-serif' }, ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

function table(caption: string, head: string[], rows: (string | number)[][], numeric: number[] = []): string {
  if (rows.length === 0) return `<p class="empty">${esc(caption)}: none.</p>`;
  const cell = (v: string | number, i: number, tag: 'td' | 'th') => `<${tag}${numeric.includes(i) ? ' class="num"' : ''}>${v}</${tag}>`;
  return `<table><caption>${esc(caption)}</caption><thead><tr>${head.map((h, i) => cell(esc(h), i, 'th')).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((v, i) => cell(v, i, 'td')).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function section(n: number, question: string, answer: string, body: string): string {
  return `<section><h2><span class="q">${n}</span> ${esc(question)}</h2><p class="answer">${answer}</p>${body}</section>`;
}

function trendChart(r: GovernanceReport): string {
  const t = r.monitoring.trend;
  return svgChart({
    title: { text: 'Model and final plan error per period (WAPE %)', left: 0, textStyle: { fontSize: 13, fontWeight: 600 } },
    legend: { top: 30, left: 0, data: ['Model', 'Final plan', 'Interval coverage %'] },
    grid: { left: 48, right: 56, top: 76, bottom: 36 },
    xAxis: { type: 'category', data: t.map((p) => p.period.slice(0, 7)), name: 'Period', nameLocation: 'middle', nameGap: 24 },
    yAxis: [
      { type: 'value', name: 'WAPE %', nameGap: 10 },
      { type: 'value', name: 'Coverage %', min: 0, max: 100, splitLine: { show: false } },
    ],
    series: [
      { name: 'Model', type: 'line', data: t.map((p) => p.model && +p.model.toFixed(2)), color: '#2b6cb0', symbolSize: 4 },
      { name: 'Final plan', type: 'line', data: t.map((p) => p.final && +p.final.toFixed(2)), color: '#c05621', symbolSize: 4 },
      { name: 'Interval coverage %', type: 'line', yAxisIndex: 1, data: t.map((p) => p.coverage && +p.coverage.toFixed(1)), color: '#718096', lineStyle: { type: 'dashed' }, symbol: 'none' },
    ],
  });
}

function categoryChart(r: GovernanceReport): string {
  const c = r.monitoring.byCategory;
  return svgChart(
    {
      title: { text: 'Error by category (WAPE %), all lines with actuals', left: 0, textStyle: { fontSize: 13, fontWeight: 600 } },
      legend: { top: 30, left: 0 },
      grid: { left: 48, right: 16, top: 76, bottom: 36 },
      xAxis: { type: 'category', data: c.map((x) => x.category), name: 'Category', nameLocation: 'middle', nameGap: 24 },
      yAxis: { type: 'value', name: 'WAPE %' },
      series: [
        { name: 'Model', type: 'bar', data: c.map((x) => x.modelWape && +x.modelWape.toFixed(2)), color: '#2b6cb0', label: { show: true, position: 'top', formatter: '{c}' } },
        { name: 'Final plan', type: 'bar', data: c.map((x) => x.finalWape && +x.finalWape.toFixed(2)), color: '#c05621', label: { show: true, position: 'top', formatter: '{c}' } },
      ],
    },
    720,
    280,
  );
}

const CSS = `
body { font: 13px/1.45 'Segoe UI', Helvetica, Arial, sans-serif; color: #1a202c; margin: 32px auto; max-width: 780px; }
h1 { font-size: 22px; margin: 0 0 4px; } .meta { color: #4a5568; margin: 0 0 20px; }
h2 { font-size: 15px; margin: 24px 0 6px; border-bottom: 1px solid #cbd5e0; padding-bottom: 4px; }
.q { display: inline-block; min-width: 20px; height: 20px; border-radius: 10px; background: #2d3748; color: #fff; text-align: center; font-size: 12px; line-height: 20px; margin-right: 6px; }
.answer { margin: 6px 0 10px; } table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 12px; }
caption { text-align: left; font-weight: 600; color: #4a5568; padding: 2px 0; } th, td { border-bottom: 1px solid #e2e8f0; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f7fafc; font-weight: 600; } .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.note { color: #4a5568; font-size: 12px; margin: 4px 0 12px; } .note code { font-size: 11px; word-break: break-all; }
.warn { color: #9b2c2c; font-weight: 600; } .empty { color: #718096; font-style: italic; } figure { margin: 8px 0 14px; } svg { max-width: 100%; height: auto; }
@media print { body { margin: 12mm; max-width: none; } section { break-inside: avoid-page; } h2 { break-after: avoid; } table, figure { break-inside: avoid; } }
@page { size: A4; margin: 14mm; }`;

export function governanceHtml(r: GovernanceReport): string {
  const p = r.provenance;
  const q = r.quality;
  const a = r.accountability;
  const m = r.monitoring;
  const personShare = a.linesInPastRuns > 0 ? (a.linesDecidedByPerson / a.linesInPastRuns) * 100 : null;
  const sections = [
    section(
      1,
      GOVERNANCE_QUESTIONS[0],
      `${num(p.batches.reduce((t, b) => t + b.files, 0))} imported files (${p.batches.map((b) => `${esc(b.kind)}: ${num(b.files)}`).join(', ')}); forecasts from ${p.models.map((x) => `${esc(x.model)} ${esc(x.version)} (${num(x.runs)} runs)`).join(', ') || 'no model yet'}.`,
      table('Imports by kind', ['Kind', 'Files', 'Rows accepted', 'Quarantined', 'Last import', 'Last file'], p.batches.map((b) => [esc(b.kind), num(b.files), num(b.rowsAccepted), num(b.rowsQuarantined), when(b.lastImportedAt), esc(b.lastFile)]), [1, 2, 3]) +
        table('Model versions', ['Model', 'Version', 'Runs', 'First origin', 'Last origin', 'Lines'], p.models.map((x) => [esc(x.model), esc(x.version), num(x.runs), esc(x.firstOrigin), esc(x.lastOrigin), num(x.lines)]), [2, 5]) +
        table('Most recent files (provenance)', ['Batch', 'Kind', 'File', 'sha256', 'Imported', 'By', 'Rows'], p.recentFiles.map((f) => [num(f.batchId), esc(f.kind), esc(f.fileName), f.sha256 ? `<code>${esc(f.sha256.slice(0, 12))}…</code>` : '—', when(f.importedAt), esc(f.importedBy ?? '—'), num(f.rowsAccepted)]), [0, 6]),
    ),
    section(
      2,
      GOVERNANCE_QUESTIONS[1],
      `${pct(q.rowsRead > 0 ? (q.rowsQuarantined / q.rowsRead) * 100 : null)} of imported rows were quarantined (${num(q.rowsQuarantined)} of ${num(q.rowsRead)}). Latest actuals: ${esc(q.lastActualPeriod ?? 'none')}${
        q.actualsLagBuckets !== null ? `, ${q.actualsLagBuckets <= 0 ? 'current with the newest run' : `<span class="warn">${countOf(q.actualsLagBuckets, 'bucket')} behind the newest run's origin</span>`}` : ''
      }. ${num(q.itemsWithGaps)} of ${num(q.items)} items have gaps in their actuals (${num(q.missingActualCells)} missing periods).`,
      table('Quarantine rate by kind', ['Kind', 'Rows read', 'Quarantined', 'Rate'], q.quarantineByKind.map((k) => [esc(k.kind), num(k.rowsRead), num(k.rowsQuarantined), pct(k.pct)]), [1, 2, 3]),
    ),
    section(
      3,
      GOVERNANCE_QUESTIONS[2],
      r.roles.map((x) => `${esc(reportSegmentName(x.segmentType, x.segmentValue))}: <b>${esc(x.roleInForce)}</b>${esc(stepDownPhrase(x))}`).join('; ') + '.',
      table(
        'Policies',
        ['Segment', 'Role set', 'Role in force', 'Approval above', 'Freeze lags', 'Drift threshold', 'Last changed by'],
        r.roles.map((x) => [
          esc(reportSegmentName(x.segmentType, x.segmentValue)),
          esc(x.role),
          x.steppedDownAt !== null ? `<span class="warn">${esc(x.roleInForce)} (drift guard)</span>` : esc(x.roleInForce),
          `${x.approvalPct === null ? '—' : `${num(x.approvalPct)} %`} / ${x.approvalUnits === null ? '—' : `${num(x.approvalUnits)} units`}`,
          num(x.freezeLags),
          x.driftThresholdPts === null ? '—' : `${num(x.driftThresholdPts, 1)} pts`,
          esc(x.updatedBy ?? 'system'),
        ]),
        [4, 5],
      ),
    ),
    section(
      4,
      GOVERNANCE_QUESTIONS[3],
      `${num(a.owners.length)} planners own ${num(a.owners.reduce((t, o) => t + o.items, 0))} items (${num(a.itemsWithoutOwner)} without an owner). In past runs ${pct(personShare)} of ${num(a.linesInPastRuns)} lines were decided by a person; ${num(a.linesOverridden)} were overridden, ${num(a.linesAutoFinal)} became final automatically. ${num(a.pendingApprovals)} overrides await a manager. ${esc(importedHistoryText(a.importedHistory))} ${esc(identitiesText(a.identities))}`,
      table('Item owners', ['Planner', 'Items'], a.owners.map((o) => [esc(o.name), num(o.items)]), [1]) +
        table('Approvers', ['Manager', 'Approved', 'Rejected'], a.approvers.map((x) => [esc(x.name), num(x.approvals), num(x.rejections)]), [1, 2]) +
        `<p class="note">${esc(a.auditChain.note)} Audit log: ${num(a.auditChain.entries)} entries, head ${
          a.auditChain.head ? `entry ${num(a.auditChain.head.auditId)} <code>${esc(a.auditChain.head.hash)}</code>` : 'none yet'
        }.</p>`,
    ),
    section(
      5,
      GOVERNANCE_QUESTIONS[4],
      monitoringAnswer(m, { num, pct }),
      `<figure>${trendChart(r)}</figure><figure>${categoryChart(r)}</figure>` +
        table('By category', ['Category', 'Lines', 'Model WAPE', 'Final WAPE', 'Model bias', 'Coverage', 'Verdict'], m.byCategory.map((c) => [esc(c.category), num(c.n), pct(c.modelWape), pct(c.finalWape), pct(c.modelBias), pct(c.coverage), esc(c.verdict)]), [1, 2, 3, 4, 5]),
    ),
    section(
      6,
      GOVERNANCE_QUESTIONS[5],
      r.drift.alerts.length === 0
        ? 'No drift alert has been raised.'
        : `${countOf(r.drift.alerts.length, 'drift alert')}; ${r.drift.steppedDown.length > 0 ? `<span class="warn">stepped down to assist: ${r.drift.steppedDown.map(esc).join(', ')}</span>` : 'no segment is stepped down now'}.`,
      table(
        'Drift alerts',
        ['Segment', 'Baseline WAPE', 'Recent WAPE', 'Raised', 'Response'],
        r.drift.alerts.map((x) => [esc(x.segment), pct(x.baseline), pct(x.current), when(x.raisedAt), x.resolvedAt ? `${esc(x.resolution ?? 'resolved')} — ${esc(x.resolvedBy ?? '')}, ${when(x.resolvedAt)}` : '<span class="warn">open: role stepped down to assist</span>']),
        [1, 2],
      ) +
        table(
          'Watched segments (lag-1 WAPE, last 3 periods against the 12 before)',
          ['Segment', 'Recent', 'Baseline', 'Threshold', 'Status'],
          r.drift.watching.map((w) => [esc(w.segment), pct(w.recent), pct(w.baseline), w.threshold === null ? '—' : `${num(w.threshold, 1)} pts`, w.drifting ? '<span class="warn">drifting</span>' : 'stable']),
          [1, 2, 3],
        ),
    ),
    section(
      7,
      GOVERNANCE_QUESTIONS[6],
      esc(rollbackAnswer(r.rollback)),
      table('Recent releases and rollbacks', ['Run', 'Version', 'Kind', 'By', 'When', 'Note'], r.rollback.recent.map((x) => [esc(x.runLabel), num(x.version), esc(x.kind === 'rollback' ? `rollback to v${x.restoresVersion}` : 'release'), esc(x.releasedBy ?? '—'), when(x.releasedAt), esc(x.note ?? '')]), [1]),
    ),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Governance report — ${esc(r.workbookName)}</title><style>${CSS}</style></head>
<body><h1>Governance report — ${esc(r.workbookName)}</h1><p class="meta">Generated ${when(r.generatedAt)} UTC from the workbook's own data by Forecast Workbench.</p>
${sections.join('\n')}
</body></html>
`;
}
