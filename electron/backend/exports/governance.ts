// The governance report as an export: the whole report is one HTML document
// (governance/html.ts); its headline figures are also a small table, which is
// what the Export screen previews before the document is written.
import { writeFileSync, renameSync, rmSync, statSync } from 'node:fs';
import type { ReadableDb } from '../db/handles';
import { governanceReport } from '../governance/report';
import { roundTo } from '../../../shared/format';
import { steppedDownRoles } from '../../../shared/governance';
import { columns, type ExportCell, type TitledTable } from './table';
import { WorkbenchError } from '../errors';
import { PRIVATE_FILE_MODE } from '../db/private-files';
import { assertWritableTarget, isUnwritable, partialPathFor } from './target';

const pct = (v: number | null) => roundTo(v, 2);

export function governanceHeadlines(db: ReadableDb, now = new Date()): TitledTable {
  const r = governanceReport(db, now);
  const rows: ExportCell[][] = [
    ['1 Data', 'Imported files', r.provenance.batches.reduce((t, b) => t + b.files, 0)],
    ['1 Data', 'Model versions', r.provenance.models.length],
    ['2 Quality', 'Rows quarantined, % of rows read', pct(r.quality.rowsRead > 0 ? (r.quality.rowsQuarantined / r.quality.rowsRead) * 100 : null)],
    ['2 Quality', 'Items with gaps in their actuals', r.quality.itemsWithGaps],
    ['3 Roles', 'Segments stepped down to assist', steppedDownRoles(r).length],
    ['4 Accountability', 'Lines of past runs decided by a person, %', pct(r.accountability.linesInPastRuns > 0 ? (r.accountability.linesDecidedByPerson / r.accountability.linesInPastRuns) * 100 : null)],
    ['4 Accountability', 'Overrides awaiting a manager', r.accountability.pendingApprovals],
    ['5 Monitoring', 'Model WAPE %', pct(r.monitoring.modelWape)],
    ['5 Monitoring', 'Final plan WAPE %', pct(r.monitoring.finalWape)],
    ['5 Monitoring', 'Model bias %', pct(r.monitoring.modelBias)],
    ['5 Monitoring', 'Interval coverage %', pct(r.monitoring.coverage)],
    ['6 Drift', 'Drift alerts (open)', r.drift.alerts.filter((a) => a.resolvedAt === null).length],
    ['6 Drift', 'Drift alerts (all)', r.drift.alerts.length],
    ['7 Rollback', 'Releases', r.rollback.releases],
    ['7 Rollback', 'Rollbacks', r.rollback.rollbacks],
  ];
  return {
    name: 'Governance',
    title: `Governance report of ${r.workbookName}`,
    fileStem: 'governance-report',
    columns: columns([
      ['question', 'Question', 'text'],
      ['figure', 'Figure', 'text'],
      ['value', 'Value', 'number'],
    ]),
    rows,
    total: rows.length,
  };
}

/** Writes the report's HTML to `outPath` (through a partial file, renamed at the end). */
export async function writeGovernanceHtml(db: ReadableDb, outPath: string, now = new Date()): Promise<{ path: string; title: string; bytes: number }> {
  const path = assertWritableTarget(outPath);
  const report = governanceReport(db, now);
  // Loaded here: its charts' renderer (ECharts) is large, and only this document needs it.
  const { governanceHtml } = await import('../governance/html');
  const partial = partialPathFor(path);
  try {
    writeFileSync(partial, governanceHtml(report), { encoding: 'utf8', mode: PRIVATE_FILE_MODE, flag: 'wx' });
    renameSync(partial, path);
  } catch (err) {
    rmSync(partial, { force: true });
    if (isUnwritable(err)) throw new WorkbenchError('INPUT_REJECTED', `Cannot write ${path}: ${(err as Error).message}`, { file: path });
    throw err;
  }
  return { path, title: `Governance report of ${report.workbookName}`, bytes: statSync(path).size };
}
