// Migration 10: a replica's decisions and approvals travel to the team workbook and
// back (issue 15 items 2 and 5, ../shared/TEAM.md). Append-only: never edit after it ships.
//
// decisions.sync_uuid / approvals.sync_uuid: the uuid the row is known by in the team,
//   minted when the row is made in a linked workbook (NULL: made before the link, or in
//   a single-seat workbook, and never sent). Pushing the same uuid twice records it once.
// team_seq: the server's seq of the row; NULL while unsent. Set once, when the server's
//   answer arrives; nothing else of a journal row may change (the triggers below).
// decisions.based_on_seq: the seq of the line's latest decision its author had seen, for
//   the server's conflict rule.
// journal_order: the order of the journal on every replica. The server decides the order
//   (its seq, arrival order); a row not yet sent is later than everything the replica has
//   seen; a row made before the link (the first publisher's own history) earlier. A
//   single-seat workbook has no team_seq nor sync_uuid, so its order is decision_id's.
// team_withdrawn: a row the team's answer took out of the local journal (the server
//   refused it, or recorded it with another status and its own row comes back by pull).
//   Its audit entry stays; `fwb check` reads this table to know why the row is gone.
// team_refusals: decisions and reviews the server refused, with its reason and what was
//   asked, shown to their author; never silently dropped.
// team_conflicts: lines two people decided without seeing each other's decision, as the
//   server flagged them, open until resolved.
// team_acknowledgements: an author's "I have seen this conflict", kept until sent.
export default /* sql */ `
ALTER TABLE decisions ADD COLUMN sync_uuid TEXT;
ALTER TABLE decisions ADD COLUMN team_seq INTEGER;
ALTER TABLE decisions ADD COLUMN based_on_seq INTEGER;
ALTER TABLE decisions ADD COLUMN journal_order INTEGER GENERATED ALWAYS AS (
  CASE WHEN team_seq IS NOT NULL THEN team_seq
       WHEN sync_uuid IS NULL THEN decision_id - 4000000000000000
       ELSE 4000000000000000 + decision_id END) VIRTUAL;
CREATE UNIQUE INDEX decisions_sync_uuid ON decisions (sync_uuid) WHERE sync_uuid IS NOT NULL;
CREATE INDEX decisions_line_order ON decisions (line_id, journal_order);
CREATE INDEX decisions_unsent ON decisions (decision_id) WHERE sync_uuid IS NOT NULL AND team_seq IS NULL;

ALTER TABLE approvals ADD COLUMN sync_uuid TEXT;
ALTER TABLE approvals ADD COLUMN team_seq INTEGER;
CREATE UNIQUE INDEX approvals_sync_uuid ON approvals (sync_uuid) WHERE sync_uuid IS NOT NULL;

CREATE TABLE team_withdrawn (
  entity     TEXT NOT NULL CHECK (entity IN ('decision', 'approval')),
  local_id   INTEGER NOT NULL,
  sync_uuid  TEXT NOT NULL,
  why        TEXT NOT NULL CHECK (why IN ('refused', 'restated')),
  at         TEXT NOT NULL,
  PRIMARY KEY (entity, local_id)
) WITHOUT ROWID;

CREATE TABLE team_refusals (
  sync_uuid    TEXT PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('decision', 'review')),
  submitted_by TEXT NOT NULL,
  line_id      INTEGER,
  request      TEXT NOT NULL CHECK (json_valid(request)),
  reason       TEXT NOT NULL,
  refused_at   TEXT NOT NULL,
  team_seq     INTEGER
) WITHOUT ROWID;

CREATE TABLE team_conflicts (
  conflict_id         INTEGER PRIMARY KEY,
  line_id             INTEGER NOT NULL,
  decision_uuid       TEXT NOT NULL,
  author              TEXT NOT NULL,
  other_decision_uuid TEXT NOT NULL,
  other_author        TEXT NOT NULL,
  opened_at           TEXT NOT NULL,
  resolved_how        TEXT CHECK (resolved_how IN ('decided_again', 'acknowledged')),
  resolved_by         TEXT,
  resolved_at         TEXT
);
CREATE INDEX team_conflicts_open ON team_conflicts (line_id) WHERE resolved_how IS NULL;

-- A conflict its author has seen: sent by the next sync (fwb.acknowledge_conflict), then sent_at is set.
CREATE TABLE team_acknowledgements (
  ack_id  INTEGER PRIMARY KEY,
  line_id INTEGER NOT NULL REFERENCES forecast_lines (line_id),
  made_at TEXT NOT NULL,
  sent_at TEXT
);

-- Append-only still: only the server's seq is written back, once.
DROP TRIGGER decisions_append_only_update;
CREATE TRIGGER decisions_append_only_update BEFORE UPDATE ON decisions
WHEN NOT (OLD.team_seq IS NULL AND NEW.team_seq IS NOT NULL AND OLD.sync_uuid IS NOT NULL
          AND NEW.decision_id IS OLD.decision_id AND NEW.line_id IS OLD.line_id AND NEW.action IS OLD.action AND NEW.quantity IS OLD.quantity
          AND NEW.source IS OLD.source AND NEW.reason_code IS OLD.reason_code AND NEW.comment IS OLD.comment AND NEW.decided_by IS OLD.decided_by
          AND NEW.decided_at IS OLD.decided_at AND NEW.status IS OLD.status AND NEW.batch_id IS OLD.batch_id
          AND NEW.undoes_decision_id IS OLD.undoes_decision_id AND NEW.recorded_by IS OLD.recorded_by
          AND NEW.sync_uuid IS OLD.sync_uuid AND NEW.based_on_seq IS OLD.based_on_seq)
BEGIN SELECT RAISE(ABORT, 'the decisions journal is append-only'); END;
DROP TRIGGER decisions_append_only_delete;
CREATE TRIGGER decisions_append_only_delete BEFORE DELETE ON decisions
WHEN NOT (OLD.team_seq IS NULL AND EXISTS (SELECT 1 FROM team_withdrawn w WHERE w.entity = 'decision' AND w.local_id = OLD.decision_id AND w.sync_uuid = OLD.sync_uuid))
BEGIN SELECT RAISE(ABORT, 'the decisions journal is append-only'); END;

DROP TRIGGER approvals_append_only_update;
CREATE TRIGGER approvals_append_only_update BEFORE UPDATE ON approvals
WHEN NOT (OLD.team_seq IS NULL AND NEW.team_seq IS NOT NULL AND OLD.sync_uuid IS NOT NULL
          AND NEW.approval_id IS OLD.approval_id AND NEW.decision_id IS OLD.decision_id AND NEW.verdict IS OLD.verdict AND NEW.note IS OLD.note
          AND NEW.decided_by IS OLD.decided_by AND NEW.decided_at IS OLD.decided_at AND NEW.sync_uuid IS OLD.sync_uuid)
BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;
DROP TRIGGER approvals_append_only_delete;
CREATE TRIGGER approvals_append_only_delete BEFORE DELETE ON approvals
WHEN NOT (OLD.team_seq IS NULL AND EXISTS (SELECT 1 FROM team_withdrawn w WHERE w.entity = 'approval' AND w.local_id = OLD.approval_id AND w.sync_uuid = OLD.sync_uuid))
BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;
`;
