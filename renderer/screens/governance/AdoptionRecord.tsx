// One adopted version of the policy as it was adopted: its rules, who adopted it
// and when, the runs it governs, and the simulation's figures stored beside it.
// Opened from the planner's override editor ("see why"), so a planner told "this
// +20 % will be applied as +10 %" can read what the manager saw when deciding.
import { useEffect, useRef } from 'react';
import { METRIC_LABELS } from '../../../shared/accuracy';
import { formatCount, formatNumber, formatTimestamp } from '../../../shared/format';
import type { AdoptedPolicy, PolicyRule } from '../../../shared/policy-lab';
import { usePolicyLabStore } from '../../stores/policy-lab';
import { useSessionStore } from '../../stores/session';
import { labFva, labInterval } from './PolicyLabResults';

const k = (v: number) => formatNumber(v, 2, { trimZeros: true });

function ruleText(rule: PolicyRule): string {
  const { by, value } = rule.segment;
  const seg = by === 'all' ? 'All items' : by === 'category' ? `Category ${value}` : by === 'abc_class' ? `ABC class ${value}` : `${by.slice(5)} ${value}`;
  const l = rule.levers;
  if (l.modelDecides) return `${seg}: the model decides alone`;
  const parts: string[] = [];
  if (l.minChangePct !== undefined) parts.push(`changes under ${k(l.minChangePct)} % not applied`);
  if (l.dampUp !== undefined) parts.push(`upward × ${k(l.dampUp)}`);
  if (l.dampDown !== undefined) parts.push(`downward × ${k(l.dampDown)}`);
  if (l.capPct !== undefined) parts.push(`cap ${k(l.capPct)} %`);
  if (l.adoptSalesInput) parts.push('sales input where it beat the model');
  if (l.approvalPct !== undefined || l.approvalUnits !== undefined) {
    parts.push(`approval above ${l.approvalPct !== undefined ? `${k(l.approvalPct)} %` : ''}${l.approvalPct !== undefined && l.approvalUnits !== undefined ? ' or ' : ''}${l.approvalUnits !== undefined ? `${k(l.approvalUnits)} units` : ''}`);
  }
  return `${seg}: ${parts.join(', ') || 'overrides as entered'}`;
}

export function AdoptionRecord({ adoption }: { adoption: AdoptedPolicy }) {
  const showAdoption = usePolicyLabStore((s) => s.showAdoption);
  const people = useSessionStore((s) => s.session?.users);
  const by = people?.find((p) => p.userId === adoption.adoptedBy)?.displayName ?? adoption.adoptedBy;
  const ref = useRef<HTMLElement>(null);
  useEffect(() => ref.current?.scrollIntoView({ block: 'nearest' }), [adoption.version]);
  const f = adoption.figures;
  const unit = METRIC_LABELS[adoption.metric];
  return (
    <section ref={ref} className="policy-lab-adoption notice" aria-label={`Adopted policy v${adoption.version}`} tabIndex={-1}>
      <div className="report-head">
        <h4>
          Policy v{adoption.version}, adopted by {by} on {formatTimestamp(adoption.adoptedAt)} UTC
        </h4>
        <span className="muted">applies to overrides on runs after run {adoption.afterRunId ?? '–'}</span>
        <span className="spacer" />
        <button type="button" className="small" onClick={() => showAdoption(null)}>
          Close
        </button>
      </div>
      {adoption.note && <p>“{adoption.note}”</p>}
      <ul>
        {adoption.policy.rules.map((r, i) => (
          <li key={i}>{ruleText(r)}</li>
        ))}
      </ul>
      <dl className="guidance-figures" aria-label="Figures stored at adoption">
        <div>
          <dt>Lines replayed</dt>
          <dd>{formatCount(f.lines)}</dd>
        </div>
        <div>
          <dt>{unit} of the final plan</dt>
          <dd>
            {formatNumber(f.finalToday, 2)} → {formatNumber(f.finalSimulated, 2)}
          </dd>
        </div>
        <div>
          <dt>FVA of the change</dt>
          <dd>
            {labFva(f.change.fva)} points <span className="muted">(95 %: {labInterval(f.change.ci)})</span>
          </dd>
        </div>
        <div>
          <dt>Decisions</dt>
          <dd>
            {formatCount(f.workload.baseline.decisions)} → {formatCount(f.workload.simulated.decisions)}
          </dd>
        </div>
        <div>
          <dt>Approvals</dt>
          <dd>
            {formatCount(f.workload.baseline.approvals)} → {formatCount(f.workload.simulated.approvals)}
          </dd>
        </div>
        <div>
          <dt>Flips</dt>
          <dd>
            {formatCount(f.flips.toBetter)} better, {formatCount(f.flips.toWorse)} worse
          </dd>
        </div>
      </dl>
    </section>
  );
}
