// Migration (issue 16, policy lab): a policy adopted from the lab. Append-only: never edit after it ships.
//
// Each row is a version of the override policy: its rules (the lab's candidate
// policy as JSON), the simulation's figures as they stood when a manager adopted
// it (JSON: what the lab showed, kept beside the rules so the decision can be
// judged later against what it promised), who adopted it and when, and the
// newest run at that moment: the rules apply to runs imported after it.
export default /* sql */ `
CREATE TABLE policy_adoptions (
  version        INTEGER PRIMARY KEY,
  rules          TEXT NOT NULL,
  metric         TEXT NOT NULL,
  figures        TEXT NOT NULL,
  after_run_id   INTEGER,
  note           TEXT,
  adopted_by     TEXT NOT NULL REFERENCES users (user_id),
  adopted_at     TEXT NOT NULL
);
`;
