// fwb demo --db FILE [--items N] [--months N] [--seed S] [--force] [--json]
import { DEMO_USAGE } from '../usage';
import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { DemoSummary } from '../../backend/host-entry';
import { withClient } from '../client';
import { EXIT, positiveInt, UsageError, type CliIo, type ExitCode } from '../io';
import { showJobProgress } from '../progress';

export async function demoCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string' },
      items: { type: 'string' },
      months: { type: 'string' },
      seed: { type: 'string' },
      force: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.db) throw new UsageError('--db FILE is required');
  const items = positiveInt('items', values.items, 500);
  const months = positiveInt('months', values.months, 42);
  if (months < 36) throw new UsageError(`--months must be at least 36, got ${months}`);
  const seed = values.seed === undefined ? 42 : Number(values.seed);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be a whole number, got "${values.seed}"`);

  const target = values.db;
  if (existsSync(target) && statSync(target).size > 0 && !values.force) {
    io.stderr.write(`fwb demo: ${target} already exists; pass --force to replace it.\n`);
    return EXIT.rejected;
  }

  // The backend builds it beside the target and renames it at the end, keeping a replaced file aside.
  const done = await withClient({ dbPath: target, access: 'none' }, async (client) => {
    const stopProgress = showJobProgress(io, client, (p) => `${p.phase} ${p.done}/${p.total}`);
    try {
      return await client.host<DemoSummary & { keptAside?: string }>('generateDemo', { items, months, seed });
    } finally {
      stopProgress();
    }
  });
  const { keptAside, ...summary } = done;
  if (values.json) io.stdout.write(`${JSON.stringify({ db: target, ...summary, ...(keptAside ? { keptAside } : {}) })}\n`);
  else
    io.stdout.write(
      `Demo workbook written to ${target}: ${summary.items} items, ${summary.runs} forecast runs (${summary.forecastLines} lines), ${summary.actuals} actuals, ${summary.decisions} decisions; current run ${summary.currentRunId} at origin ${summary.origin}.\n` +
        (keptAside ? `The file it replaced is kept as ${keptAside}.\n` : ''),
    );
  return EXIT.ok;
}

export { DEMO_USAGE };
