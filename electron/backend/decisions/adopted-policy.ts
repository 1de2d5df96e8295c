// The adopted policy (Governance › Policy lab, "Adopt as policy from the next run")
// applied to an override being made now, on every path into the journal: the
// editor's save and the API (decide.ts) and decision import, also through the
// command line (imports/commit/decision-writer.ts). The levers and the segment
// matching are the lab's own (policy-lab/levers.ts), so what a manager simulated
// is what planners get. A version governs the runs after its after_run_id, up to
// the next version's: older runs keep the rules they were planned under.
import type { AdoptedPolicy, CandidatePolicy, OverridePolicyPreview, PolicyRule } from '../../../shared/policy-lab';
import { approvalThresholdsPassed, formatPct } from '../../../shared/decision-rules';
import { formatDay, formatNumber } from '../../../shared/format';
import type { ReadableDb } from '../db/handles';
import { WorkbenchError } from '../errors';
import { appliedPlan, ruleApprovalThresholds, ruleOfItem } from '../policy-lab/levers';

export interface GoverningAdoption {
  adoption: Pick<AdoptedPolicy, 'version' | 'adoptedBy' | 'adoptedAt' | 'afterRunId'> & { adoptedByName: string | null; sinceRunId: number | null };
  rule: PolicyRule;
}

interface AdoptionRow {
  version: number;
  rules: string;
  after_run_id: number | null;
  adopted_by: string;
  adopted_at: string;
  adopted_by_name: string | null;
}

/** The adopted version governing a run (the newest adopted before the run came), and its rule holding the item; null when none. */
export function governingAdoption(db: ReadableDb, line: { runId: number; itemKey: number }): GoverningAdoption | null {
  const row = db
    .prepare(
      `SELECT p.version, p.rules, p.after_run_id, p.adopted_by, p.adopted_at, u.display_name AS adopted_by_name
         FROM policy_adoptions p LEFT JOIN users u ON u.user_id = p.adopted_by
        WHERE p.after_run_id IS NULL OR p.after_run_id < ?
        ORDER BY p.version DESC LIMIT 1`,
    )
    .get(line.runId) as AdoptionRow | undefined;
  if (!row) return null;
  const policy = JSON.parse(row.rules) as CandidatePolicy;
  const r = ruleOfItem(db, policy, line.itemKey);
  if (r < 0) return null;
  const sinceRunId = db.prepare('SELECT min(run_id) FROM forecast_runs WHERE run_id > ?').pluck().get(row.after_run_id ?? 0) as number | null;
  return {
    adoption: { version: row.version, adoptedBy: row.adopted_by, adoptedByName: row.adopted_by_name, adoptedAt: row.adopted_at, afterRunId: row.after_run_id, sinceRunId },
    rule: policy.rules[r]!,
  };
}

export interface EnforcedOverride {
  /** What the plan takes. */
  applied: number;
  /** What the planner asked for, kept where the policy changed it (else null). */
  askedKept: number | null;
  /** The version that changed it (else null). */
  policyVersion: number | null;
}

type Thresholds = { approvalPct: number | null; approvalUnits: number | null };

const tidy = (q: number) => Math.round(q * 1e6) / 1e6;
const signedPct = (model: number, q: number) => (model > 0 ? ((q - model) / model) * 100 : null);
const pctText = (pct: number | null, model: number, q: number) =>
  pct === null ? `${q - model >= 0 ? '+' : ''}${formatNumber(q - model, 2, { trimZeros: true })} units` : `${pct >= 0 ? '+' : '-'}${formatPct(Math.abs(pct))}`;

function segmentWords(rule: PolicyRule): string {
  const { by, value } = rule.segment;
  if (by === 'all') return 'for all items';
  if (by === 'category') return `in ${value}`;
  if (by === 'abc_class') return `in ABC class ${value}`;
  return `for ${by.slice('attr:'.length)} ${value}`;
}

const factorWords = (k: number) => (k === 0.5 ? 'half' : k === 0 ? 'nothing' : `${formatNumber(k * 100, 1, { trimZeros: true })} %`);

