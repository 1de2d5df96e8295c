// fwb value: the value of planning in business terms (issue 16 item 4). Argument
// checks and printing only: the figures are the API's (getValueMeasures).
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatCount, formatNumber, formatPercent } from '../../../shared/format';
import { VALUE_GROUPINGS, type ValueGrouping, type ValueMeasures, type ValueReport } from '../../../shared/value';
import { BackendRefusal, Client } from '../client';
import { EXIT, UsageError, type CliIo, type ExitCode } from '../io';
import { table } from './accuracy';

const pct = (x: number | null) => (x === null ? '–' : formatPercent(x * 100, 1));
const num = (x: number | null, digits = 1) => (x === null ? '–' : formatNumber(x, digits));

function cells(m: ValueMeasures, overall = false): string[] {
  const hours = m.cycle?.hours ?? null;
  const cycle = m.cycle === null || hours === null ? '–' : overall ? `median ${num(hours)} h${m.cycle.open ? ', some open' : ''}` : `${num(hours)} h${m.cycle.open ? ' (open)' : ''}`;
  return [
    cycle,
    `${pct(m.touch.rate)} of ${formatCount(m.touch.lines)}`,
    `${pct(m.exceptions.hitRate)} of ${formatCount(m.exceptions.top)}`,
    `${pct(m.exceptions.helpRate)} of ${formatCount(m.exceptions.known)}`,
    m.consistency.iqrPct !== null ? `IQR ${num(m.consistency.iqrPct)} pts` : m.consistency.medianDistancePct !== null ? `±${num(m.consistency.medianDistancePct)} pts` : '–',
    `${num(m.valuePerHour.perHour)} (${num(m.valuePerHour.hours, 2)} h)`,
    `${pct(m.escalation.rate)} of ${formatCount(m.escalation.overrides)}, ${formatCount(m.escalation.rejected)} rejected`,
  ];
}

function reportText(r: ValueReport): string {
  const headers = [r.by === 'run' ? 'run (origin order)' : 'planner', 'cycle time', 'touch rate', 'top exceptions acted', 'acting helped', 'consistency', 'units avoided / h', 'escalation'];
  const rows = [...r.rows.map((row) => [row.label, ...cells(row)]), ['all', ...cells(r.overall, true)]];
  const defs = Object.entries(r.definitions).map(([k, v]) => `  ${k}: ${v}`);
  return `Value of planning, per ${r.by}\n\n${table(headers, rows)}\n\nDefinitions:\n${defs.join('\n')}\n`;
}

export async function valueCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({ args: argv, options: { db: { type: 'string' }, by: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true });
  if (!values.db) throw new UsageError('--db FILE is required');
  const by = (values.by ?? 'run') as ValueGrouping;
  if (!VALUE_GROUPINGS.includes(by)) throw new UsageError(`--by must be planner or run, got "${values.by}"`);
  if (!existsSync(values.db)) throw new BackendRefusal({ code: 'INPUT_REJECTED', message: 'no such workbook.', file: values.db });
  // Write access: the exception scores the top exceptions are read from may need bringing current.
  const client = await Client.open({ dbPath: values.db, access: 'write' });
  try {
    const r = await client.call('getValueMeasures', { by });
    io.stdout.write(values.json ? `${JSON.stringify(r)}\n` : reportText(r));
    return EXIT.ok;
  } finally {
    await client.close();
  }
}
