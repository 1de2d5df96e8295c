// Migration (issue 15, what a manager's replica changes reaches the team): a manager's
// policy, reason-code and release changes made in a linked workbook, kept until a sync
// sends them. Append-only: never edit after it ships.
//
// team_changes: one row per change, by the uuid the team knows it by (minted when the
//   change is made: a push sent again after a lost answer records it once). `payload`
//   is what the server's function takes; `before` the policy or reason code as it was,
//   put back if the team refuses the change (the replica then holds what the team holds).
//   `local_id` names the row changed here (policy_id, code, release_id).
//   status: unsent → sent (team_seq set), or refused (reason kept, listed by fwb sync).
//   A change of the team pulled from the server is not kept here: the pull's marks make
//   it once; a pulled row whose uuid is here is this replica's own change coming back.
export default /* sql */ `
CREATE TABLE team_changes (
  change_id   INTEGER PRIMARY KEY,
  uuid        TEXT NOT NULL UNIQUE,
  kind        TEXT NOT NULL CHECK (kind IN ('policy', 'reason_code', 'release')),
  local_id    TEXT NOT NULL,
  what        TEXT NOT NULL,
  payload     TEXT NOT NULL CHECK (json_valid(payload)),
  before      TEXT CHECK (before IS NULL OR json_valid(before)),
  made_by     TEXT NOT NULL,
  made_at     TEXT NOT NULL,
  status      TEXT NOT NULL DEFAULT 'unsent' CHECK (status IN ('unsent', 'sent', 'refused')),
  team_seq    INTEGER,
  reason      TEXT,
  answered_at TEXT
);
CREATE INDEX team_changes_unsent ON team_changes (change_id) WHERE status = 'unsent';

-- The uuid a release is known by in the team (its own, or the one pulled): a release pulled twice is written once.
CREATE TABLE team_releases (
  release_id INTEGER PRIMARY KEY REFERENCES releases (release_id),
  uuid       TEXT NOT NULL UNIQUE,
  team_seq   INTEGER
);
`;
