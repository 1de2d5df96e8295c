// The demo workbook: a realistic, fully deterministic planning team's history —
// item master, 3½ years of demand, 13 monthly runs of an AI model with 80 %
// intervals, sales inputs, a year of planners' decisions with reasons and
// approvals, policies, and the audit trail of all of it. Same options, same bytes.
//
// Plan first (pure, in memory), then write in one transaction.
import { runDriftGuard } from '../accuracy/drift';
import type { Db } from '../db/open';
import { WorkbenchError } from '../errors';
import { ANCHOR_ORIGIN, demoCalendar, period } from './calendar';
import { CATEGORIES, PLANNER_IDS } from './catalogue-data';
import { buildCatalogue } from './catalogue';
import { generateDemand, planRestatements } from './demand';
import { forecastRuns } from './forecasts';
import { planDecisions, type PlannedDecision } from './overrides';
import { SEEDED_ALL_POLICY, type DemoPolicy } from './policies';
import { planSalesInputs, SalesInputBook } from './sales-inputs';
import { writeDemo } from './writer';
import { rebuildLineState } from '../decisions/projection';

export interface DemoOptions {
  /** Number of items (default 500). */
  items?: number;
  /** Months of actual history ending at the current origin (default 42, at least 12). */
  months?: number;
  /** Seed of every random draw (default 42). */
  seed?: number;
  onProgress?: (p: { phase: string; done: number; total: number }) => void;
}

export interface DemoSummary {
  items: number;
  planners: number;
  categories: number;
  runs: number;
  forecastLines: number;
  actuals: number;
  salesInputs: number;
  decisions: number;
  currentRunId: number;
  origin: string;
}

export const DEMO_DEFAULTS = { items: 500, months: 42, seed: 42 } as const;
export const DEMO_WORKBOOK_NAME = 'Demo workbook';

function validated(options: DemoOptions): { items: number; months: number; seed: number } {
  const items = options.items ?? DEMO_DEFAULTS.items;
  const months = options.months ?? DEMO_DEFAULTS.months;
  const seed = options.seed ?? DEMO_DEFAULTS.seed;
  if (!Number.isInteger(items) || items < 1 || items > 100_000) {
    throw new WorkbenchError('INPUT_REJECTED', `The demo needs a whole number of items between 1 and 100000 (got ${items}).`);
  }
  if (!Number.isInteger(months) || months < 12 || months > 240) {
    throw new WorkbenchError('INPUT_REJECTED', `The demo needs a whole number of months of history between 12 and 240 (got ${months}).`);
  }
  if (!Number.isInteger(seed)) throw new WorkbenchError('INPUT_REJECTED', `The demo seed must be a whole number (got ${seed}).`);
  return { items, months, seed };
}

function readAllPolicy(db: Db): DemoPolicy {
  const row = db.prepare("SELECT * FROM policies WHERE segment_type = 'all' AND segment_value = '*'").get() as
    | { model_role: DemoPolicy['modelRole']; approval_pct: number | null; approval_units: number | null; freeze_lags: number; comment_pct: number | null; drift_threshold_pts: number | null }
    | undefined;
  if (!row) return SEEDED_ALL_POLICY;
  return {
    segmentType: 'all',
    segmentValue: '*',
    modelRole: row.model_role,
    approvalPct: row.approval_pct,
    approvalUnits: row.approval_units,
    freezeLags: row.freeze_lags,
    commentPct: row.comment_pct,
    driftThresholdPts: row.drift_threshold_pts,
  };
}

/** Fills a freshly created, empty workbook with the demo. Refuses a workbook that holds items or runs. */
export function generateDemo(db: Db, options: DemoOptions = {}): DemoSummary {
  const { items: itemCount, months, seed } = validated(options);
  const report = (phase: string, done: number, total: number): void => options.onProgress?.({ phase, done, total });
  const existing = db.prepare('SELECT (SELECT count(*) FROM items) AS items, (SELECT count(*) FROM forecast_runs) AS runs').get() as { items: number; runs: number };
  if (existing.items > 0 || existing.runs > 0) {
    throw new WorkbenchError(
      'INPUT_REJECTED',
      `The demo goes only into an empty workbook; this one already holds ${existing.items} items and ${existing.runs} forecast runs. Create a new workbook for the demo.`,
    );
  }

  const cal = demoCalendar(months);
  report('catalogue', 0, 1);
  const items = buildCatalogue(itemCount, cal.historyStart, seed);
  report('catalogue', 1, 1);
  const demands = items.map((item, i) => {
    if (i % 100 === 0) report('demand', i, items.length);
    return generateDemand(item, cal, seed);
  });
  planRestatements(demands, cal, seed);
  report('demand', items.length, items.length);
  report('forecasts', 0, cal.origins.length);
  const runs = forecastRuns(demands, cal.origins, seed);
  report('forecasts', cal.origins.length, cal.origins.length);
  const salesInputs = planSalesInputs(demands, cal, seed);
  const book = new SalesInputBook(salesInputs);
  const allPolicy = readAllPolicy(db);
  const decisions = new Map<number, PlannedDecision[]>();
  const pastRuns = runs.filter((r) => r.origin < cal.anchor);
  pastRuns.forEach((run, i) => {
    decisions.set(run.origin, planDecisions(run, book, allPolicy, seed));
    report('decisions', i + 1, pastRuns.length);
  });

  // A bigger page cache while writing: the audit hashes and line keys are indexed
  // in random order, and 2 MB (the default) makes every insert a page miss.
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  db.pragma('cache_size = -131072');
  try {
    db.transaction(() => {
      writeDemo(db, { seed, cal, items, demands, runs, salesInputs, decisions }, (done, total) => report('writing', done, total));
      rebuildLineState(db); // the final-plan projection of the decisions just written
      const meta = db.prepare('INSERT OR REPLACE INTO workbook_meta (key, value) VALUES (?, ?)');
      meta.run('name', DEMO_WORKBOOK_NAME);
      // A demo: the sign-in dialog states the demo's passphrase (and only a demo's).
      meta.run('demo', 'true');
      meta.run('demo_seed', String(seed));
      meta.run('demo_items', String(itemCount));
      meta.run('demo_months', String(months));
      meta.run('demo_origin', ANCHOR_ORIGIN);
    })();
  } finally {
    db.pragma(`cache_size = ${Math.trunc(cacheSize)}`);
  }

  // The planted drift (model 2.4 on Snacks) is found the way real data's would be,
  // as of the evening the latest actuals arrived.
  runDriftGuard(db, new Date(`${ANCHOR_ORIGIN}T18:00:00.000Z`));

  const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
  const current = runs[runs.length - 1]!;
  return {
    items: items.length,
    planners: PLANNER_IDS.length,
    categories: new Set(items.map((it) => it.category.name)).size || CATEGORIES.length,
    runs: runs.length,
    forecastLines: runs.reduce((n, r) => n + r.lines.length, 0),
    actuals: count('SELECT count(*) AS n FROM actuals'),
    salesInputs: count('SELECT count(*) AS n FROM sales_inputs'),
    decisions: count('SELECT count(*) AS n FROM decisions'),
    currentRunId: current.runId,
    origin: period(current.origin),
  };
}
