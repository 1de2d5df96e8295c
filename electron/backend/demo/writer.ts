// Writes a planned demo into the workbook in the order it would have happened:
// set-up (users, item master, history, policies), then one monthly cycle after
// another (actuals, model run, sales inputs, the planners' decisions and the
// manager's approvals). Row ids and the audit chain therefore follow the calendar.
import { approvalAuditPayload, decisionAuditAction, decisionAuditPayload, policyAuditPayload, userAuditPayload, type ApprovalRow, type DecisionRow, type PolicyRow, type UserRow } from '../audit/payloads';
import { ensureSealed } from '../audit/seal';
import { createHash } from 'node:crypto';
import { DEMO_PASSPHRASE } from '../../../shared/domain';
import type { Db } from '../db/open';
import { hashPassphraseWithSalt } from '../people/passphrase';
import { needsPassphrase } from '../people/people';
import { bulkAuditAppender, type AuditAppender } from '../audit/bulk-appender';
import { closeOf, DAY_MS, HOUR_MS, businessDaysAfter, iso, period, yearMonth, type DemoCalendar } from './calendar';
import { DEMO_USERS, MANAGER_ID } from './catalogue-data';
import type { DemoItem } from './catalogue';
import type { ItemDemand } from './demand';
import { INTERVAL_LEVEL, MODEL_NAME, type ModelRun } from './forecasts';
import type { PlannedDecision } from './overrides';
import { DEMO_POLICIES } from './policies';
import { Rng } from './random';
import type { SalesInputEntry } from './sales-inputs';
import { prepareStatements, recordBatch, type Statements } from './statements';

export interface DemoPlan {
  seed: number;
  cal: DemoCalendar;
  items: DemoItem[];
  demands: ItemDemand[];
  runs: ModelRun[];
  salesInputs: SalesInputEntry[];
  /** Decisions per run origin (past runs only). */
  decisions: Map<number, PlannedDecision[]>;
}

interface Ctx {
  db: Db;
  plan: DemoPlan;
  st: Statements;
  audit: AuditAppender;
  /** actual_id of the current row per 'itemIndex:month', for restatements. */
  actualIds: Map<string, number>;
}

/** The demo's managers and analysts sign in with the public DEMO_PASSPHRASE; the salt follows the seed, so the same seed writes the same bytes. */
function demoPassphraseHash(seed: number, userId: string): string {
  const salt = createHash('sha256').update(`forecast-workbench demo ${seed} ${userId}`).digest().subarray(0, 16);
  return hashPassphraseWithSalt(DEMO_PASSPHRASE, salt);
}

function writeItems(ctx: Ctx, items: DemoItem[], batchId: number): void {
  for (const it of items) {
    ctx.st.item.run(
      it.id,
      it.name,
      it.category.name,
      it.brand,
      it.family.name,
      it.abc,
      it.ownerId,
      it.category.unit,
      JSON.stringify(it.attributes),
      it.launch === null ? null : period(it.launch),
      batchId,
    );
  }
}

function writeActualMonths(ctx: Ctx, months: number[], at: number, batchId: number): void {
  const recordedAt = iso(at);
  for (const month of months) {
    for (const d of ctx.plan.demands) {
      if (month < d.item.start) continue;
      const restated = d.restatements.find((r) => r.month === month);
      const quantity = restated ? restated.original : d.actual[month - d.base]!;
      const info = ctx.st.actual.run(d.item.id, period(month), quantity, batchId, recordedAt);
      ctx.actualIds.set(`${d.item.index}:${month}`, Number(info.lastInsertRowid));
    }
  }
}

function actualRowsIn(demands: ItemDemand[], months: number[]): number {
  let n = 0;
  for (const month of months) for (const d of demands) if (month >= d.item.start) n++;
  return n;
}

/** A couple of monthly files had rows the import rejected; the demo keeps them in quarantine. */
function quarantineFor(ctx: Ctx, origin: number): { rowNumber: number; column: string; reason: string; raw: string }[] {
  const { cal, seed, items } = ctx.plan;
  const pickCycles = [cal.origins[3], cal.origins[8]];
  if (!pickCycles.includes(origin) || items.length === 0) return [];
  const rng = Rng.for(seed, 'quarantine', origin);
  const some = rng.pick(items);
  const ym = yearMonth(origin);
  const rows = [
    { rowNumber: rng.int(20, 400), column: 'quantity', reason: 'quantity is negative', raw: `${some.id},${ym}-01,-${rng.int(2, 40)}` },
    { rowNumber: rng.int(20, 400), column: 'item_id', reason: 'unknown item SKU-99999', raw: `SKU-99999,${ym}-01,${rng.int(5, 90)}` },
    { rowNumber: rng.int(20, 400), column: 'period', reason: `not the first day of a month: ${ym}-15`, raw: `${some.id},${ym}-15,${rng.int(5, 90)}` },
  ];
  return rows.slice(0, rng.int(1, 3)).sort((a, b) => a.rowNumber - b.rowNumber);
}

