// One comparison of two plans over the same lines, added up line by line:
// the metric's terms per line exactly as the cube's columns hold them
// (accuracy/metrics.ts LINE_ERROR_TERMS), summed per bootstrap item group, so
// METRIC_TERMS' value, fvaOf and the bootstrap interval apply unchanged and a
// comparison of the model with today's plan gives the engine's own figures.
import type { Metric } from '../../../shared/accuracy';
import type { PlanComparison } from '../../../shared/policy-lab';
import { ITEM_GROUPS } from '../accuracy/cube';
import { fvaInterval, type GroupSums } from '../accuracy/bootstrap';
import { fvaOf, metricValue } from '../accuracy/metrics';

/** A metric's per-line terms: whether it scores the line, its numerator for a forecast, its denominator. */
export interface LineTerms {
  scored(act: number, scale: number): boolean;
  num(f: number, act: number, scale: number): number;
  den(act: number, scale: number): number;
}

const abs = (f: number, act: number) => Math.abs(f - act);

/** The same arithmetic, in the same order, as addLineErrorTerms (a NaN scale is no scale). */
export const LINE_TERMS: Record<Metric, LineTerms> = {
  wape: { scored: () => true, num: abs, den: (act) => act },
  mae: { scored: () => true, num: abs, den: () => 1 },
  bias: { scored: () => true, num: (f, act) => f - act, den: (act) => act },
  mape: { scored: (act) => act > 0, num: (f, act) => (abs(f, act) * 100.0) / act, den: () => 1 },
  smape: { scored: () => true, num: (f, act) => (f === 0 && act === 0 ? 0 : (200.0 * abs(f, act)) / (Math.abs(f) + Math.abs(act))), den: () => 1 },
  mase: { scored: (_act, scale) => scale > 0, num: (f, act, scale) => abs(f, act) / scale, den: () => 1 },
  rmse: { scored: () => true, num: (f, act) => (f - act) * (f - act), den: () => 1 },
};

export class Comparison {
  lines = 0;
  n = 0;
  improved = 0;
  worsened = 0;
  /** Extra count the caller keeps (e.g. lines touched). */
  touched = 0;
  /** Per item group: den, before, after. */
  private readonly sums = new Float64Array(ITEM_GROUPS * 3);
  private readonly groupLines = new Uint32Array(ITEM_GROUPS);

  constructor(private readonly terms: LineTerms) {}

  add(group: number, before: number, after: number, act: number, scale: number): void {
    this.lines++;
    this.groupLines[group]!++;
    if (!this.terms.scored(act, scale)) return;
    this.n++;
    const o = group * 3;
    this.sums[o]! += this.terms.den(act, scale);
    this.sums[o + 1]! += this.terms.num(before, act, scale);
    this.sums[o + 2]! += this.terms.num(after, act, scale);
    const eb = Math.abs(before - act);
    const ea = Math.abs(after - act);
    if (ea < eb) this.improved++;
    else if (ea > eb) this.worsened++;
  }

  /** Per group, for the bootstrap: undefined where the group has no line. */
  groups(): (GroupSums | undefined)[] {
    const out: (GroupSums | undefined)[] = [];
    for (let g = 0; g < ITEM_GROUPS; g++) out.push(this.groupLines[g] === 0 ? undefined : { den: this.sums[g * 3]!, before: this.sums[g * 3 + 1]!, after: this.sums[g * 3 + 2]! });
    return out;
  }

  result(metric: Metric, weights: Uint8Array[]): PlanComparison {
    // Totals added group by group in group order, as the engine adds its groups' sums.
    let den = 0;
    let before = 0;
    let after = 0;
    for (let g = 0; g < ITEM_GROUPS; g++) {
      if (this.groupLines[g] === 0) continue;
      den += this.sums[g * 3]!;
      before += this.sums[g * 3 + 1]!;
      after += this.sums[g * 3 + 2]!;
    }
    const b = this.lines > 0 ? metricValue(metric, before, den) : null;
    const a = this.lines > 0 ? metricValue(metric, after, den) : null;
    return {
      n: this.n,
      excluded: this.lines - this.n,
      before: b,
      after: a,
      fva: fvaOf(metric, b, a),
      ci: this.lines > 0 ? fvaInterval(metric, this.groups(), weights) : null,
      improved: this.improved,
      worsened: this.worsened,
      unchanged: this.n - this.improved - this.worsened,
    };
  }
}
