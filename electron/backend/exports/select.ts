// Which table an export request means: the plan of a run (the current run when
// none is named) or of one of its released versions, the quarantine of a batch,
// or the audit log. Which parts go together is the contract's to say (runExport's
// schema): every way in, fwb's included, comes through it.
import type { AccuracyFilter, Metric } from '../../../shared/accuracy';
import type { ExportKind } from '../../../shared/exports';
import { accuracyTable, type AccuracySelection } from './accuracy-table';
import { governanceHeadlines } from './governance';
import { chainHead } from '../audit/chain';
import type { ReadableDb } from '../db/handles';
import { WorkbenchError } from '../errors';
import { auditLogTable } from './audit-log';
import { currentRunId, runPlanTable, versionPlanTable } from './plan';
import { quarantineTable } from './quarantine';
import type { TitledTable } from './table';

export interface ExportSelection {
  what: ExportKind;
  runId?: number;
  version?: number;
  batchId?: number;
  by?: string;
  metric?: Metric;
  filter?: AccuracyFilter;
  /** The trust map's window in cycles. */
  windowCycles?: number;
}

const invalid = (message: string) => new WorkbenchError('INVALID_REQUEST', message);

/** Plan and accuracy tables go to ERP and S&OP: they carry the chain head they were exported at. */
const withProvenance = (db: ReadableDb, table: TitledTable): TitledTable => ({ ...table, provenance: { chainHead: chainHead(db) } });

export function selectTable(db: ReadableDb, s: ExportSelection): TitledTable {
  switch (s.what) {
    case 'plan': {
      const runId = s.runId ?? currentRunId(db);
      return withProvenance(db, s.version === undefined ? runPlanTable(db, runId) : versionPlanTable(db, runId, s.version));
    }
    case 'quarantine':
      if (s.batchId === undefined) throw invalid('Say which import batch’s quarantine to export.');
      return quarantineTable(db, s.batchId);
    case 'audit':
      return auditLogTable(db);
    case 'accuracy':
      if (s.by === undefined) throw invalid('Say which accuracy table to export (by).');
      return withProvenance(db, accuracyTable(db, { by: s.by as AccuracySelection['by'], metric: s.metric ?? 'wape', filter: s.filter ?? {}, windowCycles: s.windowCycles }));
    case 'governance':
      return governanceHeadlines(db);
    default:
      throw invalid(`Unknown export: ${String(s.what)}.`);
  }
}
