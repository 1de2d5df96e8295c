// The figures of a replayed plan, from the line facts: its stairstep step
// against the model, its direction × size table, the FVA of the change from
// today's plan per slice, the workload, and the lines whose outcome flips.
// Each is one pass over the lines into Comparison accumulators.
import { SIZE_BUCKET_LABELS, SOURCE_LABELS, type DirectionSizeCell, type DirectionSizeTable, type Metric, type StairstepStep } from '../../../shared/accuracy';
import { changePct } from '../../../shared/decision-rules';
import { periodFromKey } from '../../../shared/period';
import type { CandidatePolicy, FlippedLine, PolicyWorkload, SliceChangeRow } from '../../../shared/policy-lab';
import { CI_METHOD } from '../accuracy/bootstrap';
import { sizeBucket } from '../accuracy/cube-build';
import { labeller } from '../accuracy/slices';
import type { ReadableDb } from '../db/handles';
import { Comparison, LINE_TERMS } from './comparison';
import { itemIdsOfLines, type Dictionary, type LineFacts } from './line-facts';
import type { Replay } from './levers';

/** Which lines a figure covers (null: every line). */
export type LineSubset = Uint8Array | null;

/** The plan's final step of the stairstep: against the model on the lines with both benchmarks, as fvaStairstep has it. */
export function finalStepOf(facts: LineFacts, plan: Float64Array, metric: Metric, weights: Uint8Array[], subset: LineSubset = null): StairstepStep {
  const c = new Comparison(LINE_TERMS[metric]);
  for (let i = 0; i < facts.count; i++) {
    if (facts.hasBench[i] !== 1 || (subset && subset[i] !== 1)) continue;
    c.add(facts.group[i]!, facts.model[i]!, plan[i]!, facts.actual[i]!, facts.scale[i]!);
  }
  const r = c.result(metric, weights);
  return { source: 'final', label: SOURCE_LABELS.final, n: r.n, excluded: r.excluded, value: r.after, baseline: r.before, fva: r.fva, ci: r.ci, improved: r.improved, worsened: r.worsened, unchanged: r.unchanged };
}

/** Index of a direction × size cell: up cells first, as directionSizeTable lists them. */
const cellOf = (model: number, plan: number) => (plan > model ? 0 : SIZE_BUCKET_LABELS.length) + sizeBucket(model, plan);
const cellLabel = (cell: number) => `${cell < SIZE_BUCKET_LABELS.length ? 'Up' : 'Down'} ${SIZE_BUCKET_LABELS[cell % SIZE_BUCKET_LABELS.length]}`;

/** Direction × size of the plan's overrides (plan ≠ model), each cell the plan against the model. */
export function directionSizeOf(facts: LineFacts, plan: Float64Array, metric: Metric, weights: Uint8Array[], subset: LineSubset = null): DirectionSizeTable {
  const cells = Array.from({ length: SIZE_BUCKET_LABELS.length * 2 }, () => new Comparison(LINE_TERMS[metric]));
  for (let i = 0; i < facts.count; i++) {
    const m = facts.model[i]!;
    const p = plan[i]!;
    if (p === m || (subset && subset[i] !== 1)) continue;
    cells[cellOf(m, p)]!.add(facts.group[i]!, m, p, facts.actual[i]!, facts.scale[i]!);
  }
  const out: DirectionSizeCell[] = cells.map((c, cell) => {
    const r = c.lines > 0 ? c.result(metric, weights) : null;
    return {
      direction: cell < SIZE_BUCKET_LABELS.length ? 'up' : 'down',
      sizeBucket: cell % SIZE_BUCKET_LABELS.length,
      label: cellLabel(cell),
      n: r?.n ?? 0,
      excluded: r?.excluded ?? 0,
      fva: r?.fva ?? null,
      ci: r?.ci ?? null,
      improvedShare: r && r.n > 0 ? r.improved / r.n : null,
    };
  });
  return { metric, cells: out, ciMethod: CI_METHOD };
}

