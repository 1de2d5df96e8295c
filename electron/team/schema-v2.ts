// Version 2 of the team database: the decision rules held by the database itself, for
// every client (our app, psql, a script), through SECURITY DEFINER functions owned by
// fwb_owner. A member's login writes no table directly (version 1's grants); it calls
//   fwb.submit_decisions(jsonb)      planners and managers
//   fwb.review_override(...)         managers
//   fwb.acknowledge_conflict(bigint) planners and managers
// and each function sets the author to session_user, applies the rules with the
// server's clock and the policy in force at arrival, appends the journal rows (each
// with its seq) and their audit entries, and returns the outcome.
//
// The rules, and where the single-seat app holds the same rule (keep the two in step):
//   who decides       an active planner or manager of fwb.users, member of the group
//                     role of that name                  backend/people/session.ts requireDecider
//   who reviews       an active manager                  session.ts requireManager
//   policy in force   the line's item's category, else its ABC class, else 'all'; of
//                     each segment the latest version (highest seq) at arrival
//                                                        backend/decisions/policy.ts governingPolicy
//   model's role      a stepped-down segment's role is 'assist'; the role refuses no
//                     decision (the single-seat app lets a planner decide any open line
//                     whatever the role: 'decide' and 'trigger' act at release), so it is
//                     recorded in the decision's audit entry and outcome, as in force
//                                                        policy.ts effectiveRole, decisions/releases.ts
//   closed            an actual of the line's item, location and period is known
//                                                        shared/decision-rules.ts lineLock, decisions/lines.ts
//   frozen            lag <= the policy's freeze_lags (the freeze is by lag, not by date)
//                                                        decision-rules.ts lineLock
//   accept            no quantity and no reason; records the model quantity, final
//                                                        decisions/decide.ts decideLine
//   override          a number >= 0, not the model quantity; source 'override', or
//                     'sales_input' when it is the line's current sales input
//                                                        decide.ts overrideTarget
//   reason            required for an override; a code whose latest version is active
//                                                        decide.ts checkReasonAndComment, reason-codes.ts
//   comment           required when the code says so, or when |change| / model is more
//                     than the policy's comment_pct (any change from a model 0 counts as
//                     unbounded)                          decision-rules.ts commentRequirement, changePct
//   approval          |change| / model > approval_pct or |change| > approval_units: the
//                     override is written pending_approval and does not move the plan
//                                                        decision-rules.ts needsApproval
//   undo              the line's current decision, when it is the author's own accept or
//                     override, on an open line          decisions/undo.ts (there: one's last decision)
//   current decision  the line's latest decision that is not an undo nor undone; its
//                     status is its latest verdict, else as written
//                                                        decisions/projection.ts derivedSql
//   review            only a pending decision that is still the line's current one and
//                     has no verdict; never by its author (a rejection included: the
//                     author takes an override back with an undo, where the single-seat
//                     app lets a manager reject their own); a rejection needs a note; an
//                     approval only on an open line      decisions/approvals.ts reviewOverride
//   conflict          a decision whose based_on_seq is older than another author's
//                     decision on the line is still recorded and becomes current (arrival
//                     order); the line is in conflict for both authors until one of them
//                     decides the line again or acknowledges, or someone decides it having
//                     seen its latest decision           (team only)
//   idempotence       a decision's or review's uuid is recorded once: sent again, the
//                     stored outcome comes back, refusals included (fwb.refused_submissions)
//                                                        (team only)
// Sentences match the single-seat app's word for word where it has one.
// Times are the server's clock when the row is written (clock_timestamp(), after the lock:
// not the start of a transaction the client may have held open).
// Every function holds one advisory lock (the journal's) until its transaction ends, so
// writes are serialised, seqs grow in commit order, and the audit chain is one line:
// hash = sha256(prev_hash || '\n' || jsonb_build_array(at as UTC ISO text, actor, action,
// entity, entity_id, payload)::text), the first entry's prev_hash 64 zeros.
// Never edit after it ships: version 3 goes into a file of its own.
import { SCHEMA_V1_TABLES } from './schema-v1';
import { SCHEMA_V8_TABLES } from './schema-v8';

/** The tables (and the view) version 2 adds. */
export const SCHEMA_V2_TABLES = ['refused_submissions', 'line_conflicts', 'conflict_resolutions', 'open_conflicts'] as const;
/** Every table and view of the team schema at this fwb's version: anything else in schema fwb is someone else's. */
export const TEAM_TABLES = [...SCHEMA_V1_TABLES, ...SCHEMA_V2_TABLES, ...SCHEMA_V8_TABLES] as const;

const APPEND_ONLY_V2 = ['refused_submissions', 'line_conflicts', 'conflict_resolutions'] as const;

