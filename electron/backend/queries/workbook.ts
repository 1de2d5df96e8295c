import { basename } from 'node:path';
import type { WorkbookInfo } from '../../../shared/domain';
import { STAGED_RUN_IDS_SQL } from '../imports/commit/in-progress';
import type { ReadContext } from '../context';
import { readMeta, workbookGrain } from '../db/open';
import { periodFromKey } from '../../../shared/period';
import { currentRunId, mainModel } from '../review/opening-run';

export function getWorkbookInfo({ db, path }: ReadContext): WorkbookInfo {
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const lastActual = db
    .prepare('SELECT max(period) AS period FROM actuals WHERE superseded_at IS NULL')
    .get() as { period: number | null };
  return {
    name: readMeta(db, 'name') ?? basename(path),
    path,
    schemaVersion: db.prepare('PRAGMA user_version').pluck().get() as number,
    grain: workbookGrain(db),
    counts: {
      items: count('SELECT count(*) AS n FROM items'),
      runs: count('SELECT count(*) AS n FROM forecast_runs'),
      // Not the lines an import under way has staged under runs it has not created yet (imports/commit/committer.ts).
      forecastLines: count(`SELECT (SELECT count(*) FROM forecast_lines) - (SELECT count(*) FROM forecast_lines WHERE run_id IN (${STAGED_RUN_IDS_SQL})) AS n`),
      actuals: count('SELECT count(*) AS n FROM actuals WHERE superseded_at IS NULL'),
      salesInputs: count('SELECT count(*) AS n FROM sales_inputs WHERE superseded_at IS NULL'),
      decisions: count('SELECT count(*) AS n FROM decisions'),
      importBatches: count('SELECT count(*) AS n FROM import_batches'),
      auditEntries: count('SELECT count(*) AS n FROM audit_log'),
    },
    currentRunId: currentRunId(db),
    mainModel: mainModel(db),
    lastActualPeriod: lastActual.period === null ? null : periodFromKey(lastActual.period),
  };
}
