// Governance › Value (issue 16 item 4): the value of planning in business terms
// per run over time and per planner — the backend's measures (getValueMeasures,
// the same as `fwb value`), laid out by shared/value-tables.ts as the governance
// report's eighth question is. This file only lays them out and draws the chart.
import type { EChartsOption } from 'echarts';
import { useEffect } from 'react';
import { countOf, formatTimestamp } from '../../../shared/format';
import type { Grain } from '../../../shared/period';
import type { ValueReport } from '../../../shared/value';
import { phraseText } from '../../../shared/governance-sections';
import { valueAnswer, valueDefinitionsNote, valueTable, valueTrendChart } from '../../../shared/value-tables';
import { Chart, CHART_COLORS } from '../../components/Chart';
import { useAppStore } from '../../stores/app';
import { useValueStore } from '../../stores/value';
import { ReportTable } from './ReportSections';

const text = { color: CHART_COLORS.text, fontSize: 11 };
const SERIES_COLORS = [CHART_COLORS.final, CHART_COLORS.model, CHART_COLORS.sales, '#8a4f9e', '#c3c9d0'];

function ValueTrend({ report, grain }: { report: ValueReport; grain: Grain }) {
  if (report.rows.length < 2) {
    return <p className="empty">The chart over time needs at least two runs; the workbook has {countOf(report.rows.length, 'run')}.</p>;
  }
  const chart = valueTrendChart(report, grain);
  const option: EChartsOption = {
    animation: false,
    title: { text: chart.title, left: 0, top: 0, textStyle: { fontSize: 12, fontWeight: 600, color: '#28313b' } },
    legend: { top: 18, left: 0, itemWidth: 14, itemHeight: 8, textStyle: text, data: chart.series.map((s) => s.name) },
    grid: { left: 48, right: 64, top: 76, bottom: 40 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: chart.labels, name: chart.axisName, nameLocation: 'middle', nameGap: 24, nameTextStyle: text, axisLabel: text },
    yAxis: [
      { type: 'value', name: 'Share %', min: 0, max: 100, nameTextStyle: { ...text, align: 'left' }, axisLabel: text, splitLine: { lineStyle: { color: CHART_COLORS.grid } } },
      { type: 'value', name: 'Cycle time (h)', min: 0, nameTextStyle: { ...text, align: 'right' }, axisLabel: text, splitLine: { show: false } },
    ],
    series: chart.series.map((s, i) =>
      s.axis === 'hours'
        ? { name: s.name, type: 'bar', yAxisIndex: 1, barMaxWidth: 18, color: SERIES_COLORS[i], data: s.data, z: 1 }
        : { name: s.name, type: 'line', yAxisIndex: 0, symbolSize: 5, color: SERIES_COLORS[i], data: s.data, z: 3 },
    ),
  };
  return (
    <figure className="report-figure" aria-label="Value per run over time">
      <Chart option={option} height={280} label={chart.description} />
    </figure>
  );
}

export function ValuePanel() {
  const workbook = useAppStore((s) => s.workbook);
  const revision = useAppStore((s) => s.revision);
  const planRevision = useAppStore((s) => s.planRevision);
  const { byRun, byPlanner, loading, error, load } = useValueStore();

  const workbookPath = workbook?.path;
  useEffect(() => {
    if (workbookPath) void load();
  }, [workbookPath, revision, planRevision, load]);

  const grain = workbook?.grain ?? 'month';
  return (
    <section className="governance-value" aria-labelledby="value-title" aria-busy={loading}>
      <div className="report-head">
        <h3 id="value-title">Value of planning</h3>
        <span className="muted">cycle time, touch rate, exceptions, consistency, value per hour and escalation{byRun ? ` · generated ${formatTimestamp(byRun.generatedAt)} UTC` : ''}</span>
        <span className="spacer" />
        {loading && byRun && <span className="muted">Updating…</span>}
      </div>
      {error && (
        <div className="banner error" role="alert">
          The value measures could not be computed: {error.message}
        </div>
      )}
      {!byRun && !error && <p className="empty">Computing the value measures…</p>}
      {byRun && byPlanner && (
        <>
          <p className="answer value-answer">{phraseText(valueAnswer(byRun))}</p>
          {byRun.rows.length === 0 ? (
            <p className="empty">No forecast run yet: import a forecast and decide its lines to measure the value of planning.</p>
          ) : (
            <>
              <ValueTrend report={byRun} grain={grain} />
              <ReportTable table={valueTable(byRun, grain)} />
              {byPlanner.rows.length === 0 ? <p className="empty">No planner has decided a line yet, so there is nothing to show per planner.</p> : <ReportTable table={valueTable(byPlanner, grain)} />}
            </>
          )}
          <p className="hint">{phraseText(valueDefinitionsNote(byRun))} The same figures as <code>fwb value</code> and the governance report’s question 8.</p>
        </>
      )}
    </section>
  );
}
