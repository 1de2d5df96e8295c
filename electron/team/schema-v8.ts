// Version 8 of the team database: items change after they were first published (issue 15,
// item 2: "analysts import … items"). An item's category and ABC class choose the policy
// segment (freeze, thresholds, the model's role) that judges a decision on its lines, so a
// changed item master must reach the team, and the team must judge by it from its arrival on.
//   fwb.item_versions   every version of a changed item, append-only, each with its seq, the
//                       batch that brought it and the analyst who published it; version 1 is
//                       the item as first published, copied in when it first changes.
//   fwb.items           stays the row *in force* of each item (as version 1's header planned:
//                       "changed only by the write functions, each change with a new seq"); a
//                       trigger lets a row change only into its latest version, with that
//                       version's seq, and never go. So everything that reads fwb.items —
//                       fwb.policy_for, version 5's set-based fwb.submit_decisions, version 6's
//                       fwb.save_policy — reads the version in force when the call arrives (all
//                       of them hold the journal's lock, as a publication does), and a replica's
//                       pull ("items after my mark") brings a changed item again.
//   fwb.publish_import  an items batch may now name items the team holds, with the cells its
//                       file had (an empty one keeps the team's value, as an import does in a
//                       workbook); those whose values then differ become new versions (one
//                       audit entry 'item.versions' for the
//                       batch, with each version and what it replaced); items new to the team and
//                       the batch row go as version 4 published them. Same name, argument,
//                       grants, answers (plus changedItems), so a client of version 6 calls it
//                       unchanged. Version 4's function is kept, renamed fwb.publish_new_rows,
//                       callable by the owner's functions only.
// Who may: analysts, as for every items batch (fwb.publisher_of, version 4). A decision judged
// before a change keeps its judgement: decisions are never judged again.
// Never edit after it ships: version 9 goes into a file of its own.

/** The tables version 8 adds. */
export const SCHEMA_V8_TABLES = ['item_versions'] as const;

const definer = 'LANGUAGE plpgsql SECURITY DEFINER SET search_path = fwb, pg_temp';

/** An item's values that a version carries (item_key and item_id never change). */
const VALUES = ['name', 'category', 'brand', 'family', 'abc_class', 'owner_id', 'unit', 'attributes', 'introduced_period'] as const;
const tuple = (alias: string) => `(${VALUES.map((c) => `${alias}.${c}`).join(', ')})`;

