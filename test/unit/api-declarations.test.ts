// The table in api.ts declares, per method, what it does besides answering, and
// dispatch carries that out once: reads get the workbook read-only (in the types,
// and in what they do: a read leaves the file as it was), derived data is brought
// current before a read, and each write announces its change exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch, handlers } from '../../electron/backend/api';
import { ensureAccuracyCube } from '../../electron/backend/accuracy/cube';
import type { BackendContext, ReadContext, WriteContext } from '../../electron/backend/context';
import type { ReadMethod } from '../../electron/backend/declarations';
import type { ReadableDb, WritableDb } from '../../electron/backend/db/handles';
import { openWorkbook } from '../../electron/backend/db/open';
import { derivedData } from '../../electron/backend/derived/registry';
import { generateDemo } from '../../electron/backend/demo/generate';
import type { BackendEvent, PolicySummary } from '../../shared/domain';
import { DEMO_PASSPHRASE } from '../../shared/domain';
import { METHOD_NAMES } from '../../shared/methods';
import { ok } from '../helpers/api';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

const WRITES = [
  'runImport', 'undoImportBatch', 'signIn', 'signOut', 'changePassphrase', 'decideLine', 'bulkAccept', 'undoLastDecision', 'reviewOverride',
  'savePolicy', 'restorePolicyRole', 'saveReasonCode', 'releaseRun', 'rollbackRun', 'runDriftGuard', 'adoptPolicy',
];
const JOBS = { runImport: 'import', undoImportBatch: 'import-undo', runExport: 'export' };

describe('the method table', () => {
  it('declares every method of the contract, and only those, as a read or a write', () => {
    expect(Object.keys(handlers).sort()).toEqual([...METHOD_NAMES].sort());
    const writes = METHOD_NAMES.filter((m) => handlers[m].kind === 'write');
    expect(writes.sort()).toEqual([...WRITES].sort());
    for (const m of METHOD_NAMES) expect(['read', 'write']).toContain(handlers[m].kind);
  });

  it('says which methods are jobs', () => {
    const jobs = Object.fromEntries(METHOD_NAMES.filter((m) => handlers[m].job).map((m) => [m, handlers[m].job!.kind]));
    expect(jobs).toEqual(JOBS);
  });

  it('says what each write announces: every plan change, import, policy and reason code', () => {
    const announced = Object.fromEntries(METHOD_NAMES.flatMap((m) => { const h = handlers[m]; return h.kind === 'write' ? [[m, Object.keys(h.announces)]] : []; }));
    for (const m of ['decideLine', 'bulkAccept', 'undoLastDecision', 'reviewOverride', 'releaseRun', 'rollbackRun', 'savePolicy', 'restorePolicyRole', 'adoptPolicy']) expect(announced[m]).toEqual(['plan-changed']);
    for (const m of ['runImport', 'undoImportBatch', 'saveReasonCode', 'runDriftGuard']) expect(announced[m]).toEqual(['workbook-changed']);
  });

  it('keeps one list of the derived data, each piece with the sources it is built from', async () => {
    // Each piece registers itself as its module loads; the table loads a handler's module on its first call (api.ts).
    await import('../../electron/backend/review/worklist');
    const names = derivedData().map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(['accuracy cube', 'exception scores', 'worklist line counts', 'worklist item layouts', 'worklist line orders']));
    expect(new Set(names).size).toBe(names.length);
    for (const d of derivedData()) expect(d.sources.length).toBeGreaterThan(0);
  });

  it('hands a read the workbook to read only, in the types', () => {
    const read = (ctx: ReadContext) => {
      // @ts-expect-error a read cannot build the accuracy cube behind its caller's back
      ensureAccuracyCube(ctx.db);
      // @ts-expect-error nor run a statement that writes
      ctx.db.prepare('DELETE FROM accuracy_cells').run();
      // @ts-expect-error nor exec SQL
      ctx.db.exec('DELETE FROM accuracy_cells');
      // @ts-expect-error nor open a transaction
      ctx.db.transaction(() => 0);
      return ctx.db.prepare('SELECT 1').pluck().get();
    };
    // @ts-expect-error a read handler that wants the writable workbook does not fit a read's declaration
    const wantsWritable: ReadMethod<'listRuns'> = { kind: 'read', run: (ctx: WriteContext) => (ctx.db.exec(''), { runs: [] }) };
    // A writer may hand its workbook to readers.
    const writable = null as unknown as WritableDb;
    const readable: ReadableDb = writable;
    expect([typeof read, typeof wantsWritable, readable]).toEqual(['function', 'object', null]);
  });
});

