// The value report: the measures over the whole workbook and per run (origin
// order: over time) or per planner.
import { periodFromKey } from '../../../shared/period';
import { VALUE_DEFINITIONS, type ValueGrouping, type ValueReport, type ValueRow } from '../../../shared/value';
import type { ReadableDb } from '../db/handles';
import { decisionFacts, lineFacts, runFacts } from './facts';
import { comparableGroups, measuresOf, overrideFacts, timeDecisions } from './measures';

export function valueReport(db: ReadableDb, by: ValueGrouping, now: Date): ValueReport {
  return reportOf(valueFacts(db), by, now);
}

/** Both groupings from one read of the facts (the governance report shows both). */
export function valueReports(db: ReadableDb, now: Date): { byRun: ValueReport; byPlanner: ValueReport } {
  const facts = valueFacts(db);
  return { byRun: reportOf(facts, 'run', now), byPlanner: reportOf(facts, 'planner', now) };
}

type ValueFacts = ReturnType<typeof valueFacts>;

function valueFacts(db: ReadableDb) {
  const lines = lineFacts(db);
  const overrides = overrideFacts(lines);
  return { runs: runFacts(db), lines, decisions: timeDecisions(decisionFacts(db)), overrides, allGroups: comparableGroups(overrides) };
}

function reportOf({ runs, lines, decisions, overrides, allGroups }: ValueFacts, by: ValueGrouping, now: Date): ValueReport {
  const linesTotal = runs.reduce((s, r) => s + r.lines, 0);
  const overall = measuresOf({ runs, lines, topLines: lines, decisions, groups: allGroups, planner: null, allGroups, linesTotal, now });

  const rows: ValueRow[] =
    by === 'run'
      ? runs.map((r) => {
          const mine = lines.filter((l) => l.run_id === r.run_id);
          const origin = periodFromKey(r.origin);
          return {
            key: String(r.run_id),
            label: `run ${r.run_id} (${origin})`,
            runId: r.run_id,
            origin,
            userId: null,
            ...measuresOf({
              runs: [r],
              lines: mine,
              topLines: mine,
              decisions: decisions.filter((d) => d.run_id === r.run_id),
              groups: comparableGroups(overrides.filter((o) => o.line.run_id === r.run_id)),
              planner: null,
              allGroups,
              linesTotal: r.lines,
              now,
            }),
          };
        })
      : [...new Set(decisions.map((d) => d.decided_by))].sort().map((planner) => {
          const theirs = lines.filter((l) => l.decided_by === planner);
          return {
            key: planner,
            label: planner,
            runId: null,
            origin: null,
            userId: planner,
            ...measuresOf({
              runs: null,
              lines: theirs,
              topLines: lines.filter((l) => l.owner_id === planner),
              decisions: decisions.filter((d) => d.decided_by === planner),
              groups: allGroups,
              planner,
              allGroups,
              linesTotal: theirs.length,
              now,
            }),
          };
        });
  return { by, generatedAt: now.toISOString(), definitions: VALUE_DEFINITIONS, overall, rows };
}
