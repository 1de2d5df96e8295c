// Version 3 of the team database: the first publication of a workbook's data (TEAM.md,
// "publish_batch"). Analysts only, held by the database for every client:
//   fwb.stage_publication()       creates, in the caller's session, the staging tables
//                                 (temporary, dropped at commit, owned by fwb_owner, the
//                                 caller may only INSERT into them), which the client
//                                 fills by COPY;
//   fwb.publish_batch(jsonb)      validates what was staged and appends it to the team's
//                                 tables, each row with its seq, the batches' provenance
//                                 (imported_by the publishing login; the workbook's
//                                 importer kept as recorded_by), one audit entry; answers
//                                 counts and the seq the publication ends at.
// This version publishes into an empty team only (the first workbook of a team), keeping
// the workbook's ids so that its replica needs no id map; a later version publishes a
// linked workbook's new imports with ids the server gives.
// Never edit after it ships: version 4 goes into a file of its own.
import { PUBLISHED_TABLES } from '../../shared/team-sync';

/** The tables (and views) version 3 adds: none; the staging tables are temporary. */
export const SCHEMA_V3_TABLES = [] as const;



const definer = 'LANGUAGE plpgsql SECURITY DEFINER SET search_path = fwb, pg_temp';

/** Identity columns whose sequence moves past the ids a publication kept. */
const IDENTITIES: [table: string, column: string][] = [
  ['import_batches', 'batch_id'],
  ['locations', 'location_key'],
  ['items', 'item_key'],
  ['forecast_runs', 'run_id'],
  ['forecast_lines', 'line_id'],
  ['actuals', 'actual_id'],
];

