// The team's journal (shared/team-journal.ts: reason codes, policies, decisions, approvals, the
// login's refusals, conflicts and their resolutions) pulled after a replica's marks, page by page,
// each page written with its mark: by fwb sync, and by fwb team join so that an empty workbook
// joining a team that has decided already holds the team's journal, not only its data.
import type { JournalPage, JournalTable } from '../../shared/team-journal';
import type { Cell } from '../../shared/team-sync';
import type { TeamClient } from './connect';

export interface JournalPort {
  applyJournalPage(page: JournalPage): Promise<void>;
}

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const uuidOf = (id: string) => `(SELECT x.uuid::text FROM fwb.decisions x WHERE x.decision_id = t.${id})`;
/** Each journal table's rows after a seq, as JSON arrays in JOURNAL_TABLES' order. Refusals: only the login's own. */
const JOURNAL_SQL: Record<JournalTable, string> = {
  reason_codes: 'SELECT json_build_array(code, label, comment_required, active, sort_order, uuid) AS row, t.seq FROM fwb.reason_codes t',
  policies: `SELECT json_build_array(segment_type, segment_value, model_role, approval_pct, approval_units, freeze_lags, comment_pct, drift_threshold_pts, ${iso('stepped_down_at')}, updated_by, ${iso('updated_at')}, uuid) AS row, t.seq FROM fwb.policies t`,
  decisions: `SELECT json_build_array(uuid, line_id, action, quantity, source, reason_code, comment, decided_by, ${iso('decided_at')}, status, ${uuidOf('undoes_decision_id')}, based_on_seq, seq) AS row, t.seq FROM fwb.decisions t`,
  approvals: `SELECT json_build_array(uuid, ${uuidOf('decision_id')}, verdict, note, decided_by, ${iso('decided_at')}, seq) AS row, t.seq FROM fwb.approvals t`,
  refused_submissions: `SELECT json_build_array(uuid, kind, submitted_by, line_id, request, reason, ${iso('refused_at')}, seq) AS row, t.seq FROM fwb.refused_submissions t`,
  line_conflicts: `SELECT json_build_array(conflict_id, line_id, ${uuidOf('decision_id')}, author, ${uuidOf('other_decision_id')}, other_author, ${iso('opened_at')}) AS row, t.seq FROM fwb.line_conflicts t`,
  conflict_resolutions: `SELECT json_build_array(conflict_id, how, resolved_by, ${iso('resolved_at')}) AS row, t.seq FROM fwb.conflict_resolutions t`,
  // A release and its lines are written in one transaction of the server's, so the pull's snapshot holds both.
  releases: `SELECT json_build_array(uuid, run_id, version, kind, restores_version, note, released_by, ${iso('released_at')},
               json_build_object('lines', (SELECT coalesce(json_agg(json_build_array(rl.line_id, rl.final_quantity, rl.source, d.uuid) ORDER BY rl.line_id), '[]'::json)
                  FROM fwb.release_lines rl LEFT JOIN fwb.decisions d ON d.decision_id = rl.decision_id WHERE rl.release_id = t.release_id))) AS row, t.seq FROM fwb.releases t`,
};

export async function pullJournal(client: TeamClient, replica: JournalPort, table: JournalTable, after: number, pageRows: number): Promise<number> {
  const mine = table === 'refused_submissions' ? 'AND t.submitted_by = session_user' : '';
  let total = 0;
  const page = `${JOURNAL_SQL[table]} WHERE t.seq > $1 ${mine} ORDER BY t.seq LIMIT $2`;
  // A page as one row, its rows one JSON text (as join.ts pulls the data): one JSON.parse, not the driver's per-row
  // parsing. Not releases: each holds its lines, and a page of them as one text could pass PostgreSQL's 1 GB a value.
  const asOne = table !== 'releases';
  const sql = asOne ? `SELECT coalesce(json_agg(page.row ORDER BY page.seq), '[]'::json) AS rows, max(page.seq) AS last FROM (${page}) page` : page;
  for (;;) {
    const { rows, last } = asOne
      ? (await client.query<{ rows: Cell[][]; last: string | null }>(sql, [after, pageRows])).rows[0]!
      : await client.query<{ row: Cell[]; seq: string }>(sql, [after, pageRows]).then((r) => ({ rows: r.rows.map((x) => x.row), last: r.rows.at(-1)?.seq ?? null }));
    if (rows.length === 0 || last === null) break;
    const lastSeq = Number(last);
    await replica.applyJournalPage({ table, rows, lastSeq });
    total += rows.length;
    after = lastSeq;
    if (rows.length < pageRows) break;
  }
  return total;
}
