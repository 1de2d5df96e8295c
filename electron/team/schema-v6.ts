// Version 6 of the team database: what managers change on their replicas reaches the team
// (issue 15 items 4 and 6: "policies, reason codes and releases only by managers").
//   fwb.save_policy(uuid, jsonb)       a new version of a segment's policy (the latest of a
//                                      segment is in force: fwb.policy_for, so a decision
//                                      arriving after it is judged by it, one before it not)
//   fwb.save_reason_code(uuid, jsonb)  a new version of a reason code
//   fwb.release_run(uuid, jsonb)       a release (or rollback) of a run's plan, with its lines
//                                      as the manager's replica froze them; the version is the
//                                      server's (the next of the run at arrival)
// Each checks that session_user is an active manager (fwb.require_member), holds the journal's
// lock, appends the row and its audit entry, and is idempotent by the uuid the replica minted:
// sent again (a push killed after the server committed), it answers what it stored. A change
// the rules refuse answers {status: 'refused', reason} and records nothing.
// EXECUTE is granted to every group so a planner or analyst is told why, in a sentence.
// Never edit after it ships: version 7 goes into a file of its own.

/** The tables (and views) version 6 adds: none; policies and reason codes gain a uuid column. */
export const SCHEMA_V6_TABLES = [] as const;

const definer = 'LANGUAGE plpgsql SECURITY DEFINER SET search_path = fwb, pg_temp';

