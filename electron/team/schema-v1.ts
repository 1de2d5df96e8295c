// Version 1 of the team database: schema `fwb`, owned by the role fwb_owner. Tables
// mirror the workbook's shared tables (electron/backend/db/migrations), with three
// differences that make them a record many laptops can share:
//   - every shared row carries `seq`, from one sequence: a replica pulls "rows after
//     the last seq I have";
//   - what the workbook changes in place (policies, reason codes, superseded actuals
//     and sales inputs) is kept here as rows appended one after another: the row in
//     force is the latest (highest seq) of its key, so nothing is ever updated;
//   - users, items and locations are the rows in force, changed only by the administrator's
//     commands and (in a later version) the write functions, each change with a new seq;
//   - journal rows carry the client's `uuid` (UNIQUE: pushing the same decision twice
//     records it once), the laptop's clock as `decided_at_client`, and `based_on_seq`,
//     the line's latest decision its author had seen.
// Times are the server's (`now()`); periods stay yyyymmdd integers as in the workbook.
// Applied in one transaction under SET ROLE fwb_owner, so every object is the owner's.
// Never edit after it ships: version 2 goes into a file of its own.
export const SCHEMA_V1_TABLES = [
  'schema_version',
  'users',
  'import_batches',
  'items',
  'locations',
  'forecast_runs',
  'forecast_lines',
  'actuals',
  'sales_inputs',
  'reason_codes',
  'policies',
  'decisions',
  'approvals',
  'releases',
  'release_lines',
  'audit_log',
] as const;

/** Tables whose rows are never changed nor removed once written, by anyone (a trigger refuses it, the owner included). */
export const APPEND_ONLY_V1 = [
  'import_batches',
  'forecast_runs',
  'forecast_lines',
  'actuals',
  'sales_inputs',
  'reason_codes',
  'policies',
  'decisions',
  'approvals',
  'releases',
  'release_lines',
  'audit_log',
] as const;

const seq = `seq bigint NOT NULL UNIQUE DEFAULT nextval('fwb.seq')`;
const id = 'bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY';