function changeRows(keys: { key: string; label: string }[], cs: Comparison[], metric: Metric, weights: Uint8Array[]): SliceChangeRow[] {
  return cs.flatMap((c, k) => (c.lines === 0 ? [] : [{ ...keys[k]!, ...c.result(metric, weights), touched: c.touched }]));
}

/**
 * The FVA of the change per value of a dictionary (who overrode, or why) over the
 * lines off the model today, largest first, named as the engine's slices name them.
 */
export function changeByOverride(db: ReadableDb, facts: LineFacts, replay: Replay, by: 'planner' | 'reason', metric: Metric, weights: Uint8Array[]): SliceChangeRow[] {
  const dictionary: Dictionary = facts[by];
  const cs = Array.from({ length: dictionary.values.length + 1 }, () => new Comparison(LINE_TERMS[metric]));
  for (let i = 0; i < facts.count; i++) {
    const f = facts.final[i]!;
    if (f === facts.model[i]!) continue;
    const code = dictionary.codes[i]!;
    const c = cs[code < 0 ? dictionary.values.length : code]!;
    c.add(facts.group[i]!, f, replay.plan[i]!, facts.actual[i]!, facts.scale[i]!);
    if (replay.plan[i] !== f) c.touched++;
  }
  const label = labeller(db, by);
  const keys = [...dictionary.values.map((v) => ({ key: v, label: label(v) })), { key: '', label: '(none)' }];
  return changeRows(keys, cs, metric, weights).sort((x, y) => y.n - x.n || x.key.localeCompare(y.key));
}

/** The FVA of the change (today's plan → the replayed one) per direction × size of today's override, and per rule. */
export function changeSlices(facts: LineFacts, replay: Replay, policy: CandidatePolicy, metric: Metric, weights: Uint8Array[]) {
  const terms = LINE_TERMS[metric];
  const cells = SIZE_BUCKET_LABELS.length * 2;
  const byCell = Array.from({ length: cells + 1 }, () => new Comparison(terms));
  const byRule = Array.from({ length: policy.rules.length + 1 }, () => new Comparison(terms));
  const all = new Comparison(terms);
  for (let i = 0; i < facts.count; i++) {
    const m = facts.model[i]!;
    const f = facts.final[i]!;
    const p = replay.plan[i]!;
    const g = facts.group[i]!;
    const act = facts.actual[i]!;
    const sc = facts.scale[i]!;
    const touched = p !== f ? 1 : 0;
    const cell = f === m ? cells : cellOf(m, f);
    const rule = replay.ruleOf[i]! < 0 ? policy.rules.length : replay.ruleOf[i]!;
    // Three adds written out: an array of them per line would be 100,000 allocations.
    all.add(g, f, p, act, sc);
    all.touched += touched;
    byCell[cell]!.add(g, f, p, act, sc);
    byCell[cell]!.touched += touched;
    byRule[rule]!.add(g, f, p, act, sc);
    byRule[rule]!.touched += touched;
  }
  const cellKeys = Array.from({ length: cells + 1 }, (_, cell) =>
    cell === cells ? { key: 'none', label: 'Not overridden today' } : { key: `${cell < SIZE_BUCKET_LABELS.length ? 'up' : 'down'}:${cell % SIZE_BUCKET_LABELS.length}`, label: cellLabel(cell) },
  );
  const ruleKeys = [
    ...policy.rules.map((r, k) => ({ key: String(k + 1), label: r.segment.by === 'all' ? 'Rule ' + (k + 1) + ': all lines' : `Rule ${k + 1}: ${r.segment.by.replace(/^attr:/, '')} = ${r.segment.value}` })),
    { key: 'none', label: 'No rule (today’s plan kept)' },
  ];
  return { change: { ...all.result(metric, weights) }, byDirectionSize: changeRows(cellKeys, byCell, metric, weights), byRule: changeRows(ruleKeys, byRule, metric, weights) };
}

