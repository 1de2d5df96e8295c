// fwb value (issue 16 items 4 and 5): the API's figures, usage errors in one sentence with exit 2.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import { runCli } from '../../electron/cli/main';
import { ok } from '../helpers/api';
import { tempDir } from '../helpers/workbook';
import { valueWorkbook } from '../helpers/value-workbook';

async function fwb(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { status, stdout, stderr };
}

describe('fwb value', () => {
  const t = tempDir('fwb-value-cli-');
  let ctx: BackendContext;
  let path: string;
  beforeAll(async () => {
    ({ ctx, path } = await valueWorkbook(t.dir));
  });
  afterAll(() => t.cleanup());

  it('--json is the API answer, per run and per planner', async () => {
    const apiRun = await ok(ctx, 'getValueMeasures', { by: 'run' });
    const apiPlanner = await ok(ctx, 'getValueMeasures', { by: 'planner' });
    ctx.db.close();
    const r = await fwb('value', '--db', path, '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // Every figure but the moment it was made: the CLI's clock is the real one.
    const { generatedAt: _a, rows: rowsCli, ...cli } = JSON.parse(r.stdout);
    const { generatedAt: _b, rows: rowsApi, ...api } = JSON.parse(JSON.stringify(apiRun));
    const withoutOpenCycle = (rows: { cycle: { open: boolean } | null }[]) => rows.map((x) => (x.cycle?.open ? { ...x, cycle: null } : x));
    expect({ ...cli, overall: { ...cli.overall, cycle: null } }).toEqual({ ...api, overall: { ...api.overall, cycle: null } });
    expect(withoutOpenCycle(rowsCli)).toEqual(withoutOpenCycle(rowsApi));
    const p = await fwb('value', '--db', path, '--by', 'planner', '--json');
    expect(p.status).toBe(0);
    const { generatedAt: _c, ...planner } = JSON.parse(p.stdout);
    const { generatedAt: _d, ...plannerApi } = JSON.parse(JSON.stringify(apiPlanner));
    expect(planner).toEqual(plannerApi);
  });

  it('prints a table per planner with the definitions', async () => {
    const r = await fwb('value', '--db', path, '--by', 'planner');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Value of planning, per planner/);
    expect(r.stdout).toMatch(/^ana\s/m);
    expect(r.stdout).toMatch(/^ben\s/m);
    expect(r.stdout).toMatch(/Definitions:/);
  });

  it.each([
    [['--by', 'item'], /--by must be planner or run, got "item"/],
    [['--colour'], /Unknown option '--colour'/],
  ])('%s is a usage error (exit 2) in one sentence', async (args, message) => {
    const r = await fwb('value', '--db', path, ...(args as string[]));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('no --db is a usage error; a missing workbook is refused (exit 3); --help describes it', async () => {
    expect((await fwb('value')).status).toBe(2);
    const missing = await fwb('value', '--db', join(t.dir, 'nope.sqlite'));
    expect(missing.status).toBe(3);
    expect(missing.stderr).toMatch(/no such workbook/);
    expect((await fwb('value', '--help')).stdout).toMatch(/^fwb value --db FILE \[--by planner\|run\] \[--json\]/);
    expect((await fwb('--help')).stdout).toMatch(/^ {2}fwb value --db FILE/m);
  });
});