export const SCHEMA_V6 = /* sql */ `
ALTER TABLE fwb.policies ADD COLUMN uuid uuid UNIQUE;
ALTER TABLE fwb.reason_codes ADD COLUMN uuid uuid UNIQUE;

CREATE FUNCTION fwb.change_outcome(change_uuid uuid, status text, seq bigint, reason text, extra jsonb DEFAULT '{}') RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('uuid', change_uuid, 'status', status, 'seq', seq, 'reason', reason) || extra
$$;

CREATE FUNCTION fwb.save_policy(change_uuid uuid, policy jsonb) RETURNS jsonb ${definer} AS $$
DECLARE
  who text;
  p fwb.policies;
  seg_type text := policy->>'segment_type';
  seg_value text := coalesce(nullif(policy->>'segment_value', ''), '*');
BEGIN
  who := fwb.require_member(ARRAY['manager'], 'change a policy');
  PERFORM fwb.lock_journal();
  SELECT * INTO p FROM fwb.policies WHERE uuid = change_uuid;
  IF FOUND THEN
    IF p.updated_by IS DISTINCT FROM who THEN RETURN fwb.foreign_uuid(change_uuid); END IF;
    RETURN fwb.change_outcome(change_uuid, 'saved', p.seq, NULL);
  END IF;
  IF seg_type IS NULL OR seg_type NOT IN ('all', 'category', 'abc_class') THEN
    RETURN fwb.change_outcome(change_uuid, 'refused', NULL, format('A policy is for all items, a category or an ABC class, not "%s".', coalesce(seg_type, '')));
  END IF;
  IF seg_type = 'category' AND NOT EXISTS (SELECT 1 FROM fwb.items WHERE category = seg_value) THEN
    RETURN fwb.change_outcome(change_uuid, 'refused', NULL, format('No item has the category "%s"; a policy for it would govern nothing.', seg_value));
  END IF;
  BEGIN
    INSERT INTO fwb.policies (uuid, segment_type, segment_value, model_role, approval_pct, approval_units, freeze_lags, comment_pct, drift_threshold_pts, stepped_down_at, updated_by, updated_at)
    VALUES (change_uuid, seg_type, CASE WHEN seg_type = 'all' THEN '*' ELSE seg_value END, policy->>'model_role',
            (policy->>'approval_pct')::double precision, (policy->>'approval_units')::double precision, coalesce((policy->>'freeze_lags')::integer, 0),
            (policy->>'comment_pct')::double precision, (policy->>'drift_threshold_pts')::double precision, (policy->>'stepped_down_at')::timestamptz,
            who, clock_timestamp())
    RETURNING * INTO p;
  EXCEPTION WHEN check_violation OR not_null_violation OR invalid_text_representation OR invalid_datetime_format OR numeric_value_out_of_range THEN
    RETURN fwb.change_outcome(change_uuid, 'refused', NULL, format('The policy for %s was not saved: %s.', seg_type || CASE WHEN seg_type = 'all' THEN '' ELSE ' ' || seg_value END, SQLERRM));
  END;
  PERFORM fwb.append_audit(who, 'policy.change', 'policy', p.policy_id::text, to_jsonb(p) - 'seq');
  RETURN fwb.change_outcome(change_uuid, 'saved', p.seq, NULL);
END $$;

CREATE FUNCTION fwb.save_reason_code(change_uuid uuid, reason jsonb) RETURNS jsonb ${definer} AS $$
DECLARE
  who text;
  r fwb.reason_codes;
  prev fwb.reason_codes;
  given text := btrim(coalesce(reason->>'code', ''));
  label text := btrim(coalesce(reason->>'label', ''));
BEGIN
  who := fwb.require_member(ARRAY['manager'], 'change reason codes');
  PERFORM fwb.lock_journal();
  SELECT * INTO r FROM fwb.reason_codes WHERE uuid = change_uuid;
  IF FOUND THEN
    IF r.changed_by IS DISTINCT FROM who THEN RETURN fwb.foreign_uuid(change_uuid); END IF;
    RETURN fwb.change_outcome(change_uuid, 'saved', r.seq, NULL);
  END IF;
  IF given = '' OR label = '' THEN
    RETURN fwb.change_outcome(change_uuid, 'refused', NULL, 'A reason code needs a code and a label.');
  END IF;
  SELECT * INTO prev FROM fwb.reason_codes WHERE code = given ORDER BY seq DESC LIMIT 1;
  INSERT INTO fwb.reason_codes (uuid, code, label, comment_required, active, sort_order, changed_by, changed_at)
  VALUES (change_uuid, given, label, coalesce((reason->>'comment_required')::boolean, false), coalesce((reason->>'active')::boolean, true),
          -- A new code goes to the end of the list; an edited one keeps its place (as the workbook does).
          coalesce(prev.sort_order, (SELECT coalesce(max(sort_order), 0) + 1 FROM fwb.reason_codes)), who, clock_timestamp())
  RETURNING * INTO r;
  PERFORM fwb.append_audit(who, 'reason_code.change', 'reason_code', r.code, to_jsonb(r) - 'seq');
  RETURN fwb.change_outcome(change_uuid, 'saved', r.seq, NULL);
END $$;

-- release: {run_id, kind release|rollback, restores_version, note, lines: [[line_id, final_quantity, source, decision_uuid], ...]}
CREATE FUNCTION fwb.release_run(release_uuid uuid, release jsonb) RETURNS jsonb ${definer} AS $$
DECLARE
  who text;
  r fwb.releases;
  run bigint := (release->>'run_id')::bigint;
  kind text := coalesce(release->>'kind', 'release');
  restores integer := (release->>'restores_version')::integer;
  next_version integer;
  foreign_lines integer;
BEGIN
  who := fwb.require_member(ARRAY['manager'], CASE WHEN kind = 'rollback' THEN 'roll back a plan' ELSE 'release a plan' END);
  PERFORM fwb.lock_journal();
  SELECT * INTO r FROM fwb.releases WHERE uuid = release_uuid;
  IF FOUND THEN
    IF r.released_by IS DISTINCT FROM who THEN RETURN fwb.foreign_uuid(release_uuid); END IF;
    RETURN fwb.change_outcome(release_uuid, 'released', r.seq, NULL, jsonb_build_object('version', r.version));
  END IF;
  IF NOT EXISTS (SELECT 1 FROM fwb.forecast_runs WHERE run_id = run) THEN
    RETURN fwb.change_outcome(release_uuid, 'refused', NULL, format('Run %s is not in the team workbook; nothing was released.', coalesce(run::text, '(none)')));
  END IF;
  IF kind NOT IN ('release', 'rollback') THEN
    RETURN fwb.change_outcome(release_uuid, 'refused', NULL, format('A release is a release or a rollback, not "%s".', kind));
  END IF;
  IF jsonb_typeof(release->'lines') IS DISTINCT FROM 'array' OR jsonb_array_length(release->'lines') = 0 THEN
    RETURN fwb.change_outcome(release_uuid, 'refused', NULL, format('Run %s has no lines to release.', run));
  END IF;
  SELECT count(*) INTO foreign_lines FROM jsonb_array_elements(release->'lines') l
    LEFT JOIN fwb.forecast_lines fl ON fl.line_id = (l->>0)::bigint
   WHERE fl.run_id IS DISTINCT FROM run;
  IF foreign_lines > 0 THEN
    RETURN fwb.change_outcome(release_uuid, 'refused', NULL, format('%s of the released lines are not lines of run %s in the team workbook; nothing was released.', foreign_lines, run));
  END IF;
  IF kind = 'rollback' AND NOT EXISTS (SELECT 1 FROM fwb.releases x WHERE x.run_id = run AND x.version = restores) THEN
    RETURN fwb.change_outcome(release_uuid, 'refused', NULL, format('Run %s has no release version %s in the team workbook to roll back to.', run, coalesce(restores::text, '(none)')));
  END IF;
  -- The server numbers versions in arrival order: two managers releasing offline both land, one after the other.
  SELECT coalesce(max(x.version), 0) + 1 INTO next_version FROM fwb.releases x WHERE x.run_id = run;
  INSERT INTO fwb.releases (uuid, run_id, version, kind, restores_version, note, released_by, released_at)
  VALUES (release_uuid, run, next_version, kind, CASE WHEN kind = 'rollback' THEN restores END, nullif(btrim(coalesce(release->>'note', '')), ''), who, clock_timestamp())
  RETURNING * INTO r;
  INSERT INTO fwb.release_lines (release_id, line_id, final_quantity, source, decision_id)
  SELECT r.release_id, (l->>0)::bigint, (l->>1)::double precision, l->>2, d.decision_id
    FROM jsonb_array_elements(release->'lines') l LEFT JOIN fwb.decisions d ON d.uuid = (l->>3)::uuid;
  PERFORM fwb.append_audit(who, kind, 'release', r.release_id::text,
    jsonb_build_object('uuid', r.uuid, 'runId', r.run_id, 'version', r.version, 'kind', r.kind, 'restoresVersion', r.restores_version, 'note', r.note, 'lines', jsonb_array_length(release->'lines')));
  RETURN fwb.change_outcome(release_uuid, 'released', r.seq, NULL, jsonb_build_object('version', r.version));
END $$;

REVOKE ALL ON FUNCTION fwb.change_outcome(uuid, text, bigint, text, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION fwb.save_policy(uuid, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION fwb.save_reason_code(uuid, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION fwb.release_run(uuid, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fwb.save_policy(uuid, jsonb) TO fwb_analyst, fwb_planner, fwb_manager;
GRANT EXECUTE ON FUNCTION fwb.save_reason_code(uuid, jsonb) TO fwb_analyst, fwb_planner, fwb_manager;
GRANT EXECUTE ON FUNCTION fwb.release_run(uuid, jsonb) TO fwb_analyst, fwb_planner, fwb_manager;
`;
