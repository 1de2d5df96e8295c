// The reconciled plan as a table (SPEC §6): per forecast line the model quantity,
// the final quantity and where it comes from, and who decided it with which
// reason. Of a run, the plan as it stands now comes from the line_state
// projection (a line without a row is undecided: the model quantity, source
// model). Of a released version, it is the snapshot in release_lines, with the
// decision each line's quantity came from.
// Rows follow the lines' key index (item, location, period), so the first rows
// of a million-line plan stream out at once instead of after a sort.
import type { ReadableDb } from '../db/handles';
import { assertReleaseIntact } from '../decisions/release-lines';
import { WorkbenchError } from '../errors';
import { policyResolver } from '../decisions/policy';
import { importedColumns, importedJoins, importedOf } from '../decisions/imported';
import { importedDecisionText } from '../../../shared/decision-provenance';
import { formatRunLabel } from '../../../shared/format';
import type { Grain } from '../../../shared/period';
import { columns, statementRows, type ExportCell, type TitledTable } from './table';
import { currentRunId as mainModelRunId } from '../review/opening-run';

export const PLAN_COLUMNS = columns([
  ['item_id', 'Item', 'text'],
  ['item_name', 'Item name', 'text'],
  ['location', 'Location', 'text'],
  ['period', 'Period', 'date'],
  ['lag', 'Lag', 'integer'],
  ['model_quantity', 'Model quantity', 'number'],
  ['final_quantity', 'Final quantity', 'number'],
  ['source', 'Source', 'text'],
  ['reason_code', 'Reason', 'text'],
  ['comment', 'Comment', 'text'],
  ['decided_by', 'Decided by', 'text'],
  ['decided_at', 'Decided at (UTC)', 'datetime'],
  ['approval_status', 'Approval status', 'text'],
  ['approver', 'Approver', 'text'],
  // The role the policy gives the model on the line's segment as exported: 'trigger'
  // lines go out without review by design, 'decide' lines nobody touched became final at release.
  ['model_role', 'Model role', 'text'],
]);

const ISO_PERIOD = "printf('%04d-%02d-%02d', fl.period / 10000, fl.period / 100 % 100, fl.period % 100)";
const LINE_JOINS = `JOIN items i ON i.item_key = fl.item_key JOIN locations loc ON loc.location_key = fl.location_key`;
/** The latest verdict on a decision, and who gave it. */
const latestApproval = (decision: string, column: 'verdict' | 'decided_by') =>
  `(SELECT a.${column} FROM approvals a WHERE a.decision_id = ${decision} ORDER BY a.approval_id DESC LIMIT 1)`;

const RUN_PLAN_SQL = `
  SELECT i.item_id, i.name, loc.location_id, ${ISO_PERIOD}, fl.lag, fl.quantity,
         coalesce(ls.final_quantity, fl.quantity), coalesce(ls.source, 'model'),
         ls.reason_code, d.comment, ls.decided_by, ls.decided_at,
         coalesce(ls.status, 'undecided'), ${latestApproval('ls.decision_id', 'decided_by')},
         i.category, i.abc_class, ${importedColumns('d')}
    FROM forecast_lines fl ${LINE_JOINS}
    LEFT JOIN line_state ls ON ls.line_id = fl.line_id
    LEFT JOIN decisions d ON d.decision_id = ls.decision_id
    ${importedJoins('d')}
   WHERE fl.run_id = @runId
   ORDER BY fl.item_key, fl.location_key, fl.period`;

// A version line without a decision was released at the model quantity with no
// decision behind it (undecided, or under a pending or rejected override).
const VERSION_PLAN_SQL = `
  SELECT i.item_id, i.name, loc.location_id, ${ISO_PERIOD}, fl.lag, fl.quantity,
         rl.final_quantity, rl.source,
         d.reason_code, d.comment, d.decided_by, d.decided_at,
         coalesce(${latestApproval('rl.decision_id', 'verdict')}, d.status, 'undecided'), ${latestApproval('rl.decision_id', 'decided_by')},
         i.category, i.abc_class, ${importedColumns('d')}
    FROM release_lines rl
    JOIN forecast_lines fl ON fl.line_id = rl.line_id ${LINE_JOINS}
    LEFT JOIN decisions d ON d.decision_id = rl.decision_id
    ${importedJoins('d')}
   WHERE rl.release_id = @releaseId
   ORDER BY fl.item_key, fl.location_key, fl.period`;

