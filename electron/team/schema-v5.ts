// Version 5 of the team database: fwb.submit_decisions judges and appends a batch with
// set-based SQL (issue 15 item 7: 10,000 decisions pushed in one fwb sync within 3 s;
// version 2's function spent ~0.9 ms of PL/pgSQL per decision).
//
// The rules and their sentences are version 2's, word for word (schema-v2.ts lists them
// and where the single-seat app holds the same rule); only how a batch is worked changes:
//   - every row of the batch goes into a temporary table; a uuid already recorded gets its
//     stored answer (fwb.stored_outcome, as before);
//   - rows that depend on another row of the same batch, or that are rare and need
//     version 2's careful reading, go through version 2's per-row fwb.submit_decision in
//     batch order (the "sequential" rows): an undo; a line or a uuid named twice in the
//     batch; a line, number or time that does not parse; a line that does not exist.
//     Every other row is on a line of its own in the batch, so it can be judged against
//     the journal as it was when the batch arrived, all rows at once:
//   - one UPDATE judges them (policy in force at arrival, closed/frozen, accept/override
//     rules, reason code, comment, approval threshold) as one CASE per row;
//   - one INSERT … SELECT appends the accepted rows in batch order (seqs grow in that
//     order), one more the refusals; conflicts are opened and settled by one INSERT each;
//   - ONE audit entry per batch, action 'decision.batch', whose payload holds every
//     decision the batch appended (the full row, with the policy's seq, the model's role
//     in force and the model quantity as columns of the decision) and every conflict it
//     opened or settled. The chain's hash covers the payload, so the entry is as verifiable
//     as one entry per decision was: fwb check --team walks the same chain.
// The model's role in force, which version 2 kept only in the decision's audit entry, is
// now a column of the decision too (policy_seq, model_role, model_quantity), so the answer
// to a retried batch reads it without searching a batch entry.
// Clients of version 4 send the same call and get the same answers: the function keeps its
// name, argument and grants (CREATE OR REPLACE). The per-row function stays, for the
// sequential rows.
// Never edit after it ships: version 6 goes into a file of its own.

/** The tables (and views) version 5 adds: none; the batch's working table is temporary. */
export const SCHEMA_V5_TABLES = [] as const;

const definer = 'LANGUAGE plpgsql SECURITY DEFINER SET search_path = fwb, pg_temp';

/** A JSON value's text, when it is an integer bigint takes. */
const INTEGER = `'^\\s*-?[0-9]{1,18}\\s*$'`;

