// Version 4 of the team database: later publications (issue 15 item 2). An import into a
// linked workbook is published by its next sync, one import batch per call:
//   fwb.stage_import(kind)        creates, in the caller's session, the staging tables of
//                                 one batch (temporary, dropped at commit, owned by
//                                 fwb_owner, the caller may only INSERT), after checking
//                                 that the caller's role may publish that kind;
//   fwb.publish_import(jsonb)     appends the staged batch with ids the server gives (never
//                                 the workbook's: replicas mint ids that collide), its rows
//                                 naming items and locations by their ids (item_id,
//                                 location_id), one audit entry; answers the team's batch id
//                                 and the seq the publication ends at.
// Who publishes what, held here for every client (psql included): analysts items, forecasts
// and actuals; planners sales inputs; managers nothing. Idempotent by the batch's uuid: a
// publication sent again (a push killed after the server committed) answers what was
// stored and appends nothing. The staging columns are
// shared/team-sync.ts LATER_PUBLICATION_TABLES (as version 3 does; freeze them once it ships).
// Never edit after it ships: version 5 goes into a file of its own.

import { LATER_PUBLICATION_TABLES } from '../../shared/team-sync';

/** The tables (and views) version 4 adds: none; the staging tables are temporary. */
export const SCHEMA_V4_TABLES = [] as const;

const definer = 'LANGUAGE plpgsql SECURITY DEFINER SET search_path = fwb, pg_temp';

/** The staging tables of one batch (shared/team-sync.ts: the client copies in the same columns). */
const IMPORT_STAGING = LATER_PUBLICATION_TABLES;

const STAGING_COUNT = Object.keys(IMPORT_STAGING).length;

/** Who may publish a kind, and the words of the refusal (fwb.require_member's sentence). */
const MAY_PUBLISH = /* sql */ `
CREATE FUNCTION fwb.publisher_of(kind text) RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = fwb, pg_temp AS $$
BEGIN
  IF kind IN ('forecasts', 'actuals', 'items') THEN
    RETURN fwb.require_member(ARRAY['analyst'], 'publish items, forecasts and actuals');
  ELSIF kind = 'sales_inputs' THEN
    RETURN fwb.require_member(ARRAY['planner'], 'publish sales inputs');
  END IF;
  RAISE EXCEPTION 'A batch of kind "%" is not published to the team: items, forecasts and actuals (analysts) and sales inputs (planners) are; decisions go through fwb sync one by one.', coalesce(kind, '')
    USING ERRCODE = 'invalid_parameter_value';
END $$;
`;

