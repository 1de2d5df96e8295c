// The Policy lab's answers: today's stairstep next to the simulated one, the FVA
// of the change with its interval, direction × size (today vs simulated), the
// workload and the lines whose outcome flips. Every figure is the backend's
// (simulatePolicy); this file only lays them out.
import type { EChartsOption } from 'echarts';
import { METRIC_LABELS, type DirectionSizeCell, type Interval, type Metric } from '../../../shared/accuracy';
import { formatCount, formatNumber, formatPeriod, formatQuantity } from '../../../shared/format';
import type { PlanComparison, PolicySimulation, PolicyWorkload } from '../../../shared/policy-lab';
import { Chart, CHART_COLORS } from '../../components/Chart';

/** A metric's figure as the lab writes it: two decimals. */
export const labFigure = (v: number | null | undefined) => formatNumber(v, 2);
export const labFva = (v: number | null | undefined) => formatNumber(v, 2, { signed: true });
export const labInterval = (ci: Interval | null) => (ci ? `${formatNumber(ci.low, 2, { signed: true })} to ${formatNumber(ci.high, 2, { signed: true })}` : '–');
const unitOf = (metric: Metric) => (metric === 'mae' || metric === 'rmse' ? 'units' : metric === 'mase' ? 'scaled error' : '%');

function StairstepChart({ sim }: { sim: PolicySimulation }) {
  const { baseline, simulated } = sim.stairstep;
  const labels = baseline.steps.map((s) => s.label);
  const text = { color: CHART_COLORS.text, fontSize: 11 };
  const label = METRIC_LABELS[sim.metric];
  const option: EChartsOption = {
    animation: false,
    title: { text: `Stairstep: ${label} per step, today and simulated`, left: 0, top: 0, textStyle: { fontSize: 12, fontWeight: 600, color: '#28313b' } },
    legend: { top: 0, right: 0, itemWidth: 14, itemHeight: 8, textStyle: text, data: ['Today', 'Simulated policy'] },
    grid: { left: 52, right: 12, top: 58, bottom: 40 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => `${labFigure(v as number)} ${unitOf(sim.metric)}` },
    xAxis: { type: 'category', data: labels, name: 'Forecast step', nameLocation: 'middle', nameGap: 24, nameTextStyle: text, axisLabel: text },
    yAxis: { type: 'value', name: `${label}${unitOf(sim.metric) === '%' ? '' : ` (${unitOf(sim.metric)})`}, lower is better`, nameTextStyle: { ...text, align: 'left' }, axisLabel: text, splitLine: { lineStyle: { color: CHART_COLORS.grid } } },
    series: [
      { name: 'Today', type: 'bar', color: CHART_COLORS.model, barGap: '10%', data: baseline.steps.map((s) => s.value), label: { show: true, position: 'top', fontSize: 10, formatter: (p) => labFigure(p.value as number) } },
      { name: 'Simulated policy', type: 'bar', color: CHART_COLORS.final, data: simulated.steps.map((s) => s.value), label: { show: true, position: 'top', fontSize: 10, formatter: (p) => labFigure(p.value as number) } },
    ],
  };
  const final = (steps: typeof baseline.steps) => steps.find((s) => s.source === 'final')?.value;
  return <Chart option={option} height={250} label={`Bar chart of ${label} per forecast step, today and under the simulated policy: final plan ${labFigure(final(baseline.steps))} today, ${labFigure(final(simulated.steps))} simulated`} />;
}

/** Why the stairstep's final plan may differ from the headline: it is over fewer lines, said in a sentence. */
function StairstepLines({ sim }: { sim: PolicySimulation }) {
  const final = sim.stairstep.baseline.steps.find((s) => s.source === 'final');
  const label = METRIC_LABELS[sim.metric];
  if (sim.withoutBenchmarks === 0) return <p className="hint stairstep-lines">The stairstep is over the same {formatCount(sim.lines)} lines as the headline.</p>;
  return (
    <p className="hint stairstep-lines">
      The stairstep compares every step on the same lines: the {formatCount(sim.lines - sim.withoutBenchmarks)} with both benchmarks (naive and seasonal naive);{' '}
      {formatCount(sim.withoutBenchmarks)} lines with an actual have none and are left out. So its final plan today ({labFigure(final?.value)}) is not the headline’s {label} today (
      {labFigure(sim.change.before)}), which is over all {formatCount(sim.lines)} lines.
    </p>
  );
}

function ChangeHeadline({ change, metric, lines, changed }: { change: PlanComparison; metric: Metric; lines: number; changed: PolicySimulation['changedLines'] }) {
  const better = change.fva !== null && change.fva > 0;
  const sure = change.ci !== null && (change.ci.low > 0 || change.ci.high < 0);
  return (
    <dl className="report-glance policy-lab-glance" aria-label="The change">
      <div>
        <dt>{METRIC_LABELS[metric]} today</dt>
        <dd data-figure="before">
          {labFigure(change.before)}
          <small>all {formatCount(lines)} lines</small>
        </dd>
      </div>
      <div>
        <dt>{METRIC_LABELS[metric]} simulated</dt>
        <dd data-figure="after">
          {labFigure(change.after)}
          <small>all {formatCount(lines)} lines</small>
        </dd>
      </div>
      <div>
        <dt>FVA of the change</dt>
        <dd data-figure="fva">
          {labFva(change.fva)}
          <small>points · {better ? 'better' : change.fva === 0 || change.fva === null ? 'no change' : 'worse'}</small>
        </dd>
      </div>
      <div>
        <dt>95 % interval</dt>
        <dd data-figure="ci">
          {labInterval(change.ci)}
          <small>{change.ci === null ? '' : sure ? 'excludes 0' : 'includes 0: could be chance'}</small>
        </dd>
      </div>
      <div>
        <dt>Lines changed</dt>
        <dd data-figure="changed">
          {formatCount(changed.changed)}
          <small>
            {formatCount(changed.improved)} better · {formatCount(changed.worsened)} worse{changed.neither > 0 ? ` · ${formatCount(changed.neither)} neither` : ''}
          </small>
        </dd>
      </div>
    </dl>
  );
}

