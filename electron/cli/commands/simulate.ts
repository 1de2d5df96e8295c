// fwb simulate: the policy lab on the command line (issue 16 item 5). Argument
// checks and printing only: the figures are the API's (simulatePolicy,
// suggestPolicy), the ones the Policy lab screen will show.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { METRIC_LABELS, type Metric } from '../../../shared/accuracy';
import { formatInterval, formatMetricValue, formatPoints, metricDigits } from '../../../shared/accuracy-format';
import { formatCount, formatQuantity } from '../../../shared/format';
import type { PlanComparison, PolicyLevers, PolicySegment, PolicySimulation, PolicySuggestion } from '../../../shared/policy-lab';
import { accuracyFilterFlags, metricFlag } from '../accuracy-flags';
import { BackendRefusal } from '../client';
import { EXIT, UsageError, positiveInt, type CliIo, type ExitCode } from '../io';
import { call, openForAccuracy, Refusal, table } from './accuracy';

// A segment or attribute the workbook does not have, or too many held-out cycles, is the caller's to change: said without the method's name.
const bare = (message: string) => message.replace(/^Invalid request for \w+: /, '');

function numberFlag(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${flag} must be a number from ${min} to ${max}, got "${text}"`);
  return n;
}

const SEGMENT_TYPES: Record<string, PolicySegment['by']> = { all: 'all', category: 'category', 'abc-class': 'abc_class', abc_class: 'abc_class' };

/** --segment TYPE=VALUE (or TYPE alone for --suggest): the segment's dimension and value. */
function segmentFlag(text: string | undefined, valueRequired: boolean): { by: PolicySegment['by']; value: string | undefined } {
  if (text === undefined || text.trim() === 'all') return { by: 'all', value: undefined };
  const eq = text.indexOf('=');
  const type = (eq < 0 ? text : text.slice(0, eq)).trim();
  const value = eq < 0 ? undefined : text.slice(eq + 1).trim();
  if (type === '') throw new UsageError(`--segment must be written TYPE=VALUE (category=Snacks, abc-class=A, brand=NAME), got "${text}"`);
  if (valueRequired && (value === undefined || value === '')) throw new UsageError(`--segment ${type} needs a value: --segment ${type}=VALUE (only --suggest fits every value of a type)`);
  return { by: SEGMENT_TYPES[type] ?? `attr:${type}`, value: value === '' ? undefined : value };
}

// ——— printing ———

const digitsOf = (metric: Metric) => metricDigits(metric) + 1;

function leversText(l: PolicyLevers): string {
  const parts: string[] = [];
  if (l.modelDecides) parts.push('the model decides alone');
  if (l.adoptSalesInput) parts.push('the sales input where it beat the model');
  if (l.minChangePct !== undefined && l.minChangePct > 0) parts.push(`overrides under ${l.minChangePct} % not applied`);
  if (l.dampUp !== undefined && l.dampUp !== 1) parts.push(`upward × ${l.dampUp}`);
  if (l.dampDown !== undefined && l.dampDown !== 1) parts.push(`downward × ${l.dampDown}`);
  if (l.capPct !== undefined) parts.push(`change capped at ${l.capPct} %`);
  if (l.approvalPct !== undefined) parts.push(`approval above ${l.approvalPct} %`);
  if (l.approvalUnits !== undefined) parts.push(`approval above ${formatQuantity(l.approvalUnits)} units`);
  return parts.length > 0 ? parts.join(', ') : 'no lever (today’s plan)';
}

const segmentText = (s: PolicySegment) => (s.by === 'all' ? 'all lines' : `${s.by === 'abc_class' ? 'ABC class' : s.by.replace(/^attr:/, '')} = ${s.value}`);

function comparisonText(metric: Metric, c: PlanComparison, before: string, after: string): string {
  const d = digitsOf(metric);
  return `${before} ${formatMetricValue(metric, c.before, d)} → ${after} ${formatMetricValue(metric, c.after, d)}: FVA ${formatPoints(metric, c.fva, d)} (95 % CI ${formatInterval(metric, c.ci, d)}), ${formatCount(c.n)} lines: ${formatCount(c.improved)} improved, ${formatCount(c.worsened)} worsened, ${formatCount(c.unchanged)} unchanged`;
}

function simulationText(s: PolicySimulation): string {
  const m = s.metric;
  const d = digitsOf(m);
  const out: string[] = [];
  out.push(`Policy simulation, ${METRIC_LABELS[m]} · ${formatCount(s.lines)} lines with a known actual replayed`);
  out.push(s.policy.rules.length === 0 ? 'Rules: none (today’s plan)' : `Rules (a line takes the first that holds it):\n${s.policy.rules.map((r, k) => `  ${k + 1}. ${segmentText(r.segment)}: ${leversText(r.levers)}`).join('\n')}`);
  out.push('');
  out.push(`Stairstep, today and simulated (${formatCount(s.stairstep.baseline.n)} lines with both benchmarks)`);
  const sim = new Map(s.stairstep.simulated.steps.map((st) => [st.source, st]));
  out.push(
    table(
      ['step', 'n', `today ${METRIC_LABELS[m]}`, 'FVA', `simulated ${METRIC_LABELS[m]}`, 'FVA', '95 % CI of FVA'],
      s.stairstep.baseline.steps.map((st) => {
        const x = sim.get(st.source)!;
        return [st.label, formatCount(st.n), formatMetricValue(m, st.value, d), formatPoints(m, st.fva, d), formatMetricValue(m, x.value, d), formatPoints(m, x.fva, d), formatInterval(m, x.ci, d)];
      }),
    ),
  );
  out.push('');
  out.push(`The change: ${comparisonText(m, s.change, 'today', 'simulated')}`);
  out.push('');
  out.push('Direction × size of the overrides in force (each against the model), and the FVA of the change by today’s override');
  const change = new Map(s.changeByDirectionSize.map((r) => [r.key, r]));
  out.push(
    table(
      ['override', 'today n', 'today FVA', 'simulated n', 'simulated FVA', 'change FVA', '95 % CI', 'lines touched'],
      s.directionSize.baseline.cells.map((c, k) => {
        const x = s.directionSize.simulated.cells[k]!;
        const ch = change.get(`${c.direction}:${c.sizeBucket}`);
        return [c.label, formatCount(c.n), formatPoints(m, c.fva, d), formatCount(x.n), formatPoints(m, x.fva, d), formatPoints(m, ch?.fva, d), formatInterval(m, ch?.ci, d), formatCount(ch?.touched ?? 0)];
      }),
    ),
  );
  const untouched = change.get('none');
  if (untouched && untouched.touched > 0) out.push(`Lines not overridden today: ${comparisonText(m, untouched, 'today', 'simulated')}`);
  if (s.changeByRule.length > 1) {
    out.push('');
    out.push(table(['rule', 'n', 'today', 'simulated', 'FVA', '95 % CI', 'lines touched'], s.changeByRule.map((r) => [r.label, formatCount(r.n), formatMetricValue(m, r.before, d), formatMetricValue(m, r.after, d), formatPoints(m, r.fva, d), formatInterval(m, r.ci, d), formatCount(r.touched)])));
  }
  for (const [what, rows] of [['planner', s.changeByPlanner], ['reason', s.changeByReason]] as const) {
    if (rows.length === 0) continue;
    out.push('');
    out.push(table([`today's overrides by ${what}`, 'n', 'today', 'simulated', 'FVA', '95 % CI', 'lines touched'], rows.map((r) => [r.label, formatCount(r.n), formatMetricValue(m, r.before, d), formatMetricValue(m, r.after, d), formatPoints(m, r.fva, d), formatInterval(m, r.ci, d), formatCount(r.touched)])));
  }
  out.push('');
  const w = s.workload;
  out.push(
    table(
      ['workload', 'today', 'simulated'],
      [
        ['decisions (lines off the model)', formatCount(w.baseline.decisions), formatCount(w.simulated.decisions)],
        ['approvals (over the thresholds)', formatCount(w.baseline.approvals), formatCount(w.simulated.approvals)],
        ['lines touched by the policy', '–', formatCount(w.simulated.linesTouched)],
        ['sales inputs adopted', '–', formatCount(w.simulated.salesInputsAdopted)],
      ],
    ),
  );
  out.push('');
  out.push(`Outcomes that flip against the model: ${formatCount(s.flips.toWorse)} better today and worse simulated, ${formatCount(s.flips.toBetter)} worse today and better simulated.`);
  if (s.flips.lines.length > 0) {
    out.push(
      table(
        ['item', 'period', 'run', 'model', 'today', 'simulated', 'actual', 'flip'],
        s.flips.lines.slice(0, 10).map((f) => [f.itemId, f.period, String(f.runId), formatQuantity(f.model), formatQuantity(f.final), formatQuantity(f.simulated), formatQuantity(f.actual), f.flip === 'to_worse' ? 'to worse' : 'to better']),
        new Set([0, 1, 7]),
      ),
    );
    if (s.flips.lines.length > 10) out.push(`(the 10 largest of ${formatCount(s.flips.toWorse + s.flips.toBetter)}; --json lists ${s.flips.lines.length})`);
  }
  out.push(`FVA: today's plan − the simulated plan in ${METRIC_LABELS[m].replace(' %', '')}; positive means the policy would have made the plan better. CI: ${s.ciMethod}.`);
  return `${out.join('\n')}\n`;
}

