// A page of the team's decisions written into a real workbook (team-replica/journal-pull.ts), many
// decisions a statement: ids follow the page's order, an undo finds the decision it undoes among
// those of its own page not written yet, the page's audit entry holds each as stored, and the
// workbook's check holds.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyJournalPage } from '../../electron/backend/team-replica/journal-pull';
import { checkWorkbook } from '../../electron/backend/audit/check';
import { FIXED_NOW, smallWorkbook, tempDir } from '../helpers/workbook';
import type { BackendContext } from '../../electron/backend/context';
import type { Cell } from '../../shared/team-sync';

const AT = '2026-10-31T17:00:00.000Z';

describe('a pulled page of decisions', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: BackendContext;
  beforeEach(async () => {
    t = tempDir('fwb-pulled-decisions-');
    ({ ctx } = await smallWorkbook(t.dir));
  });
  afterEach(() => {
    ctx.db.close();
    t.cleanup();
  });

  it('writes 250 decisions in page order, an undo of one still waiting in its own page included, and audits them as stored', () => {
    const { db } = ctx;
    const lines = db.prepare('SELECT line_id FROM forecast_lines ORDER BY line_id').pluck().all() as number[];
    const before = db.prepare('SELECT coalesce(max(decision_id), 0) FROM decisions').pluck().get() as number;
    const rows: Cell[][] = [];
    for (let k = 0; k < 250; k++) {
      const line = lines[k % lines.length]!;
      const seq = 1000 + k;
      if (k === 57) rows.push([`u-${k}`, lines[50 % lines.length]!, 'undo', null, 'model', null, null, 'ana', AT, 'final', 'u-50', 1000 + 50, seq]);
      else if (k === 150) rows.push([`u-${k}`, lines[149 % lines.length]!, 'undo', null, 'model', null, null, 'ben', AT, 'final', 'u-149', 1000 + 149, seq]);
      else if (k % 7 === 0) rows.push([`u-${k}`, line, 'override', 10 + k, 'override', 'promotion', null, 'ana', AT, 'final', null, null, seq]);
      else rows.push([`u-${k}`, line, 'accept', 100 + k, 'model', null, null, k % 2 ? 'ana' : 'ben', AT, 'final', null, null, seq]);
    }
    applyJournalPage(db, { table: 'decisions', rows, lastSeq: 1249 }, FIXED_NOW);

    const stored = db.prepare('SELECT decision_id, sync_uuid, undoes_decision_id, team_seq FROM decisions WHERE decision_id > ? ORDER BY decision_id').all(before) as {
      decision_id: number;
      sync_uuid: string;
      undoes_decision_id: number | null;
      team_seq: number;
    }[];
    expect(stored.map((d) => d.sync_uuid)).toEqual(rows.map((r) => r[0]));
    expect(stored.map((d) => d.decision_id)).toEqual(stored.map((_, k) => before + 1 + k));
    expect(stored[57]!.undoes_decision_id).toBe(stored[50]!.decision_id);
    expect(stored[150]!.undoes_decision_id).toBe(stored[149]!.decision_id);

    const entry = db.prepare("SELECT payload FROM audit_log WHERE action = 'decision.batch'").pluck().all() as string[];
    expect(entry).toHaveLength(1);
    const payload = JSON.parse(entry[0]!) as { count: number; decisions: { decisionId: number; syncUuid?: string }[] };
    expect(payload.count).toBe(250);
    expect(payload.decisions.map((d) => d.decisionId)).toEqual(stored.map((d) => d.decision_id));

    // Each line's state is its latest decision's (the undo of k = 50 puts line 50 % 9 back where k = 41 left it, and so on).
    const current = db.prepare('SELECT line_id, decision_id FROM line_state ORDER BY line_id').all() as { line_id: number; decision_id: number }[];
    expect(current.map((c) => c.line_id)).toEqual(lines);
    const report = checkWorkbook(db);
    expect(report.problems ?? []).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
