// "Adopt as policy from the next run" (issue 16): a manager's adoption makes a new
// policy version with the backend's own simulation beside it, audited; a planner
// is refused by the backend itself, and nothing is written for them.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook } from '../../electron/backend/db/open';
import type { CandidatePolicy } from '../../shared/policy-lab';
import { ok, refused } from '../helpers/api';
import { signInAs } from '../helpers/people';
import { fillPlantedWorkbook } from '../helpers/planted-workbook';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

const DAMP_UP: CandidatePolicy = { rules: [{ segment: { by: 'category', value: 'Snacks' }, levers: { dampUp: 0.5, minChangePct: 5 } }] };

describe('adopting a policy from the lab', () => {
  const t = tempDir('fwb-policy-adopt-');
  let ctx: BackendContext;

  beforeAll(async () => {
    const path = join(t.dir, 'planted.sqlite');
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    fillPlantedWorkbook(db, { items: 60 });
    ctx = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
  });
  afterAll(() => {
    ctx.db.close();
    t.cleanup();
  });

  const audits = () => ctx.db.prepare("SELECT actor, entity_id, payload FROM audit_log WHERE action = 'policy.adopt' ORDER BY audit_id").all() as { actor: string; entity_id: string; payload: string }[];

  it('refuses a planner in the backend, writing nothing', async () => {
    await signInAs(ctx, { userId: 'ana', role: 'planner' });
    const error = await refused(ctx, 'adoptPolicy', { policy: DAMP_UP });
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toBe('Only a manager may adopt a policy; Ana is signed in as planner.');
    await expect(ok(ctx, 'listPolicyAdoptions', {})).resolves.toEqual({ adoptions: [] });
    expect(audits()).toEqual([]);
  });

  it('a manager’s adoption is a new version with the simulation’s figures beside it, audited, for runs after the newest', async () => {
    await signInAs(ctx, { userId: 'maria', displayName: 'Maria', role: 'manager' });
    const sim = await ok(ctx, 'simulatePolicy', { policy: DAMP_UP, metric: 'wape' });
    const first = await ok(ctx, 'adoptPolicy', { policy: DAMP_UP, note: 'upward tweaks in Snacks count half' });
    const newestRun = (ctx.db.prepare('SELECT MAX(run_id) AS id FROM forecast_runs').get() as { id: number }).id;
    expect(first).toMatchObject({ version: 1, policy: DAMP_UP, metric: 'wape', afterRunId: newestRun, adoptedBy: 'maria', adoptedAt: FIXED_NOW().toISOString(), note: 'upward tweaks in Snacks count half' });
    expect(first.figures.change).toEqual(sim.change);
    expect(first.figures.workload).toEqual(sim.workload);
    expect(first.figures.finalSimulated).toBe(sim.stairstep.simulated.steps.find((s) => s.source === 'final')!.value);
    expect(first.figures.change.fva).toBeGreaterThan(0);

    const second = await ok(ctx, 'adoptPolicy', { policy: { rules: [] } });
    expect(second.version).toBe(2);
    const { adoptions } = await ok(ctx, 'listPolicyAdoptions', {});
    expect(adoptions.map((a) => a.version)).toEqual([2, 1]);
    const entries = audits();
    expect(entries.map((e) => [e.actor, e.entity_id])).toEqual([['maria', '1'], ['maria', '2']]);
    expect(JSON.parse(entries[0]!.payload)).toMatchObject({ policy: DAMP_UP, figures: { change: { fva: sim.change.fva } } });
  });

  it('refuses in a team workbook, where an adoption would hold on this replica only, writing nothing', async () => {
    ctx.db.prepare("INSERT INTO team_link (singleton, url, team_id, login, role, linked_how, linked_at) VALUES (1, 'postgres://maria@db.example/plan', 'plan@1', 'maria', 'manager', 'pulled', '2026-12-01T00:00:00Z')").run();
    try {
      const error = await refused(ctx, 'adoptPolicy', { policy: DAMP_UP });
      expect(error.code).toBe('INPUT_REJECTED');
      expect(error.message).toBe('This workbook is a replica of a team workbook, and the team does not share lab policies yet: adopted here, the policy would apply only to overrides made on this computer, so it is not adopted. Simulate and suggest work as before.');
      expect((await ok(ctx, 'listPolicyAdoptions', {})).adoptions).toHaveLength(2);
      expect(audits()).toHaveLength(2);
    } finally {
      ctx.db.prepare('DELETE FROM team_link').run();
    }
  });

  it('refuses a rule naming a category no item has, writing nothing', async () => {
    const error = await refused(ctx, 'adoptPolicy', { policy: { rules: [{ segment: { by: 'category', value: 'Nonesuch' }, levers: { dampUp: 0 } }] } });
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toContain('Nonesuch');
    expect((await ok(ctx, 'listPolicyAdoptions', {})).adoptions).toHaveLength(2);
  });
});
