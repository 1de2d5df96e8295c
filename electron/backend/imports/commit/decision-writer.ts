// Decision history: each row is attached to a forecast line — of the run its
// model/origin name, or of the only run covering that line — and becomes an
// 'accept' (final = model quantity) or an 'override' (needs a reason code) in
// the journal, with its audit entry, in the order the decisions were made, and
// line_state brought up to date.
// History is what was decided before the team used the app (issue 12.1): a row
// lands only on a closed line (its actual known) or a run older than its model's
// newest, never on a line decided in this workbook, never dated after the import;
// any other row is quarantined with the reason. It is credited to no person of the
// workbook: the decider the file names stays text (recorded_by), and the audit
// entry's actor is whoever imported the file. Migration 6's triggers hold the same rules.
import type { OptionHint } from '../../../../shared/domain';
import { segmentLabel } from '../../../../shared/decision-rules';
import { decisionAuditAction, decisionAuditPayload, type DecisionRow } from '../../audit/payloads';
import type { Db } from '../../db/open';
import { governingPolicy } from '../../decisions/policy';
import { enforceOverride, governingAdoption } from '../../decisions/adopted-policy';
import { WorkbenchError } from '../../errors';
import { refreshLineState } from '../../decisions/projection';
import type { AuditAppender } from '../../audit/bulk-appender';
import type { DecisionRecord } from '../validated-batch';
import type { KeyResolver } from './key-resolver';
import { keyToIso } from '../period-keys';
import { normaliseHeader } from '../read/mapping';
import type { QuarantineEntry } from '../types';

interface ReasonCode {
  code: string;
  label: string;
  comment_required: number;
}

interface FoundLine {
  runId: number;
  lineId: number;
  quantity: number;
  lag: number;
  itemKey: number;
  modelName: string;
  /** The line's actual is known. */
  closed: number;
  /** A run of the same model at a later origin exists. */
  superseded: number;
}

interface DecidedHere {
  action: string;
  status: string;
  verdict: string | null;
  name: string | null;
}

const ACTION_WORDS: Record<string, string> = { accept: 'an accept', override: 'an override', undo: 'an undo', auto_final: "the model's automatic final" };

export class DecisionWriter {
  accepted = 0;
  readonly quarantine: QuarantineEntry[] = [];
  private readonly reasons = new Map<string, ReasonCode>();
  private readonly reasonList: string;
  private readonly runsCache = new Map<string, number[]>();
  private readonly touched = new Set<number>();
  private readonly st;

  constructor(
    private readonly db: Db,
    private readonly keys: KeyResolver,
    private readonly audit: AuditAppender,
    private readonly batchId: number,
    private readonly at: string,
    /** Who imported the file (the audit entries' actor); null for an import without a person. */
    private readonly importer: string | null,
  ) {
    const codes = db.prepare('SELECT code, label, comment_required FROM reason_codes WHERE active = 1').all() as ReasonCode[];
    for (const r of codes) {
      this.reasons.set(normaliseHeader(r.code), r);
      this.reasons.set(normaliseHeader(r.label), r);
    }
    this.reasonList = codes.map((r) => r.code).join(', ');
    this.st = {
      line: db.prepare(
        `SELECT fl.line_id AS lineId, fl.quantity, fl.lag, fl.item_key AS itemKey, r.model_name AS modelName,
                EXISTS (SELECT 1 FROM actuals a WHERE a.item_key = fl.item_key AND a.location_key = fl.location_key AND a.period = fl.period AND a.superseded_at IS NULL) AS closed,
                EXISTS (SELECT 1 FROM forecast_runs newer WHERE newer.model_name = r.model_name AND newer.origin > r.origin) AS superseded
           FROM forecast_lines fl JOIN forecast_runs r ON r.run_id = fl.run_id
          WHERE fl.run_id = ? AND fl.item_key = ? AND fl.location_key = ? AND fl.period = ?`,
      ),
      decidedHere: db.prepare(
        `SELECT d.action, d.status, (SELECT a.verdict FROM approvals a WHERE a.decision_id = d.decision_id ORDER BY a.approval_id DESC LIMIT 1) AS verdict,
                coalesce(u.display_name, d.decided_by) AS name
           FROM decisions d LEFT JOIN users u ON u.user_id = d.decided_by
          WHERE d.line_id = ? AND d.batch_id IS NULL ORDER BY d.decision_id DESC LIMIT 1`,
      ),
      insert: db.prepare(
        `INSERT INTO decisions (line_id, action, quantity, source, reason_code, comment, decided_by, recorded_by, decided_at, status, batch_id, asked_quantity, policy_version)
         VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, 'final', ?, ?, ?)`,
      ),
    };
  }

