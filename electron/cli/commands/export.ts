// fwb export --db FILE --what plan|quarantine|audit|accuracy|governance [--run ID] [--version N] [--batch ID]
//   [--by SLICE] [--metric M] [--lag N] [--from PERIOD] [--to PERIOD] [--window N] --format csv|xlsx|html --out FILE [--force] [--json]
import { EXPORT_USAGE } from '../usage';
import { parseArgs } from 'node:util';
import { ATTRIBUTE_SLICE_PREFIX, LINE_SLICES, OVERRIDE_SLICES } from '../../../shared/accuracy';
import { EXPORT_FORMATS, EXPORT_KINDS, type ExportFormat, type ExportKind } from '../../../shared/exports';
import { formatBytes, formatCount } from '../../../shared/format';
import type { RequestOf } from '../../../shared/contract';
import { accuracyFilterFlags, metricFlag } from '../accuracy-flags';
import { Client } from '../client';
import { EXIT, positiveInt, UsageError, type CliIo, type ExitCode } from '../io';
import { showJobProgress } from '../progress';
import { rejectedInput } from './rejected';

/** What to export: the contract's runExport request but its format. */
type ExportSelection = Omit<RequestOf<'runExport'>, 'format'>;

const ACCURACY_BY = ['stairstep', 'direction_size', 'trust_map', 'model', ...OVERRIDE_SLICES, ...LINE_SLICES] as readonly string[];
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

function selection(values: SelectionFlags): ExportSelection {
  const what = values.what;
  if (!what) throw new UsageError('--what is required (plan, quarantine, audit, accuracy or governance)');
  if (!(EXPORT_KINDS as readonly string[]).includes(what)) throw new UsageError(`unknown --what "${what}" (plan, quarantine, audit, accuracy, governance)`);
  const accuracyFlags = (['by', 'metric', 'lag', 'from', 'to', 'window'] as const).filter((f) => values[f] !== undefined);
  if (what !== 'accuracy' && accuracyFlags.length > 0) throw new UsageError(`--${accuracyFlags[0]} goes with --what accuracy, not ${what}`);
  if (what === 'accuracy') {
    if (values.version !== undefined || values.batch !== undefined) throw new UsageError('--version and --batch do not go with --what accuracy');
    const by = apiSlice(values.by ?? 'stairstep');
    if (!ACCURACY_BY.includes(by) && !by.startsWith(ATTRIBUTE_SLICE_PREFIX)) {
      throw new UsageError(`unknown --by "${values.by}" (stairstep, ${ACCURACY_BY.filter((b) => b !== 'stairstep').map((b) => b.replace(/_/g, '-')).join(', ')}, or attr:NAME for an item attribute)`);
    }
    if (values.window !== undefined && by !== 'trust_map') throw new UsageError('--window goes with --by trust-map');
    const s: ExportSelection = { what: 'accuracy', by, metric: metricFlag(values.metric), filter: accuracyFilterFlags(values) };
    if (values.window !== undefined) {
      s.windowCycles = positiveInt('window', values.window, 0);
      if (s.windowCycles > 60) throw new UsageError(`--window is at most 60 cycles, got ${s.windowCycles}`);
    }
    return s;
  }
  if (what !== 'plan' && (values.run !== undefined || values.version !== undefined)) throw new UsageError(`--run and --version go with --what plan, not ${what}`);
  if (what !== 'quarantine' && values.batch !== undefined) throw new UsageError(`--batch goes with --what quarantine, not ${what}`);
  if (what === 'quarantine' && values.batch === undefined) throw new UsageError('--what quarantine needs --batch ID');
  const s: ExportSelection = { what: what as ExportKind };
  if (values.run !== undefined) s.runId = positiveInt('run', values.run, 0);
  if (values.version !== undefined) s.version = positiveInt('version', values.version, 0);
  if (values.batch !== undefined) s.batchId = positiveInt('batch', values.batch, 0);
  return s;
}

function format(text: string | undefined, what: ExportKind): ExportFormat {
  if (what === 'governance') {
    if (text !== undefined && text !== 'html') throw new UsageError('the governance report is written as HTML: --format html');
    return 'html';
  }
  if (!text) throw new UsageError('--format is required (csv or xlsx)');
  if (text === 'html') throw new UsageError('--format html is for --what governance; tables are csv or xlsx');
  if (!(EXPORT_FORMATS as readonly string[]).includes(text)) throw new UsageError(`unknown --format "${text}" (csv or xlsx)`);
  return text as ExportFormat;
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
  const fmt = format(values.format, chosen.what);
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
