// A candidate policy's levers applied to one line's past decision, and the
// rules matched to lines. The order of the levers is the policy's meaning:
// 1. model decides alone → the model;
// 2. the proposed value is the final plan (the planner's override in force),
//    or the sales input where the segment's sales input has beaten the model
//    on earlier cycles (adoptSalesInput, judged by salesBeatenFlags);
// 3. a change below minChangePct % of the model is not applied;
// 4. the change is damped: final = model + k × (proposed − model), k = dampUp or dampDown;
// 5. the change is capped at capPct % of the model (a model of 0 has no % to cap by);
// 6. a plan is never below 0.
import { SALES_EVIDENCE_MIN, type CandidatePolicy, type PolicyLevers, type PolicyRule } from '../../../shared/policy-lab';
import { WorkbenchError } from '../errors';
import type { ReadableDb } from '../db/handles';
import type { LineFacts, SegmentBy } from './line-facts';
import { dimensionSql } from './segment-sql';

export function appliedPlan(levers: PolicyLevers, model: number, proposed: number): number {
  if (levers.modelDecides) return model;
  let change = proposed - model;
  if (change === 0) return proposed;
  if (levers.minChangePct !== undefined && levers.minChangePct > 0) {
    if (model > 0 && (Math.abs(change) / model) * 100 < levers.minChangePct) return model;
  }
  change *= change > 0 ? (levers.dampUp ?? 1) : (levers.dampDown ?? 1);
  if (levers.capPct !== undefined && model > 0) {
    const cap = (levers.capPct / 100) * model;
    if (change > cap) change = cap;
    else if (change < -cap) change = -cap;
  }
  return Math.max(0, model + change);
}

/** The item dimensions a policy's rules name (for readLineFacts). */
export function dimensionsOf(rules: PolicyRule[]): SegmentBy[] {
  return rules.map((r) => r.segment.by).filter((by): by is SegmentBy => by !== 'all');
}

/**
 * The first rule whose segment holds one item (-1: none), by the same rules as
 * ruleOfLines: a line being decided now, not one of the replayed history. A rule
 * naming an attribute no item has holds no item.
 */
export function ruleOfItem(db: ReadableDb, policy: CandidatePolicy, itemKey: number): number {
  return policy.rules.findIndex((rule) => {
    if (rule.segment.by === 'all') return true;
    const params: Record<string, unknown> = { itemKey };
    let sql: string;
    try {
      sql = dimensionSql(db, rule.segment.by, params, 0);
    } catch {
      return false;
    }
    const value = db.prepare(`SELECT ${sql} AS v FROM items i WHERE i.item_key = @itemKey`).pluck().get(params) as string | null | undefined;
    return value !== null && value !== undefined && String(value) === rule.segment.value;
  });
}

/**
 * The approval thresholds of a line under a rule: the rule's own pair where it
 * sets either (the other then none), else the workbook's policy of the item —
 * as the lab counts what would have waited.
 */
export function ruleApprovalThresholds<T extends { approvalPct: number | null; approvalUnits: number | null }>(levers: PolicyLevers, workbook: T): T {
  if (levers.approvalPct === undefined && levers.approvalUnits === undefined) return workbook;
  return { ...workbook, approvalPct: levers.approvalPct ?? null, approvalUnits: levers.approvalUnits ?? null };
}

/** Per line, the index of the first rule whose segment holds it (-1: none). */
export function ruleOfLines(facts: LineFacts, policy: CandidatePolicy): Int16Array {
  const ruleOf = new Int16Array(facts.count).fill(-1);
  const matchers = policy.rules.map((rule) => {
    if (rule.segment.by === 'all') return () => true;
    const dim = facts.dims.get(rule.segment.by)!;
    const code = dim.values.indexOf(rule.segment.value);
    if (code < 0) {
      const name = rule.segment.by === 'abc_class' ? 'ABC class' : rule.segment.by.replace(/^attr:/, '');
      throw new WorkbenchError('INVALID_REQUEST', `No line with a known actual is in ${name} “${rule.segment.value}”. Values: ${[...dim.values].sort().slice(0, 30).join(', ') || '(none)'}.`);
    }
    return (i: number) => dim.codes[i] === code;
  });
  for (let i = 0; i < facts.count; i++) {
    for (let r = 0; r < matchers.length; r++) {
      if (matchers[r]!(i)) {
        ruleOf[i] = r;
        break;
      }
    }
  }
  return ruleOf;
}

/**
 * Per line of a rule with adoptSalesInput: 1 when, over the rule's lines with a
 * sales input whose actual was known at the line's origin (period at or before
 * its origin's bucket: no look-ahead), there are at least SALES_EVIDENCE_MIN and
 * the sales input's absolute error was below the model's.
 */
export function salesBeatenFlags(facts: LineFacts, policy: CandidatePolicy, ruleOf: Int16Array): Uint8Array {
  const flags = new Uint8Array(facts.count);
  policy.rules.forEach((rule, r) => {
    if (!rule.levers.adoptSalesInput) return;
    const evidence: number[] = [];
    const targets: number[] = [];
    for (let i = 0; i < facts.count; i++) {
      if (ruleOf[i] !== r || Number.isNaN(facts.sales[i]!)) continue;
      evidence.push(i);
      targets.push(i);
    }
    evidence.sort((a, b) => facts.period[a]! - facts.period[b]!);
    targets.sort((a, b) => facts.originBucket[a]! - facts.originBucket[b]!);
    let next = 0;
    let seen = 0;
    let salesErr = 0;
    let modelErr = 0;
    for (const t of targets) {
      const known = facts.originBucket[t]!;
      while (next < evidence.length && facts.period[evidence[next]!]! <= known) {
        const e = evidence[next++]!;
        salesErr += Math.abs(facts.sales[e]! - facts.actual[e]!);
        modelErr += Math.abs(facts.model[e]! - facts.actual[e]!);
        seen++;
      }
      if (seen >= SALES_EVIDENCE_MIN && salesErr < modelErr) flags[t] = 1;
    }
  });
  return flags;
}

export interface Replay {
  /** The simulated plan per line. */
  plan: Float64Array;
  ruleOf: Int16Array;
  /** 1 where the proposed value was the sales input. */
  salesAdopted: Uint8Array;
}

/** Every line's simulated plan under the policy: lines no rule holds keep today's final plan. */
export function replayPolicy(facts: LineFacts, policy: CandidatePolicy): Replay {
  const ruleOf = ruleOfLines(facts, policy);
  const beaten = policy.rules.some((r) => r.levers.adoptSalesInput) ? salesBeatenFlags(facts, policy, ruleOf) : new Uint8Array(facts.count);
  const plan = new Float64Array(facts.count);
  const salesAdopted = new Uint8Array(facts.count);
  for (let i = 0; i < facts.count; i++) {
    const r = ruleOf[i]!;
    if (r < 0) {
      plan[i] = facts.final[i]!;
      continue;
    }
    const levers = policy.rules[r]!.levers;
    let proposed = facts.asked[i]!;
    if (beaten[i] === 1 && !levers.modelDecides) {
      proposed = facts.sales[i]!;
      salesAdopted[i] = 1;
    }
    plan[i] = appliedPlan(levers, facts.model[i]!, proposed);
  }
  return { plan, ruleOf, salesAdopted };
}
