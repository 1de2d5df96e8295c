// "Adopt as policy from the next run" (issue 16): a manager turns the lab's
// candidate policy into a new version of the override policy. The figures stored
// beside it are the backend's own simulation at that moment (never the page's
// word), and the adoption is audited. The rules apply to runs imported after the
// newest run of the moment of adoption.
import type { ParsedRequestOf } from '../../../shared/contract';
import type { AdoptedPolicy, CandidatePolicy, PolicySimulation } from '../../../shared/policy-lab';
import { appendAudit } from '../audit/chain';
import type { ReadContext, WriteContext } from '../context';
import type { Db } from '../db/open';
import { WorkbenchError } from '../errors';
import { requireManager } from '../people/session';
import { simulatePolicy } from './simulate';

interface AdoptionRow {
  version: number;
  rules: string;
  metric: string;
  figures: string;
  after_run_id: number | null;
  note: string | null;
  adopted_by: string;
  adopted_at: string;
}

/** The figures kept beside an adopted version: what the lab showed for it. */
function storedFigures(sim: PolicySimulation): AdoptedPolicy['figures'] {
  const final = (steps: PolicySimulation['stairstep']['baseline']['steps']) => steps.find((s) => s.source === 'final')?.value ?? null;
  return {
    lines: sim.lines,
    change: sim.change,
    finalToday: final(sim.stairstep.baseline.steps),
    finalSimulated: final(sim.stairstep.simulated.steps),
    workload: sim.workload,
    flips: { toWorse: sim.flips.toWorse, toBetter: sim.flips.toBetter },
    ciMethod: sim.ciMethod,
  };
}

const adoptedOf = (row: AdoptionRow): AdoptedPolicy => ({
  version: row.version,
  policy: JSON.parse(row.rules) as CandidatePolicy,
  metric: row.metric as AdoptedPolicy['metric'],
  figures: JSON.parse(row.figures) as AdoptedPolicy['figures'],
  afterRunId: row.after_run_id,
  note: row.note,
  adoptedBy: row.adopted_by,
  adoptedAt: row.adopted_at,
});

/** The adopted version in force (the newest), or null when none was adopted. */
export function policyInForce(db: Db): AdoptedPolicy | null {
  const row = db.prepare('SELECT * FROM policy_adoptions ORDER BY version DESC LIMIT 1').get() as AdoptionRow | undefined;
  return row ? adoptedOf(row) : null;
}

export function listPolicyAdoptions({ db }: ReadContext): { adoptions: AdoptedPolicy[] } {
  return { adoptions: (db.prepare('SELECT * FROM policy_adoptions ORDER BY version DESC').all() as AdoptionRow[]).map(adoptedOf) };
}

export function adoptPolicy(ctx: WriteContext, req: ParsedRequestOf<'adoptPolicy'>): AdoptedPolicy {
  const { db } = ctx;
  const user = requireManager(db, 'adopt a policy');
  // The team's database enforces only what it holds (TEAM.md); an adoption kept in one replica
  // would bind that replica's planner alone while the screen said "adopted".
  if (db.prepare('SELECT 1 FROM team_link WHERE singleton = 1').get())
    throw new WorkbenchError('INPUT_REJECTED', 'This workbook is a replica of a team workbook, and the team does not share lab policies yet: adopted here, the policy would apply only to overrides made on this computer, so it is not adopted. Simulate and suggest work as before.');
  const at = ctx.now().toISOString();
  // Simulated before the write transaction: a read of the same workbook, and a rule naming nothing is refused here.
  const sim = simulatePolicy(db, { policy: req.policy, metric: req.metric, filter: {}, seed: undefined });
  return db
    .transaction(() => {
      const afterRun = (db.prepare('SELECT MAX(run_id) AS id FROM forecast_runs').get() as { id: number | null }).id;
      const { version } = db
        .prepare('INSERT INTO policy_adoptions (rules, metric, figures, after_run_id, note, adopted_by, adopted_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING version')
        .get(JSON.stringify(req.policy), req.metric, JSON.stringify(storedFigures(sim)), afterRun, req.note ?? null, user.userId, at) as { version: number };
      const row = db.prepare('SELECT * FROM policy_adoptions WHERE version = ?').get(version) as AdoptionRow;
      const adopted = adoptedOf(row);
      appendAudit(db, { at, actor: user.userId, action: 'policy.adopt', entity: 'policy_adoption', entityId: String(version), payload: { policy: adopted.policy, metric: adopted.metric, figures: adopted.figures, afterRunId: afterRun, note: adopted.note } });
      return adopted;
    })
    .immediate();
}
