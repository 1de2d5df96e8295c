// A page of the team's rows written into the replica: one transaction per page, with
// the table's new high-water mark, so a pull stopped at any point (a lost connection,
// a killed process) resumes after the last page written and never writes a row twice.
// Rows keep the server's ids. An actual the team recorded for a key the replica has a
// value of supersedes that value, as a later import of the same key does in a workbook.
import { PULLED_TABLES, type Cell, type PulledPage, type PulledTable } from '../../../shared/team-sync';
import { appendAudit } from '../audit/chain';
import { isSealed } from '../audit/seal';
import { userAuditPayload, type UserRow } from '../audit/payloads';
import type { Db } from '../db/open';

const JSON_COLUMNS = new Set(['options', 'attributes']);

/** How each table's row is written. Users and locations are the rows in force: a later row of the same key replaces the earlier. */
const WRITE: Record<PulledTable, string> = {
  users: `INSERT INTO users (user_id, display_name, role, created_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name, role = excluded.role`,
  import_batches: insert('import_batches'),
  locations: `INSERT INTO locations (location_key, location_id, name) VALUES (?, ?, ?)
              ON CONFLICT (location_key) DO UPDATE SET location_id = excluded.location_id, name = excluded.name`,
  items: `${insert('items')} ON CONFLICT (item_key) DO UPDATE SET item_id = excluded.item_id, name = excluded.name, category = excluded.category,
          brand = excluded.brand, family = excluded.family, abc_class = excluded.abc_class, owner_id = excluded.owner_id, unit = excluded.unit,
          attributes = excluded.attributes, introduced_period = excluded.introduced_period, batch_id = excluded.batch_id`,
  forecast_runs: insert('forecast_runs'),
  forecast_lines: insert('forecast_lines'),
  actuals: insert('actuals'),
};

function insert(table: PulledTable): string {
  const columns = PULLED_TABLES[table];
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
}

export function applyPulledPage(db: Db, page: PulledPage): { written: number } {
  const columns = PULLED_TABLES[page.table];
  const write = db.prepare(WRITE[page.table]);
  const supersede = db.prepare(
    `UPDATE actuals SET superseded_at = ? WHERE item_key = ? AND location_key = ? AND period = ? AND superseded_at IS NULL`,
  );
  const mark = db.prepare(
    `INSERT INTO team_sync (table_name, last_seq) VALUES (?, ?) ON CONFLICT (table_name) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)`,
  );
  db.transaction(() => {
    for (const row of page.rows) {
      if (row.length !== columns.length) throw new Error(`A pulled row of ${page.table} has ${row.length} columns, not ${columns.length}.`);
      const values = row.map((cell, i) => sqliteValue(columns[i]!, cell));
      if (page.table === 'actuals') supersede.run(values[6], values[1], values[2], values[3]);
      write.run(values);
      // A person of the team, audited as a change made here is (fwb check compares each user with its latest entry);
      // a workbook not sealed yet records it in its seal, with everything else pulled before its first entry.
      if (page.table === 'users' && isSealed(db)) {
        const user = db.prepare('SELECT * FROM users WHERE user_id = ?').get(values[0]) as UserRow;
        appendAudit(db, { at: new Date().toISOString(), actor: null, action: 'user.team', entity: 'user', entityId: user.user_id, payload: userAuditPayload(user) });
      }
    }
    mark.run(page.table, page.lastSeq);
  })();
  return { written: page.rows.length };
}

function sqliteValue(column: string, cell: Cell): string | number | null {
  if (cell === null) return null;
  if (JSON_COLUMNS.has(column)) return JSON.stringify(cell);
  if (typeof cell === 'boolean') return cell ? 1 : 0;
  if (typeof cell === 'object') return JSON.stringify(cell);
  return cell;
}