const seq = `seq bigint NOT NULL UNIQUE DEFAULT nextval('fwb.seq')`;
const id = 'bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY';
/** What every write function is: the owner's rights, a search path nobody can plant objects in. */
const definer = 'LANGUAGE plpgsql SECURITY DEFINER SET search_path = fwb, pg_temp';
// Helpers run only inside the write functions (members may not execute them), whose search
// path they inherit; every name in them is schema-qualified. A SET clause here would cost a
// settings save and restore per call, many times per decision.
const internal = 'LANGUAGE plpgsql';

export const SCHEMA_V2 = /* sql */ `
-- A decision or review the rules refused, kept so that the same uuid sent again gets the
-- same answer and its author always sees why.
CREATE TABLE fwb.refused_submissions (
  refusal_id   ${id},
  uuid         uuid NOT NULL UNIQUE,
  kind         text NOT NULL CHECK (kind IN ('decision', 'review')),
  submitted_by text NOT NULL REFERENCES fwb.users (login),
  line_id      bigint REFERENCES fwb.forecast_lines (line_id),
  request      jsonb NOT NULL,
  reason       text NOT NULL,
  refused_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  ${seq}
);

-- A line two people decided without seeing each other's decision: one row per pair.
CREATE TABLE fwb.line_conflicts (
  conflict_id       ${id},
  line_id           bigint NOT NULL REFERENCES fwb.forecast_lines (line_id),
  decision_id       bigint NOT NULL REFERENCES fwb.decisions (decision_id),
  author            text NOT NULL REFERENCES fwb.users (login),
  other_decision_id bigint NOT NULL REFERENCES fwb.decisions (decision_id),
  other_author      text NOT NULL REFERENCES fwb.users (login),
  opened_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
  ${seq}
);
CREATE INDEX line_conflicts_line ON fwb.line_conflicts (line_id);
CREATE INDEX line_conflicts_decision ON fwb.line_conflicts (decision_id);

CREATE TABLE fwb.conflict_resolutions (
  conflict_id bigint PRIMARY KEY REFERENCES fwb.line_conflicts (conflict_id),
  how         text NOT NULL CHECK (how IN ('decided_again', 'acknowledged')),
  resolved_by text NOT NULL REFERENCES fwb.users (login),
  decision_id bigint REFERENCES fwb.decisions (decision_id),
  resolved_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  ${seq}
);

CREATE VIEW fwb.open_conflicts AS
  SELECT c.* FROM fwb.line_conflicts c
   WHERE NOT EXISTS (SELECT 1 FROM fwb.conflict_resolutions r WHERE r.conflict_id = c.conflict_id);

${APPEND_ONLY_V2.map(
  (t) => `CREATE TRIGGER ${t}_append_only BEFORE UPDATE OR DELETE ON fwb.${t} FOR EACH ROW EXECUTE FUNCTION fwb.refuse_change();
CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON fwb.${t} FOR EACH STATEMENT EXECUTE FUNCTION fwb.refuse_change();`,
).join('\n')}

-- Numbers in sentences as the app writes them: grouped thousands, trailing zeros trimmed.
CREATE FUNCTION fwb.format_number(x double precision, digits integer) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN digits = 0 THEN to_char(round(x::numeric), 'FM999,999,999,999,990')
              ELSE regexp_replace(regexp_replace(to_char(round(x::numeric, digits), 'FM999,999,999,999,990.' || repeat('0', digits)), '0+$', ''), '\\.$', '') END
$$;

-- |change| as a percentage of the model; infinity for any change from a model 0 (decision-rules.ts changePct).
CREATE FUNCTION fwb.change_pct(model double precision, quantity double precision) RETURNS double precision LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN model > 0 THEN abs(quantity - model) / model * 100
              WHEN abs(quantity - model) > 0 THEN 'Infinity'::double precision ELSE 0 END
$$;

-- The caller's login, when it is an active person of the team in one of the roles allowed
-- and a member of that role's group; otherwise an error naming what it may not do.
CREATE FUNCTION fwb.require_member(allowed text[], what text) RETURNS text ${internal} AS $$
DECLARE
  who text := session_user;
  person fwb.users;
  plural text := (SELECT string_agg(r || 's', ' and ') FROM unnest(allowed) r);
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'fwb''s write functions run in READ COMMITTED transactions (this one is %): the rules must see the latest decisions.', current_setting('transaction_isolation')
      USING ERRCODE = 'invalid_transaction_state';
  END IF;
  SELECT * INTO person FROM fwb.users WHERE login = who;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'The login "%" is not a person of this team: only % may %.', who, plural, what USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NOT person.active THEN
    RAISE EXCEPTION '% (login "%") was removed from the team and may no longer %.', person.display_name, who, what USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NOT person.role = ANY (allowed) OR NOT pg_has_role(who, 'fwb_' || person.role, 'MEMBER') THEN
    RAISE EXCEPTION 'Only % may %; % (login "%") is %.', plural, what, person.display_name, who,
      CASE WHEN pg_has_role(who, 'fwb_' || person.role, 'MEMBER') THEN 'a' || CASE WHEN person.role = 'analyst' THEN 'n ' ELSE ' ' END || person.role
           ELSE 'not in the group role fwb_' || person.role END
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN who;
END $$;

-- Serialises every write of the team's record: seqs grow in commit order, the chain stays one line.
-- A client that holds it in a transaction left open would stop everyone's writes: others wait
-- at most the caller's lock_timeout, else 30 s, and are then told so in a sentence.
CREATE FUNCTION fwb.lock_journal() RETURNS void ${internal} AS $$
DECLARE
  caller_timeout text := current_setting('lock_timeout');
BEGIN
  IF caller_timeout = '0' THEN PERFORM set_config('lock_timeout', '30s', true); END IF;
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('fwb journal'));
  EXCEPTION WHEN lock_not_available THEN
    RAISE EXCEPTION 'The team workbook is busy: another write has held it for longer than %; nothing was recorded, try again in a moment.', current_setting('lock_timeout')
      USING ERRCODE = 'lock_not_available';
  END;
  PERFORM set_config('lock_timeout', caller_timeout, true);
END $$;

-- One audit entry after the newest; call with the journal's lock held.
CREATE FUNCTION fwb.append_audit(actor text, action text, entity text, entity_id text, payload jsonb) RETURNS text ${internal} AS $$
DECLARE
  at timestamptz := clock_timestamp();
  prev text;
  entry_hash text;
BEGIN
  SELECT hash INTO prev FROM fwb.audit_log ORDER BY audit_id DESC LIMIT 1;
  prev := coalesce(prev, repeat('0', 64));
  entry_hash := encode(sha256(convert_to(prev || E'\\n' || jsonb_build_array(fwb.utc_text(at), actor, action, entity, entity_id, payload)::text, 'UTF8')), 'hex');
  INSERT INTO fwb.audit_log (at, actor, action, entity, entity_id, payload, prev_hash, hash) VALUES (at, actor, action, entity, entity_id, payload, prev, entry_hash);
  RETURN entry_hash;
END $$;

CREATE FUNCTION fwb.utc_text(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

-- The policy in force for an item: its category's, else its ABC class's, else all items' (policy.ts governingPolicy).
CREATE FUNCTION fwb.policy_for(item fwb.items) RETURNS fwb.policies LANGUAGE sql STABLE AS $$
  SELECT p.* FROM fwb.policies p
   WHERE (p.segment_type = 'category' AND p.segment_value = item.category)
      OR (p.segment_type = 'abc_class' AND p.segment_value = item.abc_class)
      OR (p.segment_type = 'all' AND p.segment_value = '*')
   ORDER BY CASE p.segment_type WHEN 'category' THEN 0 WHEN 'abc_class' THEN 1 ELSE 2 END, p.seq DESC
   LIMIT 1
$$;

CREATE FUNCTION fwb.segment_label(p fwb.policies) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE p.segment_type WHEN 'all' THEN 'all items' WHEN 'category' THEN 'category ' || p.segment_value ELSE 'ABC class ' || p.segment_value END
$$;

-- Why no decision may change the line now, in lineLock's words, or null (decision-rules.ts lineLock).
CREATE FUNCTION fwb.line_lock(line fwb.forecast_lines, p fwb.policies) RETURNS text ${internal} AS $$
DECLARE
  actual double precision;
BEGIN
  SELECT a.quantity INTO actual FROM fwb.actuals a
   WHERE a.item_key = line.item_key AND a.location_key = line.location_key AND a.period = line.period
   ORDER BY a.seq DESC LIMIT 1;
  IF FOUND THEN
    RETURN format('Line is closed: the actual of %s (%s) is already known, so a decision now would be made with hindsight.',
                  regexp_replace(lpad(line.period::text, 8, '0'), '^(\\d{4})(\\d{2})(\\d{2})$', '\\1-\\2-\\3'), actual::text);
  END IF;
  IF line.lag <= p.freeze_lags THEN
    RETURN format('Line is frozen: lag %s is inside the freeze window of %s (policy for %s).', line.lag, p.freeze_lags, fwb.segment_label(p));
  END IF;
  RETURN NULL;
END $$;

-- The line's current decision: its latest that is not an undo nor undone (projection.ts).
CREATE FUNCTION fwb.current_decision(line bigint) RETURNS fwb.decisions LANGUAGE sql STABLE AS $$
  SELECT d.* FROM fwb.decisions d
   WHERE d.line_id = line AND d.action <> 'undo'
     AND NOT EXISTS (SELECT 1 FROM fwb.decisions u WHERE u.undoes_decision_id = d.decision_id AND u.action = 'undo')
   ORDER BY d.seq DESC LIMIT 1
$$;

-- A decision's status now: its latest verdict, else as written.
CREATE FUNCTION fwb.decision_status(d fwb.decisions) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT a.verdict FROM fwb.approvals a WHERE a.decision_id = d.decision_id ORDER BY a.seq DESC LIMIT 1), d.status)
$$;

-- Records a refusal (so the same uuid gets the same answer) and returns the outcome.
CREATE FUNCTION fwb.refuse(kind text, req_uuid uuid, author text, line bigint, request jsonb, reason text) RETURNS jsonb ${internal} AS $$
DECLARE
  r fwb.refused_submissions;
BEGIN
  INSERT INTO fwb.refused_submissions (uuid, kind, submitted_by, line_id, request, reason)
  VALUES (req_uuid, kind, author, line, request, reason) RETURNING * INTO r;
  RETURN jsonb_build_object('uuid', r.uuid, 'status', 'refused', 'reason', r.reason, 'seq', r.seq, 'line_id', r.line_id);
END $$;

-- What was already answered for a uuid (a decision, a review or a refusal), or null when it is new.
CREATE FUNCTION fwb.stored_outcome(kind text, req_uuid uuid, author text) RETURNS jsonb ${internal} AS $$
DECLARE
  d fwb.decisions;
  a fwb.approvals;
  r fwb.refused_submissions;
BEGIN
  SELECT * INTO r FROM fwb.refused_submissions WHERE uuid = req_uuid;
  IF FOUND THEN
    IF r.submitted_by <> author OR r.kind <> kind THEN RETURN fwb.foreign_uuid(req_uuid); END IF;
    RETURN jsonb_build_object('uuid', r.uuid, 'status', 'refused', 'reason', r.reason, 'seq', r.seq, 'line_id', r.line_id);
  END IF;
  IF kind = 'decision' THEN
    SELECT * INTO d FROM fwb.decisions WHERE uuid = req_uuid;
    IF FOUND THEN
      IF d.decided_by IS DISTINCT FROM author THEN RETURN fwb.foreign_uuid(req_uuid); END IF;
      RETURN fwb.decision_outcome(d);
    END IF;
    IF EXISTS (SELECT 1 FROM fwb.approvals WHERE uuid = req_uuid) THEN RETURN fwb.foreign_uuid(req_uuid); END IF;
  ELSE
    SELECT * INTO a FROM fwb.approvals WHERE uuid = req_uuid;
    IF FOUND THEN
      IF a.decided_by <> author THEN RETURN fwb.foreign_uuid(req_uuid); END IF;
      RETURN fwb.review_outcome(a);
    END IF;
    IF EXISTS (SELECT 1 FROM fwb.decisions WHERE uuid = req_uuid) THEN RETURN fwb.foreign_uuid(req_uuid); END IF;
  END IF;
  RETURN NULL;
END $$;

-- Not recorded: the uuid is someone else's, or another kind's; the sender must make a new one.
CREATE FUNCTION fwb.foreign_uuid(req_uuid uuid) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('uuid', req_uuid, 'status', 'refused', 'seq', NULL,
    'reason', format('The uuid %s already names another record of the team (someone else''s, or of another kind); nothing was recorded: send it again with a new uuid.', req_uuid))
$$;

CREATE FUNCTION fwb.decision_outcome(d fwb.decisions) RETURNS jsonb ${internal} AS $$
DECLARE
  why text;
BEGIN
  IF d.status = 'pending_approval' THEN
    why := 'Waits for a manager''s approval before it changes the plan.';
  END IF;
  -- The model's role as it was in force at arrival, from the decision's audit entry: the same answer every time.
  RETURN jsonb_build_object('uuid', d.uuid, 'status', d.status, 'reason', why, 'seq', d.seq, 'decision_id', d.decision_id, 'line_id', d.line_id,
    'conflict', EXISTS (SELECT 1 FROM fwb.line_conflicts c WHERE c.decision_id = d.decision_id),
    'model_role', (SELECT a.payload->>'modelRole' FROM fwb.audit_log a WHERE a.entity = 'decision' AND a.entity_id = d.decision_id::text));
END $$;

CREATE FUNCTION fwb.review_outcome(a fwb.approvals) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('uuid', a.uuid, 'status', a.verdict, 'reason', NULL, 'seq', a.seq, 'decision_id', a.decision_id,
                            'line_id', (SELECT d.line_id FROM fwb.decisions d WHERE d.decision_id = a.decision_id))
$$;

-- Opens and closes the line's conflicts after decision d arrived (based on based_on_seq).
CREATE FUNCTION fwb.track_conflicts(d fwb.decisions) RETURNS void ${internal} AS $$
DECLARE
  c record;
  stale boolean;
  opened bigint;
BEGIN
  stale := EXISTS (SELECT 1 FROM fwb.decisions o WHERE o.line_id = d.line_id AND o.seq < d.seq AND o.seq > coalesce(d.based_on_seq, 0) AND o.decided_by <> d.decided_by);
  -- Deciding again settles the conflicts one was part of; a decision made having seen them all settles every one.
  FOR c IN SELECT * FROM fwb.open_conflicts oc WHERE oc.line_id = d.line_id AND (NOT stale OR d.decided_by IN (oc.author, oc.other_author)) ORDER BY oc.conflict_id LOOP
    INSERT INTO fwb.conflict_resolutions (conflict_id, how, resolved_by, decision_id) VALUES (c.conflict_id, 'decided_again', d.decided_by, d.decision_id);
    PERFORM fwb.append_audit(d.decided_by, 'conflict.resolve', 'line_conflict', c.conflict_id::text,
      jsonb_build_object('conflictId', c.conflict_id, 'lineId', c.line_id, 'how', 'decided_again', 'decisionId', d.decision_id));
  END LOOP;
  -- One conflict per other author whose decision this one had not seen (their latest unseen).
  FOR c IN
    SELECT DISTINCT ON (o.decided_by) o.decision_id, o.decided_by FROM fwb.decisions o
     WHERE o.line_id = d.line_id AND o.seq < d.seq AND o.seq > coalesce(d.based_on_seq, 0) AND o.decided_by <> d.decided_by
     ORDER BY o.decided_by, o.seq DESC
  LOOP
    INSERT INTO fwb.line_conflicts (line_id, decision_id, author, other_decision_id, other_author)
    VALUES (d.line_id, d.decision_id, d.decided_by, c.decision_id, c.decided_by) RETURNING conflict_id INTO opened;
    PERFORM fwb.append_audit(d.decided_by, 'conflict.open', 'line_conflict', opened::text,
      jsonb_build_object('conflictId', opened, 'lineId', d.line_id, 'decisionId', d.decision_id, 'author', d.decided_by,
                         'otherDecisionId', c.decision_id, 'otherAuthor', c.decided_by, 'basedOnSeq', d.based_on_seq));
  END LOOP;
END $$;

-- One decision, judged and (unless refused) appended; the journal's lock is held.
CREATE FUNCTION fwb.submit_decision(author text, req jsonb, req_uuid uuid) RETURNS jsonb ${internal} AS $$
DECLARE
  action text := req->>'action';
  line_ref bigint;
  line fwb.forecast_lines;
  item fwb.items;
  p fwb.policies;
  role_in_force text;
  lock_reason text;
  quantity double precision;
  source text := 'model';
  code_given text := nullif(btrim(coalesce(req->>'reason_code', '')), '');
  reason fwb.reason_codes;
  comment text := nullif(btrim(coalesce(req->>'comment', '')), '');
  pct double precision;
  status text := 'final';
  undone fwb.decisions;
  client_at timestamptz;
  based_on bigint;
  sales double precision;
  d fwb.decisions;
BEGIN
  -- The line, by id or by seq.
  BEGIN
    line_ref := coalesce((req->>'line_id')::bigint, (SELECT l.line_id FROM fwb.forecast_lines l WHERE l.seq = (req->>'line_seq')::bigint));
    client_at := (req->>'decided_at_client')::timestamptz;
    based_on := (req->>'based_on_seq')::bigint;
  EXCEPTION WHEN data_exception THEN
    RETURN fwb.refuse('decision', req_uuid, author, NULL, req, format('The decision %s is malformed (%s): line_id, line_seq and based_on_seq are integers, decided_at_client a time.', req_uuid, SQLERRM));
  END;
  SELECT * INTO line FROM fwb.forecast_lines l WHERE l.line_id = line_ref;
  IF NOT FOUND THEN
    RETURN fwb.refuse('decision', req_uuid, author, NULL, req,
      CASE WHEN req ? 'line_id' OR req ? 'line_seq' THEN format('Forecast line %s does not exist in the team workbook.', coalesce(req->>'line_id', 'of seq ' || (req->>'line_seq')))
           ELSE 'A decision names its line: give line_id or line_seq.' END);
  END IF;
  IF action IS NULL OR action NOT IN ('accept', 'override', 'undo') THEN
    RETURN fwb.refuse('decision', req_uuid, author, line.line_id, req, format('"%s" is not a decision: the action is accept, override or undo.', coalesce(action, '')));
  END IF;
  SELECT * INTO item FROM fwb.items i WHERE i.item_key = line.item_key;
  p := fwb.policy_for(item);
  role_in_force := CASE WHEN p.stepped_down_at IS NOT NULL THEN 'assist' ELSE p.model_role END;
  lock_reason := fwb.line_lock(line, p);
  IF lock_reason IS NOT NULL THEN RETURN fwb.refuse('decision', req_uuid, author, line.line_id, req, lock_reason); END IF;

  IF action = 'accept' THEN
    IF req->'quantity' IS NOT NULL AND jsonb_typeof(req->'quantity') <> 'null' THEN
      RETURN fwb.refuse('decision', req_uuid, author, line.line_id, req, 'An accept takes the model quantity; use an override to change it.');
    END IF;
    IF code_given IS NOT NULL THEN RETURN fwb.refuse('decision', req_uuid, author, line.line_id, req, 'An accept takes no reason code; reasons explain overrides.'); END IF;
    quantity := line.quantity;
  ELSIF action = 'override' THEN
    IF jsonb_typeof(req->'quantity') IS DISTINCT FROM 'number' THEN
      RETURN fwb.refuse('decision', req_uuid, author, line.line_id, req, 'An override needs its quantity, a number of at least 0.');
    END IF;
    -- Read as numeric first: a JSON number beyond double precision must be a refusal, not an error of the whole call.
    IF abs((req->>'quantity')::numeric) > 1e15 THEN
      RETURN fwb.refuse('decision', req_uuid, author, line.line_id, req, 'An override quantity above 1,000,000,000,000,000 is beyond any plan; check the number.');
    END IF;
    quantity := (req->>'quantity')::double precision;
    IF quantity < 0 THEN
      RETURN fwb.refuse('decision', req_uuid, author, line.line_id, req, format('An override quantity must be a number of at least 0 (got %s).', quantity));
    END IF;
    IF quantity = line.quantity THEN
      RETURN fwb.refuse('decision', req_uuid, author, line.line_id, req, format('The override equals the model quantity %s; accept the line instead.', line.quantity));
    END IF;
    source := coalesce(req->>'source', 'override');
    IF source = 'sales_input' THEN
      SELECT s.quantity INTO sales FROM fwb.sales_inputs s
       WHERE s.item_key = line.item_key AND s.location_key = line.location_key AND s.period = line.period ORDER BY s.seq DESC LIMIT 1;
      IF NOT FOUND THEN RETURN fwb.refuse('decision', req_uuid, author, line.line_id, req, 'There is no sales input for this line to adopt.'); END IF;
      IF sales <> quantity THEN
        RETURN fwb.refuse('decision', req_uuid, author, line.line_id, req, format('The line''s sales input is %s, not %s: adopt it as it is, or override by quantity.', sales, quantity));
      END IF;
    ELSIF source <> 'override' THEN
      RETURN fwb.refuse('decision', req_uuid, author, line.line_id, req, format('"%s" is not a source of an override: override or sales_input.', source));
    END IF;
    IF code_given IS NULL THEN RETURN fwb.refuse('decision', req_uuid, author, line.line_id, req, 'A reason is required for every override.'); END IF;
    SELECT * INTO reason FROM fwb.reason_codes r WHERE r.code = code_given ORDER BY r.seq DESC LIMIT 1;
    IF NOT FOUND THEN RETURN fwb.refuse('decision', req_uuid, author, line.line_id, req, format('Unknown reason code "%s".', code_given)); END IF;
    IF NOT reason.active THEN
      RETURN fwb.refuse('decision', req_uuid, author, line.line_id, req, format('The reason "%s" is no longer in use; choose another.', reason.label));
    END IF;
    pct := fwb.change_pct(line.quantity, quantity);
    IF comment IS NULL AND reason.comment_required THEN
      RETURN fwb.refuse('decision', req_uuid, author, line.line_id, req, format('A comment is required: the reason "%s" always needs one.', reason.label));
    END IF;
    IF comment IS NULL AND p.comment_pct IS NOT NULL AND pct > p.comment_pct THEN
      RETURN fwb.refuse('decision', req_uuid, author, line.line_id, req, format('A comment is required: the change of %s is more than the %s %% the policy allows without one.',
        CASE WHEN pct = 'Infinity' THEN 'an unbounded change (the model said 0)' ELSE fwb.format_number(pct, 1) || ' %' END, p.comment_pct));
    END IF;
    -- Over the threshold it waits for a manager and does not move the plan until approved.
    IF (p.approval_pct IS NOT NULL AND pct > p.approval_pct) OR (p.approval_units IS NOT NULL AND abs(quantity - line.quantity) > p.approval_units) THEN
      status := 'pending_approval';
    END IF;
  ELSE -- undo: the line's current decision, when it is the author's own accept or override
    undone := fwb.current_decision(line.line_id);
    IF undone.decided_by IS DISTINCT FROM author OR undone.batch_id IS NOT NULL OR undone.action NOT IN ('accept', 'override')
       OR (req ? 'undoes' AND (req->>'undoes') IS DISTINCT FROM undone.uuid::text) THEN
      RETURN fwb.refuse('decision', req_uuid, author, line.line_id, req,
        CASE WHEN undone.decision_id IS NOT NULL AND EXISTS (SELECT 1 FROM fwb.decisions m WHERE m.line_id = line.line_id AND m.decided_by = author AND m.action IN ('accept', 'override') AND m.batch_id IS NULL)
             THEN format('Your decision on line %s was followed by %s''s decision %s; it can no longer be undone.', line.line_id, coalesce(undone.decided_by, 'another'), undone.decision_id)
             ELSE format('You have no decision on line %s to undo.', line.line_id) END);
    END IF;
    quantity := NULL;
    source := undone.source;
    comment := NULL;
  END IF;

  INSERT INTO fwb.decisions (uuid, line_id, action, quantity, source, reason_code, comment, decided_by, decided_at, decided_at_client, based_on_seq, status, undoes_decision_id)
  VALUES (req_uuid, line.line_id, action, quantity, source, CASE WHEN action = 'override' THEN reason.code END, comment, author, clock_timestamp(), client_at, based_on, status, undone.decision_id)
  RETURNING * INTO d;
  PERFORM fwb.append_audit(author, 'decision.' || action, 'decision', d.decision_id::text,
    to_jsonb(d) || jsonb_build_object('policySeq', p.seq, 'modelRole', role_in_force, 'modelQuantity', line.quantity));
  PERFORM fwb.track_conflicts(d);
  RETURN fwb.decision_outcome(d);
END $$;

-- The write path of planners and managers: decisions in order, each answered
-- {uuid, status final|pending_approval|refused, reason, seq, ...}.
CREATE FUNCTION fwb.submit_decisions(decisions jsonb) RETURNS jsonb ${definer} AS $$
DECLARE
  author text;
  req jsonb;
  req_uuid uuid;
  -- An array appended in place: concatenating jsonb would copy the whole answer per decision.
  outcomes jsonb[] := '{}';
BEGIN
  author := fwb.require_member(ARRAY['planner', 'manager'], 'decide forecast lines');
  IF jsonb_typeof(decisions) IS DISTINCT FROM 'array' THEN
    RAISE EXCEPTION 'fwb.submit_decisions takes a JSON array of decisions.' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  PERFORM fwb.lock_journal();
  FOR req IN SELECT e.value FROM jsonb_array_elements(decisions) WITH ORDINALITY e ORDER BY e.ordinality LOOP
    BEGIN
      req_uuid := (req->>'uuid')::uuid;
    EXCEPTION WHEN data_exception OR invalid_parameter_value THEN
      req_uuid := NULL;
    END;
    IF req_uuid IS NULL THEN
      RAISE EXCEPTION 'Every decision needs its own uuid (got %): nothing of this call was recorded.', coalesce(req->>'uuid', 'none') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    outcomes := outcomes || coalesce(fwb.stored_outcome('decision', req_uuid, author), fwb.submit_decision(author, req, req_uuid));
  END LOOP;
  RETURN to_jsonb(outcomes);
END $$;

-- A manager's verdict on a pending override (approvals.ts reviewOverride), idempotent by review_uuid.
CREATE FUNCTION fwb.review_override(review_uuid uuid, decision_uuid uuid, verdict text, note text DEFAULT NULL, decided_at_client timestamptz DEFAULT NULL)
RETURNS jsonb ${definer} AS $$
DECLARE
  author text;
  stored jsonb;
  req jsonb;
  d fwb.decisions;
  cur fwb.decisions;
  now_status text;
  line fwb.forecast_lines;
  item fwb.items;
  lock_reason text;
  the_note text := nullif(btrim(coalesce(note, '')), '');
  a fwb.approvals;
BEGIN
  author := fwb.require_member(ARRAY['manager'], 'approve or reject overrides');
  IF review_uuid IS NULL THEN RAISE EXCEPTION 'A review needs its own uuid: nothing was recorded.' USING ERRCODE = 'invalid_parameter_value'; END IF;
  PERFORM fwb.lock_journal();
  stored := fwb.stored_outcome('review', review_uuid, author);
  IF stored IS NOT NULL THEN RETURN stored; END IF;
  req := jsonb_build_object('decision_uuid', decision_uuid, 'verdict', verdict, 'note', note, 'decided_at_client', decided_at_client);
  SELECT * INTO d FROM fwb.decisions x WHERE x.uuid = decision_uuid;
  IF NOT FOUND THEN RETURN fwb.refuse('review', review_uuid, author, NULL, req, format('Decision %s does not exist in the team workbook.', coalesce(decision_uuid::text, 'without a uuid'))); END IF;
  IF verdict IS NULL OR verdict NOT IN ('approved', 'rejected') THEN
    RETURN fwb.refuse('review', review_uuid, author, d.line_id, req, format('"%s" is not a verdict: approved or rejected.', coalesce(verdict, '')));
  END IF;
  IF d.decided_by = author THEN
    RETURN fwb.refuse('review', review_uuid, author, d.line_id, req,
      CASE WHEN verdict = 'approved' THEN 'You cannot approve your own override; another manager must review it.'
           ELSE 'You cannot reject your own override; undo it to take it back, or another manager reviews it.' END);
  END IF;
  IF d.status <> 'pending_approval' THEN RETURN fwb.refuse('review', review_uuid, author, d.line_id, req, format('Decision %s did not need approval.', d.decision_id)); END IF;
  cur := fwb.current_decision(d.line_id);
  IF cur.decision_id IS DISTINCT FROM d.decision_id THEN
    RETURN fwb.refuse('review', review_uuid, author, d.line_id, req,
      format('Decision %s is no longer the current decision of line %s (it was undone or decided again); there is nothing to review.', d.decision_id, d.line_id));
  END IF;
  now_status := fwb.decision_status(d);
  IF now_status <> 'pending_approval' THEN RETURN fwb.refuse('review', review_uuid, author, d.line_id, req, format('Decision %s was already %s.', d.decision_id, now_status)); END IF;
  IF verdict = 'rejected' AND the_note IS NULL THEN RETURN fwb.refuse('review', review_uuid, author, d.line_id, req, 'A rejection needs a note saying why.'); END IF;
  IF verdict = 'approved' THEN
    -- Approving moves the plan, which a freeze or a known actual forbids; rejecting leaves it as it is.
    SELECT * INTO line FROM fwb.forecast_lines l WHERE l.line_id = d.line_id;
    SELECT * INTO item FROM fwb.items i WHERE i.item_key = line.item_key;
    lock_reason := fwb.line_lock(line, fwb.policy_for(item));
    IF lock_reason IS NOT NULL THEN RETURN fwb.refuse('review', review_uuid, author, d.line_id, req, lock_reason); END IF;
  END IF;
  INSERT INTO fwb.approvals (uuid, decision_id, verdict, note, decided_by, decided_at, decided_at_client)
  VALUES (review_uuid, d.decision_id, verdict, the_note, author, clock_timestamp(), review_override.decided_at_client) RETURNING * INTO a;
  PERFORM fwb.append_audit(author, 'approval', 'approval', a.approval_id::text, to_jsonb(a));
  RETURN fwb.review_outcome(a);
END $$;

-- One of a conflict's authors has seen it: the line's open conflicts they are part of close.
CREATE FUNCTION fwb.acknowledge_conflict(line bigint) RETURNS integer ${definer} AS $$
DECLARE
  who text;
  c record;
  n integer := 0;
BEGIN
  who := fwb.require_member(ARRAY['planner', 'manager'], 'acknowledge conflicts');
  PERFORM fwb.lock_journal();
  FOR c IN SELECT * FROM fwb.open_conflicts oc WHERE oc.line_id = acknowledge_conflict.line AND who IN (oc.author, oc.other_author) ORDER BY oc.conflict_id LOOP
    INSERT INTO fwb.conflict_resolutions (conflict_id, how, resolved_by) VALUES (c.conflict_id, 'acknowledged', who);
    PERFORM fwb.append_audit(who, 'conflict.resolve', 'line_conflict', c.conflict_id::text,
      jsonb_build_object('conflictId', c.conflict_id, 'lineId', c.line_id, 'how', 'acknowledged'));
    n := n + 1;
  END LOOP;
  RETURN n;
END $$;

-- Functions run for nobody but those named; helpers only inside the owner's functions.
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA fwb FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fwb.submit_decisions(jsonb) TO fwb_planner, fwb_manager;
GRANT EXECUTE ON FUNCTION fwb.acknowledge_conflict(bigint) TO fwb_planner, fwb_manager;
GRANT EXECUTE ON FUNCTION fwb.review_override(uuid, uuid, text, text, timestamptz) TO fwb_manager;
GRANT SELECT ON fwb.refused_submissions, fwb.line_conflicts, fwb.conflict_resolutions, fwb.open_conflicts TO fwb_analyst, fwb_planner, fwb_manager;
`;