function DirectionSize({ sim }: { sim: PolicySimulation }) {
  const simulated = new Map(sim.directionSize.simulated.cells.map((c) => [c.label, c]));
  const change = new Map(sim.changeByDirectionSize.map((c) => [c.label, c]));
  const cells: DirectionSizeCell[] = sim.directionSize.baseline.cells;
  return (
    <table className="table compact report-table" aria-label="Direction × size">
      <caption>Direction × size of the overrides (FVA against the model, points)</caption>
      <thead>
        <tr>
          <th scope="col">Override</th>
          <th scope="col" className="num">Lines today</th>
          <th scope="col" className="num">FVA today</th>
          <th scope="col" className="num">Lines simulated</th>
          <th scope="col" className="num">FVA simulated</th>
          <th scope="col" className="num">Change</th>
          <th scope="col" className="num">Change interval</th>
        </tr>
      </thead>
      <tbody>
        {cells.map((c) => {
          const s = simulated.get(c.label);
          const d = change.get(c.label);
          return (
            <tr key={c.label}>
              <th scope="row">{c.label}</th>
              <td className="num">{formatCount(c.n)}</td>
              <td className="num">{labFva(c.fva)}</td>
              <td className="num">{formatCount(s?.n)}</td>
              <td className="num">{labFva(s?.fva)}</td>
              <td className="num">{labFva(d?.fva)}</td>
              <td className="num">{labInterval(d?.ci ?? null)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Workload({ today, simulated }: { today: PolicyWorkload; simulated: PolicyWorkload }) {
  const rows: { label: string; key: keyof PolicyWorkload }[] = [
    { label: 'Decisions (lines off the model)', key: 'decisions' },
    { label: 'Would wait for a manager', key: 'approvals' },
    { label: 'Lines the policy changes', key: 'linesTouched' },
    { label: 'Sales inputs adopted', key: 'salesInputsAdopted' },
  ];
  return (
    <table className="table compact report-table" aria-label="Workload">
      <caption>Workload</caption>
      <thead>
        <tr>
          <th scope="col" />
          <th scope="col" className="num">Today</th>
          <th scope="col" className="num">Simulated</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.label}</th>
            <td className="num">{formatCount(today[r.key])}</td>
            <td className="num">{formatCount(simulated[r.key])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Flips({ flips }: { flips: PolicySimulation['flips'] }) {
  const shown = flips.lines.slice(0, 12);
  return (
    <table className="table compact report-table" aria-label="Flipped lines">
      <caption>
        Lines whose outcome flips: {formatCount(flips.toWorse)} from better than the model to worse, {formatCount(flips.toBetter)} the other way
        {flips.lines.length > shown.length ? ` (the ${shown.length} largest changes of error shown)` : ''}
      </caption>
      <thead>
        <tr>
          <th scope="col">Item</th>
          <th scope="col">Period</th>
          <th scope="col" className="num">Model</th>
          <th scope="col" className="num">Today</th>
          <th scope="col" className="num">Simulated</th>
          <th scope="col" className="num">Actual</th>
          <th scope="col">Flip</th>
        </tr>
      </thead>
      <tbody>
        {shown.map((l) => (
          <tr key={l.lineId}>
            <td>{l.itemId}</td>
            <td>{formatPeriod(l.period)}</td>
            <td className="num">{formatQuantity(l.model)}</td>
            <td className="num">{formatQuantity(l.final)}</td>
            <td className="num">{formatQuantity(l.simulated)}</td>
            <td className="num">{formatQuantity(l.actual)}</td>
            <td>{l.flip === 'to_worse' ? 'to worse' : 'to better'}</td>
          </tr>
        ))}
        {shown.length === 0 && (
          <tr>
            <td colSpan={7} className="muted">
              No line flips.
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

export function PolicyLabResults({ sim }: { sim: PolicySimulation }) {
  return (
    <div className="policy-lab-results">
      <ChangeHeadline change={sim.change} metric={sim.metric} lines={sim.lines} changed={sim.changedLines} />
      <div className="policy-lab-grid">
        <div>
          <StairstepChart sim={sim} />
          <StairstepLines sim={sim} />
        </div>
        <Workload today={sim.workload.baseline} simulated={sim.workload.simulated} />
      </div>
      <div className="policy-lab-grid">
        <DirectionSize sim={sim} />
        <Flips flips={sim.flips} />
      </div>
      <p className="hint">{sim.ciMethod}</p>
    </div>
  );
}