function suggestionText(s: PolicySuggestion): string {
  const m = s.metric;
  const d = digitsOf(m);
  const out: string[] = [];
  out.push(`Suggested levers, ${METRIC_LABELS[m]} · per ${s.by === 'all' ? 'workbook (all lines)' : s.by.replace(/^attr:/, '')}`);
  out.push(`Held out (never seen by the fit): the ${s.holdout.cycles} newest cycles, origins ${s.holdout.origins.join(', ')} (runs ${s.holdout.runIds.join(', ')}).`);
  out.push(
    `Fitted on: ${formatCount(s.training.lines)} lines of the ${s.training.origins.length} older cycles (${s.training.origins[0] ?? '–'} … ${s.training.origins.at(-1) ?? '–'}) whose actual was known by ${s.training.knownUpTo}.`,
  );
  out.push(`Grid: minimum change ${s.grid.minChangePct.join(', ')} %; upward × ${s.grid.dampUp.join(', ')}; downward × ${s.grid.dampDown.join(', ')}. Fewer than ${s.minOverrides} overrides: too few to tell.`);
  out.push('');
  out.push(
    table(
      ['segment', 'overrides (fit)', 'levers', 'fit: today', 'fitted', 'held-out n', 'today', 'suggested', 'FVA', '95 % CI'],
      s.segments.map((g) =>
        g.verdict === 'too_few'
          ? [g.label, formatCount(g.trainingOverrides), 'too few to tell', '', '', '', '', '', '', '']
          : [
              g.label,
              formatCount(g.trainingOverrides),
              leversText(g.levers!),
              formatMetricValue(m, g.training!.before, d),
              formatMetricValue(m, g.training!.after, d),
              formatCount(g.holdout!.n),
              formatMetricValue(m, g.holdout!.before, d),
              formatMetricValue(m, g.holdout!.after, d),
              formatPoints(m, g.holdout!.fva, d),
              formatInterval(m, g.holdout!.ci, d),
            ],
      ),
      new Set([0, 2]),
    ),
  );
  out.push('');
  out.push(`Every suggested rule at once, on the held-out cycles: ${comparisonText(m, s.overall, 'today', 'suggested')}`);
  out.push(`CI: ${s.ciMethod}.`);
  return `${out.join('\n')}\n`;
}

