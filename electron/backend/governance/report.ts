// The governance report's figures, straight from the workbook (SPEC §6): what
// data, its quality, the model's role, who is accountable, how accuracy is
// monitored, what happened on drift, and what rollback exists.
import type { ReadableDb } from '../db/handles';
import { reportSegmentName, steppedDownRoles, type GovernanceReport } from '../../../shared/governance';
import type { ImportedHistoryBatch } from '../../../shared/decision-provenance';
import { bucketIndex, bucketKeyOf, periodFromKey, type Grain } from '../../../shared/period';
import { driftReport } from '../accuracy/drift';
import { runLabels } from '../accuracy/run-labels';
import { trustMap } from '../accuracy/trust';
import { effectiveRole } from '../decisions/policy';
import { workbookGrain } from '../db/open';
import { chainHead } from '../audit/chain';
import { valueReports } from '../value/report';
import type { PolicyRow } from '../audit/payloads';

const pct = (num: number | null, den: number | null) => (num !== null && den !== null && den > 0 ? (num / den) * 100 : null);
const isoKey = (k: number | null) => (k === null ? null : periodFromKey(k));

// Undone batches (imports/undo.ts) no longer hold data the workbook uses: they stay in the import history, not here.
function provenance(db: ReadableDb): GovernanceReport['provenance'] {
  return {
    batches: db
      .prepare(
        `SELECT kind, count(*) AS files, sum(rows_accepted) AS rowsAccepted, sum(rows_quarantined) AS rowsQuarantined, max(imported_at) AS lastImportedAt,
                (SELECT file_name FROM import_batches b2 WHERE b2.kind = b.kind AND b2.undone_at IS NULL ORDER BY imported_at DESC, batch_id DESC LIMIT 1) AS lastFile
           FROM import_batches b WHERE undone_at IS NULL GROUP BY kind ORDER BY kind`,
      )
      .all() as GovernanceReport['provenance']['batches'],
    models: (
      db
        .prepare(
          `SELECT r.model_name AS model, r.model_version AS version, count(*) AS runs, min(r.origin) AS first, max(r.origin) AS last,
                  (SELECT count(*) FROM forecast_lines fl JOIN forecast_runs r2 ON r2.run_id = fl.run_id WHERE r2.model_name = r.model_name AND r2.model_version = r.model_version) AS lines
             FROM forecast_runs r GROUP BY r.model_name, r.model_version ORDER BY r.model_name, min(r.origin)`,
        )
        .all() as { model: string; version: string; runs: number; first: number; last: number; lines: number }[]
    ).map((m) => ({ model: m.model, version: m.version, runs: m.runs, firstOrigin: periodFromKey(m.first), lastOrigin: periodFromKey(m.last), lines: m.lines })),
    salesInputSources: db
      .prepare("SELECT coalesce(source, '(none)') AS source, count(*) AS rows FROM sales_inputs WHERE superseded_at IS NULL GROUP BY 1 ORDER BY rows DESC LIMIT 12")
      .all() as { source: string; rows: number }[],
    recentFiles: db
      .prepare(
        `SELECT batch_id AS batchId, kind, file_name AS fileName, sha256, imported_at AS importedAt, imported_by AS importedBy, rows_accepted AS rowsAccepted
           FROM import_batches WHERE undone_at IS NULL ORDER BY imported_at DESC, batch_id DESC LIMIT 10`,
      )
      .all() as GovernanceReport['provenance']['recentFiles'],
  };
}

