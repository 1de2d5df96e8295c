// The value measures (getValueMeasures, shared/value.ts) in words, tables and one
// chart, once: the Value panel (renderer/screens/governance/ValuePanel.tsx) and
// the governance report's eighth question (screen and HTML) lay these out, so
// they show the same figures as `fwb value`. Nothing here computes a measure:
// rates (0–1) are written as percentages, hours and units as they come.
import { countOf, formatCount, formatNumber, formatPercent, formatPeriod, NO_VALUE, roundTo } from './format';
import type { ReportTable, Phrase } from './governance-sections';
import type { Grain } from './period';
import type { ValueMeasures, ValueReport } from './value';

/** A rate (0–1) as the tables write it: one decimal, on the 0–100 scale. */
export const valueRateText = (rate: number | null): string => (rate === null ? NO_VALUE : formatPercent(rate * 100, 1));

const hoursText = (h: number | null, digits = 1) => (h === null ? NO_VALUE : `${formatNumber(h, digits)} h`);

function cycleText(m: ValueMeasures, overall: boolean): string {
  if (m.cycle === null) return NO_VALUE;
  if (overall) return m.cycle.hours === null ? (m.cycle.open ? 'none released' : NO_VALUE) : `median ${hoursText(m.cycle.hours)}${m.cycle.open ? ', some open' : ''}`;
  return m.cycle.hours === null ? NO_VALUE : `${hoursText(m.cycle.hours)}${m.cycle.open ? ' (open)' : ''}`;
}

function consistencyText(m: ValueMeasures): string {
  const c = m.consistency;
  if (c.iqrPct !== null) return `IQR ${formatNumber(c.iqrPct, 1)} pts`;
  if (c.medianDistancePct !== null) return `±${formatNumber(c.medianDistancePct, 1)} pts`;
  return NO_VALUE;
}

/** The columns after the row's name, in the order of `valueCells`. */
const MEASURE_COLUMNS: ReportTable['columns'] = [
  { head: 'Cycle time' },
  { head: 'Lines', kind: 'num' },
  { head: 'Touch rate', kind: 'num' },
  { head: 'Top exceptions', kind: 'num' },
  { head: 'Acted on', kind: 'num' },
  { head: 'Acting helped', kind: 'num' },
  { head: 'Consistency', kind: 'num' },
  { head: 'Decision hours', kind: 'num' },
  { head: 'Units avoided / h', kind: 'num' },
  { head: 'Overrides', kind: 'num' },
  { head: 'Escalated', kind: 'num' },
  { head: 'Rejected', kind: 'num' },
];

/** One row's measures as table cells (the columns above). */
export function valueCells(m: ValueMeasures, overall = false): Phrase[] {
  return [
    cycleText(m, overall),
    formatCount(m.touch.lines),
    valueRateText(m.touch.rate),
    formatCount(m.exceptions.top),
    valueRateText(m.exceptions.hitRate),
    m.exceptions.known > 0 ? `${valueRateText(m.exceptions.helpRate)} of ${formatCount(m.exceptions.known)}` : NO_VALUE,
    consistencyText(m),
    formatNumber(m.valuePerHour.hours, 2),
    m.valuePerHour.perHour === null ? NO_VALUE : formatNumber(m.valuePerHour.perHour, 1),
    formatCount(m.escalation.overrides),
    valueRateText(m.escalation.rate),
    valueRateText(m.escalation.rejectedRate),
  ];
}

/** Per run in origin order (over time) or per planner, with the whole workbook as the last row. */
export function valueTable(r: ValueReport, grain: Grain = 'month'): ReportTable {
  const perRun = r.by === 'run';
  return {
    caption: perRun ? 'Value per run (origin order)' : 'Value per planner',
    columns: [{ head: perRun ? 'Run' : 'Planner', kind: 'keep' }, ...MEASURE_COLUMNS],
    rows: r.rows.length === 0 ? [] : [...r.rows.map((row) => [perRun && row.origin ? `run ${row.runId} · ${formatPeriod(row.origin, grain)}` : row.label, ...valueCells(row)]), ['All', ...valueCells(r.overall, true)]],
  };
}

