// fwb export --db FILE --what plan|quarantine|audit|accuracy|governance [--run ID] [--version N] [--batch ID]
//   [--by SLICE] [--metric M] [--lag N] [--from PERIOD] [--to PERIOD] [--window N] --format csv|xlsx|html --out FILE [--force] [--json]
import { EXPORT_USAGE } from '../usage';
import { parseArgs } from 'node:util';
import { ATTRIBUTE_SLICE_PREFIX } from '../../../shared/accuracy';
import { EXPORT_FORMATS, EXPORT_KINDS, type ExportFormat, type ExportKind } from '../../../shared/exports';
import { formatBytes, formatCount } from '../../../shared/format';
import { ACCURACY_EXPORT_BY, runExportRequest, type RequestOf } from '../../../shared/contract';
import { accuracyFilterFlags, metricFlag } from '../accuracy-flags';
import { Client } from '../client';
import { EXIT, positiveInt, UsageError, type CliIo, type ExitCode } from '../io';
import { showJobProgress } from '../progress';
import { rejectedInput } from './rejected';

/** What to export: the contract's runExport request but its format. */
type ExportSelection = Omit<RequestOf<'runExport'>, 'format'>;

/** The CLI spells slices with hyphens (model-version), the API with underscores. */
const apiSlice = (by: string) => (by.startsWith(ATTRIBUTE_SLICE_PREFIX) ? by : by.replace(/-/g, '_'));

interface SelectionFlags {
  what?: string;
  run?: string;
  version?: string;
  batch?: string;
  by?: string;
  metric?: string;
  lag?: string;
  from?: string;
  to?: string;
  window?: string;
}

const ACCURACY_FLAGS = ['by', 'metric', 'lag', 'from', 'to', 'window'] as const;

/** The flags as the contract's request: each flag's own form checked here, which go together the contract says (selectionRefusal). */
function selection(values: SelectionFlags): ExportSelection {
  const what = values.what;
  if (!what) throw new UsageError('--what is required (plan, quarantine, audit, accuracy or governance)');
  if (!(EXPORT_KINDS as readonly string[]).includes(what)) throw new UsageError(`unknown --what "${what}" (plan, quarantine, audit, accuracy, governance)`);
  const s: ExportSelection = { what: what as ExportKind };
  if (what === 'accuracy') {
    s.by = apiSlice(values.by ?? 'stairstep');
    s.metric = metricFlag(values.metric);
    // --run chooses the lines an accuracy table covers: it is the filter's.
    s.filter = accuracyFilterFlags(values);
    if (values.window !== undefined) s.windowCycles = positiveInt('window', values.window, 0);
  } else {
    if (values.run !== undefined) s.runId = positiveInt('run', values.run, 0);
    // Accuracy's flags elsewhere are refused by the contract, whatever their values: an empty filter or window stands for them.
    if (ACCURACY_FLAGS.some((f) => f !== 'window' && values[f] !== undefined)) s.filter = {};
    if (values.window !== undefined) s.windowCycles = 1;
  }
  if (values.version !== undefined) s.version = positiveInt('version', values.version, 0);
  if (values.batch !== undefined) s.batchId = positiveInt('batch', values.batch, 0);
  return s;
}

/** --format's own form: html is the governance report's default; which goes with what, the contract says. */
function formatFlag(text: string | undefined, what: ExportKind): ExportFormat | undefined {
  if (text === undefined) return what === 'governance' ? 'html' : undefined;
  if (!(EXPORT_FORMATS as readonly string[]).includes(text)) throw new UsageError(`unknown --format "${text}" (csv or xlsx)`);
  return text as ExportFormat;
}

