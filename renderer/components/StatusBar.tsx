import { formatCount, formatPeriod, NO_VALUE } from '../../shared/format';
import { useAppStore } from '../stores/app';
import { TeamStatusSegment } from './TeamStatusSegment';

export function StatusBar() {
  const workbook = useAppStore((s) => s.workbook);
  const job = useAppStore((s) => s.job);
  const error = useAppStore((s) => s.error);
  const running = job && !job.finished;
  return (
    <footer className="status-bar" aria-label="Status bar">
      {workbook ? (
        <>
          <span title={workbook.path}>{workbook.path}</span>
          <span>schema v{workbook.schemaVersion}</span>
          <span>{workbook.grain}ly buckets</span>
          <span>{formatCount(workbook.counts.items)} items</span>
          <span>{formatCount(workbook.counts.forecastLines)} forecast lines</span>
          <span>actuals to {workbook.lastActualPeriod ? formatPeriod(workbook.lastActualPeriod, workbook.grain) : NO_VALUE}</span>
          <span>{formatCount(workbook.counts.auditEntries)} audit entries</span>
        </>
      ) : (
        // Once the first call failed, say so: "Connecting…" beside the error banner would promise what is not coming.
        <span>{error ? 'Not connected to the backend' : 'Connecting to the backend…'}</span>
      )}
      <span className="spacer" />
      <TeamStatusSegment />
      <span role="status" aria-live="polite" className="job-status">
        {running && job
          ? `${job.job}: ${job.phase} ${job.total ? `${Math.round((100 * job.done) / job.total)} %` : formatCount(job.done)}`
          : job?.error
            ? `${job.job} failed: ${job.error.message}`
            : ''}
      </span>
      {running && job?.total ? <progress aria-label={`${job.job} progress`} max={job.total} value={job.done} /> : null}
    </footer>
  );
}
