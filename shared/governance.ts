// The governance report (SPEC §6): seven questions a manager answers for how the
// model is used, each answered from the workbook's own data with figures, and an
// eighth on the value of planning in business terms (issue 16 item 4).

import type { ImportedHistoryBatch } from './decision-provenance';
import { countOf, formatCount, formatDay, formatNumber, formatReportPercent } from './format';
import type { Grain } from './period';
import type { ValueReport } from './value';

export { countOf };

/** The questions (SPEC §6's seven, then the value of planning), in order, worded the same in the HTML report and on the Governance screen. */
export const GOVERNANCE_QUESTIONS = [
  'What data does the system use, and where did it come from?',
  'Is its quality sufficient?',
  'What role does the model play in each segment?',
  'Where does human accountability sit?',
  'How are error, bias and confidence monitored?',
  'What happened on drift?',
  'What rollback exists?',
  'What value does planning add, in business terms?',
] as const;

export interface GovernanceReport {
  workbookName: string;
  /** The workbook's period grain: how the report names its periods. */
  grain: Grain;
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
    /** Decision history imported from files, per batch: not decided in this workbook, credited to nobody of it (issue 12.1). */
    importedHistory: ImportedHistoryBatch[];
    /** How people prove who they are: 'local' in a single-seat workbook; managers and analysts still to choose a passphrase. */
    identities: Identities;
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
  /** The value measures (getValueMeasures), per run and per planner. */
  value: { byRun: ValueReport; byPlanner: ValueReport };
}

export interface Identities {
  kind: 'local' | 'database';
  /** Managers and analysts from before passphrases, by name: whoever signs in as them first chooses it. */
  awaitingPassphrase: string[];
}

/** The accountability answer's plain word on identities, the same in the HTML report and on the screen. */
export function identitiesText(identities: Identities): string {
  const base =
    identities.kind === 'local'
      ? 'Identities are local to this single-seat workbook: managers and analysts sign in with a passphrase (its scrypt hash is kept in the workbook) and planners by name, so whoever can edit the file could change who is who. Team workbooks authenticate every person against the database.'
      : 'Every person is a login of the team database, which authenticates them and enforces every rule.';
  const waiting = identities.awaitingPassphrase;
  if (waiting.length === 0) return base;
  const names = waiting.length === 1 ? `${waiting[0]} has` : `${waiting.slice(0, -1).join(', ')} and ${waiting.at(-1)} have`;
  return `${base} ${names} not chosen a passphrase yet: whoever signs in as them first chooses it.`;
}

type ReportRole = GovernanceReport['roles'][number];

/** "All items", "Snacks", "ABC class C": a segment as the report names it, on screen and in the HTML. */
export function reportSegmentName(type: string, value: string): string {
  return type === 'all' ? 'All items' : `${type === 'abc_class' ? 'ABC class ' : ''}${value}`;
}

/**
 * The segments the drift guard has stepped down, the one source of the
 * step-down figures: question 3's roles, question 6's answer and the headline
 * count all read it (a policy is stepped down while its stepped_down_at is set,
 * whatever role it was set to).
 */
export function steppedDownRoles(report: Pick<GovernanceReport, 'roles'>): ReportRole[] {
  return report.roles.filter((r) => r.steppedDownAt !== null);
}

/**
 * What the drift guard did to a segment's role, in words that read right also
 * when the role set was assist already: " (stepped down from decide by the drift
 * guard on 2026-11-03)", " (held at assist by the drift guard since 2026-10-01)";
 * empty when the segment is not stepped down.
 */
export function stepDownPhrase(role: Pick<ReportRole, 'role' | 'steppedDownAt'>): string {
  if (role.steppedDownAt === null) return '';
  const day = formatDay(role.steppedDownAt);
  return role.role === 'assist' ? ` (held at assist by the drift guard since ${day})` : ` (stepped down from ${role.role} by the drift guard on ${day})`;
}

/** Question 5's answer on error, bias and intervals. */
export function monitoringAnswer(m: GovernanceReport['monitoring']): string {
  const intervals =
    m.coverage === null
      ? 'no forecast carries an interval, so how often actuals fall inside one is not measured.'
      : `the model's ${m.intervalLevel === null ? '' : `${formatNumber(m.intervalLevel)} % `}interval held ${formatReportPercent(m.coverage)} of actuals.`;
  const pct = formatReportPercent;
  return `Over ${formatCount(m.linesWithActuals)} lines with known actuals: model WAPE ${pct(m.modelWape)}, final plan ${pct(m.finalWape)}; bias ${pct(m.modelBias)} (model) and ${pct(m.finalBias)} (final, positive = over-forecast); ${intervals}`;
}

/** Question 7's answer: releases, runs released and rollbacks, in words that read right for 0, 1 and many. */
export function rollbackAnswer(r: GovernanceReport['rollback']): string {
  return `${countOf(r.releases, 'release')} of ${countOf(r.runsReleased, 'run')} and ${countOf(r.rollbacks, 'rollback')}. ${r.backupsNote}`;
}
