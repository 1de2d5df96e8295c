// Migration 9: a workbook linked to a team workbook on PostgreSQL (../shared/TEAM.md) is
// that team's offline replica. Append-only: never edit after it ships.
//
// team_link: the one team this workbook is a replica of, and as whom. The URL is kept
//   without its password (the password follows libpq's conventions, or the OS keychain
//   in the desktop app: never the workbook). A workbook without a row is single-seat.
// team_sync: per shared table, the highest server seq this replica holds. A pull asks for
//   rows after it, page by page, and each page is written in one transaction together
//   with its new mark, so an interrupted pull resumes where it stopped.
// A replica's shared rows keep the server's ids (item_key, run_id, line_id, …): the first
// workbook publishes with its own ids kept, every other one pulls them, so ids agree
// everywhere and no id map is needed.
export default /* sql */ `
CREATE TABLE team_link (
  singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
  url        TEXT NOT NULL,
  team_id    TEXT NOT NULL,
  login      TEXT NOT NULL,
  role       TEXT NOT NULL CHECK (role IN ('planner', 'manager', 'analyst')),
  linked_how TEXT NOT NULL CHECK (linked_how IN ('published', 'pulled', 'empty')),
  linked_at  TEXT NOT NULL
);

CREATE TABLE team_sync (
  table_name TEXT PRIMARY KEY,
  last_seq   INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0)
) WITHOUT ROWID;
`;
