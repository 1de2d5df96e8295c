// Runs in its own process (tsx, the backend's TypeScript): writes the accuracy
// bench's workbook — 20 000 items × 10 monthly runs × 5 lags = 1 M forecast
// lines, every one with its actual known; 48 months of actuals (so both
// benchmarks and the MASE scale exist); 8 categories owned by 5 planners;
// about 10 % of the lines overridden (and 5 % accepted) through the decisions
// journal, a few overrides pending or approved, the final plan projected into
// line_state by the app's own rebuildLineState; sales inputs for a quarter of
// the items. One transaction, prepared statements, seeded: the same bytes every
// time. Prints one JSON line with the counts.
//
//   node scripts/bench/accuracy-workbook.mjs OUT.sqlite [ITEMS]
import { register } from 'tsx/esm/api';

register();
const [out, itemsText] = process.argv.slice(2);
const { openWorkbook } = await import('../../electron/backend/db/open.ts');
const { rebuildLineState } = await import('../../electron/backend/decisions/projection.ts');
const { Rng } = await import('../../electron/backend/demo/random.ts');

const ITEMS = Number(itemsText ?? 20_000);
const MONTHS = 48; // 2022-01 … 2025-12
const RUNS = 10; // origins 2024-10 … 2025-07
const FIRST_ORIGIN = 33; // month index of the first origin
const LAGS = 5;
const SEED = 2026;
const AT = '2026-01-20T09:00:00.000Z';

const CATEGORIES = ['Beverages', 'Snacks', 'Household', 'Personal Care', 'Dairy', 'Frozen', 'Bakery', 'Pet Care'];
const PLANNERS = [
  ['ana', 'Ana Silva'],
  ['ben', 'Ben Okafor'],
  ['chloe', 'Chloé Martin'],
  ['dev', 'Dev Patel'],
  ['eva', 'Eva Novak'],
];
const MANAGER = ['maria', 'Maria Lopez'];
const REASONS = [
  ['promotion', 0.3],
  ['sales_intelligence', 0.2],
  ['event_seasonality', 0.14],
  ['new_customer', 0.1],
  ['lost_business', 0.08],
  ['supply_constraint', 0.07],
  ['price_change', 0.06],
  ['data_error', 0.03],
  ['other', 0.02],
];
const SIZES = [
  [0.03, 0.25],
  [0.07, 0.2],
  [0.15, 0.25],
  [0.35, 0.2],
  [0.7, 0.1],
];

const month = (i) => (2022 + Math.floor(i / 12)) * 10000 + ((i % 12) + 1) * 100 + 1;