export const SCHEMA_V1 = /* sql */ `
CREATE SEQUENCE fwb.seq AS bigint;

CREATE TABLE fwb.schema_version (
  version    integer PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now(),
  applied_by text NOT NULL DEFAULT session_user
);

-- The team's people: one row per login (the PostgreSQL role the person signs in with).
-- Changed only by fwb team add-user / remove-user (an administrator); a removed person
-- keeps their row, inactive, so their decisions keep their name.
CREATE TABLE fwb.users (
  login        text PRIMARY KEY,
  display_name text NOT NULL,
  role         text NOT NULL CHECK (role IN ('planner', 'manager', 'analyst')),
  active       boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now(),
  changed_at   timestamptz NOT NULL DEFAULT now(),
  ${seq}
);

CREATE TABLE fwb.import_batches (
  batch_id         ${id},
  uuid             uuid NOT NULL UNIQUE,
  kind             text NOT NULL CHECK (kind IN ('items', 'forecasts', 'actuals', 'sales_inputs', 'decisions', 'demo')),
  file_name        text NOT NULL,
  file_size        bigint,
  sha256           text,
  source           text,
  model_name       text,
  model_version    text,
  options          jsonb NOT NULL DEFAULT '{}',
  rows_read        integer NOT NULL DEFAULT 0,
  rows_accepted    integer NOT NULL DEFAULT 0,
  rows_quarantined integer NOT NULL DEFAULT 0,
  imported_by      text REFERENCES fwb.users (login),
  imported_at      timestamptz NOT NULL DEFAULT now(),
  imported_at_client timestamptz,
  ${seq}
);

CREATE TABLE fwb.items (
  item_key          ${id},
  item_id           text NOT NULL UNIQUE,
  name              text NOT NULL,
  category          text,
  brand             text,
  family            text,
  abc_class         text CHECK (abc_class IN ('A', 'B', 'C')),
  owner_id          text REFERENCES fwb.users (login),
  unit              text,
  attributes        jsonb NOT NULL DEFAULT '{}',
  introduced_period integer,
  batch_id          bigint REFERENCES fwb.import_batches (batch_id),
  ${seq}
);

CREATE TABLE fwb.locations (
  location_key ${id},
  location_id  text NOT NULL UNIQUE,
  name         text NOT NULL,
  ${seq}
);
INSERT INTO fwb.locations (location_id, name) VALUES ('ALL', 'All locations');

CREATE TABLE fwb.forecast_runs (
  run_id         ${id},
  model_name     text NOT NULL,
  model_version  text NOT NULL DEFAULT '',
  origin         integer NOT NULL,
  grain          text NOT NULL CHECK (grain IN ('month', 'week', 'quarter', 'year')),
  interval_level double precision CHECK (interval_level IS NULL OR (interval_level > 0 AND interval_level < 100)),
  batch_id       bigint NOT NULL REFERENCES fwb.import_batches (batch_id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  ${seq}
);

CREATE TABLE fwb.forecast_lines (
  line_id      ${id},
  run_id       bigint NOT NULL REFERENCES fwb.forecast_runs (run_id),
  item_key     bigint NOT NULL REFERENCES fwb.items (item_key),
  location_key bigint NOT NULL REFERENCES fwb.locations (location_key),
  period       integer NOT NULL,
  lag          integer NOT NULL CHECK (lag >= 0),
  quantity     double precision NOT NULL CHECK (quantity >= 0),
  lower        double precision,
  upper        double precision,
  ${seq},
  UNIQUE (run_id, item_key, location_key, period)
);

-- A later row of the same key supersedes an earlier one (the workbook's superseded_at, derived).
CREATE TABLE fwb.actuals (
  actual_id    ${id},
  item_key     bigint NOT NULL REFERENCES fwb.items (item_key),
  location_key bigint NOT NULL REFERENCES fwb.locations (location_key),
  period       integer NOT NULL,
  quantity     double precision NOT NULL CHECK (quantity >= 0),
  batch_id     bigint NOT NULL REFERENCES fwb.import_batches (batch_id),
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  ${seq}
);
CREATE INDEX actuals_key ON fwb.actuals (item_key, location_key, period, seq);

CREATE TABLE fwb.sales_inputs (
  sales_input_id ${id},
  item_key       bigint NOT NULL REFERENCES fwb.items (item_key),
  location_key   bigint NOT NULL REFERENCES fwb.locations (location_key),
  period         integer NOT NULL,
  quantity       double precision NOT NULL CHECK (quantity >= 0),
  source         text,
  note           text,
  batch_id       bigint NOT NULL REFERENCES fwb.import_batches (batch_id),
  recorded_at    timestamptz NOT NULL DEFAULT now(),
  ${seq}
);
CREATE INDEX sales_inputs_key ON fwb.sales_inputs (item_key, location_key, period, seq);

-- Each row a version of a code; the one in force is the code's latest.
CREATE TABLE fwb.reason_codes (
  reason_code_id   ${id},
  code             text NOT NULL,
  label            text NOT NULL,
  comment_required boolean NOT NULL DEFAULT false,
  active           boolean NOT NULL DEFAULT true,
  sort_order       integer NOT NULL DEFAULT 0,
  changed_by       text REFERENCES fwb.users (login),
  changed_at       timestamptz NOT NULL DEFAULT now(),
  ${seq}
);
CREATE INDEX reason_codes_code ON fwb.reason_codes (code, seq);
INSERT INTO fwb.reason_codes (code, label, comment_required, sort_order) VALUES
  ('promotion', 'Promotion', false, 1),
  ('new_customer', 'New customer or contract', false, 2),
  ('lost_business', 'Lost business', false, 3),
  ('supply_constraint', 'Supply constraint', false, 4),
  ('price_change', 'Price change', false, 5),
  ('event_seasonality', 'Event or seasonality', false, 6),
  ('data_error', 'Data error in history', true, 7),
  ('sales_intelligence', 'Sales intelligence', false, 8),
  ('other', 'Other', true, 9);

-- Each row a version of a segment's policy; the one in force is the segment's latest.
CREATE TABLE fwb.policies (
  policy_id           ${id},
  segment_type        text NOT NULL CHECK (segment_type IN ('all', 'category', 'abc_class')),
  segment_value       text NOT NULL DEFAULT '*',
  model_role          text NOT NULL CHECK (model_role IN ('assist', 'recommend', 'decide', 'trigger')),
  approval_pct        double precision CHECK (approval_pct IS NULL OR approval_pct >= 0),
  approval_units      double precision CHECK (approval_units IS NULL OR approval_units >= 0),
  freeze_lags         integer NOT NULL DEFAULT 0 CHECK (freeze_lags >= 0),
  comment_pct         double precision CHECK (comment_pct IS NULL OR comment_pct >= 0),
  drift_threshold_pts double precision CHECK (drift_threshold_pts IS NULL OR drift_threshold_pts > 0),
  stepped_down_at     timestamptz,
  updated_by          text REFERENCES fwb.users (login),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  ${seq}
);
CREATE INDEX policies_segment ON fwb.policies (segment_type, segment_value, seq);
INSERT INTO fwb.policies (segment_type, segment_value, model_role, approval_pct, approval_units, freeze_lags, comment_pct, drift_threshold_pts)
VALUES ('all', '*', 'assist', 25, 1000, 0, 20, 5);

CREATE TABLE fwb.decisions (
  decision_id        ${id},
  uuid               uuid NOT NULL UNIQUE,
  line_id            bigint NOT NULL REFERENCES fwb.forecast_lines (line_id),
  action             text NOT NULL CHECK (action IN ('accept', 'override', 'undo', 'auto_final')),
  quantity           double precision CHECK (quantity IS NULL OR quantity >= 0),
  source             text NOT NULL CHECK (source IN ('model', 'override', 'sales_input')),
  reason_code        text,
  comment            text,
  decided_by         text REFERENCES fwb.users (login),
  decided_at         timestamptz NOT NULL DEFAULT now(),
  decided_at_client  timestamptz,
  based_on_seq       bigint,
  status             text NOT NULL CHECK (status IN ('final', 'pending_approval')),
  batch_id           bigint REFERENCES fwb.import_batches (batch_id),
  undoes_decision_id bigint REFERENCES fwb.decisions (decision_id),
  recorded_by        text,
  ${seq},
  CHECK (action <> 'override' OR (quantity IS NOT NULL AND reason_code IS NOT NULL))
);
CREATE INDEX decisions_line ON fwb.decisions (line_id, seq);

CREATE TABLE fwb.approvals (
  approval_id       ${id},
  uuid              uuid NOT NULL UNIQUE,
  decision_id       bigint NOT NULL REFERENCES fwb.decisions (decision_id),
  verdict           text NOT NULL CHECK (verdict IN ('approved', 'rejected')),
  note              text,
  decided_by        text NOT NULL REFERENCES fwb.users (login),
  decided_at        timestamptz NOT NULL DEFAULT now(),
  decided_at_client timestamptz,
  ${seq}
);
CREATE INDEX approvals_decision ON fwb.approvals (decision_id);

CREATE TABLE fwb.releases (
  release_id       ${id},
  uuid             uuid NOT NULL UNIQUE,
  run_id           bigint NOT NULL REFERENCES fwb.forecast_runs (run_id),
  version          integer NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('release', 'rollback')),
  restores_version integer,
  note             text,
  released_by      text REFERENCES fwb.users (login),
  released_at      timestamptz NOT NULL DEFAULT now(),
  ${seq},
  UNIQUE (run_id, version)
);

CREATE TABLE fwb.release_lines (
  release_id     bigint NOT NULL REFERENCES fwb.releases (release_id),
  line_id        bigint NOT NULL REFERENCES fwb.forecast_lines (line_id),
  final_quantity double precision NOT NULL,
  source         text NOT NULL CHECK (source IN ('model', 'override', 'sales_input')),
  decision_id    bigint REFERENCES fwb.decisions (decision_id),
  ${seq},
  PRIMARY KEY (release_id, line_id)
);

-- One hash chain for the team, extended (in a later version) only inside the write functions.
CREATE TABLE fwb.audit_log (
  audit_id  ${id},
  at        timestamptz NOT NULL DEFAULT now(),
  actor     text,
  action    text NOT NULL,
  entity    text NOT NULL,
  entity_id text,
  payload   jsonb NOT NULL,
  prev_hash text NOT NULL,
  hash      text NOT NULL UNIQUE,
  ${seq}
);
CREATE INDEX audit_log_entity ON fwb.audit_log (entity, entity_id);

-- Journals are append-only for everyone, the owner included: no UPDATE, DELETE or TRUNCATE.
CREATE FUNCTION fwb.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'fwb.% is append-only: rows are never changed nor removed', TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;
REVOKE ALL ON FUNCTION fwb.refuse_change() FROM PUBLIC;
${APPEND_ONLY_V1.map(
  (t) => `CREATE TRIGGER ${t}_append_only BEFORE UPDATE OR DELETE ON fwb.${t} FOR EACH ROW EXECUTE FUNCTION fwb.refuse_change();
CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON fwb.${t} FOR EACH STATEMENT EXECUTE FUNCTION fwb.refuse_change();`,
).join('\n')}

-- Everyone of the team reads everything; nobody of the team writes a table directly.
-- (Writes arrive through SECURITY DEFINER functions in a later version.)
REVOKE ALL ON SCHEMA fwb FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA fwb FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA fwb FROM PUBLIC;
GRANT USAGE ON SCHEMA fwb TO fwb_analyst, fwb_planner, fwb_manager;
GRANT SELECT ON ALL TABLES IN SCHEMA fwb TO fwb_analyst, fwb_planner, fwb_manager;
`;
