// fwb accuracy --db FILE [--by SLICE] [--metric M] [--lag N] [--from PERIOD] [--to PERIOD] [--run ID] [--stairstep] [--json]
// Argument checks and printing only: the figures come from the accuracy engine
// through the same API the Accuracy screen calls (getAccuracySlice), and the
// stairstep from the same engine function the screen's overview uses (a host call).
import { ACCURACY_USAGE } from '../usage';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BackendRefusal, Client } from '../client';
import { LEFT_OUT_WHY, METRIC_LABELS, leavesLinesOut, type AccuracyFilter, type Interval, type Metric, type Slice, type SliceTable, type SourceRanking, type Stairstep, type StairstepStep } from '../../../shared/accuracy';
import { formatInterval, formatMetricValue, formatPoints, leftOutNote, metricDigits } from '../../../shared/accuracy-format';
import type { RequestOf, ResponseOf } from '../../../shared/contract';
import { formatCount } from '../../../shared/format';
import type { MethodName } from '../../../shared/methods';
import { accuracyFilterFlags, metricFlag } from '../accuracy-flags';
import { EXIT, UsageError, type CliIo, type ExitCode } from '../io';

/** --by values that are the engine's own slices (CLI spelling → engine name). */
const ENGINE_SLICES: Record<string, Slice> = {
  model: 'model',
  planner: 'planner',
  reason: 'reason',
  direction: 'direction',
  size: 'size',
  category: 'category',
  lag: 'lag',
  period: 'period',
  'model-version': 'model_version',
  'abc-class': 'abc_class',
  owner: 'owner',
  run: 'run',
};
const SLICE_ALIASES: Record<string, string> = { model_version: 'model-version', abc_class: 'abc-class' };

/** A dispatch error the command reports itself: its exit code and message (fwb accuracy and fwb simulate). */
export class Refusal extends Error {
  constructor(
    readonly exit: ExitCode,
    message: string,
  ) {
    super(message);
  }
}

/** The method's answer, or a Refusal with its exit code; `say` rewords the backend's message for the command's user. */
export async function call<M extends MethodName>(client: Client, method: M, payload: RequestOf<M>, say: (message: string) => string = (m) => m): Promise<ResponseOf<M>> {
  const r = await client.result(method, payload);
  if (r.ok) return r.value as ResponseOf<M>;
  const exit = r.error.code === 'NOT_FOUND' || r.error.code === 'INPUT_REJECTED' ? EXIT.rejected : r.error.code === 'INVALID_REQUEST' ? EXIT.usage : EXIT.failed;
  throw new Refusal(exit, say(r.error.message));
}

/**
 * A read-only look when the accuracy cube is current: the figures are the cube's
 * either way, and a look neither writes nor needs the whole-file damage check a
 * write open makes first (most of a call's time on a big workbook). Otherwise
 * read-write: the engine brings its cube up to date first, as the app does.
 */
export async function openForAccuracy(dbPath: string): Promise<Client> {
  let look: Client | null = null;
  try {
    look = await Client.open({ dbPath, access: 'read' });
  } catch {
    // Whatever stops a look (not a workbook, damaged, locked) the write open meets again and words for the user.
  }
  if (look) {
    const current = await look.hostResult<boolean>('accuracyCubeCurrent', {});
    if (current.ok && current.value) return look;
    await look.close();
  }
  return Client.open({ dbPath, access: 'write' });
}

// ——— printing ———

/** The CLI's tables carry one decimal more than the screen: analysts compare runs closely. */
const digitsOf = (metric: Metric) => metricDigits(metric) + 1;