const { db } = await openWorkbook(out, { now: () => new Date(AT) });
db.pragma('cache_size = -262144');
const st = {
  user: db.prepare('INSERT INTO users (user_id, display_name, role, created_at) VALUES (?, ?, ?, ?)'),
  item: db.prepare('INSERT INTO items (item_key, item_id, name, category, brand, family, abc_class, owner_id, unit, attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
  actual: db.prepare('INSERT INTO actuals (item_key, period, quantity, recorded_at) VALUES (?, ?, ?, ?)'),
  run: db.prepare("INSERT INTO forecast_runs (run_id, model_name, model_version, origin, grain, interval_level, created_at) VALUES (?, 'BenchAI', ?, ?, 'month', 80, ?)"),
  line: db.prepare('INSERT INTO forecast_lines (line_id, run_id, item_key, period, lag, quantity, lower, upper) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
  sales: db.prepare("INSERT INTO sales_inputs (item_key, period, quantity, source, recorded_at) VALUES (?, ?, ?, 'rep', ?)"),
  decision: db.prepare('INSERT INTO decisions (line_id, action, quantity, source, reason_code, comment, decided_by, decided_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
  approval: db.prepare("INSERT INTO approvals (decision_id, verdict, note, decided_by, decided_at) VALUES (?, 'approved', NULL, ?, ?)"),
};

const counts = { items: ITEMS, runs: RUNS, lines: 0, actuals: 0, salesInputs: 0, overrides: 0, accepts: 0, pending: 0, approved: 0 };
const round1 = (x) => Math.round(x * 10) / 10;
const weighted = (rng, choices) => {
  let r = rng.next();
  for (const [value, w] of choices) if ((r -= w) < 0) return value;
  return choices.at(-1)[0];
};

db.transaction(() => {
  for (const [id, name] of PLANNERS) st.user.run(id, name, 'planner', AT);
  st.user.run(MANAGER[0], MANAGER[1], 'manager', AT);

  // Items and their demand: a level, a season, noise; small items are intermittent.
  const expected = new Float64Array(ITEMS * MONTHS);
  const actual = new Float64Array(ITEMS * MONTHS);
  const owner = [];
  for (let i = 0; i < ITEMS; i++) {
    const rng = Rng.for(SEED, 'item', i);
    const level = Math.exp(rng.normal(3.2, 1.3));
    const amp = rng.uniform(0, 0.45);
    const phase = rng.uniform(0, 12);
    const trend = rng.normal(0, 0.006);
    const cat = i % CATEGORIES.length;
    owner.push(PLANNERS[cat % PLANNERS.length][0]);
    const abc = level > 80 ? 'A' : level > 20 ? 'B' : 'C';
    st.item.run(i + 1, `SKU-${100000 + i}`, `Bench item ${i}`, CATEGORIES[cat], `Brand ${i % 37}`, `Family ${cat}-${i % 9}`, abc, owner[i], 'EA', JSON.stringify({ supplier: `Supplier ${i % 11}`, pack: (i % 4) + 1 }));
    for (let t = 0; t < MONTHS; t++) {
      const mu = level * (1 + amp * Math.sin((2 * Math.PI * (t + phase)) / 12)) * (1 + trend * t);
      expected[i * MONTHS + t] = mu;
      const a = Math.max(0, Math.round(mu * (1 + rng.normal(0, 0.22)) + (level < 5 ? rng.normal(0, 1.5) : 0)));
      actual[i * MONTHS + t] = a;
      st.actual.run(i + 1, month(t), a, AT);
      counts.actuals++;
    }
  }

  // Sales inputs: a quarter of the items, the last 18 months, optimistic on average.
  for (let i = 0; i < ITEMS; i += 4) {
    const rng = Rng.for(SEED, 'sales', i);
    for (let t = MONTHS - 18; t < MONTHS; t++) {
      st.sales.run(i + 1, month(t), round1(Math.max(0, actual[i * MONTHS + t] * (1.08 + rng.normal(0, 0.3)))), AT);
      counts.salesInputs++;
    }
  }

  // Ten monthly runs; each line is overridden (10 %), accepted (5 %) or left alone.
  let lineId = 0;
  for (let r = 0; r < RUNS; r++) {
    const origin = FIRST_ORIGIN + r;
    st.run.run(r + 1, r < 6 ? '3.1' : '3.2', month(origin), AT);
    for (let i = 0; i < ITEMS; i++) {
      const rng = Rng.for(SEED, 'line', r, i);
      for (let h = 1; h <= LAGS; h++) {
        const t = origin + h;
        const m = round1(Math.max(0, expected[i * MONTHS + t] * (1 + rng.normal(0.02, 0.07 + 0.02 * h))));
        st.line.run(++lineId, r + 1, i + 1, month(t), h, m, round1(m * 0.8), round1(m * 1.25));
        counts.lines++;
        const u = rng.next();
        if (u < 0.1 && m > 0) {
          // Planted like the literature: small and upward overrides mostly add noise,
          // large downward ones more often follow real information.
          const a = actual[i * MONTHS + t];
          const down = a < m * 0.85 ? rng.chance(0.7) : rng.chance(0.35);
          const pct = weighted(rng, SIZES) * rng.uniform(0.8, 1.2);
          const q = round1(Math.max(0, m * (down ? 1 - Math.min(pct, 0.95) : 1 + pct)));
          if (q === m) continue;
          const reason = weighted(rng, REASONS);
          const comment = reason === 'data_error' || reason === 'other' ? 'see notes' : null;
          const v = rng.next();
          const status = v < 0.05 ? 'pending_approval' : v < 0.08 ? 'approved' : 'final';
          const by = rng.chance(0.9) ? owner[i] : PLANNERS[rng.int(0, PLANNERS.length - 1)][0];
          const id = st.decision.run(lineId, 'override', q, 'override', reason, comment, by, AT, status === 'final' ? 'final' : 'pending_approval').lastInsertRowid;
          counts.overrides++;
          if (status === 'approved') {
            st.approval.run(id, MANAGER[0], AT);
            counts.approved++;
          } else if (status === 'pending_approval') counts.pending++;
        } else if (u < 0.15) {
          st.decision.run(lineId, 'accept', null, 'model', null, null, owner[i], AT, 'final');
          counts.accepts++;
        }
      }
    }
  }
  rebuildLineState(db);
  db.prepare("INSERT OR REPLACE INTO workbook_meta (key, value) VALUES ('name', 'Accuracy bench')").run();
})();
counts.lineState = db.prepare('SELECT count(*) FROM line_state').pluck().get();
counts.overriddenLines = db.prepare('SELECT count(*) FROM line_state ls JOIN forecast_lines fl USING (line_id) WHERE ls.final_quantity <> fl.quantity').pluck().get();
db.close();
process.stdout.write(`${JSON.stringify(counts)}\n`);