function quality(db: ReadableDb, grain: Grain): GovernanceReport['quality'] {
  const byKind = db
    .prepare('SELECT kind, sum(rows_read) AS rowsRead, sum(rows_quarantined) AS rowsQuarantined FROM import_batches WHERE undone_at IS NULL GROUP BY kind ORDER BY kind')
    .all() as { kind: string; rowsRead: number; rowsQuarantined: number }[];
  const last = db.prepare('SELECT max(period) FROM actuals WHERE superseded_at IS NULL').pluck().get() as number | null;
  const lastImport = db.prepare("SELECT max(imported_at) FROM import_batches WHERE kind = 'actuals' AND undone_at IS NULL").pluck().get() as string | null;
  const newestOrigin = db.prepare('SELECT origin FROM forecast_runs ORDER BY origin DESC LIMIT 1').pluck().get() as number | undefined;
  const spans = db
    .prepare('SELECT min(period) AS lo, max(period) AS hi, count(*) AS n FROM actuals WHERE superseded_at IS NULL GROUP BY item_key, location_key')
    .all() as { lo: number; hi: number; n: number }[];
  let itemsWithGaps = 0;
  let missing = 0;
  for (const s of spans) {
    const expected = bucketIndex(periodFromKey(s.hi), grain) - bucketIndex(periodFromKey(s.lo), grain) + 1;
    if (expected > s.n) {
      itemsWithGaps++;
      missing += expected - s.n;
    }
  }
  const originBucket = newestOrigin === undefined ? null : periodFromKey(bucketKeyOf(newestOrigin, grain));
  return {
    rowsRead: byKind.reduce((t, k) => t + k.rowsRead, 0),
    rowsQuarantined: byKind.reduce((t, k) => t + k.rowsQuarantined, 0),
    quarantineByKind: byKind.map((k) => ({ ...k, pct: pct(k.rowsQuarantined, k.rowsRead) })),
    lastActualPeriod: isoKey(last),
    lastActualsImportAt: lastImport,
    actualsLagBuckets: last === null || originBucket === null ? null : bucketIndex(originBucket, grain) - bucketIndex(periodFromKey(last), grain),
    itemsWithGaps,
    items: db.prepare('SELECT count(*) FROM items').pluck().get() as number,
    missingActualCells: missing,
  };
}

function roles(db: ReadableDb): GovernanceReport['roles'] {
  const rows = db.prepare("SELECT * FROM policies ORDER BY CASE segment_type WHEN 'all' THEN 0 WHEN 'category' THEN 1 ELSE 2 END, segment_value").all() as PolicyRow[];
  return rows.map((p) => ({
    segmentType: p.segment_type,
    segmentValue: p.segment_value,
    role: p.model_role,
    roleInForce: effectiveRole(p),
    steppedDownAt: p.stepped_down_at,
    approvalPct: p.approval_pct,
    approvalUnits: p.approval_units,
    freezeLags: p.freeze_lags,
    driftThresholdPts: p.drift_threshold_pts,
    updatedBy: p.updated_by,
  }));
}

function accountability(db: ReadableDb): GovernanceReport['accountability'] {
  // Past runs: every run but the newest origin's, whose review may still be under way.
  const past = 'SELECT run_id FROM forecast_runs WHERE origin < (SELECT max(origin) FROM forecast_runs)';
  const decided = db
    .prepare(
      `SELECT sum(d.action IN ('accept', 'override') AND d.decided_by IS NOT NULL) AS person, sum(d.action = 'auto_final') AS auto,
              sum(ls.final_quantity <> fl.quantity) AS overridden
         FROM line_state ls JOIN forecast_lines fl ON fl.line_id = ls.line_id JOIN decisions d ON d.decision_id = ls.decision_id
        WHERE fl.run_id IN (${past})`,
    )
    .get() as { person: number | null; auto: number | null; overridden: number | null };
  return {
    owners: db
      .prepare('SELECT i.owner_id AS userId, coalesce(u.display_name, i.owner_id) AS name, count(*) AS items FROM items i LEFT JOIN users u ON u.user_id = i.owner_id WHERE i.owner_id IS NOT NULL GROUP BY i.owner_id ORDER BY items DESC')
      .all() as GovernanceReport['accountability']['owners'],
    itemsWithoutOwner: db.prepare('SELECT count(*) FROM items WHERE owner_id IS NULL').pluck().get() as number,
    approvers: db
      .prepare(
        `SELECT a.decided_by AS userId, coalesce(u.display_name, a.decided_by) AS name, sum(a.verdict = 'approved') AS approvals, sum(a.verdict = 'rejected') AS rejections
           FROM approvals a LEFT JOIN users u ON u.user_id = a.decided_by GROUP BY a.decided_by ORDER BY approvals + rejections DESC`,
      )
      .all() as GovernanceReport['accountability']['approvers'],
    linesInPastRuns: db.prepare(`SELECT count(*) FROM forecast_lines WHERE run_id IN (${past})`).pluck().get() as number,
    linesDecidedByPerson: decided.person ?? 0,
    linesAutoFinal: decided.auto ?? 0,
    linesOverridden: decided.overridden ?? 0,
    pendingApprovals: db.prepare("SELECT count(*) FROM line_state WHERE status = 'pending_approval'").pluck().get() as number,
    importedHistory: importedHistory(db),
    identities: {
      kind: 'local',
      awaitingPassphrase: db
        .prepare("SELECT u.display_name FROM users u WHERE u.role <> 'planner' AND NOT EXISTS (SELECT 1 FROM user_passphrases p WHERE p.user_id = u.user_id) ORDER BY u.display_name")
        .pluck()
        .all() as string[],
    },
    auditChain: { head: chainHead(db), entries: db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number, note: AUDIT_CHAIN_NOTE },
  };
}

