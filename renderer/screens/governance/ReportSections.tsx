// The seven questions of the governance report, each answered in a sentence and
// backed by compact tables, in the same words as the HTML report
// (electron/backend/governance/html.ts). Figures are the backend's; this file
// only puts them into words and tables.
import type { ReactNode } from 'react';
import { formatPeriod, formatTimestamp } from '../../../shared/format';
import { countOf, GOVERNANCE_QUESTIONS, identitiesText, monitoringAnswer, reportSegmentName, rollbackAnswer, stepDownPhrase, type GovernanceReport } from '../../../shared/governance';
import { importedHistoryText } from '../../../shared/decision-provenance';
import type { Grain } from '../../../shared/period';
import { CategoryErrorChart, ErrorTrendChart } from './ReportCharts';

export const num = (v: number | null | undefined, digits = 0): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
/** A percentage the backend computed (0–100): one decimal, two for tiny non-zero values. */
export const pct = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : `${num(v, v !== 0 && Math.abs(v) < 0.1 ? 2 : 1)} %`);
/** A count as a share of a total, written as the HTML report writes it. */
export const pctOf = (count: number, total: number): string => (total > 0 ? pct((count / total) * 100) : '–');
const when = (iso: string | null | undefined) => (iso ? formatTimestamp(iso) : '–');
const segmentName = reportSegmentName;