/** Why the adopted rule changes this override, in the policy's order (levers.ts). */
function leverWords(rule: PolicyRule, model: number, asked: number): string[] {
  const l = rule.levers;
  const seg = segmentWords(rule);
  const change = asked - model;
  if (l.minChangePct !== undefined && l.minChangePct > 0 && model > 0 && (Math.abs(change) / model) * 100 < l.minChangePct) {
    return [`changes under ${formatPct(l.minChangePct)} are not applied ${seg}`];
  }
  const words: string[] = [];
  const k = change > 0 ? l.dampUp : l.dampDown;
  if (k !== undefined && k !== 1) words.push(`${change > 0 ? 'upward' : 'downward'} overrides ${seg} count ${factorWords(k)}`);
  if (l.capPct !== undefined && model > 0 && Math.abs(change * (k ?? 1)) > (l.capPct / 100) * model) words.push(`changes ${seg} are capped at ${formatPct(l.capPct)}`);
  return words;
}

function sinceWords(g: GoverningAdoption): string {
  const a = g.adoption;
  const since = a.sinceRunId !== null ? `since run ${a.sinceRunId}` : `for runs after run ${a.afterRunId ?? 0}`;
  return `${since} (policy v${a.version}, adopted by ${a.adoptedByName ?? a.adoptedBy} on ${formatDay(a.adoptedAt)})`;
}

/** The sentence an override under "the model decides alone" is refused with, on every path. */
export function modelDecidesSentence(g: GoverningAdoption): string {
  return `The model decides alone ${segmentWords(g.rule)} ${sinceWords(g)}: an override is not applied here; accept the line, or ask a manager to change the policy in Governance › Policy lab.`;
}

/**
 * The adopted policy applied to one override, or throws the model-decides
 * refusal. `workbook` is the item's policy (its approval thresholds unless the
 * rule sets its own); the returned thresholds decide whether the applied override waits.
 */
export function enforceOverride<T extends Thresholds>(g: GoverningAdoption | null, model: number, asked: number, workbook: T): EnforcedOverride & { thresholds: T } {
  if (g === null) return { applied: asked, askedKept: null, policyVersion: null, thresholds: workbook };
  if (g.rule.levers.modelDecides) throw new WorkbenchError('INVALID_REQUEST', modelDecidesSentence(g));
  const applied = tidy(appliedPlan(g.rule.levers, model, asked));
  const changed = Math.abs(applied - asked) > 1e-9;
  return { applied, askedKept: changed ? asked : null, policyVersion: changed ? g.adoption.version : null, thresholds: ruleApprovalThresholds(g.rule.levers, workbook) };
}

/** What the editor shows before the save: the same rule enforceOverride applies at it. */
export function overridePolicyPreview(g: GoverningAdoption | null, model: number, asked: number, workbook: Thresholds): OverridePolicyPreview {
  if (g === null) return { applies: null };
  const base = { ...g.adoption, rule: g.rule, asked, askedPct: signedPct(model, asked) };
  if (g.rule.levers.modelDecides) {
    return { applies: { ...base, applied: model, appliedPct: 0, refused: true, changed: asked !== model, approval: null, text: modelDecidesSentence(g) } };
  }
  const { applied, thresholds } = enforceOverride(g, model, asked, workbook);
  const changed = Math.abs(applied - asked) > 1e-9;
  const appliedPct = signedPct(model, applied);
  const approval = applied !== model ? approvalThresholdsPassed(thresholds, model, applied) : null;
  const askedText = pctText(base.askedPct, model, asked);
  let text: string;
  if (!changed) text = `This ${askedText} applies as asked under policy v${g.adoption.version} ${segmentWords(g.rule)}.`;
  else if (applied === model) text = `This ${askedText} will not be applied (the plan keeps the model, ${formatNumber(model, 2, { trimZeros: true })}): ${leverWords(g.rule, model, asked).join(' and ')} ${sinceWords(g)}.`;
  else text = `This ${askedText} will be applied as ${pctText(appliedPct, model, applied)} (${formatNumber(applied, 2, { trimZeros: true })}): ${leverWords(g.rule, model, asked).join(' and ')} ${sinceWords(g)}.`;
  return { applies: { ...base, applied, appliedPct, refused: false, changed, approval, text } };
}