/** An aligned text table: the first column left-aligned, the others right-aligned unless named in `left`. */
export function table(headers: string[], rows: string[][], left = new Set([0])): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (left.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function scopeText(filter: AccuracyFilter): string {
  const parts = [filter.runId !== undefined ? `run ${filter.runId}` : 'all runs', filter.lag !== undefined ? `lag ${filter.lag}` : 'all lags (each line at its own lag)'];
  if (filter.fromPeriod !== undefined || filter.toPeriod !== undefined) parts.push(`periods ${filter.fromPeriod ?? '…'} to ${filter.toPeriod ?? '…'}`);
  return parts.join(', ');
}

/** What FVA means for the metric: `before` − `after`, positive meaning `better`. */
function fvaNote(metric: Metric, before: string, after: string, better: string): string {
  const unit = metric === 'mae' || metric === 'rmse' ? 'units of quantity' : metric === 'mase' ? 'scaled units' : 'points';
  return metric === 'bias'
    ? `FVA: |bias| of ${before} − |bias| of ${after}, in points; positive means ${better} (closer to zero).`
    : `FVA: ${METRIC_LABELS[metric].replace(' %', '')} of ${before} − ${METRIC_LABELS[metric].replace(' %', '')} of ${after}, in ${unit}; positive means ${better}.`;
}

function rankingText(r: SourceRanking, filter: AccuracyFilter): string {
  const d = digitsOf(r.metric);
  const head = `${METRIC_LABELS[r.metric]} by forecast source, best first · ${scopeText(filter)}`;
  if (r.rows.length === 0) return `${head}\nNo forecast lines with a known actual match.\n`;
  const leaves = leavesLinesOut(r.metric);
  const body = table(
    ['#', 'source', 'n', ...(leaves ? ['left out'] : []), METRIC_LABELS[r.metric]],
    r.rows.map((row, i) => [String(i + 1), row.key === row.label ? row.key : `${row.label} (${row.key})`, formatCount(row.n), ...(leaves ? [formatCount(row.excluded)] : []), formatMetricValue(r.metric, row.value, d)]),
    new Set([1]),
  );
  const notes = [
    'Each source is scored on its own lines with a known actual (naive and seasonal naive: lines where both benchmarks exist, each forecast point once however many models forecast it; sales input: lines that have one).',
    leaves ? `${METRIC_LABELS[r.metric].replace(' %', '')} leaves out lines ${LEFT_OUT_WHY[r.metric]}: n counts the lines it scored, "left out" the others.` : null,
  ].filter(Boolean);
  return `${head}\n${body}\n${notes.join('\n')}\n`;
}

function sliceText(t: SliceTable, by: string, filter: AccuracyFilter): string {
  const d = digitsOf(t.metric);
  const total = t.rows.reduce((s, r) => s + r.n, 0);
  const head = `${METRIC_LABELS[t.metric]} by ${by}, model versus final plan · ${scopeText(filter)} · ${formatCount(total)} ${t.overridesOnly ? 'overridden lines' : 'lines'} with a known actual${leavesLinesOut(t.metric) ? ' scored' : ''}`;
  if (t.rows.length === 0) return `${head}\nNo forecast lines with a known actual match.\n`;
  const leaves = leavesLinesOut(t.metric);
  const body = table(
    [by, 'n', ...(leaves ? ['left out'] : []), 'model', 'final', 'FVA', '95 % CI of FVA', 'improved', 'worsened', 'unchanged'],
    t.rows.map((r) => [r.label, formatCount(r.n), ...(leaves ? [formatCount(r.excluded)] : []), formatMetricValue(t.metric, r.model, d), formatMetricValue(t.metric, r.final, d), formatPoints(t.metric, r.fva, d), formatInterval(t.metric, r.ci, d), formatCount(r.improved), formatCount(r.worsened), formatCount(r.unchanged)]),
  );
  const notes = [
    t.overridesOnly ? 'Only lines whose final plan differs from the model.' : null,
    leftOutNote(t.metric, t.rows.reduce((s, r) => s + r.excluded, 0)),
    fvaNote(t.metric, 'the model', 'the final plan', 'the overrides helped'),
    `Improved / worsened: lines whose final plan was nearer / further from the actual than the model. CI: ${t.ciMethod}.`,
  ].filter(Boolean);
  return `${head}\n${body}\n${notes.join('\n')}\n`;
}

function stairstepText(s: Stairstep, filter: AccuracyFilter): string {
  const d = digitsOf(s.metric);
  const shared = s.points < s.n;
  const head = `FVA stairstep, ${METRIC_LABELS[s.metric]} · ${scopeText(filter)} · ${formatCount(s.n)} lines with an actual and both benchmarks${shared ? ` (${formatCount(s.points)} forecast points: several models forecast some of them)` : ''}`;
  if (s.steps.length === 0 && !s.salesInput) return `${head}\nNo forecast lines with a known actual and both benchmarks match.\n`;
  const leaves = leavesLinesOut(s.metric);
  const row = (st: StairstepStep, label = st.label) => [
    label,
    formatCount(st.n),
    ...(leaves ? [formatCount(st.excluded)] : []),
    formatMetricValue(s.metric, st.value, d),
    formatPoints(s.metric, st.fva, d),
    formatInterval(s.metric, st.ci, d),
    formatCount(st.improved),
    formatCount(st.worsened),
    formatCount(st.unchanged),
  ];
  const rows = s.steps.map((st) => row(st));
  if (s.salesInput) rows.push(row(s.salesInput, `${s.salesInput.label} (parallel: vs model)`));
  const body = table(['step', 'n', ...(leaves ? ['left out'] : []), METRIC_LABELS[s.metric], 'FVA', '95 % CI of FVA', 'improved', 'worsened', 'unchanged'], rows);
  const model = s.steps.find((st) => st.source === 'model');
  const notes = [
    `${fvaNote(s.metric, 'the step above', 'the step', 'the step made the forecast better')} Steps are compared on the same lines; the sales input with the model, on the lines that have one.`,
    shared && model
      ? `The benchmarks count each forecast point once; the model and final plan count each model's line, and the model is compared with the seasonal naive of its own point (${formatMetricValue(s.metric, model.baseline, d)} on those lines).`
      : null,
    model ? leftOutNote(s.metric, model.excluded) : null,
    `CI: ${s.ciMethod}.`,
  ].filter(Boolean);
  return `${head}\n${body}\n${notes.join('\n')}\n`;
}

// ——— JSON (a stable contract) ———

const ciJson = (ci: Interval | null) => ({ ciLow: ci?.low ?? null, ciHigh: ci?.high ?? null });

function stepJson(st: StairstepStep) {
  return { source: st.source, label: st.label, n: st.n, excluded: st.excluded, value: st.value, baseline: st.baseline, fva: st.fva, ...ciJson(st.ci), improved: st.improved, worsened: st.worsened, unchanged: st.unchanged };
}

function stairstepJson(s: Stairstep, filter: AccuracyFilter) {
  return { metric: s.metric, filter, n: s.n, points: s.points, steps: s.steps.map(stepJson), salesInput: s.salesInput ? stepJson(s.salesInput) : null, excludedZeroActuals: s.excludedZeroActuals, ciMethod: s.ciMethod };
}

function sliceJson(t: SliceTable, by: string, filter: AccuracyFilter) {
  return {
    metric: t.metric,
    by,
    filter,
    overridesOnly: t.overridesOnly,
    rows: t.rows.map((r) => ({ key: r.key, label: r.label, n: r.n, excluded: r.excluded, value: r.final, model: r.model, final: r.final, fva: r.fva, ...ciJson(r.ci), improved: r.improved, worsened: r.worsened, unchanged: r.unchanged })),
    ciMethod: t.ciMethod,
  };
}

function rankingJson(r: SourceRanking, filter: AccuracyFilter) {
  return { metric: r.metric, by: 'model', filter, rows: r.rows.map((row) => ({ key: row.key, label: row.label, n: row.n, excluded: row.excluded, value: row.value })) };
}

// ——— the command ———

export async function accuracyCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string' },
      by: { type: 'string' },
      metric: { type: 'string' },
      lag: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      run: { type: 'string' },
      stairstep: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.db) throw new UsageError('--db FILE is required');
  const metric = metricFlag(values.metric);
  if (values.stairstep && values.by !== undefined) throw new UsageError('--stairstep and --by exclude each other: the stairstep is over all the lines the filter selects');
  if (values.by !== undefined && values.by.trim() === '') throw new UsageError('--by needs a slice name');
  const filter = accuracyFilterFlags(values);
  const runId = filter.runId;
  const byText = values.stairstep ? null : (SLICE_ALIASES[values.by ?? ''] ?? values.by ?? 'category');

  if (!existsSync(values.db)) throw new BackendRefusal({ code: 'INPUT_REJECTED', message: 'no such workbook.', file: values.db });
  const client = await openForAccuracy(values.db);
  try {
    if (runId !== undefined) {
      const { runs } = await call(client, 'listRuns', {});
      if (!runs.some((r) => r.runId === runId)) {
        const ids = runs.map((r) => r.runId).sort((a, b) => a - b);
        throw new Refusal(EXIT.rejected, `forecast run ${runId} does not exist (${ids.length === 0 ? 'the workbook has no runs' : `runs: ${ids.length > 20 ? `${ids[0]}–${ids.at(-1)}` : ids.join(', ')}`}).`);
      }
    }

    if (byText === null) {
      const s = await client.host<Stairstep>('accuracyStairstep', { filter, metric });
      io.stdout.write(values.json ? `${JSON.stringify(stairstepJson(s, filter))}\n` : stairstepText(s, filter));
      return EXIT.ok;
    }

    const engineSlice = ENGINE_SLICES[byText];
    let by: RequestOf<'getAccuracySlice'>['by'];
    if (engineSlice !== undefined) by = engineSlice;
    else {
      const { attributes } = await call(client, 'listItemAttributes', {});
      const names = attributes.map((a) => a.name);
      if (!names.includes(byText)) {
        throw new UsageError(
          `--by "${byText}" is neither a slice nor an item attribute.\n  slices: ${Object.keys(ENGINE_SLICES).join(', ')}\n  item attributes in this workbook: ${names.length > 0 ? names.join(', ') : '(none)'}`,
        );
      }
      by = `attr:${byText}`;
    }
    const result = await call(client, 'getAccuracySlice', { filter, metric, by });
    if (result.by === 'model') {
      const r = result as SourceRanking;
      io.stdout.write(values.json ? `${JSON.stringify(rankingJson(r, filter))}\n` : rankingText(r, filter));
    } else {
      const t = result as SliceTable;
      io.stdout.write(values.json ? `${JSON.stringify(sliceJson(t, byText, filter))}\n` : sliceText(t, byText, filter));
    }
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    io.stderr.write(`fwb accuracy: ${err.message}\n`);
    return err.exit;
  } finally {
    await client.close();
  }
}

export { ACCURACY_USAGE };