describe('dispatch carries the declarations out', () => {
  const t = tempDir('fwb-decl-');
  let ctx: BackendContext;
  const events: BackendEvent[] = [];
  beforeAll(async () => {
    const path = `${t.dir}/demo.sqlite`;
    const { db } = await openWorkbook(path, { now: FIXED_NOW });
    generateDemo(db, { items: 40, seed: 5 });
    ctx = { db, path, now: FIXED_NOW, emit: (e) => events.push(e), stagingDir: t.dir };
    await ok(ctx, 'signIn', { userId: 'maria.lopez', passphrase: DEMO_PASSPHRASE });
  }, 60_000);
  afterAll(() => {
    ctx.db.close();
    t.cleanup();
  });

  const announcedBy = async (call: () => Promise<unknown>) => {
    events.length = 0;
    await call();
    return [...events];
  };

  it('announces a saved policy, a restored role and a saved reason code once each, so every window refreshes', async () => {
    const { policies } = await ok(ctx, 'listPolicies', {});
    const all = policies.find((p: PolicySummary) => p.segmentType === 'all')!;
    const request = {
      segmentType: all.segmentType, segmentValue: all.segmentValue, modelRole: all.modelRole, approvalPct: all.approvalPct,
      approvalUnits: all.approvalUnits, freezeLags: all.freezeLags + 1, commentPct: all.commentPct, driftThresholdPts: all.driftThresholdPts,
    };
    expect(await announcedBy(() => ok(ctx, 'savePolicy', request))).toEqual([{ type: 'plan-changed', reason: 'policy', runId: null }]);
    // The demo's drift guard has stepped a segment down.
    const stepped = policies.find((p: PolicySummary) => p.steppedDownAt !== null)!;
    expect(await announcedBy(() => ok(ctx, 'restorePolicyRole', { policyId: stepped.policyId }))).toEqual([{ type: 'plan-changed', reason: 'policy', runId: null }]);
    expect(await announcedBy(() => ok(ctx, 'saveReasonCode', { code: 'weather', label: 'Weather', commentRequired: false, active: true }))).toEqual([
      { type: 'workbook-changed', reason: 'reason-code' },
    ]);
  });

  it('announces nothing when the write is refused', async () => {
    const refused = await announcedBy(() => dispatch(ctx, 'restorePolicyRole', { policyId: 999_999 }));
    expect(refused).toEqual([]);
  });

  it('announces a decision once, naming its run', async () => {
    const { currentRunId: runId } = await ok(ctx, 'getWorkbookInfo', {});
    const line = (await ok(ctx, 'getRunLines', { runId: runId!, limit: 500 })).rows.find((r) => r.lock === null && r.status === 'undecided')!;
    expect(await announcedBy(() => ok(ctx, 'decideLine', { lineId: line.lineId, action: 'accept' }))).toEqual([{ type: 'plan-changed', reason: 'decision', runId }]);
  });

  it('brings the accuracy cube current before a read, while the read itself writes nothing', async () => {
    // Stale: the cube's stamp is gone, as after a migration that changed what it holds.
    ctx.db.prepare("DELETE FROM workbook_meta WHERE key = 'accuracy_signature'").run();
    const changes = () => ctx.db.prepare('SELECT total_changes()').pluck().get() as number;
    const before = changes();
    const { emit: _emit, ...readCtx } = ctx;
    await (handlers.getAccuracyOptions as ReadMethod<'getAccuracyOptions'>).run(readCtx, {} as never);
    expect(changes()).toBe(before);
    expect(ctx.db.prepare("SELECT count(*) FROM workbook_meta WHERE key = 'accuracy_signature'").pluck().get()).toBe(0);
    // Through dispatch, the declared derived data is built first.
    await ok(ctx, 'getAccuracyOptions', {});
    expect(ctx.db.prepare("SELECT count(*) FROM workbook_meta WHERE key = 'accuracy_signature'").pluck().get()).toBe(1);
    expect(changes()).toBeGreaterThan(before);
  });
});