export const SCHEMA_V3 = /* sql */ `
-- Who the workbook named as a batch's importer, as text: imported_by is the login that published it.
ALTER TABLE fwb.import_batches ADD COLUMN recorded_by text;

CREATE FUNCTION fwb.stage_publication() RETURNS void ${definer} AS $$
DECLARE
  who text;
BEGIN
  who := fwb.require_member(ARRAY['analyst'], 'publish items, forecasts and actuals');
  -- Only tables this function made are read by publish_batch: a caller's own table of the same name is refused.
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.relname LIKE 'fwb\\_stage\\_%' AND c.relnamespace = pg_catalog.pg_my_temp_schema()
              AND (c.relowner <> 'fwb_owner'::regrole OR c.relkind <> 'r')) THEN
    RAISE EXCEPTION 'This session holds its own temporary fwb_stage_… table: drop it (or use a new session) and publish again.' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.relname = 'fwb_stage_lines' AND c.relnamespace = pg_catalog.pg_my_temp_schema()) THEN
${Object.entries(PUBLISHED_TABLES)
  .map(([t, cols]) => `    CREATE TEMP TABLE ${t} (${cols.map(([n, type]) => `${n} ${type}`).join(', ')}) ON COMMIT DROP;\n    EXECUTE format('GRANT INSERT ON pg_temp.${t} TO %I', who);`)
  .join('\n')}
  END IF;
END $$;

CREATE FUNCTION fwb.publish_batch(publication jsonb DEFAULT '{}') RETURNS jsonb ${definer} AS $$
DECLARE
  who text;
  n_batches bigint; n_items bigint; n_locations bigint; n_runs bigint; n_lines bigint; n_actuals bigint;
  bad text;
  dropped_owners text[];
  through bigint;
BEGIN
  who := fwb.require_member(ARRAY['analyst'], 'publish items, forecasts and actuals');
  IF (SELECT count(*) FROM pg_catalog.pg_class c WHERE c.relname LIKE 'fwb\\_stage\\_%' AND c.relnamespace = pg_catalog.pg_my_temp_schema()
        AND c.relowner = 'fwb_owner'::regrole AND c.relkind = 'r') <> ${Object.keys(PUBLISHED_TABLES).length}
     OR EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.relname LIKE 'fwb\\_stage\\_%' AND c.relnamespace = pg_catalog.pg_my_temp_schema()
        AND (c.relowner <> 'fwb_owner'::regrole OR c.relkind <> 'r')) THEN
    RAISE EXCEPTION 'Nothing is staged: call fwb.stage_publication() and COPY the rows in the same transaction first.' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  PERFORM fwb.lock_journal();
  IF EXISTS (SELECT 1 FROM fwb.import_batches) OR EXISTS (SELECT 1 FROM fwb.items) OR EXISTS (SELECT 1 FROM fwb.forecast_runs) OR EXISTS (SELECT 1 FROM fwb.actuals) THEN
    RAISE EXCEPTION 'The team workbook already holds data, and only the first workbook of an empty team is published whole: join with an empty workbook to pull the team''s data.'
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;

  -- What the tables' own constraints would refuse less clearly.
  SELECT format('item %s names batch %s, which is not published with it', s.item_id, s.batch_id) INTO bad
    FROM pg_temp.fwb_stage_items s WHERE s.batch_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_temp.fwb_stage_batches b WHERE b.batch_id = s.batch_id) LIMIT 1;
  IF bad IS NULL THEN
    SELECT format('forecast line %s names run %s, which is not published with it', l.line_id, l.run_id) INTO bad
      FROM pg_temp.fwb_stage_lines l WHERE NOT EXISTS (SELECT 1 FROM pg_temp.fwb_stage_runs r WHERE r.run_id = l.run_id) LIMIT 1;
  END IF;
  IF bad IS NULL THEN
    SELECT format('location %s is location %s in the team workbook but %s in the workbook', s.location_id, l.location_key, s.location_key) INTO bad
      FROM pg_temp.fwb_stage_locations s JOIN fwb.locations l ON l.location_id = s.location_id WHERE l.location_key <> s.location_key LIMIT 1;
  END IF;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'The workbook cannot be published: %; nothing was published.', bad USING ERRCODE = 'invalid_parameter_value';
  END IF;

  INSERT INTO fwb.import_batches (batch_id, uuid, kind, file_name, file_size, sha256, source, model_name, model_version, options,
                                  rows_read, rows_accepted, rows_quarantined, imported_by, imported_at, imported_at_client, recorded_by)
  OVERRIDING SYSTEM VALUE
  SELECT batch_id, uuid, kind, file_name, file_size, sha256, source, model_name, model_version, coalesce(options, '{}'),
         coalesce(rows_read, 0), coalesce(rows_accepted, 0), coalesce(rows_quarantined, 0), who, clock_timestamp(), imported_at_client, recorded_by
    FROM pg_temp.fwb_stage_batches ORDER BY batch_id;
  GET DIAGNOSTICS n_batches = ROW_COUNT;

  INSERT INTO fwb.locations (location_key, location_id, name) OVERRIDING SYSTEM VALUE
  SELECT s.location_key, s.location_id, s.name FROM pg_temp.fwb_stage_locations s
   WHERE NOT EXISTS (SELECT 1 FROM fwb.locations l WHERE l.location_id = s.location_id) ORDER BY s.location_key;
  GET DIAGNOSTICS n_locations = ROW_COUNT;

  -- An owner who is not a login of the team is no one the team knows: the item is published without one.
  SELECT array_agg(DISTINCT s.owner_id ORDER BY s.owner_id) INTO dropped_owners FROM pg_temp.fwb_stage_items s
   WHERE s.owner_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM fwb.users u WHERE u.login = s.owner_id);
  INSERT INTO fwb.items (item_key, item_id, name, category, brand, family, abc_class, owner_id, unit, attributes, introduced_period, batch_id)
  OVERRIDING SYSTEM VALUE
  SELECT s.item_key, s.item_id, s.name, s.category, s.brand, s.family, s.abc_class,
         CASE WHEN EXISTS (SELECT 1 FROM fwb.users u WHERE u.login = s.owner_id) THEN s.owner_id END,
         s.unit, coalesce(s.attributes, '{}'), s.introduced_period, s.batch_id
    FROM pg_temp.fwb_stage_items s ORDER BY s.item_key;
  GET DIAGNOSTICS n_items = ROW_COUNT;

  INSERT INTO fwb.forecast_runs (run_id, model_name, model_version, origin, grain, interval_level, batch_id) OVERRIDING SYSTEM VALUE
  SELECT run_id, model_name, coalesce(model_version, ''), origin, grain, interval_level, batch_id FROM pg_temp.fwb_stage_runs ORDER BY run_id;
  GET DIAGNOSTICS n_runs = ROW_COUNT;

  INSERT INTO fwb.forecast_lines (line_id, run_id, item_key, location_key, period, lag, quantity, lower, upper) OVERRIDING SYSTEM VALUE
  SELECT line_id, run_id, item_key, location_key, period, lag, quantity, lower, upper FROM pg_temp.fwb_stage_lines ORDER BY line_id;
  GET DIAGNOSTICS n_lines = ROW_COUNT;

  -- Superseded values first: of each key, the value in force is the latest (highest seq).
  INSERT INTO fwb.actuals (actual_id, item_key, location_key, period, quantity, batch_id) OVERRIDING SYSTEM VALUE
  SELECT actual_id, item_key, location_key, period, quantity, batch_id FROM pg_temp.fwb_stage_actuals ORDER BY NOT superseded, actual_id;
  GET DIAGNOSTICS n_actuals = ROW_COUNT;

${IDENTITIES.map(([t, c]) => `  PERFORM setval(pg_get_serial_sequence('fwb.${t}', '${c}'), greatest((SELECT max(${c}) FROM fwb.${t}), 1));`).join('\n')}

  through := (SELECT last_value FROM fwb.seq);
  PERFORM fwb.append_audit(who, 'publish', 'team', NULL, jsonb_build_object(
    'batches', n_batches, 'locations', n_locations, 'items', n_items, 'runs', n_runs, 'lines', n_lines, 'actuals', n_actuals,
    'throughSeq', through, 'workbook', publication->'workbook'));
  RETURN jsonb_build_object('batches', n_batches, 'locations', n_locations, 'items', n_items, 'runs', n_runs, 'lines', n_lines,
                            'actuals', n_actuals, 'ownersNotInTeam', to_jsonb(coalesce(dropped_owners, '{}')),
                            'throughSeq', (SELECT last_value FROM fwb.seq));
END $$;

-- Every member may call them, so that anyone but an analyst is told why in a sentence.
REVOKE ALL ON FUNCTION fwb.stage_publication(), fwb.publish_batch(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fwb.stage_publication(), fwb.publish_batch(jsonb) TO fwb_analyst, fwb_planner, fwb_manager;
`;
