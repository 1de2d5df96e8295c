// The import staging folder (issue 12.6): not a predictable, shared path, but a
// folder only this user can enter; one made by someone else is refused; and a
// staged file that changed between upload and import is not imported.
import { chmodSync, chownSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/backend/api';
import type { BackendContext } from '../../electron/backend/context';
import { defaultStagingDir, discardStagingDir, stagedPath, stageStream } from '../../electron/backend/imports/staging';
import { smallWorkbook, tempDir } from '../helpers/workbook';
import { signInAs } from '../helpers/people';

const mode = (path: string) => statSync(path).mode & 0o777;
const posix = process.platform !== 'win32';
const asRoot = posix && process.getuid?.() === 0;

describe('the staging folder', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: BackendContext;
  beforeEach(async () => {
    t = tempDir('fwb-staging-');
    ({ ctx } = await smallWorkbook(t.dir));
  });
  afterEach(() => {
    ctx.db.close();
    t.cleanup();
  });

  it.skipIf(!posix)('is a fresh private folder per process, not /tmp/forecast-workbench-staging-<pid>', () => {
    const dir = defaultStagingDir();
    try {
      expect(dir).not.toBe(join(tmpdir(), `forecast-workbench-staging-${process.pid}`));
      expect(mode(dir)).toBe(0o700);
      expect(statSync(dir).uid).toBe(process.getuid!());
      expect(defaultStagingDir()).toBe(dir); // the same folder for the whole process
    } finally {
      discardStagingDir();
    }
  });

  it.skipIf(!posix)('keeps staged files private: 0600 files in 0700 folders', async () => {
    const staged = await stageStream(ctx.stagingDir, 'actuals.csv', Readable.from(['item_id,period,actual\nSKU-1,2026-06-01,5\n']));
    const path = stagedPath(ctx.stagingDir, staged.stagedId);
    expect(mode(ctx.stagingDir)).toBe(0o700);
    expect(mode(join(ctx.stagingDir, staged.stagedId))).toBe(0o700);
    expect(mode(path)).toBe(0o600);
  });

  it.skipIf(!posix)('refuses a staging folder that is a link, and narrows an open one of ours', async () => {
    const elsewhere = join(t.dir, 'elsewhere');
    mkdirSync(elsewhere);
    const link = join(t.dir, 'link');
    symlinkSync(elsewhere, link);
    await expect(stageStream(link, 'x.csv', Readable.from(['a']))).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/staging folder .*link is a link; it was not used/) });
    expect(readdirSync(elsewhere)).toEqual([]);

    const open = join(t.dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    await stageStream(open, 'x.csv', Readable.from(['a']));
    expect(mode(open)).toBe(0o700);
  });

  it.skipIf(!asRoot)('refuses a staging folder made by another user first', async () => {
    const theirs = join(t.dir, 'theirs');
    mkdirSync(theirs, { mode: 0o777 });
    chownSync(theirs, 65534, 65534);
    await expect(stageStream(theirs, 'x.csv', Readable.from(['a']))).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/owned by another user; it was not used/) });
    expect(readdirSync(theirs)).toEqual([]);
  });

  it('does not import a staged file that changed after it was uploaded', async () => {
    // Someone who may load actuals (issue 12.1: the API imports nothing for nobody): the workbook's first manager.
    await signInAs(ctx, { userId: 'mia', displayName: 'Mia Manager', role: 'manager' });
    const staged = await stageStream(ctx.stagingDir, 'actuals.csv', Readable.from(['item_id,period,actual\nSKU-1,2026-07-01,5\n']));
    // Someone swaps the file between upload and import.
    writeFileSync(stagedPath(ctx.stagingDir, staged.stagedId), 'item_id,period,actual\nSKU-1,2026-07-01,5000\n');
    const answer = await dispatch(ctx, 'runImport', { stagedId: staged.stagedId, kind: 'actuals' });
    expect(answer).toMatchObject({ ok: true, value: { batchId: null, refused: { code: 'INPUT_REJECTED', message: expect.stringMatching(/actuals\.csv changed after it was uploaded .*choose the file again/) } } });
    expect(ctx.db.prepare("SELECT count(*) FROM actuals a JOIN items i USING (item_key) WHERE i.item_id = 'SKU-1' AND a.period = 20260701").pluck().get()).toBe(0);
    expect(ctx.db.prepare('SELECT count(*) FROM import_batches').pluck().get()).toBe(1); // the fixture's own

    // The file as uploaded imports.
    const again = await stageStream(ctx.stagingDir, 'actuals.csv', Readable.from(['item_id,period,actual\nSKU-1,2026-07-01,5\n']));
    expect(await dispatch(ctx, 'runImport', { stagedId: again.stagedId, kind: 'actuals' })).toMatchObject({ ok: true, value: { rowsAccepted: 1 } });
  });
});
