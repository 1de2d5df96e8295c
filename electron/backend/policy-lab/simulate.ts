// Replays the team's history under a candidate policy (issue 16 item 1): every
// past final plan recomputed line by line, and its figures next to today's.
// Today's stairstep is the engine's own (the cube); the simulated one is the
// same with its final step replayed from the line facts.
import type { AccuracyFilter, Metric, Stairstep } from '../../../shared/accuracy';
import type { CandidatePolicy, PolicySimulation } from '../../../shared/policy-lab';
import { CI_METHOD, bootstrapWeights } from '../accuracy/bootstrap';
import { fvaStairstep } from '../accuracy/stairstep';
import type { ReadableDb } from '../db/handles';
import { DerivedMemo } from '../derived/registry';
import { changeByOverride, changeSlices, directionSizeOf, finalStepOf, flippedLines, workloadOf } from './figures';
import { dimensionsOf, replayPolicy } from './levers';
import { readLineFacts } from './line-facts';

export interface SimulationRequest {
  policy: CandidatePolicy;
  metric: Metric;
  filter: AccuracyFilter;
  seed?: number | undefined;
}

/** Today's stairstep does not move with the levers: kept until anything is written, as the line facts are. */
const todaysStairstep = new DerivedMemo<Stairstep>('policy lab stairstep of today', 4);

export function simulatePolicy(db: ReadableDb, req: SimulationRequest): PolicySimulation {
  const { policy, metric, filter } = req;
  const weights = bootstrapWeights(req.seed);
  const facts = readLineFacts(db, filter, metric, dimensionsOf(policy.rules));
  const replay = replayPolicy(facts, policy);
  const baseline = todaysStairstep.get(db, JSON.stringify([filter, metric, req.seed ?? null]), () => fvaStairstep(db, filter, metric, req.seed));
  const simulatedFinal = finalStepOf(facts, replay.plan, metric, weights);
  const simulated: Stairstep = { ...baseline, steps: baseline.steps.map((s) => (s.source === 'final' ? simulatedFinal : s)) };
  const slices = changeSlices(facts, replay, policy, metric, weights);
  const workload = workloadOf(facts, replay, policy);
  const { improved, worsened } = slices.change;
  let withoutBenchmarks = 0;
  for (let i = 0; i < facts.count; i++) if (facts.hasBench[i] !== 1) withoutBenchmarks++;
  return {
    metric,
    policy,
    lines: facts.count,
    stairstep: { baseline, simulated },
    change: slices.change,
    // One count of "lines changed" for the headline and the workload: the lines whose plan moved.
    changedLines: { changed: workload.simulated.linesTouched, improved, worsened, neither: workload.simulated.linesTouched - improved - worsened },
    withoutBenchmarks,
    directionSize: { baseline: directionSizeOf(facts, facts.final, metric, weights), simulated: directionSizeOf(facts, replay.plan, metric, weights) },
    changeByDirectionSize: slices.byDirectionSize,
    changeByRule: slices.byRule,
    changeByPlanner: changeByOverride(db, facts, replay, 'planner', metric, weights),
    changeByReason: changeByOverride(db, facts, replay, 'reason', metric, weights),
    workload,
    flips: flippedLines(db, facts, replay),
    ciMethod: CI_METHOD,
  };
}