/** Each history file's decisions, who imported it and the deciders it named (as text). */
function importedHistory(db: ReadableDb): ImportedHistoryBatch[] {
  const rows = db
    .prepare(
      `SELECT b.batch_id AS batchId, b.file_name AS fileName, b.imported_by AS importedBy, u.display_name AS importedByName, b.imported_at AS importedAt,
              count(*) AS decisions, json_group_array(DISTINCT coalesce(d.recorded_by, d.decided_by)) AS names
         FROM decisions d JOIN import_batches b ON b.batch_id = d.batch_id LEFT JOIN users u ON u.user_id = b.imported_by
        GROUP BY b.batch_id ORDER BY b.batch_id`,
    )
    .all() as (Omit<ImportedHistoryBatch, 'recordedBy'> & { names: string })[];
  return rows.map(({ names, ...b }) => ({ ...b, recordedBy: (JSON.parse(names) as (string | null)[]).filter((n): n is string => n !== null).sort() }));
}

/** What the audit log of a single-seat workbook can vouch for, and what it cannot (SPEC §5 People and Audit). */
const AUDIT_CHAIN_NOTE =
  'People in this workbook are local: each says who they are when signing in, and nothing outside the file vouches for it. ' +
  'Every decision, approval, policy change, import and release is in a hash-chained audit log, so a change made to the file by hand shows in the workbook check — ' +
  'but whoever holds this file can rewrite the whole chain consistently, and only a copy made before can show that: every backup and every plan or accuracy export records the chain head, ' +
  'and checking the workbook against that copy shows a rewrite. Team workbooks anchor it in the database, where no one person can rewrite it.';

function monitoring(db: ReadableDb): GovernanceReport['monitoring'] {
  const all = db
    .prepare('SELECT total(n) AS n, total(a) AS a, total(m_abs) AS m, total(f_abs) AS f, total(m_e) AS me, total(f_e) AS fe, total(n_bounded) AS b, total(n_inside) AS i FROM accuracy_cells')
    .get() as { n: number; a: number; m: number; f: number; me: number; fe: number; b: number; i: number };
  const cats = db
    .prepare('SELECT category, total(n) AS n, total(a) AS a, total(m_abs) AS m, total(f_abs) AS f, total(m_e) AS me, total(n_bounded) AS b, total(n_inside) AS i FROM accuracy_cells WHERE category IS NOT NULL GROUP BY category ORDER BY category')
    .all() as { category: string; n: number; a: number; m: number; f: number; me: number; b: number; i: number }[];
  const verdicts = new Map(trustMap(db).segments.map((s) => [s.segment, s.text]));
  const trend = db
    .prepare('SELECT period, total(a) AS a, total(m_abs) AS m, total(f_abs) AS f, total(n_bounded) AS b, total(n_inside) AS i FROM accuracy_cells GROUP BY period ORDER BY period DESC LIMIT 24')
    .all() as { period: number; a: number; m: number; f: number; b: number; i: number }[];
  return {
    linesWithActuals: all.n,
    modelWape: pct(all.m, all.a),
    finalWape: pct(all.f, all.a),
    modelBias: pct(all.me, all.a),
    finalBias: pct(all.fe, all.a),
    coverage: pct(all.i, all.b),
    // .get() answers undefined when no run has an interval level: the report says null.
    intervalLevel: (db.prepare('SELECT interval_level FROM forecast_runs WHERE interval_level IS NOT NULL ORDER BY origin DESC LIMIT 1').pluck().get() as number | undefined) ?? null,
    byCategory: cats.map((c) => ({ category: c.category, n: c.n, modelWape: pct(c.m, c.a), finalWape: pct(c.f, c.a), modelBias: pct(c.me, c.a), coverage: pct(c.i, c.b), verdict: verdicts.get(c.category) ?? '' })),
    trend: trend.reverse().map((t) => ({ period: periodFromKey(t.period), model: pct(t.m, t.a), final: pct(t.f, t.a), coverage: pct(t.i, t.b) })),
  };
}