export interface RunFacts {
  runId: number;
  modelName: string;
  modelVersion: string;
  origin: string;
  grain: Grain;
}

export function runFacts(db: ReadableDb, runId: number): RunFacts {
  const run = db
    .prepare(
      `SELECT run_id AS runId, model_name AS modelName, model_version AS modelVersion,
              printf('%04d-%02d-%02d', origin / 10000, origin / 100 % 100, origin % 100) AS origin, grain
         FROM forecast_runs WHERE run_id = ?`,
    )
    .get(runId) as RunFacts | undefined;
  if (!run) throw new WorkbenchError('NOT_FOUND', `Forecast run ${runId} does not exist.`);
  return run;
}

/** The run planners are working on: the main model's newest run (getWorkbookInfo's currentRunId, one definition). */
export function currentRunId(db: ReadableDb): number {
  const id = mainModelRunId(db);
  if (id === null) throw new WorkbenchError('NOT_FOUND', 'The workbook has no forecast runs yet, so there is no plan to export.');
  return id;
}

const DECIDED_BY = PLAN_COLUMNS.findIndex((c) => c.key === 'decided_by');

/**
 * The rows with the model's role in place of the item's category and ABC class,
 * and imported history's "decided by" in the words every view uses
 * (shared/decision-provenance.ts) — the last seven columns the SQL reads: one
 * policy rule (decisions/policy.ts), not a second one in SQL.
 */
function withModelRole(db: ReadableDb, rows: Iterable<ExportCell[]>): Iterable<ExportCell[]> {
  return {
    *[Symbol.iterator]() {
      const policyOf = policyResolver(db);
      for (const row of rows) {
        const [imp_batch_id, imp_file, imp_by, imp_by_name, imp_recorded] = row.splice(row.length - 5, 5) as [number | null, string | null, string | null, string | null, string | null];
        const imported = importedOf({ imp_batch_id, imp_file, imp_by, imp_by_name, imp_recorded });
        if (imported) row[DECIDED_BY] = importedDecisionText(imported);
        const abcClass = row.pop() as string | null;
        const category = row.pop() as string | null;
        row.push(policyOf({ category, abcClass }).effectiveRole);
        yield row;
      }
    },
  };
}

export function runPlanTable(db: ReadableDb, runId: number): TitledTable {
  const run = runFacts(db, runId);
  const total = db.prepare('SELECT count(*) FROM forecast_lines WHERE run_id = ?').pluck().get(runId) as number;
  return {
    name: `Plan run ${runId}`,
    title: `Plan of run ${runId} (${formatRunLabel(run)})`,
    fileStem: `plan-run${runId}`,
    columns: PLAN_COLUMNS,
    rows: withModelRole(db, statementRows(db.prepare(RUN_PLAN_SQL), { runId })),
    total,
  };
}

export function versionPlanTable(db: ReadableDb, runId: number, version: number): TitledTable {
  const run = runFacts(db, runId);
  const release = db.prepare('SELECT release_id AS releaseId, kind, restores_version AS restoresVersion FROM releases WHERE run_id = ? AND version = ?').get(runId, version) as
    | { releaseId: number; kind: 'release' | 'rollback'; restoresVersion: number | null }
    | undefined;
  if (!release) {
    const versions = db.prepare('SELECT version FROM releases WHERE run_id = ? ORDER BY version').pluck().all(runId) as number[];
    throw new WorkbenchError(
      'NOT_FOUND',
      `Run ${runId} has no plan version ${version}${versions.length ? ` (its versions: ${versions.join(', ')})` : ' (it was never released)'}.`,
    );
  }
  assertReleaseIntact(db, release.releaseId, 'exported');
  const total = db.prepare('SELECT count(*) FROM release_lines WHERE release_id = ?').pluck().get(release.releaseId) as number;
  const rollback = release.kind === 'rollback' ? `, a rollback to version ${release.restoresVersion}` : '';
  return {
    name: `Plan run ${runId} v${version}`,
    title: `Plan version ${version} of run ${runId} (${formatRunLabel(run)}${rollback})`,
    fileStem: `plan-run${runId}-v${version}`,
    columns: PLAN_COLUMNS,
    rows: withModelRole(db, statementRows(db.prepare(VERSION_PLAN_SQL), { releaseId: release.releaseId })),
    total,
  };
}
