// Migration 1: the whole schema of SPEC §2. Append-only: never edit after it ships;
// add 002-….ts instead.
export default /* sql */ `
CREATE TABLE workbook_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE users (
  user_id      TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('planner', 'manager', 'analyst')),
  created_at   TEXT NOT NULL
);

CREATE TABLE import_batches (
  batch_id         INTEGER PRIMARY KEY,
  kind             TEXT NOT NULL CHECK (kind IN ('items', 'forecasts', 'actuals', 'sales_inputs', 'decisions', 'demo')),
  file_name        TEXT NOT NULL,
  file_size        INTEGER,
  sha256           TEXT,
  source           TEXT,
  model_name       TEXT,
  model_version    TEXT,
  options          TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(options)),
  rows_read        INTEGER NOT NULL DEFAULT 0,
  rows_accepted    INTEGER NOT NULL DEFAULT 0,
  rows_quarantined INTEGER NOT NULL DEFAULT 0,
  imported_by      TEXT REFERENCES users (user_id),
  imported_at      TEXT NOT NULL
);
CREATE INDEX import_batches_sha256 ON import_batches (sha256);

CREATE TABLE quarantine_rows (
  quarantine_id INTEGER PRIMARY KEY,
  batch_id      INTEGER NOT NULL REFERENCES import_batches (batch_id) ON DELETE CASCADE,
  row_number    INTEGER NOT NULL,
  column_name   TEXT,
  reason        TEXT NOT NULL,
  raw_text      TEXT
);
CREATE INDEX quarantine_rows_batch ON quarantine_rows (batch_id, row_number);

-- A column mapping is remembered per source (file name pattern or system) and kind.
CREATE TABLE column_mappings (
  source_key TEXT NOT NULL,
  kind       TEXT NOT NULL,
  mapping    TEXT NOT NULL CHECK (json_valid(mapping)),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (source_key, kind)
) WITHOUT ROWID;

-- Items and locations have an integer key for the big tables (a text key in
-- every forecast line costs index size and import time) and their own id.
CREATE TABLE items (
  item_key          INTEGER PRIMARY KEY,
  item_id           TEXT NOT NULL UNIQUE,
  name              TEXT NOT NULL,
  category          TEXT,
  brand             TEXT,
  family            TEXT,
  abc_class         TEXT CHECK (abc_class IN ('A', 'B', 'C')),
  owner_id          TEXT REFERENCES users (user_id),
  unit              TEXT,
  -- Any other imported columns, kept as attributes.
  attributes        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(attributes)),
  introduced_period INTEGER,
  batch_id          INTEGER REFERENCES import_batches (batch_id)
);
CREATE INDEX items_category ON items (category);
CREATE INDEX items_owner ON items (owner_id);

CREATE TABLE locations (
  location_key INTEGER PRIMARY KEY,
  location_id  TEXT NOT NULL UNIQUE,
  name         TEXT NOT NULL
);
INSERT INTO locations (location_key, location_id, name) VALUES (1, 'ALL', 'All locations');

-- Periods are stored as INTEGER yyyymmdd of the bucket's first day (20261101):
-- compact in indexes, still readable in the sqlite3 shell; the v_* views below
-- show them as ISO dates.
CREATE TABLE forecast_runs (
  run_id         INTEGER PRIMARY KEY,
  model_name     TEXT NOT NULL,
  model_version  TEXT NOT NULL DEFAULT '',
  origin         INTEGER NOT NULL,
  grain          TEXT NOT NULL CHECK (grain IN ('month', 'week', 'quarter', 'year')),
  interval_level REAL CHECK (interval_level IS NULL OR (interval_level > 0 AND interval_level < 100)),
  batch_id       INTEGER REFERENCES import_batches (batch_id),
  created_at     TEXT NOT NULL
);
CREATE INDEX forecast_runs_origin ON forecast_runs (origin);

CREATE TABLE forecast_lines (
  line_id      INTEGER PRIMARY KEY,
  run_id       INTEGER NOT NULL REFERENCES forecast_runs (run_id) ON DELETE CASCADE,
  item_key     INTEGER NOT NULL REFERENCES items (item_key),
  location_key INTEGER NOT NULL DEFAULT 1 REFERENCES locations (location_key),
  period       INTEGER NOT NULL,
  lag          INTEGER NOT NULL CHECK (lag >= 0),
  quantity     REAL NOT NULL CHECK (quantity >= 0),
  lower        REAL,
  upper        REAL,
  UNIQUE (run_id, item_key, location_key, period)
);

-- Actuals keep their history: a later import of the same key supersedes the
-- current row (superseded_at set), earlier values stay.
CREATE TABLE actuals (
  actual_id     INTEGER PRIMARY KEY,
  item_key      INTEGER NOT NULL REFERENCES items (item_key),
  location_key  INTEGER NOT NULL DEFAULT 1 REFERENCES locations (location_key),
  period        INTEGER NOT NULL,
  quantity      REAL NOT NULL CHECK (quantity >= 0),
  batch_id      INTEGER REFERENCES import_batches (batch_id),
  recorded_at   TEXT NOT NULL,
  superseded_at TEXT
);
CREATE UNIQUE INDEX actuals_current ON actuals (item_key, location_key, period) WHERE superseded_at IS NULL;

CREATE TABLE sales_inputs (
  sales_input_id INTEGER PRIMARY KEY,
  item_key       INTEGER NOT NULL REFERENCES items (item_key),
  location_key   INTEGER NOT NULL DEFAULT 1 REFERENCES locations (location_key),
  period         INTEGER NOT NULL,
  quantity       REAL NOT NULL CHECK (quantity >= 0),
  source         TEXT,
  note           TEXT,
  batch_id       INTEGER REFERENCES import_batches (batch_id),
  recorded_at    TEXT NOT NULL,
  superseded_at  TEXT
);
CREATE UNIQUE INDEX sales_inputs_current ON sales_inputs (item_key, location_key, period) WHERE superseded_at IS NULL;

CREATE TABLE reason_codes (
  code             TEXT PRIMARY KEY,
  label            TEXT NOT NULL,
  comment_required INTEGER NOT NULL DEFAULT 0 CHECK (comment_required IN (0, 1)),
  active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  sort_order       INTEGER NOT NULL DEFAULT 0
);
INSERT INTO reason_codes (code, label, comment_required, sort_order) VALUES
  ('promotion', 'Promotion', 0, 1),
  ('new_customer', 'New customer or contract', 0, 2),
  ('lost_business', 'Lost business', 0, 3),
  ('supply_constraint', 'Supply constraint', 0, 4),
  ('price_change', 'Price change', 0, 5),
  ('event_seasonality', 'Event or seasonality', 0, 6),
  ('data_error', 'Data error in history', 1, 7),
  ('sales_intelligence', 'Sales intelligence', 0, 8),
  ('other', 'Other', 1, 9);

-- The decisions journal: appended to, never updated in place (triggers below).
-- A decision's initial status is final or pending_approval; approvals are rows
-- of their own, so the effective status is derived.
CREATE TABLE decisions (
  decision_id   INTEGER PRIMARY KEY,
  line_id       INTEGER NOT NULL REFERENCES forecast_lines (line_id),
  action        TEXT NOT NULL CHECK (action IN ('accept', 'override', 'undo', 'auto_final')),
  quantity      REAL CHECK (quantity IS NULL OR quantity >= 0),
  source        TEXT NOT NULL CHECK (source IN ('model', 'override', 'sales_input')),
  reason_code   TEXT REFERENCES reason_codes (code),
  comment       TEXT,
  decided_by    TEXT REFERENCES users (user_id),
  decided_at    TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('final', 'pending_approval')),
  batch_id      INTEGER REFERENCES import_batches (batch_id),
  undoes_decision_id INTEGER REFERENCES decisions (decision_id),
  CHECK (action <> 'override' OR (quantity IS NOT NULL AND reason_code IS NOT NULL))
);
CREATE INDEX decisions_line ON decisions (line_id, decision_id);
CREATE TRIGGER decisions_append_only_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'the decisions journal is append-only'); END;
CREATE TRIGGER decisions_append_only_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'the decisions journal is append-only'); END;

CREATE TABLE approvals (
  approval_id INTEGER PRIMARY KEY,
  decision_id INTEGER NOT NULL REFERENCES decisions (decision_id),
  verdict     TEXT NOT NULL CHECK (verdict IN ('approved', 'rejected')),
  note        TEXT,
  decided_by  TEXT NOT NULL REFERENCES users (user_id),
  decided_at  TEXT NOT NULL
);
CREATE INDEX approvals_decision ON approvals (decision_id);
CREATE TRIGGER approvals_append_only_update BEFORE UPDATE ON approvals
BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;
CREATE TRIGGER approvals_append_only_delete BEFORE DELETE ON approvals
BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;

-- Policy per segment: 'all', a category or an ABC class. Changes are audited.
CREATE TABLE policies (
  policy_id          INTEGER PRIMARY KEY,
  segment_type       TEXT NOT NULL CHECK (segment_type IN ('all', 'category', 'abc_class')),
  segment_value      TEXT NOT NULL DEFAULT '*',
  model_role         TEXT NOT NULL CHECK (model_role IN ('assist', 'recommend', 'decide', 'trigger')),
  approval_pct       REAL CHECK (approval_pct IS NULL OR approval_pct >= 0),
  approval_units     REAL CHECK (approval_units IS NULL OR approval_units >= 0),
  freeze_lags        INTEGER NOT NULL DEFAULT 0 CHECK (freeze_lags >= 0),
  comment_pct        REAL CHECK (comment_pct IS NULL OR comment_pct >= 0),
  drift_threshold_pts REAL CHECK (drift_threshold_pts IS NULL OR drift_threshold_pts > 0),
  -- Set by the drift guard: the role in force is 'assist' until a manager restores it.
  stepped_down_at    TEXT,
  updated_by         TEXT REFERENCES users (user_id),
  updated_at         TEXT NOT NULL,
  UNIQUE (segment_type, segment_value)
);
INSERT INTO policies (segment_type, segment_value, model_role, approval_pct, approval_units, freeze_lags, comment_pct, drift_threshold_pts, updated_at)
VALUES ('all', '*', 'assist', 25, 1000, 0, 20, 5, '1970-01-01T00:00:00.000Z');

CREATE TABLE drift_alerts (
  alert_id      INTEGER PRIMARY KEY,
  segment_type  TEXT NOT NULL,
  segment_value TEXT NOT NULL,
  metric        TEXT NOT NULL,
  baseline      REAL NOT NULL,
  current       REAL NOT NULL,
  raised_at     TEXT NOT NULL,
  resolved_by   TEXT REFERENCES users (user_id),
  resolved_at   TEXT,
  resolution    TEXT
);

-- Releases snapshot a run's final plan as a numbered version; a rollback is a new
-- release whose lines copy an earlier version's, so history is never rewritten.
CREATE TABLE releases (
  release_id   INTEGER PRIMARY KEY,
  run_id       INTEGER NOT NULL REFERENCES forecast_runs (run_id),
  version      INTEGER NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('release', 'rollback')),
  restores_version INTEGER,
  note         TEXT,
  released_by  TEXT REFERENCES users (user_id),
  released_at  TEXT NOT NULL,
  UNIQUE (run_id, version)
);
CREATE TABLE release_lines (
  release_id     INTEGER NOT NULL REFERENCES releases (release_id),
  line_id        INTEGER NOT NULL REFERENCES forecast_lines (line_id),
  final_quantity REAL NOT NULL,
  source         TEXT NOT NULL CHECK (source IN ('model', 'override', 'sales_input')),
  decision_id    INTEGER REFERENCES decisions (decision_id),
  PRIMARY KEY (release_id, line_id)
) WITHOUT ROWID;

-- Hash-chained audit log: each entry's hash covers its content and the hash of
-- the entry before, so an edit anywhere breaks the chain from there on.
CREATE TABLE audit_log (
  audit_id  INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  actor     TEXT,
  action    TEXT NOT NULL,
  entity    TEXT NOT NULL,
  entity_id TEXT,
  payload   TEXT NOT NULL CHECK (json_valid(payload)),
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- The final plan as a projection of the journal: one row per line that has any
-- decision (lines without a row are undecided, final = model quantity). A cache,
-- rewritten in the transaction of each journal write and rebuildable from the
-- journal alone (decisions/projection.ts); "fwb check" compares the two.
CREATE TABLE line_state (
  line_id        INTEGER PRIMARY KEY REFERENCES forecast_lines (line_id),
  decision_id    INTEGER REFERENCES decisions (decision_id),
  final_quantity REAL NOT NULL,
  source         TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('undecided', 'final', 'pending_approval', 'approved', 'rejected')),
  decided_by     TEXT,
  decided_at     TEXT,
  reason_code    TEXT
);
-- The approvals queue reads only the pending rows.
CREATE INDEX line_state_pending ON line_state (status) WHERE status = 'pending_approval';
-- "Is this decision undone?" is asked for every decision when deriving the plan.
CREATE INDEX decisions_undoes ON decisions (undoes_decision_id) WHERE undoes_decision_id IS NOT NULL;
-- Undo looks up the signed-in user's latest decision.
CREATE INDEX decisions_decided_by ON decisions (decided_by, decision_id);

-- Exception scores: derived from lines, actuals, sales inputs and drift alerts;
-- recomputed when the signature of those inputs changes (exceptions/cache.ts).
CREATE TABLE line_exceptions (
  line_id INTEGER PRIMARY KEY REFERENCES forecast_lines (line_id) ON DELETE CASCADE,
  run_id  INTEGER NOT NULL,
  score   REAL NOT NULL,
  reasons TEXT NOT NULL
);
CREATE INDEX line_exceptions_run ON line_exceptions (run_id, score);
CREATE TABLE exception_runs (
  run_id    INTEGER PRIMARY KEY REFERENCES forecast_runs (run_id) ON DELETE CASCADE,
  signature TEXT NOT NULL
);

-- Readable views for people with the sqlite3 shell: ids and ISO dates.
CREATE VIEW v_forecast_runs AS
SELECT run_id, model_name, model_version, printf('%04d-%02d-%02d', origin / 10000, origin / 100 % 100, origin % 100) AS origin,
       grain, interval_level, batch_id, created_at
  FROM forecast_runs;
CREATE VIEW v_forecast_lines AS
SELECT l.line_id, l.run_id, i.item_id, loc.location_id,
       printf('%04d-%02d-%02d', l.period / 10000, l.period / 100 % 100, l.period % 100) AS period,
       l.lag, l.quantity, l.lower, l.upper
  FROM forecast_lines l JOIN items i ON i.item_key = l.item_key JOIN locations loc ON loc.location_key = l.location_key;
CREATE VIEW v_actuals AS
SELECT a.actual_id, i.item_id, loc.location_id,
       printf('%04d-%02d-%02d', a.period / 10000, a.period / 100 % 100, a.period % 100) AS period,
       a.quantity, a.batch_id, a.recorded_at, a.superseded_at
  FROM actuals a JOIN items i ON i.item_key = a.item_key JOIN locations loc ON loc.location_key = a.location_key;
CREATE VIEW v_sales_inputs AS
SELECT s.sales_input_id, i.item_id, loc.location_id,
       printf('%04d-%02d-%02d', s.period / 10000, s.period / 100 % 100, s.period % 100) AS period,
       s.quantity, s.source, s.note, s.batch_id, s.recorded_at, s.superseded_at
  FROM sales_inputs s JOIN items i ON i.item_key = s.item_key JOIN locations loc ON loc.location_key = s.location_key;
`;
