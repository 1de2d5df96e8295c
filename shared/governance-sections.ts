// The governance report in words and tables, once: each of the seven questions
// with its answer, its tables and notes. The Governance screen
// (renderer/screens/governance/ReportSections.tsx) and the HTML report
// (electron/backend/governance/html.ts) only lay these out, so the two say the
// same thing with the same figures.
import { importedHistoryText } from './decision-provenance';
import { countOf, formatCount, formatNumber, formatPeriod, formatReportPercent as pct, formatReportPercentOf, formatTimestamp, NO_VALUE } from './format';
import { valueAnswer, valueDefinitionsNote, valueTable } from './value-tables';
import { GOVERNANCE_QUESTIONS, identitiesText, monitoringAnswer, reportSegmentName, rollbackAnswer, stepDownPhrase, type GovernanceReport } from './governance';

/**
 * A piece of an answer or a table cell: plain text, a finding that needs
 * attention (`warn`), the role in force (`strong`), or a digest (`code`: shown
 * whole in print; where space is tight, its first `short` characters, the whole
 * as its title).
 */
export type Phrase = string | { warn: string } | { strong: string } | { code: string; title?: string; short?: number };

/** What a column holds: figures (right-aligned), names and dates kept on one line, or prose that wraps. */
export type ReportColumnKind = 'num' | 'keep' | 'verdict' | 'note';

export interface ReportTable {
  caption: string;
  columns: { head: string; kind?: ReportColumnKind }[];
  rows: Phrase[][];
}

/** A table, tables side by side, the question's charts, or a note in small print. */
export type ReportBlock = ReportTable | { beside: ReportTable[] } | { charts: true } | { note: Phrase[] };

export interface ReportSection {
  n: number;
  question: string;
  answer: Phrase[];
  blocks: ReportBlock[];
  /** Takes the full width on screen (wide tables). */
  wide?: boolean;
}

/** The plain text of phrases, for a title or an accessible name. */
export const phraseText = (phrases: Phrase[]): string => phrases.map((p) => (typeof p === 'string' ? p : 'warn' in p ? p.warn : 'strong' in p ? p.strong : p.code)).join('');

const cols = (...spec: [string, ReportColumnKind?][]): ReportTable['columns'] => spec.map(([head, kind]) => (kind ? { head, kind } : { head }));
const pts = (v: number | null) => (v === null ? NO_VALUE : `${formatNumber(v, 1)} pts`);

function dataSources(r: GovernanceReport): ReportSection {
  const p = r.provenance;
  const files = p.batches.reduce((t, b) => t + b.files, 0);
  const models = p.models.map((x) => `${x.model} ${x.version} (${countOf(x.runs, 'run')})`).join(', ');
  return {
    n: 1,
    question: GOVERNANCE_QUESTIONS[0],
    answer: [`${countOf(files, 'imported file')} (${p.batches.map((b) => `${b.kind}: ${formatCount(b.files)}`).join(', ')}); forecasts from ${models || 'no model yet'}.`],
    blocks: [
      {
        beside: [
          {
            caption: 'Imports by kind',
            columns: cols(['Kind', 'keep'], ['Files', 'num'], ['Rows accepted', 'num'], ['Quarantined', 'num'], ['Last import', 'keep'], ['Last file']),
            rows: p.batches.map((b) => [b.kind, formatCount(b.files), formatCount(b.rowsAccepted), formatCount(b.rowsQuarantined), formatTimestamp(b.lastImportedAt), b.lastFile ?? NO_VALUE]),
          },
          {
            caption: 'Model versions',
            columns: cols(['Model'], ['Version'], ['Runs', 'num'], ['First origin'], ['Last origin'], ['Lines', 'num']),
            rows: p.models.map((x) => [x.model, x.version, formatCount(x.runs), formatPeriod(x.firstOrigin, r.grain), formatPeriod(x.lastOrigin, r.grain), formatCount(x.lines)]),
          },
        ],
      },
      {
        caption: 'Most recent files (provenance)',
        columns: cols(['Batch', 'num'], ['Kind', 'keep'], ['File'], ['sha256'], ['Imported', 'keep'], ['By'], ['Rows', 'num']),
        rows: p.recentFiles.map((f) => [
          formatCount(f.batchId),
          f.kind,
          f.fileName,
          f.sha256 ? { code: `${f.sha256.slice(0, 12)}…`, title: f.sha256 } : NO_VALUE,
          formatTimestamp(f.importedAt),
          f.importedBy ?? NO_VALUE,
          formatCount(f.rowsAccepted),
        ]),
      },
    ],
  };
}