/** The measures over the whole workbook in one or two sentences. */
export function valueAnswer(r: ValueReport): Phrase[] {
  const m = r.overall;
  if (m.touch.lines === 0) return ['No forecast lines yet: the value of planning is measured once a run has been imported and decided.'];
  const cycle = m.cycle?.hours != null ? `Median cycle time ${hoursText(m.cycle.hours)} from first import to release${m.cycle.open ? ' (some runs still open)' : ''}` : 'No run has been released yet, so there is no cycle time';
  const helped = m.exceptions.known > 0 ? `; acting helped on ${valueRateText(m.exceptions.helpRate)} of the ${formatCount(m.exceptions.known)} with an actual` : '';
  const v = m.valuePerHour;
  const perHour =
    v.perHour === null
      ? 'no decision time recorded yet'
      : v.perHour >= 0
        ? `${formatNumber(v.perHour, 1)} units of error avoided per hour of decisions (${hoursText(v.hours, 2)})`
        : `overrides added ${formatNumber(-v.perHour, 1)} units of error per hour of decisions (${hoursText(v.hours, 2)}) against the model alone`;
  const spread = m.consistency.iqrPct === null ? 'too few similar exceptions overridden by two planners to judge consistency' : `planners facing similar exceptions differ by an IQR of ${formatNumber(m.consistency.iqrPct, 1)} pts`;
  return [
    `${cycle}. Planners overrode ${valueRateText(m.touch.rate)} of ${countOf(m.touch.lines, 'line')} and acted on ${valueRateText(m.exceptions.hitRate)} of the ${formatCount(m.exceptions.top)} top exceptions${helped}. ` +
      `${perHour[0]!.toUpperCase()}${perHour.slice(1)}; ${spread}. ${valueRateText(m.escalation.rate)} of ${countOf(m.escalation.overrides, 'override')} waited for a manager, ${formatCount(m.escalation.rejected)} rejected.`,
  ];
}

/** The definitions as a note in small print. */
export const valueDefinitionsNote = (r: ValueReport): Phrase[] => [
  `Definitions. Cycle time: ${r.definitions.cycleTime}. Touch rate: ${r.definitions.touchRate}. Exception hit rate: ${r.definitions.exceptionHitRate}. Consistency: ${r.definitions.consistency}. Value per hour: ${r.definitions.valuePerHour}. Escalation: ${r.definitions.escalation}.`,
];

export interface ValueTrendSeries {
  /** Rates on the percentage axis; cycle time on the hours axis. */
  axis: 'pct' | 'hours';
  name: string;
  data: (number | null)[];
}

export interface ValueTrendChart {
  title: string;
  axisName: string;
  labels: string[];
  series: ValueTrendSeries[];
  description: string;
}

const pctPoint = (rate: number | null) => (rate === null ? null : roundTo(rate * 100, 2));

/** The measures per run over time: four rates (%) and the cycle time (h). */
export function valueTrendChart(r: ValueReport, grain: Grain = 'month'): ValueTrendChart {
  const labels = r.rows.map((row) => (row.origin ? formatPeriod(row.origin, grain) : row.label));
  return {
    title: 'Value of planning per run over time: rates (%) and cycle time (h)',
    axisName: `Run origin (${grain})`,
    labels,
    series: [
      { axis: 'pct', name: 'Touch rate %', data: r.rows.map((x) => pctPoint(x.touch.rate)) },
      { axis: 'pct', name: 'Top exceptions acted on %', data: r.rows.map((x) => pctPoint(x.exceptions.hitRate)) },
      { axis: 'pct', name: 'Acting helped %', data: r.rows.map((x) => pctPoint(x.exceptions.helpRate)) },
      { axis: 'pct', name: 'Escalated %', data: r.rows.map((x) => pctPoint(x.escalation.rate)) },
      // A run not released yet has no cycle time to plot (its hours so far are in the table).
      { axis: 'hours', name: 'Cycle time of released runs (h)', data: r.rows.map((x) => (x.cycle?.open === false ? roundTo(x.cycle.hours, 1) : null)) },
    ],
    description: `Line chart over ${countOf(labels.length, 'run')} from ${labels[0] ?? NO_VALUE} to ${labels.at(-1) ?? NO_VALUE}: touch rate, top exceptions acted on, acting helped and escalation rate in % on the left axis, cycle time of the released runs in hours as bars on the right axis.`,
  };
}