export const SCHEMA_V5 = /* sql */ `
ALTER TABLE fwb.decisions
  ADD COLUMN policy_seq bigint,
  ADD COLUMN model_role text,
  ADD COLUMN model_quantity double precision;

-- A time as the client wrote it, or null when it is none (the row is then read by version 2's function, which refuses it in its words).
CREATE FUNCTION fwb.time_or_null(t text) RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN t::timestamptz;
EXCEPTION WHEN data_exception THEN
  RETURN NULL;
END $$;

-- A uuid as the client wrote it, or null.
-- (The usual spelling is cast without an exception block, which costs a subtransaction per row.)
CREATE FUNCTION fwb.uuid_or_null(t text) RETURNS uuid LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF t ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN RETURN t::uuid; END IF;
  RETURN fwb.uuid_parsed(t);
END $$;
CREATE FUNCTION fwb.uuid_parsed(t text) RETURNS uuid LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN t::uuid;
EXCEPTION WHEN data_exception OR invalid_parameter_value THEN
  RETURN NULL;
END $$;

-- The answer for a decision (the model's role from its column, else from its own audit entry, as version 2 wrote it).
CREATE OR REPLACE FUNCTION fwb.decision_outcome(d fwb.decisions) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
  RETURN jsonb_build_object('uuid', d.uuid, 'status', d.status,
    'reason', CASE WHEN d.status = 'pending_approval' THEN 'Waits for a manager''s approval before it changes the plan.' END,
    'seq', d.seq, 'decision_id', d.decision_id, 'line_id', d.line_id,
    'conflict', EXISTS (SELECT 1 FROM fwb.line_conflicts c WHERE c.decision_id = d.decision_id),
    'model_role', coalesce(d.model_role, (SELECT a.payload->>'modelRole' FROM fwb.audit_log a WHERE a.entity = 'decision' AND a.entity_id = d.decision_id::text)));
END $$;

CREATE OR REPLACE FUNCTION fwb.submit_decisions(decisions jsonb) RETURNS jsonb ${definer} AS $$
DECLARE
  who text;
  missing record;
  one record;
  answers jsonb;
  written jsonb;
  opened jsonb;
  settled jsonb;
BEGIN
  who := fwb.require_member(ARRAY['planner', 'manager'], 'decide forecast lines');
  IF jsonb_typeof(decisions) IS DISTINCT FROM 'array' THEN
    RAISE EXCEPTION 'fwb.submit_decisions takes a JSON array of decisions.' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  PERFORM fwb.lock_journal();

  -- The batch's working table: made here, so it is this function's (a table of that name the caller made is refused).
  IF to_regclass('pg_temp.fwb_submit_batch') IS NOT NULL THEN
    RAISE EXCEPTION 'This session holds its own temporary table fwb_submit_batch: drop it (or use a new session) and send the decisions again.' USING ERRCODE = 'insufficient_privilege';
  END IF;
  CREATE TEMP TABLE fwb_submit_batch (
    ord bigint PRIMARY KEY, req jsonb NOT NULL, uuid uuid, stored jsonb, sequential boolean NOT NULL DEFAULT false,
    line_id bigint, action text, code_given text, comment text, based_on bigint, client_at timestamptz,
    model double precision, quantity double precision, source text, reason_code text, status text,
    policy_seq bigint, model_role text, refusal text, decision_id bigint, seq bigint, written jsonb, conflict boolean NOT NULL DEFAULT false, answer jsonb
  ) ON COMMIT DROP;

  INSERT INTO fwb_submit_batch (ord, req, uuid)
  SELECT e.ordinality, e.value, fwb.uuid_or_null(e.value->>'uuid') FROM jsonb_array_elements(decisions) WITH ORDINALITY e;
  SELECT b.req INTO missing FROM fwb_submit_batch b WHERE b.uuid IS NULL ORDER BY b.ord LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'Every decision needs its own uuid (got %): nothing of this call was recorded.', coalesce(missing.req->>'uuid', 'none') USING ERRCODE = 'invalid_parameter_value';
  END IF;

  -- Sent before (a retried batch): the stored answer, a refusal or someone else's uuid included.
  UPDATE fwb_submit_batch b SET stored = fwb.stored_outcome('decision', b.uuid, who)
   WHERE EXISTS (SELECT 1 FROM fwb.decisions d WHERE d.uuid = b.uuid)
      OR EXISTS (SELECT 1 FROM fwb.refused_submissions x WHERE x.uuid = b.uuid)
      OR EXISTS (SELECT 1 FROM fwb.approvals a WHERE a.uuid = b.uuid);

  -- What each new row names, where it reads plainly.
  UPDATE fwb_submit_batch b SET
    action = b.req->>'action',
    code_given = nullif(btrim(coalesce(b.req->>'reason_code', '')), ''),
    comment = nullif(btrim(coalesce(b.req->>'comment', '')), ''),
    line_id = coalesce(
      CASE WHEN b.req->>'line_id' ~ ${INTEGER} THEN (b.req->>'line_id')::bigint END,
      CASE WHEN b.req->>'line_id' IS NULL AND b.req->>'line_seq' ~ ${INTEGER}
           THEN (SELECT l.line_id FROM fwb.forecast_lines l WHERE l.seq = (b.req->>'line_seq')::bigint) END),
    based_on = CASE WHEN b.req->>'based_on_seq' ~ ${INTEGER} THEN (b.req->>'based_on_seq')::bigint END,
    client_at = CASE WHEN b.req->>'decided_at_client' IS NOT NULL THEN fwb.time_or_null(b.req->>'decided_at_client') END
   WHERE b.stored IS NULL AND jsonb_typeof(b.req) = 'object';

  -- Rows version 2's per-row function reads, in batch order (see the head of schema-v5.ts).
  UPDATE fwb_submit_batch b SET sequential = true
   WHERE b.stored IS NULL AND (
         jsonb_typeof(b.req) IS DISTINCT FROM 'object'
      OR b.action IS NULL OR b.action NOT IN ('accept', 'override')
      OR b.line_id IS NULL OR NOT EXISTS (SELECT 1 FROM fwb.forecast_lines l WHERE l.line_id = b.line_id)
      OR (b.req->>'line_id' IS NOT NULL AND NOT b.req->>'line_id' ~ ${INTEGER})
      OR (b.req->>'based_on_seq' IS NOT NULL AND b.based_on IS NULL)
      OR (b.req->>'decided_at_client' IS NOT NULL AND b.client_at IS NULL)
      OR b.ord IN (SELECT n.ord FROM (SELECT o.ord, count(*) OVER (PARTITION BY o.uuid) AS by_uuid, count(*) OVER (PARTITION BY o.line_id) AS by_line
                                         FROM fwb_submit_batch o WHERE o.stored IS NULL) n WHERE n.by_uuid > 1 OR n.by_line > 1));

  -- Every other row judged at once, against the journal as the batch found it (each is on a line of its own).
  WITH pol AS (
    SELECT DISTINCT ON (p.segment_type, p.segment_value) p.* FROM fwb.policies p ORDER BY p.segment_type, p.segment_value, p.seq DESC
  ), facts AS (
    SELECT b.ord, l.quantity AS model, l.lag, l.period, p.seq AS policy_seq, p.freeze_lags, p.comment_pct, p.approval_pct, p.approval_units,
           CASE WHEN p.stepped_down_at IS NOT NULL THEN 'assist' ELSE p.model_role END AS model_role,
           CASE p.segment_type WHEN 'all' THEN 'all items' WHEN 'category' THEN 'category ' || p.segment_value ELSE 'ABC class ' || p.segment_value END AS segment,
           (SELECT a.quantity FROM fwb.actuals a WHERE a.item_key = l.item_key AND a.location_key = l.location_key AND a.period = l.period ORDER BY a.seq DESC LIMIT 1) AS actual,
           (SELECT s.quantity FROM fwb.sales_inputs s WHERE s.item_key = l.item_key AND s.location_key = l.location_key AND s.period = l.period ORDER BY s.seq DESC LIMIT 1) AS sales,
           rc.code AS rc_code, rc.label AS rc_label, rc.active AS rc_active, rc.comment_required AS rc_comment_required,
           CASE WHEN jsonb_typeof(b.req->'quantity') = 'number' AND abs((b.req->>'quantity')::numeric) <= 1e15 THEN (b.req->>'quantity')::double precision END AS q,
           coalesce(b.req->>'source', 'override') AS q_source
      FROM fwb_submit_batch b
      JOIN fwb.forecast_lines l ON l.line_id = b.line_id
      JOIN fwb.items i ON i.item_key = l.item_key
      CROSS JOIN LATERAL (
        SELECT pol.* FROM pol
         WHERE (pol.segment_type = 'category' AND pol.segment_value = i.category)
            OR (pol.segment_type = 'abc_class' AND pol.segment_value = i.abc_class)
            OR (pol.segment_type = 'all' AND pol.segment_value = '*')
         ORDER BY CASE pol.segment_type WHEN 'category' THEN 0 WHEN 'abc_class' THEN 1 ELSE 2 END LIMIT 1) p
      LEFT JOIN LATERAL (SELECT r.* FROM fwb.reason_codes r WHERE r.code = b.code_given ORDER BY r.seq DESC LIMIT 1) rc ON true
     WHERE b.stored IS NULL AND NOT b.sequential
  ), judged AS (
    SELECT f.*, fwb.change_pct(f.model, f.q) AS pct,
      CASE
        WHEN f.actual IS NOT NULL THEN
          format('Line is closed: the actual of %s (%s) is already known, so a decision now would be made with hindsight.',
                 regexp_replace(lpad(f.period::text, 8, '0'), '^(\\d{4})(\\d{2})(\\d{2})$', '\\1-\\2-\\3'), f.actual::text)
        WHEN f.lag <= f.freeze_lags THEN format('Line is frozen: lag %s is inside the freeze window of %s (policy for %s).', f.lag, f.freeze_lags, f.segment)
      END AS lock_reason
      FROM facts f
  )
  UPDATE fwb_submit_batch b SET
    model = j.model, policy_seq = j.policy_seq, model_role = j.model_role,
    quantity = CASE WHEN b.action = 'accept' THEN j.model ELSE j.q END,
    source = CASE WHEN b.action = 'accept' THEN 'model' ELSE j.q_source END,
    reason_code = CASE WHEN b.action = 'override' THEN j.rc_code END,
    status = CASE WHEN b.action = 'override' AND ((j.approval_pct IS NOT NULL AND j.pct > j.approval_pct) OR (j.approval_units IS NOT NULL AND abs(j.q - j.model) > j.approval_units))
                  THEN 'pending_approval' ELSE 'final' END,
    refusal = CASE
      WHEN j.lock_reason IS NOT NULL THEN j.lock_reason
      WHEN b.action = 'accept' THEN CASE
        WHEN b.req->'quantity' IS NOT NULL AND jsonb_typeof(b.req->'quantity') <> 'null' THEN 'An accept takes the model quantity; use an override to change it.'
        WHEN b.code_given IS NOT NULL THEN 'An accept takes no reason code; reasons explain overrides.' END
      WHEN jsonb_typeof(b.req->'quantity') IS DISTINCT FROM 'number' THEN 'An override needs its quantity, a number of at least 0.'
      WHEN j.q IS NULL THEN 'An override quantity above 1,000,000,000,000,000 is beyond any plan; check the number.'
      WHEN j.q < 0 THEN format('An override quantity must be a number of at least 0 (got %s).', j.q)
      WHEN j.q = j.model THEN format('The override equals the model quantity %s; accept the line instead.', j.model)
      WHEN j.q_source = 'sales_input' AND j.sales IS NULL THEN 'There is no sales input for this line to adopt.'
      WHEN j.q_source = 'sales_input' AND j.sales <> j.q THEN format('The line''s sales input is %s, not %s: adopt it as it is, or override by quantity.', j.sales, j.q)
      WHEN j.q_source NOT IN ('override', 'sales_input') THEN format('"%s" is not a source of an override: override or sales_input.', j.q_source)
      WHEN b.code_given IS NULL THEN 'A reason is required for every override.'
      WHEN j.rc_code IS NULL THEN format('Unknown reason code "%s".', b.code_given)
      WHEN NOT j.rc_active THEN format('The reason "%s" is no longer in use; choose another.', j.rc_label)
      WHEN b.comment IS NULL AND j.rc_comment_required THEN format('A comment is required: the reason "%s" always needs one.', j.rc_label)
      WHEN b.comment IS NULL AND j.comment_pct IS NOT NULL AND j.pct > j.comment_pct THEN
        format('A comment is required: the change of %s is more than the %s %% the policy allows without one.',
               CASE WHEN j.pct = 'Infinity' THEN 'an unbounded change (the model said 0)' ELSE fwb.format_number(j.pct, 1) || ' %' END, j.comment_pct)
    END
    FROM judged j WHERE j.ord = b.ord;

  -- The accepted rows, in batch order (their seqs grow in that order), at the server's time.
  WITH appended AS (
    INSERT INTO fwb.decisions AS ins (uuid, line_id, action, quantity, source, reason_code, comment, decided_by, decided_at, decided_at_client, based_on_seq, status, policy_seq, model_role, model_quantity)
    SELECT b.uuid, b.line_id, b.action, b.quantity, b.source, b.reason_code, b.comment, who, clock_timestamp(), b.client_at, b.based_on, b.status, b.policy_seq, b.model_role, b.model
      FROM fwb_submit_batch b WHERE b.stored IS NULL AND NOT b.sequential AND b.refusal IS NULL ORDER BY b.ord
    RETURNING ins.uuid, ins.decision_id, ins.seq, to_jsonb(ins.*) AS written
  )
  UPDATE fwb_submit_batch b SET decision_id = a.decision_id, seq = a.seq, written = a.written FROM appended a WHERE a.uuid = b.uuid;

  WITH kept AS (
    INSERT INTO fwb.refused_submissions (uuid, kind, submitted_by, line_id, request, reason)
    SELECT b.uuid, 'decision', who, b.line_id, b.req, b.refusal FROM fwb_submit_batch b
     WHERE b.stored IS NULL AND NOT b.sequential AND b.refusal IS NOT NULL ORDER BY b.ord
    RETURNING uuid, seq
  )
  UPDATE fwb_submit_batch b SET seq = k.seq FROM kept k WHERE k.uuid = b.uuid;

  -- Conflicts (version 2's fwb.track_conflicts, for all appended rows at once). Deciding again settles the
  -- conflicts one was part of; a decision made having seen every other author's decision settles every one.
  WITH d AS (
    SELECT b.*, EXISTS (SELECT 1 FROM fwb.decisions o WHERE o.line_id = b.line_id AND o.seq < b.seq AND o.seq > coalesce(b.based_on, 0) AND o.decided_by <> who) AS stale
      FROM fwb_submit_batch b WHERE b.decision_id IS NOT NULL AND NOT b.sequential
  ), resolved AS (
    INSERT INTO fwb.conflict_resolutions (conflict_id, how, resolved_by, decision_id)
    SELECT oc.conflict_id, 'decided_again', who, d.decision_id
      FROM d CROSS JOIN LATERAL (SELECT c.* FROM fwb.open_conflicts c WHERE c.line_id = d.line_id) oc
     WHERE NOT d.stale OR who IN (oc.author, oc.other_author) ORDER BY d.ord, oc.conflict_id
    RETURNING conflict_id, decision_id
  )
  SELECT jsonb_agg(jsonb_build_object('conflictId', r.conflict_id, 'how', 'decided_again', 'decisionId', r.decision_id) ORDER BY r.conflict_id) INTO settled FROM resolved r;

  -- One conflict per other author whose decision an appended row had not seen (their latest unseen).
  WITH unseen AS (
    SELECT b.ord, b.line_id, b.decision_id, b.based_on, o.other_id, o.other_author
      FROM fwb_submit_batch b
      CROSS JOIN LATERAL (
        SELECT DISTINCT ON (x.decided_by) x.decision_id AS other_id, x.decided_by AS other_author FROM fwb.decisions x
         WHERE x.line_id = b.line_id AND x.seq < b.seq AND x.seq > coalesce(b.based_on, 0) AND x.decided_by <> who
         ORDER BY x.decided_by, x.seq DESC) o
     WHERE b.decision_id IS NOT NULL AND NOT b.sequential
  ), opened_rows AS (
    INSERT INTO fwb.line_conflicts (line_id, decision_id, author, other_decision_id, other_author)
    SELECT u.line_id, u.decision_id, who, u.other_id, u.other_author FROM unseen u ORDER BY u.ord, u.other_author
    RETURNING conflict_id, line_id, decision_id, other_decision_id, other_author
  ), flagged AS (
    UPDATE fwb_submit_batch b SET conflict = true FROM opened_rows o WHERE b.decision_id = o.decision_id
  )
  SELECT jsonb_agg(jsonb_build_object('conflictId', o.conflict_id, 'lineId', o.line_id, 'decisionId', o.decision_id, 'author', who,
                                      'otherDecisionId', o.other_decision_id, 'otherAuthor', o.other_author, 'basedOnSeq', u.based_on) ORDER BY o.conflict_id)
    INTO opened FROM opened_rows o JOIN unseen u ON u.decision_id = o.decision_id AND u.other_id = o.other_decision_id;

  -- One audit entry for what the batch appended: every decision in full, every conflict opened or settled.
  SELECT jsonb_agg(b.written ORDER BY b.seq) INTO written FROM fwb_submit_batch b WHERE b.written IS NOT NULL;
  IF written IS NOT NULL THEN
    PERFORM fwb.append_audit(who, 'decision.batch', 'decision_batch',
      (SELECT min(b.decision_id)::text || '-' || max(b.decision_id)::text FROM fwb_submit_batch b WHERE b.decision_id IS NOT NULL AND NOT b.sequential),
      jsonb_build_object('count', jsonb_array_length(written), 'decisions', written,
                         'conflictsOpened', coalesce(opened, '[]'::jsonb), 'conflictsSettled', coalesce(settled, '[]'::jsonb)));
  END IF;

  UPDATE fwb_submit_batch b SET answer = CASE
      WHEN b.refusal IS NOT NULL THEN jsonb_build_object('uuid', b.uuid, 'status', 'refused', 'reason', b.refusal, 'seq', b.seq, 'line_id', b.line_id)
      ELSE jsonb_build_object('uuid', b.uuid, 'status', b.status,
        'reason', CASE WHEN b.status = 'pending_approval' THEN 'Waits for a manager''s approval before it changes the plan.' END,
        'seq', b.seq, 'decision_id', b.decision_id, 'line_id', b.line_id,
        'conflict', b.conflict, 'model_role', b.model_role) END
   WHERE b.stored IS NULL AND NOT b.sequential;

  -- The sequential rows, one by one in batch order, as version 2 reads them.
  FOR one IN SELECT b.ord, b.req, b.uuid FROM fwb_submit_batch b WHERE b.sequential ORDER BY b.ord LOOP
    UPDATE fwb_submit_batch b SET answer = coalesce(fwb.stored_outcome('decision', one.uuid, who), fwb.submit_decision(who, one.req, one.uuid)) WHERE b.ord = one.ord;
  END LOOP;

  SELECT jsonb_agg(coalesce(b.stored, b.answer) ORDER BY b.ord) INTO answers FROM fwb_submit_batch b;
  DROP TABLE pg_temp.fwb_submit_batch;
  RETURN coalesce(answers, '[]'::jsonb);
END $$;

REVOKE ALL ON FUNCTION fwb.time_or_null(text), fwb.uuid_or_null(text), fwb.uuid_parsed(text) FROM PUBLIC;
`;
