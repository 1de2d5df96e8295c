// The demo workbook: deterministic, complete, and carrying the patterns the app
// is meant to let a team rediscover (Fildes et al. 2009), measured straight from
// the workbook with SQL.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../electron/backend/audit/chain';
import { decisionAuditPayload, type DecisionRow } from '../../electron/backend/audit/payloads';
import { openWorkbook, readMeta, type Db } from '../../electron/backend/db/open';
import { generateDemo, type DemoSummary } from '../../electron/backend/demo/generate';
import { WorkbenchError } from '../../electron/backend/errors';
import { periodFromKey } from '../../shared/period';

const NOW = () => new Date('2026-10-31T18:00:00Z');
let dir: string;
const opened: Db[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fwb-demo-'));
});
afterAll(() => {
  for (const db of opened) if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
async function freshWorkbook(): Promise<Db> {
  const { db } = await openWorkbook(join(dir, `w${++counter}.sqlite`), { now: NOW });
  opened.push(db);
  return db;
}

/** sha256 per table of all its rows in key order. */
function tableDigests(db: Db): Record<string, string> {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const columns = (db.prepare(`PRAGMA table_info("${name}")`).all() as unknown[]).length;
    const order = Array.from({ length: columns }, (_, i) => i + 1).join(', ');
    const hash = createHash('sha256');
    for (const row of db.prepare(`SELECT * FROM "${name}" ORDER BY ${order}`).raw().iterate()) hash.update(JSON.stringify(row)).update('\n');
    out[name] = hash.digest('hex');
  }
  return out;
}

const count = (db: Db, sql: string): number => (db.prepare(sql).get() as { n: number }).n;

interface Slice {
  n: number;
  /** mean(|override − actual| − |model − actual|): positive = the overrides hurt. */
  meanDelta: number;
  /** WAPE(model) − WAPE(override) in points (SPEC §3): positive = the overrides helped. */
  fvaPts: number;
}

function analyse(db: Db) {
  const lines = db
    .prepare(
      `SELECT fl.quantity AS f, fl.lower, fl.upper, a.quantity AS a, n.quantity AS naive, sn.quantity AS snaive
       FROM v_forecast_lines fl JOIN v_forecast_runs r ON r.run_id = fl.run_id
       JOIN v_actuals a ON a.item_id = fl.item_id AND a.location_id = fl.location_id AND a.period = fl.period AND a.superseded_at IS NULL
       LEFT JOIN v_actuals n ON n.item_id = fl.item_id AND n.location_id = fl.location_id AND n.period = r.origin AND n.superseded_at IS NULL
       LEFT JOIN v_actuals sn ON sn.item_id = fl.item_id AND sn.location_id = fl.location_id
         AND sn.period = date(fl.period, '-12 months') AND sn.superseded_at IS NULL`,
    )
    .all() as { f: number; lower: number | null; upper: number | null; a: number; naive: number | null; snaive: number | null }[];
  const wape = (pick: (l: (typeof lines)[number]) => number | null): number => {
    let err = 0;
    let act = 0;
    for (const l of lines) {
      const f = pick(l);
      if (f === null || l.naive === null || l.snaive === null) continue; // same lines for every forecast
      err += Math.abs(f - l.a);
      act += l.a;
    }
    return (100 * err) / act;
  };
  const covered = lines.filter((l) => l.lower !== null && l.upper !== null && l.lower <= l.a && l.a <= l.upper).length;

  // The effective override of each past line: its latest decision, unless the manager rejected it.
  const overrides = db
    .prepare(
      `WITH latest AS (SELECT line_id, MAX(decision_id) AS decision_id FROM decisions GROUP BY line_id)
       SELECT d.quantity AS o, d.reason_code AS reason, fl.quantity AS f, a.quantity AS a
       FROM latest JOIN decisions d ON d.decision_id = latest.decision_id
       JOIN v_forecast_lines fl ON fl.line_id = d.line_id
       JOIN v_actuals a ON a.item_id = fl.item_id AND a.location_id = fl.location_id AND a.period = fl.period AND a.superseded_at IS NULL
       WHERE d.action = 'override' AND fl.quantity > 0
         AND NOT EXISTS (SELECT 1 FROM approvals ap WHERE ap.decision_id = d.decision_id AND ap.verdict = 'rejected')`,
    )
    .all() as { o: number; reason: string; f: number; a: number }[];
  const slice = (keep: (reason: string, change: number) => boolean): Slice => {
    let n = 0;
    let delta = 0;
    let errModel = 0;
    let errOverride = 0;
    let act = 0;
    for (const r of overrides) {
      if (!keep(r.reason, r.o / r.f - 1)) continue;
      n++;
      delta += Math.abs(r.o - r.a) - Math.abs(r.f - r.a);
      errModel += Math.abs(r.f - r.a);
      errOverride += Math.abs(r.o - r.a);
      act += r.a;
    }
    return { n, meanDelta: delta / n, fvaPts: (100 * (errModel - errOverride)) / act };
  };
  const concrete = new Set(['lost_business', 'supply_constraint', 'data_error', 'price_change']);
  return {
    modelWape: wape((l) => l.f),
    naiveWape: wape((l) => l.naive),
    seasonalNaiveWape: wape((l) => l.snaive),
    coverage: covered / lines.length,
    small: slice((_, c) => Math.abs(c) < 0.1),
    upward: slice((_, c) => c > 0),
    downward: slice((_, c) => c < 0),
    largeDownConcrete: slice((reason, c) => c < -0.2 && concrete.has(reason)),
  };
}

describe('demo workbook', () => {
  it('is identical for the same seed and differs for another seed', async () => {
    const a = await freshWorkbook();
    const b = await freshWorkbook();
    const c = await freshWorkbook();
    generateDemo(a, { items: 80, seed: 7 });
    generateDemo(b, { items: 80, seed: 7 });
    generateDemo(c, { items: 80, seed: 8 });
    const da = tableDigests(a);
    expect(Object.keys(da).length).toBeGreaterThan(15);
    expect(tableDigests(b)).toEqual(da);
    const dc = tableDigests(c);
    expect(dc).not.toEqual(da);
    expect(dc.items).not.toBe(da.items);
    expect(dc.actuals).not.toBe(da.actuals);
  });

  describe('with 80 items', () => {
    let db: Db;
    let summary: DemoSummary;
    const phases = new Set<string>();
    beforeAll(async () => {
      db = await freshWorkbook();
      summary = generateDemo(db, { items: 80, seed: 11, onProgress: (p) => phases.add(p.phase) });
    });

    it('reports what it wrote', () => {
      expect(summary).toMatchObject({ items: 80, runs: 13, origin: '2026-10-01' });
      expect(summary.planners).toBeGreaterThanOrEqual(3);
      expect(summary.categories).toBeGreaterThanOrEqual(3);
      expect(summary.forecastLines).toBe(count(db, 'SELECT count(*) AS n FROM v_forecast_lines'));
      expect(summary.actuals).toBe(count(db, 'SELECT count(*) AS n FROM v_actuals'));
      expect(summary.decisions).toBe(count(db, 'SELECT count(*) AS n FROM decisions'));
      const current = db.prepare('SELECT run_id, origin FROM v_forecast_runs ORDER BY origin DESC LIMIT 1').get() as { run_id: number; origin: string };
      expect(current).toEqual({ run_id: summary.currentRunId, origin: '2026-10-01' });
      expect([...phases]).toEqual(expect.arrayContaining(['catalogue', 'demand', 'forecasts', 'decisions', 'writing']));
      expect(readMeta(db, 'name')).toBe('Demo workbook');
      expect(readMeta(db, 'demo_seed')).toBe('11');
    });

    it('has planners, a manager, categories and ABC classes', () => {
      expect(count(db, "SELECT count(*) AS n FROM users WHERE role = 'planner'")).toBeGreaterThanOrEqual(3);
      expect(db.prepare("SELECT role FROM users WHERE user_id = 'maria.lopez'").get()).toEqual({ role: 'manager' });
      expect(count(db, 'SELECT count(DISTINCT category) AS n FROM items')).toBeGreaterThanOrEqual(3);
      expect(count(db, 'SELECT count(DISTINCT abc_class) AS n FROM items')).toBe(3);
      expect(count(db, "SELECT count(*) AS n FROM items WHERE owner_id IN (SELECT user_id FROM users WHERE role = 'planner')")).toBe(80);
      expect(count(db, "SELECT count(*) AS n FROM items WHERE item_id NOT LIKE 'SKU-1____' OR brand IS NULL OR family IS NULL OR unit IS NULL")).toBe(0);
      expect(count(db, "SELECT count(*) AS n FROM items WHERE json_extract(attributes, '$.pack_size') IS NOT NULL")).toBe(80);
    });

    it('has 42 months of history for established items, intermittent and new items', () => {
      const history = db
        .prepare(
          `SELECT item_id, count(*) AS months, min(period) AS first, max(period) AS last, avg(quantity = 0) AS zeros
           FROM v_actuals WHERE superseded_at IS NULL GROUP BY item_id`,
        )
        .all() as { item_id: string; months: number; first: string; last: string; zeros: number }[];
      expect(history).toHaveLength(80);
      const newItems = db.prepare('SELECT item_id, introduced_period FROM items WHERE introduced_period IS NOT NULL').all() as { item_id: string; introduced_period: string }[];
      expect(newItems.length).toBeGreaterThanOrEqual(1);
      const fresh = new Set(newItems.map((i) => i.item_id));
      for (const h of history) {
        expect(h.last).toBe('2026-10-01');
        if (fresh.has(h.item_id)) {
          expect(h.months).toBeGreaterThanOrEqual(3);
          expect(h.months).toBeLessThanOrEqual(9);
        } else {
          expect(h.months).toBe(42);
          expect(h.first).toBe('2023-05-01');
        }
      }
      for (const n of newItems) expect(history.find((h) => h.item_id === n.item_id)!.first).toBe(periodFromKey(Number(n.introduced_period)));
      expect(history.filter((h) => h.zeros >= 0.3).length).toBeGreaterThanOrEqual(3);
      expect(count(db, 'SELECT count(*) AS n FROM v_actuals WHERE superseded_at IS NOT NULL')).toBeGreaterThanOrEqual(1);
    });

    it('has 13 monthly runs with 80 % intervals on every line', () => {
      const runs = db.prepare('SELECT origin, model_name, model_version, interval_level FROM v_forecast_runs ORDER BY origin').all() as {
        origin: string;
        model_name: string;
        model_version: string;
        interval_level: number;
      }[];
      expect(runs.map((r) => r.origin)).toEqual([
        '2025-10-01', '2025-11-01', '2025-12-01', '2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01',
        '2026-05-01', '2026-06-01', '2026-07-01', '2026-08-01', '2026-09-01', '2026-10-01',
      ]);
      expect(new Set(runs.map((r) => r.model_name))).toEqual(new Set(['DemandAI']));
      expect(new Set(runs.map((r) => r.model_version)).size).toBe(2);
      expect(runs.every((r) => r.interval_level === 80)).toBe(true);
      expect(count(db, 'SELECT count(*) AS n FROM v_forecast_lines WHERE lower IS NULL OR upper IS NULL OR lower > quantity OR upper < quantity')).toBe(0);
      expect(count(db, 'SELECT count(*) AS n FROM v_forecast_lines WHERE lag < 1 OR lag > 6')).toBe(0);
      const badLag = count(
        db,
        `SELECT count(*) AS n FROM v_forecast_lines fl JOIN v_forecast_runs r USING (run_id)
         WHERE (CAST(strftime('%Y', fl.period) AS INTEGER) * 12 + CAST(strftime('%m', fl.period) AS INTEGER))
             - (CAST(strftime('%Y', r.origin) AS INTEGER) * 12 + CAST(strftime('%m', r.origin) AS INTEGER)) <> fl.lag`,
      );
      expect(badLag).toBe(0);
      // Every item that has history by an origin is in that run, for all six lags.
      const missing = count(
        db,
        `SELECT count(*) AS n FROM forecast_runs r JOIN items i ON coalesce(i.introduced_period, 0) <= r.origin
         WHERE (SELECT count(*) FROM v_forecast_lines fl WHERE fl.run_id = r.run_id AND fl.item_id = i.item_id) <> 6`,
      );
      expect(missing).toBe(0);
    });

    it('has sales inputs and past decisions with reasons, and leaves the current run undecided', () => {
      expect(count(db, 'SELECT count(DISTINCT item_id) AS n FROM v_sales_inputs')).toBeGreaterThanOrEqual(10);
      expect(count(db, 'SELECT count(*) AS n FROM v_sales_inputs WHERE superseded_at IS NOT NULL')).toBeGreaterThan(0);
      expect(count(db, "SELECT count(*) AS n FROM v_sales_inputs WHERE source LIKE 'rep:%' OR source LIKE 'account:%'")).toBe(
        count(db, 'SELECT count(*) AS n FROM v_sales_inputs'),
      );
      const current = summary.currentRunId;
      expect(count(db, `SELECT count(*) AS n FROM decisions d JOIN v_forecast_lines fl USING (line_id) WHERE fl.run_id = ${current}`)).toBe(0);
      const pastLines = count(db, `SELECT count(*) AS n FROM v_forecast_lines WHERE run_id <> ${current}`);
      const overridden = count(db, "SELECT count(DISTINCT line_id) AS n FROM decisions WHERE action = 'override'");
      const accepted = count(db, "SELECT count(DISTINCT line_id) AS n FROM decisions WHERE action = 'accept'");
      expect(overridden / pastLines).toBeGreaterThan(0.2);
      expect(overridden / pastLines).toBeLessThan(0.4);
      expect(accepted / pastLines).toBeGreaterThan(0.5);
      expect(count(db, "SELECT count(*) AS n FROM decisions WHERE action = 'override' AND reason_code IS NULL")).toBe(0);
      expect(count(db, "SELECT count(DISTINCT reason_code) AS n FROM decisions WHERE action = 'override'")).toBeGreaterThanOrEqual(8);
      expect(count(db, "SELECT count(*) AS n FROM decisions WHERE action = 'accept' AND (source <> 'model' OR reason_code IS NOT NULL)")).toBe(0);
      expect(
        count(db, "SELECT count(*) AS n FROM decisions d JOIN v_forecast_lines fl USING (line_id) WHERE d.action = 'accept' AND d.quantity <> fl.quantity"),
      ).toBe(0);
      expect(count(db, "SELECT count(*) AS n FROM decisions WHERE reason_code IN ('other', 'data_error') AND comment IS NULL")).toBe(0);
      expect(count(db, "SELECT count(*) AS n FROM decisions WHERE source = 'sales_input'")).toBeGreaterThan(0);
      expect(count(db, 'SELECT count(*) AS n FROM decisions d JOIN items i ON i.owner_id = d.decided_by JOIN v_forecast_lines fl ON fl.line_id = d.line_id AND fl.item_id = i.item_id')).toBe(
        summary.decisions,
      );
      // Every override awaiting approval got the manager's verdict.
      expect(count(db, "SELECT count(*) AS n FROM decisions WHERE status = 'pending_approval'")).toBeGreaterThan(0);
      expect(
        count(db, "SELECT count(*) AS n FROM decisions d WHERE status = 'pending_approval' AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.decision_id = d.decision_id)"),
      ).toBe(0);
      expect(count(db, "SELECT count(*) AS n FROM approvals WHERE decided_by <> 'maria.lopez'")).toBe(0);
    });

    it('has policies, import batches and an audit chain that verifies and matches the journal', () => {
      expect(count(db, 'SELECT count(*) AS n FROM policies')).toBeGreaterThanOrEqual(4);
      expect(count(db, "SELECT count(*) AS n FROM audit_log WHERE action = 'policy.change'")).toBe(count(db, 'SELECT count(*) AS n FROM policies') - 1);
      expect(count(db, "SELECT count(DISTINCT kind) AS n FROM import_batches")).toBeGreaterThanOrEqual(4);
      expect(count(db, "SELECT count(*) AS n FROM audit_log WHERE action = 'import'")).toBe(count(db, 'SELECT count(*) AS n FROM import_batches'));
      expect(count(db, 'SELECT count(*) AS n FROM v_actuals WHERE batch_id IS NULL')).toBe(0);
      const verdict = verifyAuditChain(db);
      expect(verdict.ok).toBe(true);
      const entries = new Map(
        (db.prepare("SELECT entity_id, action, actor, at, payload FROM audit_log WHERE entity = 'decision'").all() as {
          entity_id: string;
          action: string;
          actor: string;
          at: string;
          payload: string;
        }[]).map((e) => [e.entity_id, e]),
      );
      let checked = 0;
      for (const row of db.prepare('SELECT * FROM decisions ORDER BY decision_id').iterate() as IterableIterator<DecisionRow>) {
        const entry = entries.get(String(row.decision_id))!;
        expect(entry.action).toBe(`decision.${row.action}`);
        expect(entry.actor).toBe(row.decided_by);
        expect(entry.at).toBe(row.decided_at);
        expect(JSON.parse(entry.payload)).toEqual(decisionAuditPayload(row));
        checked++;
      }
      expect(checked).toBe(summary.decisions);
      expect(count(db, "SELECT count(*) AS n FROM audit_log WHERE entity = 'approval'")).toBe(count(db, 'SELECT count(*) AS n FROM approvals'));
      // Everything happened before the demo's "now".
      expect(count(db, "SELECT count(*) AS n FROM audit_log WHERE at > '2026-10-31T18:00:00.000Z'")).toBe(0);
    });

    it('refuses a workbook that already holds items or runs', () => {
      expect(() => generateDemo(db, { items: 10 })).toThrowError(expect.objectContaining({ code: 'INPUT_REJECTED' }));
    });
  });

  it('refuses a workbook with items of its own, and bad options', async () => {
    const db = await freshWorkbook();
    db.prepare("INSERT INTO items (item_id, name) VALUES ('X-1', 'Something')").run();
    let error: unknown;
    try {
      generateDemo(db, { items: 10 });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WorkbenchError);
    expect((error as WorkbenchError).code).toBe('INPUT_REJECTED');
    expect(count(db, 'SELECT count(*) AS n FROM audit_log')).toBe(0);
    const empty = await freshWorkbook();
    expect(() => generateDemo(empty, { months: 6 })).toThrowError(expect.objectContaining({ code: 'INPUT_REJECTED' }));
    expect(() => generateDemo(empty, { items: 0 })).toThrowError(expect.objectContaining({ code: 'INPUT_REJECTED' }));
  });

  it('accepts a short history', async () => {
    const db = await freshWorkbook();
    const summary = generateDemo(db, { items: 30, months: 12, seed: 3 });
    expect(summary.runs).toBeGreaterThanOrEqual(2);
    expect(count(db, 'SELECT count(*) AS n FROM v_actuals WHERE period < \'2025-11-01\'')).toBe(0);
    expect(verifyAuditChain(db).ok).toBe(true);
  });

  // Its speed is the bench's to measure, not a timed unit test's (it failed at 15.2 s on a loaded machine).
  it('at the default size, carries the planted patterns', async () => {
    const db = await freshWorkbook();
    const summary = generateDemo(db);
    expect(summary.items).toBe(500);
    expect(summary.runs).toBe(13);

    const r = analyse(db);
    const fmt = (s: Slice) => `n=${s.n} meanΔ=${s.meanDelta.toFixed(2)} FVA=${s.fvaPts.toFixed(2)}pts`;
    console.info(
      [
        `WAPE model ${r.modelWape.toFixed(1)} | naive ${r.naiveWape.toFixed(1)} | seasonal naive ${r.seasonalNaiveWape.toFixed(1)}`,
        `80% interval coverage ${(100 * r.coverage).toFixed(1)} %`,
        `small (<10%) ${fmt(r.small)}`,
        `upward ${fmt(r.upward)}`,
        `downward ${fmt(r.downward)}`,
        `large downward with concrete reason ${fmt(r.largeDownConcrete)}`,
      ].join('\n'),
    );

    expect(r.modelWape).toBeLessThan(r.naiveWape - 3);
    expect(r.modelWape).toBeLessThan(r.seasonalNaiveWape);
    expect(r.coverage).toBeGreaterThan(0.65);
    expect(r.coverage).toBeLessThan(0.92);
    // Small overrides add nothing or hurt.
    expect(r.small.n).toBeGreaterThan(500);
    expect(r.small.meanDelta).toBeGreaterThan(0);
    expect(r.small.fvaPts).toBeLessThan(0);
    // Upward overrides are much less reliable than downward ones.
    expect(r.upward.meanDelta).toBeGreaterThan(r.downward.meanDelta);
    expect(r.upward.fvaPts).toBeLessThan(r.downward.fvaPts - 3);
    expect(r.upward.fvaPts).toBeLessThan(1);
    // Large downward overrides with a concrete reason help clearly.
    expect(r.largeDownConcrete.n).toBeGreaterThan(100);
    expect(r.largeDownConcrete.meanDelta).toBeLessThan(0);
    expect(r.largeDownConcrete.fvaPts).toBeGreaterThan(5);
    expect(verifyAuditChain(db).ok).toBe(true);
  });
});