export const SCHEMA_V4 = /* sql */ `
${MAY_PUBLISH}

CREATE FUNCTION fwb.stage_import(kind text) RETURNS void ${definer} AS $$
DECLARE
  who text;
BEGIN
  who := fwb.publisher_of(kind);
  -- Only tables this function made are read by publish_import: a caller's own table of the same name is refused.
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.relname LIKE 'fwb\\_import\\_%' AND c.relnamespace = pg_catalog.pg_my_temp_schema()
              AND (c.relowner <> 'fwb_owner'::regrole OR c.relkind <> 'r')) THEN
    RAISE EXCEPTION 'This session holds its own temporary fwb_import_… table: drop it (or use a new session) and publish again.' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.relname = 'fwb_import_batch' AND c.relnamespace = pg_catalog.pg_my_temp_schema()) THEN
${Object.entries(IMPORT_STAGING)
  .map(([t, cols]) => `    CREATE TEMP TABLE ${t} (${cols.map(([n, type]) => `${n} ${type}`).join(', ')}) ON COMMIT DROP;\n    EXECUTE format('GRANT INSERT ON pg_temp.${t} TO %I', who);`)
  .join('\n')}
  END IF;
END $$;

CREATE FUNCTION fwb.publish_import(publication jsonb DEFAULT '{}') RETURNS jsonb ${definer} AS $$
DECLARE
  who text;
  b record;
  stored fwb.import_batches;
  new_batch bigint;
  run_map jsonb := '{}';
  r record;
  rid bigint;
  n_locations bigint := 0; n_items bigint := 0; n_runs bigint := 0; n_lines bigint := 0; n_actuals bigint := 0; n_sales bigint := 0;
  bad text;
  team_grain text;
BEGIN
  IF (SELECT count(*) FROM pg_catalog.pg_class c WHERE c.relname LIKE 'fwb\\_import\\_%' AND c.relnamespace = pg_catalog.pg_my_temp_schema()
        AND c.relowner = 'fwb_owner'::regrole AND c.relkind = 'r') <> ${STAGING_COUNT}
     OR EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.relname LIKE 'fwb\\_import\\_%' AND c.relnamespace = pg_catalog.pg_my_temp_schema()
        AND (c.relowner <> 'fwb_owner'::regrole OR c.relkind <> 'r')) THEN
    RAISE EXCEPTION 'Nothing is staged: call fwb.stage_import(kind) and COPY the batch in the same transaction first.' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF (SELECT count(*) FROM pg_temp.fwb_import_batch) <> 1 THEN
    RAISE EXCEPTION 'One publication is one import batch: stage exactly one row in fwb_import_batch.' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT * INTO b FROM pg_temp.fwb_import_batch;
  -- The staged kind decides, whatever kind the staging was asked for.
  who := fwb.publisher_of(b.kind);
  IF b.uuid IS NULL THEN RAISE EXCEPTION 'A published batch needs its uuid.' USING ERRCODE = 'invalid_parameter_value'; END IF;
  PERFORM fwb.lock_journal();

  -- Sent before (its answer lost): what was stored, nothing appended.
  SELECT * INTO stored FROM fwb.import_batches WHERE uuid = b.uuid;
  IF FOUND THEN
    IF stored.imported_by IS DISTINCT FROM who THEN
      RAISE EXCEPTION 'The uuid % already names another import batch of the team (not yours); nothing was published: publish it again with a new uuid.', b.uuid USING ERRCODE = 'unique_violation';
    END IF;
    RETURN jsonb_build_object('status', 'published', 'again', true, 'uuid', stored.uuid, 'batchId', stored.batch_id, 'kind', stored.kind, 'seq', stored.seq,
                              'throughSeq', (SELECT last_value FROM fwb.seq));
  END IF;

  -- What the tables' own constraints would refuse less clearly, named by row.
  IF b.kind = 'items' THEN
    SELECT format('item %s is in the team already (its changes are not published: the team keeps items as first published)', s.item_id) INTO bad
      FROM pg_temp.fwb_import_items s JOIN fwb.items i ON i.item_id = s.item_id LIMIT 1;
  END IF;
  IF bad IS NULL THEN
    SELECT format('%s of item %s names no item of the team nor of the batch', x.what, x.item_id) INTO bad FROM (
      SELECT 'a forecast line' AS what, item_id FROM pg_temp.fwb_import_lines
      UNION ALL SELECT 'an actual', item_id FROM pg_temp.fwb_import_actuals
      UNION ALL SELECT 'a sales input', item_id FROM pg_temp.fwb_import_sales) x
     WHERE NOT EXISTS (SELECT 1 FROM fwb.items i WHERE i.item_id = x.item_id)
       AND NOT EXISTS (SELECT 1 FROM pg_temp.fwb_import_items s WHERE s.item_id = x.item_id) LIMIT 1;
  END IF;
  IF bad IS NULL THEN
    SELECT format('forecast line %s names run %s, which is not published with it', l.ord, l.run_key) INTO bad
      FROM pg_temp.fwb_import_lines l WHERE NOT EXISTS (SELECT 1 FROM pg_temp.fwb_import_runs rr WHERE rr.run_key = l.run_key) LIMIT 1;
  END IF;
  team_grain := (SELECT grain FROM fwb.forecast_runs ORDER BY seq LIMIT 1);
  IF bad IS NULL AND team_grain IS NOT NULL THEN
    SELECT format('run %s is of %sly periods and the team''s are %sly', r2.run_key, r2.grain, team_grain) INTO bad
      FROM pg_temp.fwb_import_runs r2 WHERE r2.grain <> team_grain LIMIT 1;
  END IF;
  IF bad IS NULL AND ((b.kind <> 'forecasts' AND EXISTS (SELECT 1 FROM pg_temp.fwb_import_lines))
                   OR (b.kind <> 'actuals' AND EXISTS (SELECT 1 FROM pg_temp.fwb_import_actuals))
                   OR (b.kind <> 'sales_inputs' AND EXISTS (SELECT 1 FROM pg_temp.fwb_import_sales))) THEN
    bad := format('a batch of %s carries rows of another kind', b.kind);
  END IF;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'The import % (%) cannot be published: %; nothing was published.', b.file_name, b.kind, bad USING ERRCODE = 'invalid_parameter_value';
  END IF;

  INSERT INTO fwb.import_batches (uuid, kind, file_name, file_size, sha256, source, model_name, model_version, options,
                                  rows_read, rows_accepted, rows_quarantined, imported_by, imported_at, imported_at_client, recorded_by)
  VALUES (b.uuid, b.kind, b.file_name, b.file_size, b.sha256, b.source, b.model_name, b.model_version, coalesce(b.options, '{}'),
          coalesce(b.rows_read, 0), coalesce(b.rows_accepted, 0), coalesce(b.rows_quarantined, 0), who, clock_timestamp(), b.imported_at_client, b.recorded_by)
  RETURNING batch_id INTO new_batch;

  INSERT INTO fwb.locations (location_id, name)
  SELECT DISTINCT ON (s.location_id) s.location_id, s.name FROM pg_temp.fwb_import_locations s
   WHERE NOT EXISTS (SELECT 1 FROM fwb.locations l WHERE l.location_id = s.location_id) ORDER BY s.location_id;
  GET DIAGNOSTICS n_locations = ROW_COUNT;

  -- Items new to the team; an owner who is not a login of the team is no one the team knows.
  INSERT INTO fwb.items (item_id, name, category, brand, family, abc_class, owner_id, unit, attributes, introduced_period, batch_id)
  SELECT DISTINCT ON (s.item_id) s.item_id, s.name, s.category, s.brand, s.family, s.abc_class,
         CASE WHEN EXISTS (SELECT 1 FROM fwb.users u WHERE u.login = s.owner_id) THEN s.owner_id END,
         s.unit, coalesce(s.attributes, '{}'), s.introduced_period, new_batch
    FROM pg_temp.fwb_import_items s WHERE NOT EXISTS (SELECT 1 FROM fwb.items i WHERE i.item_id = s.item_id) ORDER BY s.item_id;
  GET DIAGNOSTICS n_items = ROW_COUNT;

  FOR r IN SELECT * FROM pg_temp.fwb_import_runs ORDER BY run_key LOOP
    INSERT INTO fwb.forecast_runs (model_name, model_version, origin, grain, interval_level, batch_id)
    VALUES (r.model_name, coalesce(r.model_version, ''), r.origin, r.grain, r.interval_level, new_batch) RETURNING run_id INTO rid;
    run_map := run_map || jsonb_build_object(r.run_key::text, rid);
    n_runs := n_runs + 1;
  END LOOP;

  INSERT INTO fwb.forecast_lines (run_id, item_key, location_key, period, lag, quantity, lower, upper)
  SELECT (run_map ->> s.run_key::text)::bigint, i.item_key, l.location_key, s.period, s.lag, s.quantity, s.lower, s.upper
    FROM pg_temp.fwb_import_lines s JOIN fwb.items i ON i.item_id = s.item_id JOIN fwb.locations l ON l.location_id = s.location_id
   ORDER BY s.ord;
  GET DIAGNOSTICS n_lines = ROW_COUNT;

  -- The team keeps every value; the latest seq of a key is in force, as a later import's is in a workbook.
  INSERT INTO fwb.actuals (item_key, location_key, period, quantity, batch_id)
  SELECT i.item_key, l.location_key, s.period, s.quantity, new_batch
    FROM pg_temp.fwb_import_actuals s JOIN fwb.items i ON i.item_id = s.item_id JOIN fwb.locations l ON l.location_id = s.location_id
   ORDER BY s.ord;
  GET DIAGNOSTICS n_actuals = ROW_COUNT;

  INSERT INTO fwb.sales_inputs (item_key, location_key, period, quantity, source, note, batch_id)
  SELECT i.item_key, l.location_key, s.period, s.quantity, s.source, s.note, new_batch
    FROM pg_temp.fwb_import_sales s JOIN fwb.items i ON i.item_id = s.item_id JOIN fwb.locations l ON l.location_id = s.location_id
   ORDER BY s.ord;
  GET DIAGNOSTICS n_sales = ROW_COUNT;

  PERFORM fwb.append_audit(who, 'publish', 'import_batch', new_batch::text, jsonb_build_object(
    'uuid', b.uuid, 'kind', b.kind, 'fileName', b.file_name, 'sha256', b.sha256, 'recordedBy', b.recorded_by,
    'importedAtClient', b.imported_at_client, 'locations', n_locations, 'items', n_items, 'runs', n_runs, 'lines', n_lines,
    'actuals', n_actuals, 'salesInputs', n_sales, 'workbook', publication->'workbook'));
  RETURN jsonb_build_object('status', 'published', 'again', false, 'uuid', b.uuid, 'batchId', new_batch, 'kind', b.kind,
                            'seq', (SELECT seq FROM fwb.import_batches WHERE batch_id = new_batch),
                            'locations', n_locations, 'items', n_items, 'runs', n_runs, 'lines', n_lines, 'actuals', n_actuals, 'salesInputs', n_sales,
                            'throughSeq', (SELECT last_value FROM fwb.seq));
END $$;

-- The first publication keeps the workbook's ids, but a workbook holds rows it does not publish
-- (sales inputs, decision history, undone batches): the team's ids move past those too, or a
-- later publication would be given an id the publisher's replica already uses. Called by the
-- publishing analyst in the transaction of publish_batch; ids are only ever skipped, never reused.
CREATE FUNCTION fwb.reserve_ids(batches bigint, sales_inputs bigint) RETURNS void ${definer} AS $$
BEGIN
  PERFORM fwb.require_member(ARRAY['analyst'], 'publish items, forecasts and actuals');
  IF batches > 1000000000000 OR sales_inputs > 1000000000000 THEN
    RAISE EXCEPTION 'A workbook''s ids beyond 10^12 are not reserved.' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  PERFORM setval(pg_get_serial_sequence('fwb.import_batches', 'batch_id'), greatest(coalesce(batches, 1), (SELECT last_value FROM fwb.import_batches_batch_id_seq)));
  PERFORM setval(pg_get_serial_sequence('fwb.sales_inputs', 'sales_input_id'), greatest(coalesce(sales_inputs, 1), (SELECT last_value FROM fwb.sales_inputs_sales_input_id_seq)));
END $$;

-- Every member may call them, so that anyone not allowed is told why in a sentence.
REVOKE ALL ON FUNCTION fwb.reserve_ids(bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fwb.reserve_ids(bigint, bigint) TO fwb_analyst, fwb_planner, fwb_manager;
REVOKE ALL ON FUNCTION fwb.publisher_of(text), fwb.stage_import(text), fwb.publish_import(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fwb.stage_import(text), fwb.publish_import(jsonb) TO fwb_analyst, fwb_planner, fwb_manager;
`;
