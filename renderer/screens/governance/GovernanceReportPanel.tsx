// The governance report on screen: the seven questions a manager answers for how
// the model is used, from the workbook's own data (getGovernanceReport), and the
// same report saved as one HTML file that prints well (runExport, html).
import { useEffect } from 'react';
import { countOf, formatCount, formatReportPercent, formatReportPercentOf, formatTimestamp } from '../../../shared/format';
import { steppedDownRoles, type GovernanceReport } from '../../../shared/governance';
import { SavedFileNote, useFileExport } from '../../components/FileExport';
import { useAppStore } from '../../stores/app';
import { useGovernanceReportStore } from '../../stores/governance-report';
import { ReportSections } from './ReportSections';

/** The figures a manager looks for first, each under the question it answers. */
function Glance({ report: r }: { report: GovernanceReport }) {
  const openAlerts = r.drift.alerts.filter((a) => a.resolvedAt === null).length;
  const figures: { label: string; value: string; note?: string }[] = [
    { label: 'Model WAPE', value: formatReportPercent(r.monitoring.modelWape), note: 'Q5' },
    { label: 'Final plan WAPE', value: formatReportPercent(r.monitoring.finalWape), note: 'Q5' },
    { label: 'Model bias', value: formatReportPercent(r.monitoring.modelBias), note: 'Q5' },
    { label: 'Interval coverage', value: formatReportPercent(r.monitoring.coverage), note: r.monitoring.intervalLevel === null ? 'Q5' : `of ${formatCount(r.monitoring.intervalLevel)} % · Q5` },
    { label: 'Rows quarantined', value: formatReportPercentOf(r.quality.rowsQuarantined, r.quality.rowsRead), note: 'Q2' },
    { label: 'Decided by a person', value: formatReportPercentOf(r.accountability.linesDecidedByPerson, r.accountability.linesInPastRuns), note: 'past runs · Q4' },
    { label: 'Awaiting a manager', value: formatCount(r.accountability.pendingApprovals), note: 'Q4' },
    { label: 'Drift alerts', value: formatCount(r.drift.alerts.length), note: `${formatCount(openAlerts)} open · Q6` },
    { label: 'Stepped down', value: formatCount(steppedDownRoles(r).length), note: 'segments · Q3 · Q6' },
    { label: 'Releases', value: formatCount(r.rollback.releases), note: `${countOf(r.rollback.rollbacks, 'rollback')} · Q7` },
  ];
  return (
    <dl className="report-glance" aria-label="Headline figures">
      {figures.map((f) => (
        <div key={f.label}>
          <dt>{f.label}</dt>
          <dd>
            {f.value}
            {f.note && <small>{f.note}</small>}
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function GovernanceReportPanel() {
  const workbook = useAppStore((s) => s.workbook);
  const revision = useAppStore((s) => s.revision);
  const planRevision = useAppStore((s) => s.planRevision);
  const { report, loading, error, load } = useGovernanceReportStore();
  const html = useFileExport('governance-html');

  useEffect(() => {
    if (workbook) void load();
  }, [workbook?.path, revision, planRevision, load]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <section className="governance-report" aria-labelledby="report-title" aria-busy={loading}>
      <div className="report-head">
        <h3 id="report-title">Governance report{report ? ` — ${report.workbookName}` : ''}</h3>
        {report && <span className="muted">from the workbook’s own data · generated {formatTimestamp(report.generatedAt)} UTC</span>}
        <span className="spacer" />
        {loading && report && <span className="muted">Updating…</span>}
        <button type="button" className="primary small report-save" onClick={() => void html.save({ what: 'governance', format: 'html' })} disabled={html.saving || !report}>
          {html.saving ? 'Saving…' : 'Save as HTML'}
        </button>
      </div>
      <SavedFileNote exp={html} label="Governance report" />
      {error && (
        <div className="banner error" role="alert">
          The report could not be made: {error.message}
        </div>
      )}
      {!report && !error && <p className="empty">Loading the report…</p>}
      {report && (
        <>
          <Glance report={report} />
          <ReportSections report={report} />
          <p className="hint">
            The HTML file holds the same answers, tables and charts as one self-contained document (no scripts, charts as SVG) that prints on A4.
          </p>
        </>
      )}
    </section>
  );
}