const overThreshold = (pct: number, units: number, model: number, plan: number) =>
  (!Number.isNaN(pct) && changePct(model, plan) > pct) || (!Number.isNaN(units) && Math.abs(plan - model) > units);

/** Decisions, approvals and lines touched: today's (the workbook's approval thresholds) and the replayed plan's (a rule's thresholds where it sets them). */
export function workloadOf(facts: LineFacts, replay: Replay, policy: CandidatePolicy): { baseline: PolicyWorkload; simulated: PolicyWorkload } {
  const baseline: PolicyWorkload = { decisions: 0, approvals: 0, linesTouched: 0, salesInputsAdopted: 0 };
  const simulated: PolicyWorkload = { decisions: 0, approvals: 0, linesTouched: 0, salesInputsAdopted: 0 };
  for (let i = 0; i < facts.count; i++) {
    const m = facts.model[i]!;
    const f = facts.final[i]!;
    const p = replay.plan[i]!;
    if (f !== m) {
      baseline.decisions++;
      if (overThreshold(facts.approvalPct[i]!, facts.approvalUnits[i]!, m, f)) baseline.approvals++;
    }
    if (p !== f) simulated.linesTouched++;
    if (replay.salesAdopted[i] === 1 && p !== m) simulated.salesInputsAdopted++;
    if (p === m) continue;
    simulated.decisions++;
    const rule = replay.ruleOf[i]! >= 0 ? policy.rules[replay.ruleOf[i]!]!.levers : null;
    const own = rule !== null && (rule.approvalPct !== undefined || rule.approvalUnits !== undefined);
    const pct = own ? (rule.approvalPct ?? NaN) : facts.approvalPct[i]!;
    const units = own ? (rule.approvalUnits ?? NaN) : facts.approvalUnits[i]!;
    if (overThreshold(pct, units, m, p)) simulated.approvals++;
  }
  return { baseline, simulated };
}

/** Lines listed among the flipped ones: the largest changes of error first. */
export const FLIPPED_LINES_LISTED = 100;

/** Lines whose outcome against the model flips: today's plan better and the replayed one worse ('to_worse'), or the other way. */
export function flippedLines(db: ReadableDb, facts: LineFacts, replay: Replay): { toWorse: number; toBetter: number; lines: FlippedLine[] } {
  let toWorse = 0;
  let toBetter = 0;
  const found: { i: number; shift: number; flip: FlippedLine['flip'] }[] = [];
  for (let i = 0; i < facts.count; i++) {
    const act = facts.actual[i]!;
    const em = Math.abs(facts.model[i]! - act);
    const ef = Math.abs(facts.final[i]! - act);
    const ep = Math.abs(replay.plan[i]! - act);
    if (ef < em && ep > em) {
      toWorse++;
      found.push({ i, shift: ep - ef, flip: 'to_worse' });
    } else if (ef > em && ep < em) {
      toBetter++;
      found.push({ i, shift: ef - ep, flip: 'to_better' });
    }
  }
  found.sort((a, b) => b.shift - a.shift || facts.lineId[a.i]! - facts.lineId[b.i]!);
  const listed = found.slice(0, FLIPPED_LINES_LISTED);
  const itemIds = itemIdsOfLines(db, listed.map((f) => facts.lineId[f.i]!));
  return {
    toWorse,
    toBetter,
    lines: listed.map(({ i, flip }) => ({
      lineId: facts.lineId[i]!,
      runId: facts.runId[i]!,
      itemId: itemIds.get(facts.lineId[i]!) ?? '',
      period: periodFromKey(facts.period[i]!),
      model: facts.model[i]!,
      final: facts.final[i]!,
      simulated: replay.plan[i]!,
      actual: facts.actual[i]!,
      flip,
    })),
  };
}