// ——— the command ———

export async function simulateCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string' },
      metric: { type: 'string' },
      segment: { type: 'string' },
      'min-change': { type: 'string' },
      'damp-up': { type: 'string' },
      'damp-down': { type: 'string' },
      cap: { type: 'string' },
      'model-decides': { type: 'boolean', default: false },
      'adopt-sales-input': { type: 'boolean', default: false },
      'approval-pct': { type: 'string' },
      'approval-units': { type: 'string' },
      suggest: { type: 'boolean', default: false },
      'holdout-cycles': { type: 'string' },
      run: { type: 'string' },
      lag: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.db) throw new UsageError('--db FILE is required');
  const metric = metricFlag(values.metric);
  const filter = accuracyFilterFlags(values);
  const levers: PolicyLevers = {};
  const minChangePct = numberFlag('min-change', values['min-change'], 0, 10_000);
  const dampUp = numberFlag('damp-up', values['damp-up'], 0, 2);
  const dampDown = numberFlag('damp-down', values['damp-down'], 0, 2);
  const capPct = numberFlag('cap', values.cap, 0, 10_000);
  const approvalPct = numberFlag('approval-pct', values['approval-pct'], 0, 10_000);
  const approvalUnits = numberFlag('approval-units', values['approval-units'], 0, Number.MAX_SAFE_INTEGER);
  if (minChangePct !== undefined) levers.minChangePct = minChangePct;
  if (dampUp !== undefined) levers.dampUp = dampUp;
  if (dampDown !== undefined) levers.dampDown = dampDown;
  if (capPct !== undefined) levers.capPct = capPct;
  if (values['model-decides']) levers.modelDecides = true;
  if (values['adopt-sales-input']) levers.adoptSalesInput = true;
  if (approvalPct !== undefined) levers.approvalPct = approvalPct;
  if (approvalUnits !== undefined) levers.approvalUnits = approvalUnits;
  if (values.suggest && Object.keys(levers).length > 0) throw new UsageError('--suggest fits the levers itself: leave out --min-change, --damp-up, --damp-down, --cap, --model-decides, --adopt-sales-input and the approval thresholds');
  if (!values.suggest && values['holdout-cycles'] !== undefined) throw new UsageError('--holdout-cycles goes with --suggest');
  if (levers.modelDecides && Object.keys(levers).some((k) => ['minChangePct', 'dampUp', 'dampDown', 'capPct', 'adoptSalesInput'].includes(k))) {
    throw new UsageError('--model-decides applies no override: the other override levers would do nothing with it');
  }
  const holdoutCycles = positiveInt('holdout-cycles', values['holdout-cycles'], 3);
  const segment = segmentFlag(values.segment, !values.suggest);

  if (!existsSync(values.db)) throw new BackendRefusal({ code: 'INPUT_REJECTED', message: 'no such workbook.', file: values.db });
  const client = await openForAccuracy(values.db);
  try {
    if (values.suggest) {
      const s = await call(client, 'suggestPolicy', { by: segment.by, ...(segment.value !== undefined ? { value: segment.value } : {}), holdoutCycles, metric, filter }, bare);
      io.stdout.write(values.json ? `${JSON.stringify({ ...s, filter })}\n` : suggestionText(s));
    } else {
      const rule = { segment: { by: segment.by, value: segment.value ?? '*' }, levers };
      const s = await call(client, 'simulatePolicy', { policy: { rules: [rule] }, metric, filter }, bare);
      io.stdout.write(values.json ? `${JSON.stringify({ ...s, filter })}\n` : simulationText(s));
    }
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    io.stderr.write(`fwb simulate: ${err.message}\n`);
    return err.exit;
  } finally {
    await client.close();
  }
}
