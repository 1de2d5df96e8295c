// Migration 11 (the tenth here; numbered after 010, which the decisions sync adds): a
// replica's copy of the team's audit chain (fwb.audit_log on the server), pulled by seq
// like every shared table, so that `fwb check --team` can tell whether the server's
// chain still begins with what this replica saw. Kept apart from the workbook's own
// audit_log, whose chain is the single-seat workbook's. Append-only: never edit after it ships.
export default /* sql */ `
CREATE TABLE team_audit_log (
  seq       INTEGER PRIMARY KEY,
  audit_id  INTEGER NOT NULL UNIQUE,
  at        TEXT NOT NULL,
  actor     TEXT,
  action    TEXT NOT NULL,
  entity    TEXT NOT NULL,
  entity_id TEXT,
  payload   TEXT NOT NULL CHECK (json_valid(payload)),
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
`;