function writeCycleActuals(ctx: Ctx, origin: number): void {
  const { demands, seed } = ctx.plan;
  const at = closeOf(origin);
  const restatements = demands.flatMap((d) => d.restatements.filter((r) => r.restatedIn === origin).map((r) => ({ d, r })));
  const quarantined = quarantineFor(ctx, origin);
  const spec = { kind: 'actuals' as const, fileName: `demo:actuals-${yearMonth(origin)}`, at, rows: actualRowsIn(demands, [origin]) + restatements.length, quarantined: quarantined.length, seed };
  recordBatch(ctx.db, ctx.st, ctx.audit, spec, (batchId) => {
    for (const q of quarantined) ctx.st.quarantine.run(batchId, q.rowNumber, q.column, q.reason, q.raw);
    for (const { d, r } of restatements) {
      const key = `${d.item.index}:${r.month}`;
      ctx.st.supersedeActual.run(iso(at), ctx.actualIds.get(key)!);
      const info = ctx.st.actual.run(d.item.id, period(r.month), d.actual[r.month - d.base]!, batchId, iso(at));
      ctx.actualIds.set(key, Number(info.lastInsertRowid));
    }
    writeActualMonths(ctx, [origin], at, batchId);
  });
}

function writeRun(ctx: Ctx, run: ModelRun): void {
  const at = closeOf(run.origin, 17, 30);
  const spec = { kind: 'forecasts' as const, fileName: `demo:forecasts-${yearMonth(run.origin)}`, at, rows: run.lines.length, modelName: MODEL_NAME, modelVersion: run.modelVersion, seed: ctx.plan.seed };
  recordBatch(ctx.db, ctx.st, ctx.audit, spec, (batchId) => {
    const info = ctx.st.run.run(MODEL_NAME, run.modelVersion, period(run.origin), INTERVAL_LEVEL, batchId, iso(at));
    run.runId = Number(info.lastInsertRowid);
    for (const line of run.lines) {
      const r = ctx.st.line.run(run.runId, line.demand.item.id, period(line.period), line.lag, line.quantity, line.lower, line.upper);
      line.lineId = Number(r.lastInsertRowid);
    }
  });
}

function writeSalesInputs(ctx: Ctx, origin: number, entries: SalesInputEntry[]): void {
  if (entries.length === 0) return;
  const at = closeOf(origin, 17, 45);
  recordBatch(ctx.db, ctx.st, ctx.audit, { kind: 'sales_inputs', fileName: `demo:sales-inputs-${yearMonth(origin)}`, at, rows: entries.length, seed: ctx.plan.seed }, (batchId) => {
    for (const e of entries) {
      if (e.replaces) ctx.st.supersedeSalesInput.run(iso(at), e.replaces.salesInputId);
      const info = ctx.st.salesInput.run(e.demand.item.id, period(e.period), e.quantity, e.source, e.note, batchId, iso(at));
      e.salesInputId = Number(info.lastInsertRowid);
    }
  });
}

function writeDecisions(ctx: Ctx, decisions: PlannedDecision[]): void {
  type Event = { at: number; order: number; decision: PlannedDecision; approval: boolean };
  const events: Event[] = [];
  decisions.forEach((decision, order) => {
    events.push({ at: decision.decidedAt, order, decision, approval: false });
    if (decision.approval) events.push({ at: decision.approval.decidedAt, order, decision, approval: true });
  });
  events.sort((a, b) => a.at - b.at || Number(a.approval) - Number(b.approval) || a.order - b.order);
  for (const { decision: d, approval } of events) {
    if (!approval) {
      const fields = { line_id: d.line.lineId, action: d.action, quantity: d.quantity, source: d.source, reason_code: d.reasonCode, comment: d.comment, decided_by: d.decidedBy, decided_at: iso(d.decidedAt), status: d.status, undoes_decision_id: null, batch_id: null };
      const info = ctx.st.decision.run(fields.line_id, fields.action, fields.quantity, fields.source, fields.reason_code, fields.comment, fields.decided_by, fields.decided_at, fields.status);
      d.decisionId = Number(info.lastInsertRowid);
      const row: DecisionRow = { decision_id: d.decisionId, ...fields };
      ctx.audit({ at: row.decided_at, actor: row.decided_by, action: decisionAuditAction(row.action), entity: 'decision', entityId: String(row.decision_id), payload: decisionAuditPayload(row) });
      continue;
    }
    const a = d.approval!;
    const fields = { decision_id: d.decisionId, verdict: a.verdict, note: a.note, decided_by: a.decidedBy, decided_at: iso(a.decidedAt) };
    const info = ctx.st.approval.run(fields.decision_id, fields.verdict, fields.note, fields.decided_by, fields.decided_at);
    a.approvalId = Number(info.lastInsertRowid);
    const row: ApprovalRow = { approval_id: a.approvalId, ...fields };
    ctx.audit({ at: row.decided_at, actor: row.decided_by, action: 'approval', entity: 'approval', entityId: String(row.approval_id), payload: approvalAuditPayload(row) });
  }
}