function quality(r: GovernanceReport): ReportSection {
  const q = r.quality;
  const lag: Phrase[] = q.actualsLagBuckets === null ? [] : q.actualsLagBuckets <= 0 ? [', current with the newest run'] : [', ', { warn: `${countOf(q.actualsLagBuckets, 'bucket')} behind the newest run's origin` }];
  return {
    n: 2,
    question: GOVERNANCE_QUESTIONS[1],
    answer: [
      `${formatReportPercentOf(q.rowsQuarantined, q.rowsRead)} of imported rows were quarantined (${formatCount(q.rowsQuarantined)} of ${formatCount(q.rowsRead)}). Latest actuals: ${q.lastActualPeriod ? formatPeriod(q.lastActualPeriod, r.grain) : 'none'}`,
      ...lag,
      `. ${formatCount(q.itemsWithGaps)} of ${formatCount(q.items)} items have gaps in their actuals (${formatCount(q.missingActualCells)} missing periods).`,
    ],
    blocks: [
      {
        caption: 'Quarantine rate by kind',
        columns: cols(['Kind'], ['Rows read', 'num'], ['Quarantined', 'num'], ['Rate', 'num']),
        rows: q.quarantineByKind.map((k) => [k.kind, formatCount(k.rowsRead), formatCount(k.rowsQuarantined), pct(k.pct)]),
      },
    ],
  };
}

function roles(r: GovernanceReport): ReportSection {
  const answer: Phrase[] = r.roles.flatMap((x, i): Phrase[] => [`${i > 0 ? '; ' : ''}${reportSegmentName(x.segmentType, x.segmentValue)}: `, { strong: x.roleInForce }, stepDownPhrase(x)]);
  return {
    n: 3,
    question: GOVERNANCE_QUESTIONS[2],
    answer: [...answer, '.'],
    blocks: [
      {
        caption: 'Policies',
        columns: cols(['Segment', 'keep'], ['Role set'], ['In force'], ['Approval above', 'keep'], ['Freeze lags', 'num'], ['Drift limit', 'num'], ['Changed by']),
        rows: r.roles.map((x) => [
          reportSegmentName(x.segmentType, x.segmentValue),
          x.role,
          x.steppedDownAt !== null ? { warn: `${x.roleInForce} (drift guard)` } : x.roleInForce,
          `${x.approvalPct === null ? NO_VALUE : `${formatNumber(x.approvalPct)} %`} / ${x.approvalUnits === null ? NO_VALUE : `${formatNumber(x.approvalUnits)} units`}`,
          formatCount(x.freezeLags),
          pts(x.driftThresholdPts),
          x.updatedBy ?? 'system',
        ]),
      },
    ],
  };
}

function accountability(r: GovernanceReport): ReportSection {
  const a = r.accountability;
  const owned = a.owners.reduce((t, o) => t + o.items, 0);
  const head = a.auditChain.head;
  return {
    n: 4,
    question: GOVERNANCE_QUESTIONS[3],
    answer: [
      `${countOf(a.owners.length, 'planner')} ${a.owners.length === 1 ? 'owns' : 'own'} ${countOf(owned, 'item')} (${formatCount(a.itemsWithoutOwner)} without an owner). ` +
        `In past runs ${formatReportPercentOf(a.linesDecidedByPerson, a.linesInPastRuns)} of ${countOf(a.linesInPastRuns, 'line')} were decided by a person; ${formatCount(a.linesOverridden)} were overridden, ${formatCount(a.linesAutoFinal)} became final automatically. ` +
        `${countOf(a.pendingApprovals, 'override')} ${a.pendingApprovals === 1 ? 'awaits' : 'await'} a manager. ${importedHistoryText(a.importedHistory)} ${identitiesText(a.identities)}`,
    ],
    blocks: [
      {
        beside: [
          { caption: 'Item owners', columns: cols(['Planner'], ['Items', 'num']), rows: a.owners.map((o) => [o.name, formatCount(o.items)]) },
          { caption: 'Approvers', columns: cols(['Manager'], ['Approved', 'num'], ['Rejected', 'num']), rows: a.approvers.map((x) => [x.name, formatCount(x.approvals), formatCount(x.rejections)]) },
        ],
      },
      {
        note: [
          `${a.auditChain.note} Audit log: ${countOf(a.auditChain.entries, 'entry', 'entries')}, head `,
          ...(head ? [`entry ${formatCount(head.auditId)} `, { code: head.hash, short: 16 }] : ['none yet']),
          '.',
        ],
      },
    ],
  };
}

