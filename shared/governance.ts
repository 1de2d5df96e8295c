// The governance report (SPEC §6): seven questions a manager answers for how the
// model is used, each answered from the workbook's own data with figures.

/** The seven questions, in order, worded the same in the HTML report and on the Governance screen. */
export const GOVERNANCE_QUESTIONS = [
  'What data does the system use, and where did it come from?',
  'Is its quality sufficient?',
  'What role does the model play in each segment?',
  'Where does human accountability sit?',
  'How are error, bias and confidence monitored?',
  'What happened on drift?',
  'What rollback exists?',
] as const;

export interface GovernanceReport {
  workbookName: string;
  generatedAt: string;
  provenance: {
    batches: { kind: string; files: number; rowsAccepted: number; rowsQuarantined: number; lastImportedAt: string | null; lastFile: string | null }[];
    models: { model: string; version: string; runs: number; firstOrigin: string; lastOrigin: string; lines: number }[];
    salesInputSources: { source: string; rows: number }[];
    recentFiles: { batchId: number; kind: string; fileName: string; sha256: string | null; importedAt: string; importedBy: string | null; rowsAccepted: number }[];
  };
  quality: {
    rowsRead: number;
    rowsQuarantined: number;
    /** Quarantined rows as % of rows read, per kind. */
    quarantineByKind: { kind: string; rowsRead: number; rowsQuarantined: number; pct: number | null }[];
    lastActualPeriod: string | null;
    lastActualsImportAt: string | null;
    /** Buckets from the last period with actuals to the newest run's origin bucket (0 = current). */
    actualsLagBuckets: number | null;
    /** Items with a gap: a month without an actual between their first and last actual. */
    itemsWithGaps: number;
    items: number;
    missingActualCells: number;
  };
  roles: { segmentType: string; segmentValue: string; role: string; roleInForce: string; steppedDownAt: string | null; approvalPct: number | null; approvalUnits: number | null; freezeLags: number; driftThresholdPts: number | null; updatedBy: string | null }[];
  accountability: {
    owners: { userId: string; name: string; items: number }[];
    itemsWithoutOwner: number;
    approvers: { userId: string; name: string; approvals: number; rejections: number }[];
    /** Lines of released or past runs decided by a person (accept or override) versus automatically or not at all. */
    linesInPastRuns: number;
    linesDecidedByPerson: number;
    linesAutoFinal: number;
    linesOverridden: number;
    pendingApprovals: number;
    /** The audit log's newest entry, and what it can and cannot vouch for in a single-seat file. */
    auditChain: { head: { auditId: number; hash: string } | null; entries: number; note: string };
  };
  monitoring: {
    linesWithActuals: number;
    modelWape: number | null;
    finalWape: number | null;
    modelBias: number | null;
    finalBias: number | null;
    coverage: number | null;
    intervalLevel: number | null;
    byCategory: { category: string; n: number; modelWape: number | null; finalWape: number | null; modelBias: number | null; coverage: number | null; verdict: string }[];
    trend: { period: string; model: number | null; final: number | null; coverage: number | null }[];
  };
  drift: {
    alerts: { alertId: number; segment: string; metric: string; baseline: number; current: number; raisedAt: string; resolvedBy: string | null; resolvedAt: string | null; resolution: string | null }[];
    steppedDown: string[];
    watching: { segment: string; recent: number | null; baseline: number | null; threshold: number | null; drifting: boolean }[];
  };
  rollback: {
    releases: number;
    rollbacks: number;
    runsReleased: number;
    recent: { runLabel: string; version: number; kind: string; releasedBy: string | null; releasedAt: string; note: string | null; restoresVersion: number | null }[];
    backupsNote: string;
  };
}
