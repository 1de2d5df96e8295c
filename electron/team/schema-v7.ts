// Version 7 of the team database: what a release decides reaches the team (issue 15).
//   fwb.release_run(uuid, jsonb)  replaced in place (same name, argument, grants): a release
//                                 may carry `auto_final: [[line_id, decision_uuid, decided_at_client], ...]`,
//                                 the lines the manager's replica finalised at the model's quantity
//                                 because the model's role there is 'decide' and nobody had touched
//                                 them. The server judges each at arrival (fwb.record_auto_finals):
//                                 recorded as a decision authored by the session's login (action
//                                 auto_final, the server's model quantity) only when the line has no
//                                 decision on the server yet and the policy in force gives the model
//                                 the 'decide' role; otherwise refused with the reason (kept in
//                                 refused_submissions for the manager), and the release line names no
//                                 decision: it holds the quantity the manager released, as a line
//                                 released without a decision does. Idempotent by each uuid; one
//                                 'decision.batch' audit entry for those recorded (fwb check --team
//                                 reads a decision against its batch's entry).
//   fwb.step_down_policy(uuid, jsonb)  the drift guard's step-down, sent by whichever member's replica
//                                 found the drift. Safety only: it can only lower the model's role, so
//                                 any member may send it, and the server takes it only as a step down
//                                 of the segment's current version, the one the replica judged
//                                 (`based_on`: that version's updated_at, or null when the segment had
//                                 no policy of its own and the guard made one from 'all'). A newer
//                                 version in between (a manager's edit or restore) refuses it: the
//                                 manager decided after it. Already stepped down: nothing new. Taken:
//                                 a new version of the segment, stepped down at the server's time,
//                                 audited 'policy.step_down' with the evidence the replica measured.
// fwb.record_auto_finals is internal: no app role may execute it, so raw SQL under any login
// reaches it only through release_run, which is for managers.
// Never edit after it ships: version 8 goes into a file of its own.

const definer = 'LANGUAGE plpgsql SECURITY DEFINER SET search_path = fwb, pg_temp';