function monitoring(r: GovernanceReport): ReportSection {
  const m = r.monitoring;
  return {
    n: 5,
    question: GOVERNANCE_QUESTIONS[4],
    answer: [monitoringAnswer(m)],
    blocks: [
      { charts: true },
      {
        caption: 'By category',
        columns: cols(['Category'], ['Lines', 'num'], ['Model WAPE', 'num'], ['Final WAPE', 'num'], ['Model bias', 'num'], ['Coverage', 'num'], ['Verdict', 'verdict']),
        rows: m.byCategory.map((c) => [c.category, formatCount(c.n), pct(c.modelWape), pct(c.finalWape), pct(c.modelBias), pct(c.coverage), c.verdict]),
      },
    ],
  };
}

function drift(r: GovernanceReport): ReportSection {
  const d = r.drift;
  return {
    n: 6,
    question: GOVERNANCE_QUESTIONS[5],
    answer:
      d.alerts.length === 0
        ? ['No drift alert has been raised.']
        : [`${countOf(d.alerts.length, 'drift alert')}; `, d.steppedDown.length > 0 ? { warn: `stepped down to assist: ${d.steppedDown.join(', ')}` } : 'no segment is stepped down now', '.'],
    blocks: [
      {
        caption: 'Drift alerts',
        columns: cols(['Segment', 'keep'], ['Baseline WAPE', 'num'], ['Recent WAPE', 'num'], ['Raised', 'keep'], ['Response']),
        rows: d.alerts.map((x) => [
          x.segment,
          pct(x.baseline),
          pct(x.current),
          formatTimestamp(x.raisedAt),
          x.resolvedAt ? `${x.resolution ?? 'resolved'} — ${x.resolvedBy ?? ''}, ${formatTimestamp(x.resolvedAt)}` : { warn: 'open: role stepped down to assist' },
        ]),
      },
      {
        caption: 'Watched segments (lag-1 WAPE, last 3 periods against the 12 before)',
        columns: cols(['Segment'], ['Recent', 'num'], ['Baseline', 'num'], ['Threshold', 'num'], ['Status']),
        rows: d.watching.map((w) => [w.segment, pct(w.recent), pct(w.baseline), pts(w.threshold), w.drifting ? { warn: 'drifting' } : 'stable']),
      },
    ],
  };
}

function rollback(r: GovernanceReport): ReportSection {
  return {
    n: 7,
    question: GOVERNANCE_QUESTIONS[6],
    answer: [rollbackAnswer(r.rollback)],
    blocks: [
      {
        caption: 'Recent releases and rollbacks',
        columns: cols(['Run'], ['Version', 'num'], ['Kind', 'keep'], ['By', 'keep'], ['When', 'keep'], ['Note', 'note']),
        rows: r.rollback.recent.map((x) => [x.runLabel, `v${x.version}`, x.kind === 'rollback' ? `rollback to v${x.restoresVersion}` : 'release', x.releasedBy ?? NO_VALUE, formatTimestamp(x.releasedAt), x.note ?? '']),
      },
    ],
  };
}

/** The value of planning (issue 16 item 4): the same tables as the Value panel and `fwb value`. */
function value(r: GovernanceReport): ReportSection {
  const { byRun, byPlanner } = r.value;
  return {
    n: 8,
    question: GOVERNANCE_QUESTIONS[7],
    answer: valueAnswer(byRun),
    blocks: [valueTable(byRun, r.grain), valueTable(byPlanner, r.grain), { note: valueDefinitionsNote(byRun) }],
    wide: true,
  };
}

/** The questions, in order, each answered from the report's figures. */
export function governanceSections(r: GovernanceReport): ReportSection[] {
  return [dataSources(r), quality(r), roles(r), accountability(r), monitoring(r), drift(r), rollback(r), value(r)];
}
