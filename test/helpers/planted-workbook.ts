// A workbook with planted override behaviour, for the policy lab (issue 16):
// - the model is unbiased: forecast = demand × (1 + noise), the actual likewise;
// - blind upward tweaks: on some lines planners raise the model by 10–40 %
//   whatever the demand will be (they hurt: damping them up helps);
// - informed large downward corrections: on periods where demand collapses to
//   about half (an event the model cannot see), planners cut the plan to near
//   the actual (they help: damping them hurts);
// - sales inputs: close to the actual in Beverages, far off in Snacks;
// - a small category (Household) with few overrides: "too few to tell".
// Monthly, 36 months of actuals, 18 monthly origins (2025-01 … 2026-06), lags 1–3.
// Quantities are whole numbers; the same seed gives the same workbook.
import type { Db } from '../../electron/backend/db/open';
import { rebuildLineState } from '../../electron/backend/decisions/projection';
import { seededRandom } from '../../electron/backend/accuracy/bootstrap';

export interface PlantedOptions {
  items?: number;
  seed?: number;
  /** Origins (monthly cycles) from 2025-01 on. */
  cycles?: number;
}

export interface PlantedWorkbook {
  runs: number;
  lines: number;
  blindUp: number;
  informedDown: number;
}

const monthKey = (index: number) => {
  // index 0 = 2023-01
  const y = 2023 + Math.floor(index / 12);
  const m = (index % 12) + 1;
  return y * 10000 + m * 100 + 1;
};

export function fillPlantedWorkbook(db: Db, options: PlantedOptions = {}): PlantedWorkbook {
  const items = options.items ?? 120;
  const cycles = options.cycles ?? 18;
  const random = seededRandom(options.seed ?? 16);
  const normal = () => {
    // Box–Muller, one draw.
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const at = '2026-10-31T18:00:00.000Z';
  const months = 24 + cycles + 3; // history before the first origin, the cycles, and the last lags
  const out: PlantedWorkbook = { runs: cycles, lines: 0, blindUp: 0, informedDown: 0 };
  db.transaction(() => {
    db.prepare("INSERT INTO users (user_id, display_name, role, created_at) VALUES ('ana', 'Ana', 'planner', ?), ('ben', 'Ben', 'planner', ?)").run(at, at);
    const item = db.prepare('INSERT INTO items (item_id, name, category, abc_class, owner_id, brand) VALUES (?, ?, ?, ?, ?, ?)');
    const actual = db.prepare('INSERT INTO actuals (item_key, period, quantity, recorded_at) VALUES (?, ?, ?, ?)');
    const sales = db.prepare("INSERT INTO sales_inputs (item_key, period, quantity, source, recorded_at) VALUES (?, ?, ?, 'rep', ?)");
    const run = db.prepare("INSERT INTO forecast_runs (model_name, model_version, origin, grain, created_at) VALUES ('Planted', '1', ?, 'month', ?)");
    const line = db.prepare('INSERT INTO forecast_lines (run_id, item_key, period, lag, quantity) VALUES (?, ?, ?, ?, ?)');
    const decide = db.prepare("INSERT INTO decisions (line_id, action, quantity, source, reason_code, decided_by, decided_at, status) VALUES (?, 'override', ?, 'override', ?, ?, ?, 'final')");

    // Per item: its level and category; per item and month: the demand and whether an event cut it.
    const level: number[] = [];
    const category: string[] = [];
    const keys: number[] = [];
    for (let k = 0; k < items; k++) {
      const cat = k < 4 ? 'Household' : k % 2 === 0 ? 'Snacks' : 'Beverages';
      category.push(cat);
      level.push(Math.round(80 + random() * 400));
      const key = Number(item.run(`P-${String(k + 1).padStart(3, '0')}`, `Planted item ${k + 1}`, cat, (['A', 'B', 'C'] as const)[k % 3], k % 2 === 0 ? 'ana' : 'ben', k % 3 === 0 ? 'North' : 'South').lastInsertRowid);
      keys.push(key);
    }
    const demand: number[][] = [];
    const event: boolean[][] = [];
    for (let k = 0; k < items; k++) {
      demand.push([]);
      event.push([]);
      for (let t = 0; t < months; t++) {
        const season = 1 + 0.2 * Math.sin((2 * Math.PI * t) / 12);
        // Events only where forecasts are made (after the history), never in Household.
        const cut = t >= 24 && category[k] !== 'Household' && random() < 0.12;
        const base = level[k]! * season;
        const q = Math.max(0, Math.round(base * (cut ? 0.5 : 1) * (1 + 0.1 * normal())));
        demand[k]!.push(q);
        event[k]!.push(cut);
        actual.run(keys[k], monthKey(t), q, at);
        if (t >= 24) {
          const off = category[k] === 'Beverages' ? 0.03 : 0.35;
          sales.run(keys[k], monthKey(t), Math.max(0, Math.round(q * (1 + off * normal()))), at);
        }
      }
    }
    for (let c = 0; c < cycles; c++) {
      const originIndex = 23 + c; // 2024-12 + c: the first origin's bucket is month 23
      const runId = Number(run.run(monthKey(originIndex), at).lastInsertRowid);
      for (let k = 0; k < items; k++) {
        for (let lag = 1; lag <= 3; lag++) {
          const t = originIndex + lag;
          const season = 1 + 0.2 * Math.sin((2 * Math.PI * t) / 12);
          const model = Math.max(1, Math.round(level[k]! * season * (1 + 0.1 * normal())));
          const lineId = Number(line.run(runId, keys[k], monthKey(t), lag, model).lastInsertRowid);
          out.lines++;
          const who = k % 2 === 0 ? 'ana' : 'ben';
          if (category[k] === 'Household') {
            if (random() < 0.08) decide.run(lineId, Math.round(model * (1 + 0.1 * normal())) || model + 1, 'other', who, at);
            continue;
          }
          if (event[k]![t]) {
            // Informed: cut to near the actual.
            if (random() < 0.8) {
              const q = Math.max(0, Math.round(demand[k]![t]! * (1 + 0.05 * normal())));
              if (q !== model) {
                decide.run(lineId, q, 'lost_business', who, at);
                out.informedDown++;
              }
            }
          } else if (random() < 0.3) {
            // Blind: up 10–40 % whatever the demand.
            decide.run(lineId, Math.round(model * (1.1 + 0.3 * random())), 'promotion', who, at);
            out.blindUp++;
          }
        }
      }
    }
  })();
  rebuildLineState(db);
  return out;
}
