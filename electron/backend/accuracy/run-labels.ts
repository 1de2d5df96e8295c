// Every run's label ("DemandAI 2.4 · origin Oct 2026"), made by the one
// formatter in shared/ from the run's parts: the run slice, the accuracy
// options and the governance report name runs as the Review screen does.
import { formatRunLabel } from '../../../shared/format';
import { periodFromKey, type Grain } from '../../../shared/period';
import type { ReadableDb } from '../db/handles';

export function runLabels(db: ReadableDb): Map<number, string> {
  const runs = db.prepare('SELECT run_id, model_name AS modelName, model_version AS modelVersion, origin, grain FROM forecast_runs').all() as {
    run_id: number;
    modelName: string;
    modelVersion: string;
    origin: number;
    grain: Grain;
  }[];
  return new Map(runs.map((r) => [r.run_id, formatRunLabel({ ...r, origin: periodFromKey(r.origin) })]));
}
