// fwb simulate (issue 16 item 5): the same figures as the API the Policy lab
// screen will call (simulatePolicy, suggestPolicy), read-only, usage errors in
// one sentence with exit 2, and its --help.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import { openWorkbook } from '../../electron/backend/db/open';
import { runCli } from '../../electron/cli/main';
import { ok } from '../helpers/api';
import { fillPlantedWorkbook } from '../helpers/planted-workbook';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

async function fwb(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { status, stdout, stderr };
}

describe('fwb simulate', () => {
  const t = tempDir('fwb-simulate-cli-');
  let path: string;
  let ctx: BackendContext;

  beforeAll(async () => {
    path = join(t.dir, 'planted.sqlite');
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    fillPlantedWorkbook(db, { items: 60 });
    ctx = { db, path, now: FIXED_NOW, emit: () => {}, stagingDir: t.dir };
  });
  afterAll(() => {
    ctx.db.close();
    t.cleanup();
  });

  /** What the plan and the journal hold: a read-only command leaves it as it was. */
  const planDigest = () =>
    ctx.db.prepare("SELECT (SELECT count(*) FROM audit_log) || ':' || (SELECT count(*) FROM decisions) || ':' || (SELECT total(final_quantity * line_id) FROM line_state)").pluck().get();

  it('--json is the API answer for the same levers, and nothing is written', async () => {
    const api = await ok(ctx, 'simulatePolicy', { policy: { rules: [{ segment: { by: 'category', value: 'Snacks' }, levers: { minChangePct: 5, dampUp: 0.5, capPct: 30 } }] }, metric: 'mae', filter: { lag: 2 } });
    const before = planDigest();
    const r = await fwb('simulate', '--db', path, '--json', '--segment', 'category=Snacks', '--min-change', '5', '--damp-up', '0.5', '--cap', '30', '--metric', 'mae', '--lag', '2');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ...JSON.parse(JSON.stringify(api)), filter: { lag: 2 } });
    expect(planDigest()).toBe(before);
  });

  it('--suggest --json is the API answer, holding out the cycles asked for', async () => {
    const api = await ok(ctx, 'suggestPolicy', { by: 'category', holdoutCycles: 4 });
    const r = await fwb('simulate', '--db', path, '--json', '--suggest', '--segment', 'category', '--holdout-cycles', '4');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({ ...JSON.parse(JSON.stringify(api)), filter: {} });
    expect(out.holdout.cycles).toBe(4);
  });

  it('prints the stairstep, the change, the workload and the flips as text; suggest names the held-out cycles and the grid', async () => {
    const r = await fwb('simulate', '--db', path, '--damp-up', '0.5');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Policy simulation, WAPE %/);
    expect(r.stdout).toMatch(/1\. all lines: upward × 0\.5/);
    expect(r.stdout).toMatch(/^Final plan .*$/m);
    expect(r.stdout).toMatch(/^The change: today [\d.]+ → simulated [\d.]+: FVA \+/m);
    expect(r.stdout).toMatch(/^decisions \(lines off the model\)/m);
    expect(r.stdout).toMatch(/Outcomes that flip against the model/);
    const s = await fwb('simulate', '--db', path, '--suggest', '--segment', 'category');
    expect(s.status).toBe(0);
    expect(s.stdout).toMatch(/Held out \(never seen by the fit\): the 3 newest cycles, origins 2026-03-01, 2026-04-01, 2026-05-01/);
    expect(s.stdout).toMatch(/Grid: minimum change 0, 2, 5, 10, 20 %/);
    expect(s.stdout).toMatch(/category = Household .*too few to tell/);
    expect(s.stdout).toMatch(/category = Snacks .*upward × 0(\.\d+)?[ ,]/);
  });

  it.each([
    [['--damp-up', '3'], /--damp-up must be a number from 0 to 2, got "3"/],
    [['--min-change', 'ten'], /--min-change must be a number/],
    [['--suggest', '--damp-up', '0.5'], /--suggest fits the levers itself/],
    [['--holdout-cycles', '2'], /--holdout-cycles goes with --suggest/],
    [['--suggest', '--holdout-cycles', '0'], /--holdout-cycles must be a positive whole number/],
    [['--segment', 'category'], /--segment category needs a value/],
    [['--model-decides', '--damp-up', '0.5'], /--model-decides applies no override/],
    [['--segment', 'colour=red', '--damp-up', '0.5'], /No item has an attribute named “colour”/],
    [['--segment', 'category=Toys', '--damp-up', '0.5'], /No line with a known actual is in category “Toys”/],
    [['--suggest', '--holdout-cycles', '18'], /hold out fewer cycles/],
    [['--metric', 'accuracy'], /unknown --metric "accuracy"/],
    [['--colour'], /Unknown option '--colour'/],
  ])('%s is a usage error (exit 2) in one sentence', async (args, message) => {
    const r = await fwb('simulate', '--db', path, ...(args as string[]));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a workbook that does not exist is refused (exit 3); --help and fwb --help describe the command', async () => {
    const missing = await fwb('simulate', '--db', join(t.dir, 'nope.sqlite'), '--damp-up', '0.5');
    expect(missing.status).toBe(3);
    expect(missing.stderr).toMatch(/no such workbook/);
    const help = await fwb('simulate', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^fwb simulate --db FILE \[--metric M\] \[--segment TYPE=VALUE\]/);
    expect((await fwb('--help')).stdout).toMatch(/^ {2}fwb simulate --db FILE/m);
  });
});
