// Migration 6: decision history is recorded as imported, never as decided here
// (issue 12.1). Append-only: never edit after it ships.
//
// An imported decision (batch_id set) keeps the decider the file named as text in
// recorded_by and is credited to no person of the workbook (decided_by NULL), so
// nobody can sign in as that name and act as its author. It lands only on a
// closed line (actual known) or on a run older than its model's newest, never on
// a line decided in this workbook, and is final: the triggers hold these rules on
// every path into the file, as approvals_not_by_author holds four-eyes.
// Imported decisions from before this migration keep the author they were written
// with; everything shows them as imported by their batch (shared/decision-provenance.ts).
// The accuracy cube keys imported overrides apart in its planner slice: emptied
// here, it is rebuilt on first use.
export default /* sql */ `
ALTER TABLE decisions ADD COLUMN recorded_by TEXT;

CREATE TRIGGER decisions_history_credits_nobody BEFORE INSERT ON decisions
WHEN NEW.batch_id IS NOT NULL AND (NEW.decided_by IS NOT NULL OR NEW.status <> 'final' OR NEW.action NOT IN ('accept', 'override') OR NEW.undoes_decision_id IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'imported decision history is credited to no person of the workbook, and is final'); END;

CREATE TRIGGER decisions_recorded_by_only_imported BEFORE INSERT ON decisions
WHEN NEW.batch_id IS NULL AND NEW.recorded_by IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'only imported decision history records a name as text; a decision made here names its person'); END;

CREATE TRIGGER decisions_history_on_closed_lines BEFORE INSERT ON decisions
WHEN NEW.batch_id IS NOT NULL
 AND NOT EXISTS (SELECT 1 FROM forecast_lines fl JOIN actuals a ON a.item_key = fl.item_key AND a.location_key = fl.location_key AND a.period = fl.period AND a.superseded_at IS NULL
                  WHERE fl.line_id = NEW.line_id)
 AND NOT EXISTS (SELECT 1 FROM forecast_lines fl JOIN forecast_runs r ON r.run_id = fl.run_id JOIN forecast_runs newer ON newer.model_name = r.model_name AND newer.origin > r.origin
                  WHERE fl.line_id = NEW.line_id)
BEGIN SELECT RAISE(ABORT, 'line is open: decide it in Review'); END;

CREATE TRIGGER decisions_history_before_the_app BEFORE INSERT ON decisions
WHEN NEW.batch_id IS NOT NULL AND EXISTS (SELECT 1 FROM decisions d WHERE d.line_id = NEW.line_id AND d.batch_id IS NULL)
BEGIN SELECT RAISE(ABORT, 'line has decisions made in this workbook; history only records what was decided before the team used the app'); END;

DELETE FROM accuracy_cells;
DELETE FROM accuracy_override_cells;
DELETE FROM accuracy_runs;
DELETE FROM workbook_meta WHERE key = 'accuracy_signature';
`;