export const SCHEMA_V7 = /* sql */ `
CREATE FUNCTION fwb.record_auto_finals(who text, run bigint, release_uuid uuid, entries jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  e jsonb;
  u uuid;
  req jsonb;
  stored jsonb;
  line fwb.forecast_lines;
  item fwb.items;
  p fwb.policies;
  role text;
  prior fwb.decisions;
  d fwb.decisions;
  answers jsonb := '[]';
  written jsonb := '[]';
BEGIN
  FOR e IN SELECT x.value FROM jsonb_array_elements(coalesce(entries, '[]')) x LOOP
    u := (e->>1)::uuid;
    req := jsonb_build_object('action', 'auto_final', 'line_id', e->0, 'decided_at_client', e->2, 'release', release_uuid);
    stored := fwb.stored_outcome('decision', u, who);
    IF stored IS NOT NULL THEN
      answers := answers || jsonb_build_array(stored);
      CONTINUE;
    END IF;
    SELECT * INTO line FROM fwb.forecast_lines WHERE line_id = (e->>0)::bigint;
    IF NOT FOUND OR line.run_id IS DISTINCT FROM run THEN
      answers := answers || jsonb_build_array(fwb.refuse('decision', u, who, CASE WHEN FOUND THEN line.line_id END, req,
        format('Line %s is not a line of run %s in the team workbook; the model''s automatic final was not recorded.', e->>0, run)));
      CONTINUE;
    END IF;
    SELECT * INTO prior FROM fwb.decisions WHERE line_id = line.line_id ORDER BY seq DESC LIMIT 1;
    IF FOUND THEN
      answers := answers || jsonb_build_array(fwb.refuse('decision', u, who, line.line_id, req,
        format('%s decided line %s before this release reached the team (%s, seq %s), so the model''s automatic final was not recorded: %s''s decision stays the line''s current one, and the release holds the line at the model''s quantity, naming no decision. Release the run again to include it.',
               coalesce(prior.decided_by, 'An import'), line.line_id, prior.action, prior.seq, coalesce(prior.decided_by, 'the import'))));
      CONTINUE;
    END IF;
    SELECT * INTO item FROM fwb.items WHERE item_key = line.item_key;
    p := fwb.policy_for(item);
    role := CASE WHEN p.stepped_down_at IS NOT NULL THEN 'assist' ELSE p.model_role END;
    IF role IS DISTINCT FROM 'decide' THEN
      answers := answers || jsonb_build_array(fwb.refuse('decision', u, who, line.line_id, req,
        format('On the team the model''s role for %s is %s when this release arrived, not decide, so line %s was not finalised: the release holds it at the model''s quantity, naming no decision.',
               fwb.segment_label(p), coalesce(role, 'not set'), line.line_id)));
      CONTINUE;
    END IF;
    INSERT INTO fwb.decisions (uuid, line_id, action, quantity, source, decided_by, decided_at, decided_at_client, based_on_seq, status, policy_seq, model_role, model_quantity)
    VALUES (u, line.line_id, 'auto_final', line.quantity, 'model', who, clock_timestamp(),
            CASE WHEN e->>2 ~ '^\\d{4}-\\d{2}-\\d{2}T' THEN (e->>2)::timestamptz END, NULL, 'final', p.seq, role, line.quantity)
    RETURNING * INTO d;
    written := written || jsonb_build_array(to_jsonb(d));
    answers := answers || jsonb_build_array(fwb.decision_outcome(d));
  END LOOP;
  IF jsonb_array_length(written) > 0 THEN
    PERFORM fwb.append_audit(who, 'decision.batch', 'decision_batch', (written->0->>'decision_id') || '-' || (written->-1->>'decision_id'),
      jsonb_build_object('count', jsonb_array_length(written), 'decisions', written, 'conflictsOpened', '[]'::jsonb, 'conflictsSettled', '[]'::jsonb, 'release', release_uuid));
  END IF;
  RETURN answers;
END $$;

-- release: {run_id, kind release|rollback, restores_version, note, lines: [[line_id, final_quantity, source, decision_uuid], ...],
--           auto_final: [[line_id, decision_uuid, decided_at_client], ...]}
CREATE OR REPLACE FUNCTION fwb.release_run(release_uuid uuid, release jsonb) RETURNS jsonb ${definer} AS $$
DECLARE
  who text;
  r fwb.releases;
  run bigint := (release->>'run_id')::bigint;
  kind text := coalesce(release->>'kind', 'release');
  restores integer := (release->>'restores_version')::integer;
  next_version integer;
  foreign_lines integer;
  finals jsonb;
BEGIN
  who := fwb.require_member(ARRAY['manager'], CASE WHEN kind = 'rollback' THEN 'roll back a plan' ELSE 'release a plan' END);
  PERFORM fwb.lock_journal();
  SELECT * INTO r FROM fwb.releases WHERE uuid = release_uuid;
  IF FOUND THEN
    IF r.released_by IS DISTINCT FROM who THEN RETURN fwb.foreign_uuid(release_uuid); END IF;
    -- Sent again (its answer lost): each automatic final's stored answer, as the first call gave it.
    SELECT coalesce(jsonb_agg(fwb.stored_outcome('decision', (x.value->>1)::uuid, who) ORDER BY x.ordinality), '[]') INTO finals
      FROM jsonb_array_elements(CASE WHEN jsonb_typeof(release->'auto_final') = 'array' THEN release->'auto_final' ELSE '[]' END) WITH ORDINALITY x;
    RETURN fwb.change_outcome(release_uuid, 'released', r.seq, NULL, jsonb_build_object('version', r.version, 'decisions', finals));
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
  IF release ? 'auto_final' AND jsonb_typeof(release->'auto_final') IS DISTINCT FROM 'array' THEN
    RETURN fwb.change_outcome(release_uuid, 'refused', NULL, 'A release''s automatic finals are a list of [line, uuid, time]; nothing was released.');
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
  -- The lines nobody touched, finalised at release where the model decides: judged here, at arrival, before the lines name them.
  finals := fwb.record_auto_finals(who, run, release_uuid, release->'auto_final');
  -- The server numbers versions in arrival order: two managers releasing offline both land, one after the other.
  SELECT coalesce(max(x.version), 0) + 1 INTO next_version FROM fwb.releases x WHERE x.run_id = run;
  INSERT INTO fwb.releases (uuid, run_id, version, kind, restores_version, note, released_by, released_at)
  VALUES (release_uuid, run, next_version, kind, CASE WHEN kind = 'rollback' THEN restores END, nullif(btrim(coalesce(release->>'note', '')), ''), who, clock_timestamp())
  RETURNING * INTO r;
  -- A line names its decision only when the team holds it on that line (a refused automatic final names none).
  INSERT INTO fwb.release_lines (release_id, line_id, final_quantity, source, decision_id)
  SELECT r.release_id, (l->>0)::bigint, (l->>1)::double precision, l->>2, d.decision_id
    FROM jsonb_array_elements(release->'lines') l LEFT JOIN fwb.decisions d ON d.uuid = (l->>3)::uuid AND d.line_id = (l->>0)::bigint;
  PERFORM fwb.append_audit(who, kind, 'release', r.release_id::text,
    jsonb_build_object('uuid', r.uuid, 'runId', r.run_id, 'version', r.version, 'kind', r.kind, 'restoresVersion', r.restores_version, 'note', r.note, 'lines', jsonb_array_length(release->'lines'),
                       'autoFinals', (SELECT count(*) FROM jsonb_array_elements(finals) f WHERE f.value->>'status' = 'final'),
                       'autoFinalsRefused', (SELECT count(*) FROM jsonb_array_elements(finals) f WHERE f.value->>'status' = 'refused')));
  RETURN fwb.change_outcome(release_uuid, 'released', r.seq, NULL, jsonb_build_object('version', r.version, 'decisions', finals));
END $$;

-- step: {segment_type, segment_value, based_on, evidence: {metric, baseline, current, thresholdPts}}
CREATE FUNCTION fwb.step_down_policy(change_uuid uuid, step jsonb) RETURNS jsonb ${definer} AS $$
DECLARE
  who text;
  p fwb.policies;
  base fwb.policies;
  seg_type text := step->>'segment_type';
  seg_value text := CASE WHEN step->>'segment_type' = 'all' THEN '*' ELSE step->>'segment_value' END;
  based_on text := step->>'based_on';
  evidence jsonb := coalesce(step->'evidence', '{}');
BEGIN
  who := fwb.require_member(ARRAY['analyst', 'planner', 'manager'], 'step a segment''s model role down');
  PERFORM fwb.lock_journal();
  SELECT * INTO p FROM fwb.policies WHERE uuid = change_uuid;
  IF FOUND THEN
    IF p.updated_by IS DISTINCT FROM who THEN RETURN fwb.foreign_uuid(change_uuid); END IF;
    RETURN fwb.change_outcome(change_uuid, 'saved', p.seq, NULL);
  END IF;
  IF seg_type IS NULL OR seg_type NOT IN ('all', 'category', 'abc_class') OR seg_value IS NULL THEN
    RETURN fwb.change_outcome(change_uuid, 'refused', NULL, 'A step-down names a segment: all items, a category or an ABC class.');
  END IF;
  IF jsonb_typeof(evidence->'current') IS DISTINCT FROM 'number' OR jsonb_typeof(evidence->'baseline') IS DISTINCT FROM 'number' THEN
    RETURN fwb.change_outcome(change_uuid, 'refused', NULL, 'A step-down names its evidence: the segment''s recent and baseline error.');
  END IF;
  SELECT * INTO p FROM fwb.policies WHERE segment_type = seg_type AND segment_value = seg_value ORDER BY seq DESC LIMIT 1;
  IF FOUND AND p.stepped_down_at IS NOT NULL THEN
    -- Stepped down already (another replica's guard came first): the team holds what this one asks.
    RETURN fwb.change_outcome(change_uuid, 'saved', p.seq, NULL, jsonb_build_object('already', true));
  END IF;
  IF (FOUND AND (based_on IS NULL OR to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') <> based_on))
     OR (NOT FOUND AND based_on IS NOT NULL) THEN
    RETURN fwb.change_outcome(change_uuid, 'refused', NULL,
      format('The policy for %s changed on the team after this replica''s drift guard judged it (%s): the step-down was not recorded. Sync, and the guard judges the policy now in force.',
             CASE WHEN seg_type = 'all' THEN 'all items' ELSE replace(seg_type, '_', ' ') || ' ' || seg_value END,
             CASE WHEN FOUND THEN format('version of %s by %s', to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), coalesce(p.updated_by, 'the team')) ELSE 'it has no policy of its own' END));
  END IF;
  IF NOT FOUND THEN
    -- A segment without a policy of its own takes the rules of 'all', as the replica's guard did, stepped down for that segment only.
    SELECT * INTO base FROM fwb.policies WHERE segment_type = 'all' ORDER BY seq DESC LIMIT 1;
  ELSE
    base := p;
  END IF;
  IF base.model_role = 'assist' THEN
    RETURN fwb.change_outcome(change_uuid, 'saved', coalesce(p.seq, base.seq), NULL, jsonb_build_object('already', true));
  END IF;
  INSERT INTO fwb.policies (uuid, segment_type, segment_value, model_role, approval_pct, approval_units, freeze_lags, comment_pct, drift_threshold_pts, stepped_down_at, updated_by, updated_at)
  VALUES (change_uuid, seg_type, seg_value, base.model_role, base.approval_pct, base.approval_units, base.freeze_lags, base.comment_pct, base.drift_threshold_pts, clock_timestamp(), who, clock_timestamp())
  RETURNING * INTO p;
  PERFORM fwb.append_audit(who, 'policy.step_down', 'policy', p.policy_id::text, (to_jsonb(p) - 'seq') || jsonb_build_object('evidence', evidence));
  RETURN fwb.change_outcome(change_uuid, 'saved', p.seq, NULL);
END $$;

REVOKE ALL ON FUNCTION fwb.record_auto_finals(text, bigint, uuid, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION fwb.step_down_policy(uuid, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fwb.step_down_policy(uuid, jsonb) TO fwb_analyst, fwb_planner, fwb_manager;
`;
