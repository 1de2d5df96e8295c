// The governance report as one self-contained HTML file that prints well: no
// scripts, no external files; the charts are SVG rendered here by ECharts'
// server-side renderer, so they print sharp and open anywhere.
import * as echarts from 'echarts';
import { formatTimestamp } from '../../../shared/format';
import { categoryErrorChart, chartValueText, errorTrendChart, type ReportChartSeries } from '../../../shared/governance-charts';
import type { GovernanceReport } from '../../../shared/governance';
import { governanceSections, type Phrase, type ReportBlock, type ReportSection, type ReportTable } from '../../../shared/governance-sections';

const esc = (v: unknown): string =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A phrase as HTML: every piece of workbook text escaped; in print a digest is shown whole. */
function phraseHtml(p: Phrase): string {
  if (typeof p === 'string') return esc(p);
  if ('warn' in p) return `<span class="warn">${esc(p.warn)}</span>`;
  if ('strong' in p) return `<b>${esc(p.strong)}</b>`;
  return `<code${p.title ? ` title="${esc(p.title)}"` : ''}>${esc(p.code)}</code>`;
}

const phrasesHtml = (phrases: Phrase[]) => phrases.map(phraseHtml).join('');

function svgChart(option: echarts.EChartsCoreOption, width = 720, height = 290): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  chart.setOption({ animation: false, textStyle: { fontFamily: 'Segoe UI, Helvetica, Arial, sans-serif' }, ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

function table(t: ReportTable): string {
  if (t.rows.length === 0) return `<p class="empty">${esc(t.caption)}: none.</p>`;
  const cls = (i: number) => (t.columns[i]?.kind === 'num' ? ' class="num"' : '');
  return `<table><caption>${esc(t.caption)}</caption><thead><tr>${t.columns.map((c, i) => `<th${cls(i)}>${esc(c.head)}</th>`).join('')}</tr></thead><tbody>${t.rows
    .map((r) => `<tr>${r.map((v, i) => `<td${cls(i)}>${phraseHtml(v)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function block(b: ReportBlock, r: GovernanceReport): string {
  if ('beside' in b) return b.beside.map(table).join('');
  if ('charts' in b) return `<figure>${trendChart(r)}</figure><figure>${categoryChart(r)}</figure>`;
  if ('note' in b) return `<p class="note">${phrasesHtml(b.note)}</p>`;
  return table(b);
}

function section(s: ReportSection, r: GovernanceReport): string {
  return `<section${s.wide ? ' class="wide"' : ''}><h2><span class="q">${s.n}</span> ${esc(s.question)}</h2><p class="answer">${phrasesHtml(s.answer)}</p>${s.blocks.map((b) => block(b, r)).join('')}</section>`;
}

const COLORS: Record<ReportChartSeries['figure'], string> = { model: '#2b6cb0', final: '#c05621', coverage: '#718096' };
const chartTitle = (text: string) => ({ text, left: 0, textStyle: { fontSize: 13, fontWeight: 600 } });

function trendChart(r: GovernanceReport): string {
  const chart = errorTrendChart(r);
  return svgChart({
    title: chartTitle(chart.title),
    legend: { top: 30, left: 0, data: chart.series.map((s) => s.name) },
    grid: { left: 48, right: 56, top: 76, bottom: 36 },
    xAxis: { type: 'category', data: chart.labels, name: chart.axisName, nameLocation: 'middle', nameGap: 24 },
    yAxis: [
      { type: 'value', name: 'WAPE %', nameGap: 10 },
      { type: 'value', name: 'Coverage %', min: 0, max: 100, splitLine: { show: false } },
    ],
    series: chart.series.map((s) =>
      s.figure === 'coverage'
        ? { name: s.name, type: 'line', yAxisIndex: 1, data: s.data, color: COLORS.coverage, lineStyle: { type: 'dashed' }, symbol: 'none' }
        : { name: s.name, type: 'line', data: s.data, color: COLORS[s.figure], symbolSize: 4 },
    ),
  });
}

function categoryChart(r: GovernanceReport): string {
  const chart = categoryErrorChart(r);
  return svgChart(
    {
      title: chartTitle(chart.title),
      legend: { top: 30, left: 0 },
      grid: { left: 48, right: 16, top: 76, bottom: 36 },
      xAxis: { type: 'category', data: chart.labels, name: chart.axisName, nameLocation: 'middle', nameGap: 24 },
      yAxis: { type: 'value', name: 'WAPE %' },
      series: chart.series.map((s) => ({ name: s.name, type: 'bar', data: s.data, color: COLORS[s.figure], label: { show: true, position: 'top', formatter: (p: { value: unknown }) => chartValueText(p.value) } })),
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
/* A section of wide tables (the value measures: 13 columns) in smaller type, so it fits the page */
.wide table { font-size: 10px; } .wide th, .wide td { padding: 2px 3px; } .wide td:first-child { white-space: nowrap; }
@media print { body { margin: 12mm; max-width: none; } section { break-inside: avoid-page; } h2 { break-after: avoid; } table, figure { break-inside: avoid; } .wide { break-inside: auto; } }
@page { size: A4; margin: 14mm; }`;

export function governanceHtml(r: GovernanceReport): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Governance report — ${esc(r.workbookName)}</title><style>${CSS}</style></head>
<body><h1>Governance report — ${esc(r.workbookName)}</h1><p class="meta">Generated ${esc(formatTimestamp(r.generatedAt))} UTC from the workbook's own data by Forecast Workbench.</p>
${governanceSections(r)
  .map((s) => section(s, r))
  .join('\n')}
</body></html>
`;
}