export const SCHEMA_V8 = /* sql */ `
CREATE TABLE fwb.item_versions (
  item_version_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  item_key          bigint NOT NULL REFERENCES fwb.items (item_key),
  version           integer NOT NULL CHECK (version >= 1),
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
  published_by      text REFERENCES fwb.users (login),
  recorded_at       timestamptz NOT NULL DEFAULT now(),
  seq               bigint NOT NULL UNIQUE DEFAULT nextval('fwb.seq'),
  UNIQUE (item_key, version)
);
CREATE TRIGGER item_versions_append_only BEFORE UPDATE OR DELETE ON fwb.item_versions FOR EACH ROW EXECUTE FUNCTION fwb.refuse_change();
CREATE TRIGGER item_versions_no_truncate BEFORE TRUNCATE ON fwb.item_versions FOR EACH STATEMENT EXECUTE FUNCTION fwb.refuse_change();
REVOKE ALL ON fwb.item_versions FROM PUBLIC;
GRANT SELECT ON fwb.item_versions TO fwb_analyst, fwb_planner, fwb_manager;

-- fwb.items is each item's version in force: a row changes only into its latest version (values and seq), and stays.
CREATE FUNCTION fwb.item_follows_versions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v fwb.item_versions;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    SELECT * INTO v FROM fwb.item_versions x WHERE x.item_key = OLD.item_key ORDER BY x.version DESC LIMIT 1;
    IF FOUND AND NEW.seq = v.seq AND NEW.item_key = OLD.item_key AND NEW.item_id = OLD.item_id AND NEW.batch_id IS NOT DISTINCT FROM OLD.batch_id
       AND ${tuple('NEW')} IS NOT DISTINCT FROM ${tuple('v')} THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'fwb.items holds each item''s version in force: an item changes only by a new version in fwb.item_versions (an analyst''s items batch, fwb.publish_import), and is never removed'
    USING ERRCODE = 'insufficient_privilege';
END $$;
REVOKE ALL ON FUNCTION fwb.item_follows_versions() FROM PUBLIC;
CREATE TRIGGER items_follow_versions BEFORE UPDATE OR DELETE ON fwb.items FOR EACH ROW EXECUTE FUNCTION fwb.item_follows_versions();
CREATE TRIGGER items_no_truncate BEFORE TRUNCATE ON fwb.items FOR EACH STATEMENT EXECUTE FUNCTION fwb.refuse_change();

-- Version 4's publication, kept for everything but the changes to items the team holds.
ALTER FUNCTION fwb.publish_import(jsonb) RENAME TO publish_new_rows;
REVOKE ALL ON FUNCTION fwb.publish_new_rows(jsonb) FROM PUBLIC, fwb_analyst, fwb_planner, fwb_manager;

CREATE FUNCTION fwb.publish_import(publication jsonb DEFAULT '{}') RETURNS jsonb ${definer} AS $$
DECLARE
  who text;
  b record;
  answer jsonb;
  new_batch bigint;
  changed jsonb;
  r record;
  cur fwb.items;
  nv fwb.items;
  v fwb.item_versions;
  versions jsonb := '[]';
  bad text;
BEGIN
  -- Only a staging made by fwb.stage_import, of one items batch, is read here; anything else is version 4's to answer (or refuse).
  IF (SELECT count(*) FROM pg_catalog.pg_class c WHERE c.relname LIKE 'fwb\\_import\\_%' AND c.relnamespace = pg_catalog.pg_my_temp_schema()
        AND c.relowner = 'fwb_owner'::regrole AND c.relkind = 'r') = 0
     OR EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.relname LIKE 'fwb\\_import\\_%' AND c.relnamespace = pg_catalog.pg_my_temp_schema()
        AND (c.relowner <> 'fwb_owner'::regrole OR c.relkind <> 'r'))
     OR to_regclass('pg_temp.fwb_import_items') IS NULL OR to_regclass('pg_temp.fwb_import_batch') IS NULL
     OR (SELECT count(*) FROM pg_temp.fwb_import_batch) <> 1
     OR (SELECT kind FROM pg_temp.fwb_import_batch) IS DISTINCT FROM 'items' THEN
    RETURN fwb.publish_new_rows(publication);
  END IF;
  SELECT * INTO b FROM pg_temp.fwb_import_batch;
  who := fwb.publisher_of('items');
  PERFORM fwb.lock_journal();
  -- Sent before (its answer lost): version 4 answers what was stored; nothing is changed again.
  IF b.uuid IS NULL OR EXISTS (SELECT 1 FROM fwb.import_batches x WHERE x.uuid = b.uuid) THEN
    answer := fwb.publish_new_rows(publication);
    RETURN answer || jsonb_build_object('changedItems',
      (SELECT count(*) FROM fwb.item_versions x WHERE x.batch_id = (answer->>'batchId')::bigint AND x.version > 1));
  END IF;

  -- The staged rows of items the team holds leave the staging (version 4 refuses them) and are kept here.
  SELECT format('item %s has the ABC class "%s": it is A, B, C or empty', s.item_id, s.abc_class) INTO bad
    FROM pg_temp.fwb_import_items s WHERE s.abc_class IS NOT NULL AND s.abc_class NOT IN ('A', 'B', 'C') LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'The import % (items) cannot be published: %; nothing was published.', b.file_name, bad USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT coalesce(jsonb_agg(to_jsonb(s) ORDER BY s.item_id), '[]') INTO changed
    FROM (SELECT DISTINCT ON (s.item_id) s.* FROM pg_temp.fwb_import_items s WHERE EXISTS (SELECT 1 FROM fwb.items i WHERE i.item_id = s.item_id) ORDER BY s.item_id) s;
  DELETE FROM pg_temp.fwb_import_items s WHERE EXISTS (SELECT 1 FROM fwb.items i WHERE i.item_id = s.item_id);

  answer := fwb.publish_new_rows(publication);
  new_batch := (answer->>'batchId')::bigint;

  FOR r IN SELECT x.* FROM jsonb_to_recordset(changed) AS x(item_id text, name text, category text, brand text, family text, abc_class text,
                                                          owner_id text, unit text, attributes jsonb, introduced_period integer)
            ORDER BY x.item_id LOOP
    SELECT * INTO cur FROM fwb.items i WHERE i.item_id = r.item_id;
    -- A staged value is what the analyst's file said; an empty one keeps the team's (as an items import does in a workbook),
    -- so another analyst's change of other fields, published meanwhile, stays. An owner who is not a login is no one the team knows.
    nv := cur;
    nv.name := coalesce(r.name, cur.name);
    nv.category := coalesce(r.category, cur.category);
    nv.brand := coalesce(r.brand, cur.brand);
    nv.family := coalesce(r.family, cur.family);
    nv.abc_class := coalesce(r.abc_class, cur.abc_class);
    nv.owner_id := CASE WHEN r.owner_id IS NULL THEN cur.owner_id WHEN EXISTS (SELECT 1 FROM fwb.users u WHERE u.login = r.owner_id) THEN r.owner_id END;
    nv.unit := coalesce(r.unit, cur.unit);
    nv.attributes := cur.attributes || coalesce(r.attributes, '{}');
    CONTINUE WHEN ${tuple('nv')} IS NOT DISTINCT FROM ${tuple('cur')};
    IF NOT EXISTS (SELECT 1 FROM fwb.item_versions x WHERE x.item_key = cur.item_key) THEN
      INSERT INTO fwb.item_versions (item_key, version, ${VALUES.join(', ')}, batch_id)
      VALUES (cur.item_key, 1, ${VALUES.map((c) => `cur.${c}`).join(', ')}, cur.batch_id);
    END IF;
    INSERT INTO fwb.item_versions (item_key, version, ${VALUES.join(', ')}, batch_id, published_by, recorded_at)
    VALUES (cur.item_key, (SELECT max(x.version) + 1 FROM fwb.item_versions x WHERE x.item_key = cur.item_key),
            ${VALUES.map((c) => `nv.${c}`).join(', ')}, new_batch, who, clock_timestamp())
    RETURNING * INTO v;
    UPDATE fwb.items i SET ${VALUES.map((c) => `${c} = v.${c}`).join(', ')}, seq = v.seq WHERE i.item_key = cur.item_key;
    versions := versions || jsonb_build_array(jsonb_build_object('itemId', r.item_id, 'version', to_jsonb(v),
      'before', jsonb_build_object(${VALUES.map((c) => `'${c}', cur.${c}`).join(', ')})));
  END LOOP;

  IF jsonb_array_length(versions) > 0 THEN
    PERFORM fwb.append_audit(who, 'item.versions', 'import_batch', new_batch::text, jsonb_build_object(
      'uuid', b.uuid, 'fileName', b.file_name, 'count', jsonb_array_length(versions), 'versions', versions));
  END IF;
  RETURN answer || jsonb_build_object('changedItems', jsonb_array_length(versions), 'throughSeq', (SELECT last_value FROM fwb.seq));
END $$;

REVOKE ALL ON FUNCTION fwb.publish_import(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fwb.publish_import(jsonb) TO fwb_analyst, fwb_planner, fwb_manager;
`;