function writePolicies(ctx: Ctx, at: number): void {
  DEMO_POLICIES.forEach((p, i) => {
    const when = iso(at + i * 7 * 60_000);
    ctx.st.policy.run(p.segmentType, p.segmentValue, p.modelRole, p.approvalPct, p.approvalUnits, p.freezeLags, p.commentPct, p.driftThresholdPts, MANAGER_ID, when);
    const row = ctx.st.policyRow.get(p.segmentType, p.segmentValue) as PolicyRow;
    ctx.audit({ at: when, actor: MANAGER_ID, action: 'policy.change', entity: 'policy', entityId: String(row.policy_id), payload: policyAuditPayload(row) });
  });
}

export function writeDemo(db: Db, plan: DemoPlan, progress: (done: number, total: number) => void): void {
  const ctx: Ctx = { db, plan, st: prepareStatements(db), audit: bulkAuditAppender(db), actualIds: new Map() };
  const { cal, items, demands, seed } = plan;
  const firstCycle = cal.origins[0]!;
  const setup = Math.floor((closeOf(firstCycle) - 16 * DAY_MS) / DAY_MS) * DAY_MS + 8 * HOUR_MS;

  // The seal first (audit/seal.ts), then the team, each user with the record `fwb check` holds them to.
  ensureSealed(db, iso(setup));
  for (const u of DEMO_USERS) {
    ctx.st.user.run(u.id, u.name, u.role, iso(setup));
    if (needsPassphrase(u.role)) ctx.st.passphrase.run(u.id, demoPassphraseHash(seed, u.id), iso(setup));
    const row: UserRow = { user_id: u.id, display_name: u.name, role: u.role, created_at: iso(setup) };
    ctx.audit({ at: row.created_at, actor: row.user_id, action: 'user.create', entity: 'user', entityId: row.user_id, payload: userAuditPayload(row) });
  }
  const established = items.filter((it) => it.launch === null);
  recordBatch(db, ctx.st, ctx.audit, { kind: 'items', fileName: 'demo:items', at: setup + HOUR_MS, rows: established.length, seed }, (batchId) => writeItems(ctx, established, batchId));

  // Launches are set up in the item master a few weeks ahead of the first one
  // (at set-up already when the history reaches back past it).
  const launched = items.filter((it) => it.launch !== null);
  const firstLaunch = Math.min(...launched.map((it) => it.launch!));
  let newItemsAt: number | null =
    launched.length === 0
      ? null
      : firstLaunch <= firstCycle
        ? setup + 1.25 * HOUR_MS
        : Math.max(businessDaysAfter(setup, 3) + 9 * HOUR_MS, closeOf(firstLaunch - 2) + 12 * DAY_MS - 7 * HOUR_MS);
  const writeNewItems = (): void => {
    recordBatch(db, ctx.st, ctx.audit, { kind: 'items', fileName: 'demo:items-new', at: newItemsAt!, rows: launched.length, seed }, (batchId) => writeItems(ctx, launched, batchId));
    newItemsAt = null;
  };
  if (newItemsAt !== null && newItemsAt < setup + 1.5 * HOUR_MS) writeNewItems();

  const historyMonths: number[] = [];
  for (let m = cal.historyStart; m < firstCycle; m++) historyMonths.push(m);
  const historyAt = setup + 1.5 * HOUR_MS;
  recordBatch(db, ctx.st, ctx.audit, { kind: 'actuals', fileName: 'demo:actuals-history', at: historyAt, rows: actualRowsIn(demands, historyMonths), seed }, (batchId) =>
    writeActualMonths(ctx, historyMonths, historyAt, batchId),
  );
  writePolicies(ctx, businessDaysAfter(setup, 2) + 10 * HOUR_MS);
  const salesByCycle = new Map<number, SalesInputEntry[]>();
  for (const e of plan.salesInputs) {
    const list = salesByCycle.get(e.cycle);
    if (list) list.push(e);
    else salesByCycle.set(e.cycle, [e]);
  }

  cal.origins.forEach((origin, i) => {
    if (newItemsAt !== null && newItemsAt < closeOf(origin)) writeNewItems();
    writeCycleActuals(ctx, origin);
    writeRun(ctx, plan.runs[i]!);
    writeSalesInputs(ctx, origin, salesByCycle.get(origin) ?? []);
    writeDecisions(ctx, plan.decisions.get(origin) ?? []);
    progress(i + 1, cal.origins.length);
  });
  if (newItemsAt !== null) writeNewItems();
}