function drift(db: ReadableDb, roles: GovernanceReport['roles']): GovernanceReport['drift'] {
  const segment = reportSegmentName;
  return {
    alerts: (
      db.prepare('SELECT a.*, coalesce(u.display_name, a.resolved_by) AS resolver FROM drift_alerts a LEFT JOIN users u ON u.user_id = a.resolved_by ORDER BY alert_id DESC').all() as {
        alert_id: number;
        segment_type: string;
        segment_value: string;
        metric: string;
        baseline: number;
        current: number;
        raised_at: string;
        resolver: string | null;
        resolved_at: string | null;
        resolution: string | null;
      }[]
    ).map((a) => ({
      alertId: a.alert_id,
      segment: segment(a.segment_type, a.segment_value),
      metric: a.metric,
      baseline: a.baseline,
      current: a.current,
      raisedAt: a.raised_at,
      resolvedBy: a.resolver,
      resolvedAt: a.resolved_at,
      resolution: a.resolution,
    })),
    // The same policies question 3 lists: one source for every step-down figure.
    steppedDown: steppedDownRoles({ roles }).map((p) => segment(p.segmentType, p.segmentValue)),
    watching: driftReport(db).map((s) => ({ segment: segment(s.segmentType, s.segmentValue), recent: s.recent, baseline: s.baseline, threshold: s.threshold, drifting: s.drifting })),
  };
}

function rollback(db: ReadableDb): GovernanceReport['rollback'] {
  const labels = runLabels(db);
  const counts = db.prepare("SELECT total(kind = 'release') AS releases, total(kind = 'rollback') AS rollbacks, count(DISTINCT run_id) AS runs FROM releases").get() as { releases: number; rollbacks: number; runs: number };
  return {
    releases: counts.releases,
    rollbacks: counts.rollbacks,
    runsReleased: counts.runs,
    recent: (
      db
        .prepare(
          `SELECT x.run_id AS runId, x.version, x.kind, coalesce(u.display_name, x.released_by) AS releasedBy, x.released_at AS releasedAt, x.note, x.restores_version AS restoresVersion
             FROM releases x LEFT JOIN users u ON u.user_id = x.released_by
            ORDER BY x.release_id DESC LIMIT 10`,
        )
        .all() as (Omit<GovernanceReport['rollback']['recent'][number], 'runLabel'> & { runId: number })[]
    ).map(({ runId, ...release }) => ({ runLabel: labels.get(runId) ?? `run ${runId}`, ...release })),
    backupsNote: 'Every release keeps its plan as a numbered version; rolling back re-releases an earlier version as a new, audited one. The workbook can be backed up while open (fwb backup) and restored from the File menu or fwb restore, the current file kept aside.',
  };
}

export function governanceReport(db: ReadableDb, now: Date): GovernanceReport {
  const policies = roles(db);
  const grain = workbookGrain(db);
  return {
    workbookName: (db.prepare("SELECT value FROM workbook_meta WHERE key = 'name'").pluck().get() as string | undefined) ?? 'Workbook',
    grain,
    generatedAt: now.toISOString(),
    provenance: provenance(db),
    quality: quality(db, grain),
    roles: policies,
    accountability: accountability(db),
    monitoring: monitoring(db),
    drift: drift(db, policies),
    rollback: rollback(db),
    value: valueReports(db, now),
  };
}
