// The backend says what is wrong in neutral words and names the option that would
// change it (OptionHint); fwb and the Import screen each word that option their own way.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackendContext } from '../../electron/backend/context';
import type { Db } from '../../electron/backend/db/open';
import { stageCopy } from '../../electron/backend/imports/staging';
import { runCli } from '../../electron/cli/main';
import { cliHint } from '../../electron/cli/hints';
import { screenHint, withScreenHint } from '../../renderer/screens/import/hints';
import type { OptionHint } from '../../shared/domain';
import { ok } from '../helpers/api';
import { tempDir } from '../helpers/workbook';
import { newWorkbook, writeLines } from '../fixtures/import/v_harness';
import { signInAs } from '../helpers/people';

const BACKEND = join(import.meta.dirname, '..', '..', 'electron', 'backend');

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (path.endsWith('.ts')) yield path;
  }
}

describe('hints in messages of the import', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: BackendContext;
  let db: Db;
  beforeEach(async () => {
    t = tempDir('fwb-hints-');
    ({ ctx, db } = await newWorkbook(t.dir));
    // Importing through the API needs someone who may (shared/import-rules.ts): the workbook's first manager.
    await signInAs(ctx, { userId: 'maria', displayName: 'Maria', role: 'manager' });
  });
  afterEach(() => {
    db.close();
    t.cleanup();
  });

  it('no backend message names a command-line flag (comments may)', () => {
    const found: string[] = [];
    for (const file of sources(BACKEND)) {
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
      code.split('\n').forEach((line, i) => {
        const withoutComment = line.replace(/(^|\s)\/\/.*$/, '');
        if (/--[a-z]/.test(withoutComment)) found.push(`${file.slice(BACKEND.length + 1)}:${i + 1}: ${withoutComment.trim()}`);
      });
    }
    expect(found).toEqual([]);
  });

  it('the API answers a refusal in neutral words with the option as a hint; the screen and fwb each word it', async () => {
    const file = writeLines(t.dir, 'plan.csv', ['sku,month,fcst', 'A,2026-07-01,1']);
    const first = await ok(ctx, 'runImport', { stagedId: (await stageCopy(ctx.stagingDir, file)).stagedId, kind: 'forecasts', origin: '2026-06-01', unknownItems: 'create' });
    expect(first.batchId).not.toBeNull();
    const again = await ok(ctx, 'runImport', { stagedId: (await stageCopy(ctx.stagingDir, file)).stagedId, kind: 'forecasts', origin: '2026-06-01' });
    expect(again.refused).toMatchObject({ code: 'INPUT_REJECTED', message: `plan.csv: already imported as batch ${first.batchId} on 2026-10-31`, hint: { option: 'force' } });
    expect(again.refused!.message).not.toMatch(/--/);
    expect(withScreenHint(again.refused!.message, again.refused!.hint)).toBe(`plan.csv: already imported as batch ${first.batchId} on 2026-10-31; tick “Import again even if already imported” to import it anyway`);

    // The same refusal through fwb.
    let stderr = '';
    const status = await runCli(['import', '--db', ctx.path, '--kind', 'forecasts', '--origin', '2026-06-01', file], { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) } });
    expect(status).toBe(3);
    expect(stderr).toBe(`fwb import: plan.csv: already imported as batch ${first.batchId} on 2026-10-31; pass --force to import it again\n`);
  });

  it('a notice with a hint: runs named after the file', async () => {
    const file = writeLines(t.dir, 'plan_2026-06.csv', ['sku,month,fcst', 'A,2026-07-01,1']);
    const r = await ok(ctx, 'runImport', { stagedId: (await stageCopy(ctx.stagingDir, file)).stagedId, kind: 'forecasts', origin: '2026-06-01', unknownItems: 'create' });
    const named = r.warnings.find((w) => w.code === 'model_from_file_name')!;
    expect(named).toEqual({ code: 'model_from_file_name', message: 'no model column and no model given: the runs are named after the file ("plan_2026-06")', hint: { option: 'model' } });
    expect(withScreenHint(named.message, named.hint)).toMatch(/; set Model in the options to name it$/);

    let stdout = '';
    await runCli(['import', '--db', ctx.path, '--kind', 'forecasts', '--origin', '2026-06-01', '--force', '--create-items', file], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: () => true } });
    expect(stdout).toContain('  note: no model column and no model given: the runs are named after the file ("plan_2026-06"); pass --model NAME to name the model\n');
  });

  it('every hint has a wording on both sides, and none of the screen wordings names a flag', () => {
    const hints: OptionHint[] = [{ option: 'origin' }, { option: 'model' }, { option: 'modelAndOrigin' }, { option: 'force' }, { option: 'createItems' }, { option: 'kind', kind: 'actuals' }];
    for (const h of hints) {
      expect(cliHint(h)).toMatch(/--[a-z]/);
      expect(screenHint(h)).not.toMatch(/--/);
    }
    expect(cliHint({ option: 'kind', kind: 'sales_inputs' })).toBe('import it with --kind sales-inputs');
    expect(screenHint({ option: 'kind', kind: 'sales_inputs' })).toBe('import it as Sales inputs (Kind of data)');
  });
});
