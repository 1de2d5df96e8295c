// fwb demo --db FILE [--items N] [--months N] [--seed S] [--force] [--json]
import { DEMO_USAGE } from '../usage';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openWorkbook } from '../../backend/db/open';
import { generateDemo } from '../../backend/demo/generate';
import { moveWorkbookFiles, restoreStamp } from '../../backend/db/restore-files';
import { EXIT, positiveInt, progressLine, UsageError, type CliIo, type ExitCode } from '../io';


// The demo's clock is fixed so that the same seed gives the same bytes.
const DEMO_CLOCK = () => new Date('2026-10-31T18:00:00.000Z');

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

  // Build next to the target and rename at the end: an interrupted run never
  // leaves a half-written workbook under the real name.
  const partial = `${target}.partial-${process.pid}`;
  const show = progressLine(io);
  try {
    const { db } = await openWorkbook(partial, { now: DEMO_CLOCK });
    let summary;
    try {
      summary = generateDemo(db, { items, months, seed, onProgress: (p) => show(`${p.phase} ${p.done}/${p.total}`) });
    } finally {
      db.close();
    }
    // --force replaces the file, but never destroys it: the old one (with its -wal and -shm) is kept aside.
    let keptAside: string | null = null;
    if (existsSync(target) && statSync(target).size > 0) {
      keptAside = `${target}.before-demo-${restoreStamp(new Date())}`;
      moveWorkbookFiles(target, keptAside);
    }
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
    renameSync(partial, target);
    show('');
    if (values.json) io.stdout.write(`${JSON.stringify({ db: target, ...summary, ...(keptAside ? { keptAside } : {}) })}\n`);
    else
      io.stdout.write(
        `Demo workbook written to ${target}: ${summary.items} items, ${summary.runs} forecast runs (${summary.forecastLines} lines), ${summary.actuals} actuals, ${summary.decisions} decisions; current run ${summary.currentRunId} at origin ${summary.origin}.\n` +
          (keptAside ? `The file it replaced is kept as ${keptAside}.\n` : ''),
      );
    return EXIT.ok;
  } finally {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  }
}

export { DEMO_USAGE };