/** A compact table; text cells wrap unless listed in `keep` (names, dates), numbers never do. */
function ReportTable({ caption, head, rows, numeric = [], keep = [] }: { caption: string; head: string[]; rows: ReactNode[][]; numeric?: number[]; keep?: number[] }) {
  if (rows.length === 0) return <p className="empty report-empty">{caption}: none.</p>;
  const cls = (i: number) => (numeric.includes(i) ? 'num' : keep.includes(i) ? 'keep' : undefined);
  return (
    <table className="table compact report-table" aria-label={caption}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          {head.map((h, i) => (
            <th key={h} scope="col" className={cls(i)}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, j) => (
          <tr key={j}>
            {r.map((v, i) => (
              <td key={i} className={cls(i)}>
                {v}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Question({ n, answer, wide, children }: { n: number; answer: ReactNode; wide?: boolean; children: ReactNode }) {
  return (
    <section className={`panel report-q q${n}${wide ? ' wide' : ''}`} aria-labelledby={`report-q${n}`}>
      <h3 id={`report-q${n}`}>
        <span className="q-num" aria-hidden="true">
          {n}
        </span>
        {GOVERNANCE_QUESTIONS[n - 1]}
      </h3>
      <p className="answer">{answer}</p>
      {children}
    </section>
  );
}

const Warn = ({ children }: { children: ReactNode }) => <span className="warn">{children}</span>;

export function ReportSections({ report: r, grain }: { report: GovernanceReport; grain: Grain }) {
  const p = r.provenance;
  const q = r.quality;
  const a = r.accountability;
  const m = r.monitoring;
  const files = p.batches.reduce((t, b) => t + b.files, 0);
  return (
    <div className="report-grid">
      <Question
        n={1}
        wide
        answer={`${num(files)} imported files (${p.batches.map((b) => `${b.kind}: ${num(b.files)}`).join(', ')}); forecasts from ${p.models.map((x) => `${x.model} ${x.version} (${num(x.runs)} runs)`).join(', ') || 'no model yet'}.`}
      >
        <div className="report-tables">
          <ReportTable caption="Imports by kind" head={['Kind', 'Files', 'Rows accepted', 'Quarantined', 'Last import', 'Last file']} numeric={[1, 2, 3]} keep={[0, 4]} rows={p.batches.map((b) => [b.kind, num(b.files), num(b.rowsAccepted), num(b.rowsQuarantined), when(b.lastImportedAt), b.lastFile ?? '–'])} />
          <ReportTable caption="Model versions" head={['Model', 'Version', 'Runs', 'First origin', 'Last origin', 'Lines']} numeric={[2, 5]} rows={p.models.map((x) => [x.model, x.version, num(x.runs), formatPeriod(x.firstOrigin, grain), formatPeriod(x.lastOrigin, grain), num(x.lines)])} />
        </div>
        <ReportTable
          caption="Most recent files (provenance)"
          head={['Batch', 'Kind', 'File', 'sha256', 'Imported', 'By', 'Rows']}
          numeric={[0, 6]}
          keep={[1, 4]}
          rows={p.recentFiles.map((f) => [num(f.batchId), f.kind, f.fileName, f.sha256 ? <code title={f.sha256}>{f.sha256.slice(0, 12)}…</code> : '–', when(f.importedAt), f.importedBy ?? '–', num(f.rowsAccepted)])}
        />
      </Question>

      <Question
        n={2}
        answer={
          <>
            {pctOf(q.rowsQuarantined, q.rowsRead)} of imported rows were quarantined ({num(q.rowsQuarantined)} of {num(q.rowsRead)}). Latest actuals: {q.lastActualPeriod ? formatPeriod(q.lastActualPeriod, grain) : 'none'}
            {q.actualsLagBuckets !== null && (q.actualsLagBuckets <= 0 ? ', current with the newest run' : <>, <Warn>{countOf(q.actualsLagBuckets, 'bucket')} behind the newest run's origin</Warn></>)}. {num(q.itemsWithGaps)} of {num(q.items)} items have gaps in
            their actuals ({num(q.missingActualCells)} missing periods).
          </>
        }
      >
        <ReportTable caption="Quarantine rate by kind" head={['Kind', 'Rows read', 'Quarantined', 'Rate']} numeric={[1, 2, 3]} rows={q.quarantineByKind.map((k) => [k.kind, num(k.rowsRead), num(k.rowsQuarantined), pct(k.pct)])} />
      </Question>

      <Question
        n={3}
        answer={r.roles.map((x, i) => (
          <span key={`${x.segmentType}:${x.segmentValue}`}>
            {i > 0 && '; '}
            {segmentName(x.segmentType, x.segmentValue)}: <b>{x.roleInForce}</b>
            {stepDownPhrase(x)}
          </span>
        )).concat(<span key="end">.</span>)}
      >
        <ReportTable
          caption="Policies"
          head={['Segment', 'Role set', 'In force', 'Approval above', 'Freeze lags', 'Drift limit', 'Changed by']}
          numeric={[4, 5]}
          keep={[0, 3]}
          rows={r.roles.map((x) => [
            segmentName(x.segmentType, x.segmentValue),
            x.role,
            x.steppedDownAt !== null ? <Warn>{x.roleInForce} (drift guard)</Warn> : x.roleInForce,
            `${x.approvalPct === null ? '–' : `${num(x.approvalPct)} %`} / ${x.approvalUnits === null ? '–' : `${num(x.approvalUnits)} units`}`,
            num(x.freezeLags),
            x.driftThresholdPts === null ? '–' : `${num(x.driftThresholdPts, 1)} pts`,
            x.updatedBy ?? 'system',
          ])}
        />
      </Question>

      <Question
        n={4}
        wide
        answer={`${num(a.owners.length)} planners own ${num(a.owners.reduce((t, o) => t + o.items, 0))} items (${num(a.itemsWithoutOwner)} without an owner). In past runs ${pctOf(a.linesDecidedByPerson, a.linesInPastRuns)} of ${num(a.linesInPastRuns)} lines were decided by a person; ${num(a.linesOverridden)} were overridden, ${num(a.linesAutoFinal)} became final automatically. ${num(a.pendingApprovals)} overrides await a manager. ${importedHistoryText(a.importedHistory)} ${identitiesText(a.identities)}`}
      >
        <div className="report-tables">
          <ReportTable caption="Item owners" head={['Planner', 'Items']} numeric={[1]} rows={a.owners.map((o) => [o.name, num(o.items)])} />
          <ReportTable caption="Approvers" head={['Manager', 'Approved', 'Rejected']} numeric={[1, 2]} rows={a.approvers.map((x) => [x.name, num(x.approvals), num(x.rejections)])} />
        </div>
        <p className="hint report-audit-note">
          {a.auditChain.note} Audit log: {num(a.auditChain.entries)} entries
          {a.auditChain.head && (
            <>
              , head entry {num(a.auditChain.head.auditId)} <code title={a.auditChain.head.hash}>{a.auditChain.head.hash.slice(0, 16)}…</code>
            </>
          )}
          .
        </p>
      </Question>

      <Question
        n={5}
        wide
        answer={monitoringAnswer(m, { num, pct })}
      >
        <div className="report-charts">
          <figure className="report-figure" aria-label="Error per period">
            <ErrorTrendChart trend={m.trend} intervalLevel={m.intervalLevel} grain={grain} />
          </figure>
          <figure className="report-figure" aria-label="Error by category">
            <CategoryErrorChart categories={m.byCategory} />
          </figure>
        </div>
        <ReportTable
          caption="By category"
          head={['Category', 'Lines', 'Model WAPE', 'Final WAPE', 'Model bias', 'Coverage', 'Verdict']}
          numeric={[1, 2, 3, 4, 5]}
          rows={m.byCategory.map((c) => [c.category, num(c.n), pct(c.modelWape), pct(c.finalWape), pct(c.modelBias), pct(c.coverage), <span className="verdict">{c.verdict}</span>])}
        />
      </Question>

      <Question
        n={6}
        answer={
          r.drift.alerts.length === 0 ? (
            'No drift alert has been raised.'
          ) : (
            <>
              {countOf(r.drift.alerts.length, 'drift alert')}; {r.drift.steppedDown.length > 0 ? <Warn>stepped down to assist: {r.drift.steppedDown.join(', ')}</Warn> : 'no segment is stepped down now'}.
            </>
          )
        }
      >
        <ReportTable
          caption="Drift alerts"
          head={['Segment', 'Baseline WAPE', 'Recent WAPE', 'Raised', 'Response']}
          numeric={[1, 2]}
          keep={[0, 3]}
          rows={r.drift.alerts.map((x) => [
            x.segment,
            pct(x.baseline),
            pct(x.current),
            when(x.raisedAt),
            x.resolvedAt ? `${x.resolution ?? 'resolved'} — ${x.resolvedBy ?? ''}, ${when(x.resolvedAt)}` : <Warn>open: role stepped down to assist</Warn>,
          ])}
        />
        <ReportTable
          caption="Watched segments (lag-1 WAPE, last 3 periods against the 12 before)"
          head={['Segment', 'Recent', 'Baseline', 'Threshold', 'Status']}
          numeric={[1, 2, 3]}
          rows={r.drift.watching.map((w) => [w.segment, pct(w.recent), pct(w.baseline), w.threshold === null ? '–' : `${num(w.threshold, 1)} pts`, w.drifting ? <Warn>drifting</Warn> : 'stable'])}
        />
      </Question>

      <Question n={7} answer={rollbackAnswer(r.rollback)}>
        <ReportTable
          caption="Recent releases and rollbacks"
          head={['Run', 'Version', 'Kind', 'By', 'When', 'Note']}
          numeric={[1]}
          keep={[2, 3, 4]}
          rows={r.rollback.recent.map((x) => [x.runLabel, `v${x.version}`, x.kind === 'rollback' ? `rollback to v${x.restoresVersion}` : 'release', x.releasedBy ?? '–', when(x.releasedAt), <span className="note">{x.note ?? ''}</span>])}
        />
      </Question>
    </div>
  );
}