/** What the contract refuses in the request, in the words of the flags that made it; null when it takes it. */
function selectionRefusal(s: ExportSelection, format: ExportFormat, values: SelectionFlags): string | null {
  const parsed = runExportRequest.safeParse({ ...s, format });
  if (parsed.success) return null;
  const what = s.what;
  // Where several things are wrong, fwb names them in the order its flags are read.
  const order = what === 'accuracy' ? ['version', 'batchId', 'by', 'windowCycles', 'format'] : ['by', 'windowCycles', 'runId', 'version', 'batchId', 'format'];
  const rank = (path: PropertyKey[]) => (order.includes(String(path[0])) ? order.indexOf(String(path[0])) : order.length);
  const issue = [...parsed.error.issues].sort((a, b) => rank(a.path) - rank(b.path))[0]!;
  switch (issue.path[0]) {
    case 'by':
      if (what !== 'accuracy') return `--${ACCURACY_FLAGS.find((f) => values[f] !== undefined) ?? 'by'} goes with --what accuracy, not ${what}`;
      return `unknown --by "${values.by}" (stairstep, ${ACCURACY_EXPORT_BY.filter((b) => b !== 'stairstep').map((b) => b.replace(/_/g, '-')).join(', ')}, or attr:NAME for an item attribute)`;
    case 'windowCycles':
      if (what !== 'accuracy') return `--window goes with --what accuracy, not ${what}`;
      return s.by === 'trust_map' ? `--window is at most 60 cycles, got ${s.windowCycles}` : '--window goes with --by trust-map';
    case 'runId':
    case 'version':
      return what === 'accuracy' ? '--version and --batch do not go with --what accuracy' : `--run and --version go with --what plan, not ${what}`;
    case 'batchId':
      if (what === 'quarantine') return '--what quarantine needs --batch ID';
      return what === 'accuracy' ? '--version and --batch do not go with --what accuracy' : `--batch goes with --what quarantine, not ${what}`;
    case 'format':
      return what === 'governance' ? 'the governance report is written as HTML: --format html' : '--format html is for --what governance; tables are csv or xlsx';
    default:
      return issue.message;
  }
}

export async function exportCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string' },
      what: { type: 'string' },
      run: { type: 'string' },
      version: { type: 'string' },
      batch: { type: 'string' },
      by: { type: 'string' },
      metric: { type: 'string' },
      lag: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      window: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.db) throw new UsageError('--db FILE is required');
  const chosen = selection(values);
  const given = formatFlag(values.format, chosen.what);
  // A table's format is checked with the request; one not given yet is asked for once the rest goes together.
  const refusal = selectionRefusal(chosen, given ?? 'csv', values);
  if (refusal !== null) throw new UsageError(refusal);
  if (given === undefined) throw new UsageError('--format is required (csv or xlsx)');
  const fmt = given;
  if (!values.out) throw new UsageError('--out FILE is required');

  try {
    // Read-only: an export never changes what the workbook holds. Accuracy figures
    // come from a derived cache (accuracy_cells) that may need bringing up to date first.
    const derived = chosen.what === 'accuracy' || chosen.what === 'governance';
    const client = await Client.open({ dbPath: values.db, access: derived ? 'write' : 'read' });
    const stopProgress = showJobProgress(io, client, (p) => `exporting ${p.done}${p.total ? `/${p.total}` : ''} rows`);
    try {
      const done = await client.host<{ title: string; path: string; rows: number; bytes: number; warnings: string[] }>('exportToFile', {
        request: { ...chosen, format: fmt },
        outPath: values.out,
        overwrite: values.force,
      });
      stopProgress();
      if (values.json) io.stdout.write(`${JSON.stringify({ what: chosen.what, format: fmt, title: done.title, path: done.path, rows: done.rows, bytes: done.bytes, warnings: done.warnings })}\n`);
      else io.stdout.write(`${done.title}: ${formatCount(done.rows)} rows written to ${done.path} (${formatBytes(done.bytes)}).\n`);
      for (const w of done.warnings) io.stderr.write(`note: ${w}\n`);
      return EXIT.ok;
    } finally {
      stopProgress();
      await client.close();
    }
  } catch (err) {
    return rejectedInput(err, io, 'export');
  }
}

export { EXPORT_USAGE };
