// How a decision imported from a history file is named, wherever a decision shows
// (Review's line journal and decision panel, plan exports, the planner slice of
// accuracy, the governance report, fwb): always as imported — from which file and
// batch, by whom — and never as if the person the file names decided it in this
// workbook. The name is the file's text, not a person of the workbook.

/** Where an imported decision came from. */
export interface ImportedDecision {
  batchId: number;
  fileName: string;
  /** The person of the workbook who imported the file; null for an import without one (a pipeline's `fwb import` without --user). */
  importedBy: string | null;
  importedByName: string | null;
  /** The decider as the file recorded them, as text; null when the file named nobody. */
  recordedBy: string | null;
}

/** Who imported a file when no person of the workbook did. */
export const NOBODY_NAMED = 'nobody named';

/** The planner slice's key of overrides imported under a recorded name: user ids cannot hold a colon. */
export const IMPORTED_PLANNER_PREFIX = 'imported:';

/** "imported from history.csv (batch 7) by Sam Taylor, as recorded by Ana Silva" */
export function importedDecisionText(d: ImportedDecision): string {
  const importer = d.importedByName ?? d.importedBy ?? NOBODY_NAMED;
  const recorded = d.recordedBy === null ? 'with no decider recorded' : `as recorded by ${d.recordedBy}`;
  return `imported from ${d.fileName} (batch ${d.batchId}) by ${importer}, ${recorded}`;
}

/** Who a decision is credited to: the person who made it here, or its import's wording. */
export function decidedByText(d: { decidedBy: string | null; decidedByName?: string | null; imported?: ImportedDecision | null }): string {
  if (d.imported) return importedDecisionText(d.imported);
  return d.decidedByName ?? d.decidedBy ?? NOBODY_NAMED;
}

/** A row of the planner slice: "Ana Silva (imported)", never the person "Ana Silva" of the workbook. */
export function importedPlannerLabel(recordedBy: string | null): string {
  return recordedBy === null || recordedBy === '' ? '(imported, no decider recorded)' : `${recordedBy} (imported)`;
}

/** The slice key's recorded name, or undefined when the key is a person's id. */
export function importedPlannerName(key: string): string | null | undefined {
  if (!key.startsWith(IMPORTED_PLANNER_PREFIX)) return undefined;
  const name = key.slice(IMPORTED_PLANNER_PREFIX.length);
  return name === '' ? null : name;
}

/** A history file's batch as the governance report lists it. */
export interface ImportedHistoryBatch {
  batchId: number;
  fileName: string;
  importedBy: string | null;
  importedByName: string | null;
  importedAt: string;
  /** Decisions of the batch in the journal. */
  decisions: number;
  /** The deciders the file named, as text. */
  recordedBy: string[];
}

/** The governance report's sentence on imported history, the same in the HTML report and on the screen. */
export function importedHistoryText(batches: ImportedHistoryBatch[]): string {
  if (batches.length === 0) return 'No decision history was imported: every decision in the journal was made in this workbook.';
  const total = batches.reduce((n, b) => n + b.decisions, 0);
  const each = batches.map((b) => {
    const names = b.recordedBy.length === 0 ? null : b.recordedBy.length <= 3 ? b.recordedBy.join(', ') : `${b.recordedBy.slice(0, 3).join(', ')} and ${b.recordedBy.length - 3} more`;
    return importedDecisionText({ batchId: b.batchId, fileName: b.fileName, importedBy: b.importedBy, importedByName: b.importedByName, recordedBy: names });
  });
  return `${total} decision${total === 1 ? ' is' : 's are'} history imported from files, not decided in this workbook: ${each.join('; ')}.`;
}
