// Migration (issue 15 item 2, later publications): which import batches of a linked
// workbook the team holds, and what became of the ones it publishes. Append-only: never
// edit after it ships.
//
// team_batches: batches that are the team's (pulled, or in the workbook when it was
//   linked: the first publication kept them, or they stay the workbook's alone) and
//   those kept here after the team refused them. Any other batch of a publishable kind
//   is an import made since, which the next sync publishes.
// team_publications: one row per publication sent, by the uuid the team knows the batch
//   by (minted once: a publication sent again after a lost answer publishes once). Once
//   the team answers, the workbook's own copy of the batch is taken out and the pull
//   brings the team's rows back with the team's ids (the local ids would collide with
//   another replica's); a refused batch is undone here with the team's reason kept.
export default /* sql */ `
CREATE TABLE team_batches (
  batch_id INTEGER PRIMARY KEY,
  how      TEXT NOT NULL CHECK (how IN ('linked', 'pulled', 'kept'))
);
INSERT INTO team_batches (batch_id, how) SELECT batch_id, 'linked' FROM import_batches WHERE EXISTS (SELECT 1 FROM team_link);

CREATE TABLE team_publications (
  uuid          TEXT PRIMARY KEY,
  batch_id      INTEGER NOT NULL,
  kind          TEXT NOT NULL,
  file_name     TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('unsent', 'published', 'refused')),
  team_batch_id INTEGER,
  reason        TEXT,
  staged_at     TEXT NOT NULL,
  answered_at   TEXT
);
CREATE INDEX team_publications_batch ON team_publications (batch_id, status);
`;
