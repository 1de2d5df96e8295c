// The governance report's two charts in words and figures, once: titles, axis
// and series names, the rounded data and the sentence that describes each. The
// Governance screen draws them on a canvas (renderer/screens/governance/
// ReportCharts.tsx), the HTML report as SVG (electron/backend/governance/html.ts).
import { formatNumber, formatPercent, formatPeriod, NO_VALUE, roundTo } from './format';
import type { GovernanceReport } from './governance';

export interface ReportChartSeries {
  /** Which figure the series draws: the model, the final plan, or the interval's coverage (on its own 0–100 axis). */
  figure: 'model' | 'final' | 'coverage';
  name: string;
  data: (number | null)[];
}

export interface ReportChart {
  title: string;
  /** The x axis: its name and its labels. */
  axisName: string;
  labels: string[];
  series: ReportChartSeries[];
  /** The chart in one sentence, for a screen reader. */
  description: string;
}

const round = (v: number | null) => roundTo(v, 2);

/** A bar's label or a tooltip's figure: one decimal, as the tables write WAPE. */
export const chartValueText = (v: unknown): string => (typeof v === 'number' ? formatNumber(v, 1) : NO_VALUE);
export const chartPercentText = (v: unknown): string => (typeof v === 'number' ? formatPercent(v, 1) : NO_VALUE);

/** Model and final plan WAPE per period, with the share of actuals inside the model's interval. */
export function errorTrendChart(r: GovernanceReport): ReportChart {
  const { trend, intervalLevel } = r.monitoring;
  const labels = trend.map((t) => formatPeriod(t.period, r.grain));
  return {
    title: 'Model and final plan error per period (WAPE %), with interval coverage',
    axisName: `Period (${r.grain})`,
    labels,
    series: [
      { figure: 'model', name: 'Model', data: trend.map((t) => round(t.model)) },
      { figure: 'final', name: 'Final plan', data: trend.map((t) => round(t.final)) },
      { figure: 'coverage', name: intervalLevel === null ? 'Interval coverage %' : `Coverage of the ${formatNumber(intervalLevel)} % interval`, data: trend.map((t) => round(t.coverage)) },
    ],
    description: `Line chart of the model's and the final plan's WAPE % per period, ${trend.length} periods from ${labels[0] ?? NO_VALUE} to ${labels.at(-1) ?? NO_VALUE}, with the share of actuals inside the model's interval on a second axis.`,
  };
}

/** Model and final plan WAPE per category, over every line with an actual. */
export function categoryErrorChart(r: GovernanceReport): ReportChart {
  const c = r.monitoring.byCategory;
  return {
    title: 'Error by category (WAPE %), all lines with actuals',
    axisName: 'Category',
    labels: c.map((x) => x.category),
    series: [
      { figure: 'model', name: 'Model', data: c.map((x) => round(x.modelWape)) },
      { figure: 'final', name: 'Final plan', data: c.map((x) => round(x.finalWape)) },
    ],
    description: `Bar chart of WAPE % by category for the model and the final plan: ${c.map((x) => `${x.category} ${formatPercent(x.modelWape, 1)} / ${formatPercent(x.finalWape, 1)}`).join(', ')}.`,
  };
}
