// What a pull does besides writing its pages, once at its end (never per page): the
// derived data an import refreshes after it (the newest run's scores and overview), so
// a replica's first screens cost what an imported workbook's do.
import type { Effects } from '../declarations';
import { newestRunExceptions } from '../exceptions/cache';
import { newestRunOverview } from '../queries/run-overview';

export const TEAM_PULL_EFFECTS: Effects<unknown, void> = {
  refreshes: (_req, db) => [...newestRunExceptions(db), ...newestRunOverview(db)],
  announces: {},
};