  /** Runs a row may belong to, newest first: those of its model/version/origin, or all. */
  private candidateRuns(d: DecisionRecord): number[] {
    const key = `${d.model ?? ''}\u0000${d.modelVersion ?? ''}\u0000${d.originKey}`;
    let runs = this.runsCache.get(key);
    if (!runs) {
      runs = this.db
        .prepare(
          `SELECT run_id FROM forecast_runs WHERE (@model IS NULL OR model_name = @model) AND (@version IS NULL OR model_version = @version)
             AND (@origin = 0 OR origin = @origin) ORDER BY run_id DESC`,
        )
        .pluck()
        .all({ model: d.model, version: d.modelVersion, origin: d.originKey }) as number[];
      this.runsCache.set(key, runs);
    }
    return runs;
  }

  private reject(d: DecisionRecord, column: string | null, reason: string, hint?: OptionHint): void {
    this.quarantine.push({ rowNumber: d.rowNumber, column, reason, raw: d.raw, ...(hint ? { hint } : {}) });
  }

  /** Writes the decisions in the order they were made (file order for equal times). */
  write(records: DecisionRecord[]): void {
    const sorted = records.map((d, i) => ({ d, i, at: d.decidedAt ?? this.at }));
    sorted.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.i - b.i));
    for (const { d, at } of sorted) this.writeOne(d, at);
    // line_state caches the plan the journal implies; the projection's own rule re-derives each touched line.
    for (const lineId of this.touched) refreshLineState(this.db, lineId);
  }

  private writeOne(d: DecisionRecord, decidedAt: string): void {
    const itemKey = this.keys.itemKey(d.itemId);
    if (itemKey === null) return this.reject(d, d.itemColumn, `unknown item '${d.itemId}'`);
    const locationKey = this.keys.locationKey(d.locationId, false);
    if (locationKey === null) return this.reject(d, null, `unknown location '${d.locationId}'`);
    // Dated after the import, the row would claim a decision nobody has made yet.
    if (decidedAt > this.at) return this.reject(d, d.decidedAtColumn, `decided at ${decidedAt}, after this import (${this.at}): a decision cannot be dated in the future`);
    const found: FoundLine[] = [];
    for (const runId of this.candidateRuns(d)) {
      const line = this.st.line.get(runId, itemKey, locationKey, d.periodKey) as Omit<FoundLine, 'runId'> | undefined;
      if (line) found.push({ runId, ...line });
    }
    const where = `item '${d.itemId}'${d.locationId === 'ALL' ? '' : ` at '${d.locationId}'`} in ${keyToIso(d.periodKey)}`;
    const of = [d.model && `model ${d.model}`, d.modelVersion && `version ${d.modelVersion}`, d.originKey && `origin ${keyToIso(d.originKey)}`].filter(Boolean).join(', ');
    if (found.length === 0) return this.reject(d, null, `no forecast line for ${where}${of ? ` (${of})` : ''}`);
    // Model and origin together name one run; a re-import of it (--force) is newer and wins.
    if (found.length > 1 && !(d.model !== null && d.originKey !== 0)) {
      return this.reject(d, null, `${found.length} runs have a line for ${where} (runs ${found.map((f) => f.runId).join(', ')}); say which with model and origin columns`, { option: 'modelAndOrigin' });
    }
    const line = found[0]!;
    const closedReason = this.openLine(line, d.periodKey) ?? this.decidedHere(line.lineId);
    if (closedReason !== null) return this.reject(d, null, closedReason);
    const override = Math.abs(d.final - line.quantity) > 1e-9 * Math.max(1, Math.abs(line.quantity));
    // An accept needs no reason: one we do not know is dropped rather than refused.
    const reason: ReasonCode | null = d.reason === null ? null : (this.reasons.get(normaliseHeader(d.reason)) ?? null);
    if (override) {
      if (d.reason === null) return this.reject(d, d.reasonColumn, `override of ${line.quantity} to ${d.final} has no reason code`);
      if (reason === null) return this.reject(d, d.reasonColumn, `unknown reason code '${d.reason}' (known: ${this.reasonList})`);
      if (reason.comment_required === 1 && d.comment === null) return this.reject(d, d.reasonColumn, `reason '${reason.code}' needs a comment`);
    }
    let enforced = { applied: d.final, askedKept: null as number | null, policyVersion: null as number | null };
    if (override) {
      try {
        enforced = enforceOverride(governingAdoption(this.db, line), line.quantity, d.final, { approvalPct: null, approvalUnits: null });
      } catch (e) {
        if (e instanceof WorkbenchError) return this.reject(d, d.finalColumn, e.message);
        throw e;
      }
    }
    const fields = {
      line_id: line.lineId,
      action: override ? 'override' : 'accept',
      quantity: override ? enforced.applied : line.quantity,
      source: override ? 'override' : 'model',
      reason_code: reason?.code ?? null,
      comment: d.comment,
      decided_by: null,
      recorded_by: d.user,
      decided_at: decidedAt,
      status: 'final',
      undoes_decision_id: null,
      batch_id: this.batchId,
      asked_quantity: enforced.askedKept,
      policy_version: enforced.policyVersion,
    };
    const info = this.st.insert.run(fields.line_id, fields.action, fields.quantity, fields.source, fields.reason_code, fields.comment, fields.recorded_by, fields.decided_at, this.batchId, fields.asked_quantity, fields.policy_version);
    const row: DecisionRow = { decision_id: Number(info.lastInsertRowid), ...fields };
    this.touched.add(line.lineId);
    this.audit({ at: decidedAt, actor: this.importer, action: decisionAuditAction(row.action), entity: 'decision', entityId: String(row.decision_id), payload: decisionAuditPayload(row) });
    this.accepted++;
  }

  /** Why the line is still open to decisions in Review (its model's newest run, actual unknown), or null when history may land on it. */
  private openLine(line: FoundLine, periodKey: number): string | null {
    if (line.closed || line.superseded) return null;
    let why = `line is open: decide it in Review (run ${line.runId} is the newest of model ${line.modelName} and the actual of ${keyToIso(periodKey)} is not known yet)`;
    const policy = governingPolicy(this.db, line.itemKey);
    if (line.lag <= policy.freezeLags) why += `; it is frozen too: lag ${line.lag} is inside the freeze window of ${policy.freezeLags} (policy for ${segmentLabel(policy)})`;
    return why;
  }

  /** Why the line's record is this workbook's own (a decision made here), or null when only history is on it. */
  private decidedHere(lineId: number): string | null {
    const latest = this.st.decidedHere.get(lineId) as DecidedHere | undefined;
    if (!latest) return null;
    const state =
      latest.verdict === 'approved' ? ', approved' : latest.verdict === 'rejected' ? ', rejected' : latest.status === 'pending_approval' ? ", waiting for a manager's approval" : '';
    const by = latest.name === null ? '' : ` by ${latest.name}`;
    return `line has decisions made in this workbook (the latest: ${ACTION_WORDS[latest.action] ?? latest.action}${by}${state}); history only records what was decided before the team used the app`;
  }
}
