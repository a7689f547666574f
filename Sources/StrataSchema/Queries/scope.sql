-- Expands a scope of (classid, objid) pairs into the OID arrays the object queries filter on.
-- $1 classids, $2 objids (parallel arrays), $3 whether to reflect everything, $4 relations never
-- reflected (regclass texts such as '"public"."strata_version"'; missing ones are ignored).
-- Also returns the server version and, for a scope, which of the queries that filter on relations
-- can find anything (`relation_queries`).
-- Sub-objects name their owner: a constraint, trigger, policy, rule, default or statistics object scopes its
-- table (or domain), a table's row type scopes the table, an array type its element type.
-- A table brings the sequences its columns own (serial) and its indexes, so that sequences.sql and
-- indexes.sql filter on relation OIDs alone.
WITH pairs AS (
    SELECT p.classid, p.objid
    FROM unnest($1::oid[], $2::oid[]) AS p(classid, objid)
),
rels AS (
    SELECT objid AS oid FROM pairs WHERE classid = 'pg_class'::regclass
    UNION SELECT con.conrelid FROM pairs JOIN pg_constraint con ON con.oid = pairs.objid
        WHERE pairs.classid = 'pg_constraint'::regclass AND con.conrelid <> 0
    UNION SELECT tg.tgrelid FROM pairs JOIN pg_trigger tg ON tg.oid = pairs.objid
        WHERE pairs.classid = 'pg_trigger'::regclass
    UNION SELECT pol.polrelid FROM pairs JOIN pg_policy pol ON pol.oid = pairs.objid
        WHERE pairs.classid = 'pg_policy'::regclass
    UNION SELECT rw.ev_class FROM pairs JOIN pg_rewrite rw ON rw.oid = pairs.objid
        WHERE pairs.classid = 'pg_rewrite'::regclass
    UNION SELECT ad.adrelid FROM pairs JOIN pg_attrdef ad ON ad.oid = pairs.objid
        WHERE pairs.classid = 'pg_attrdef'::regclass
    UNION SELECT st.stxrelid FROM pairs JOIN pg_statistic_ext st ON st.oid = pairs.objid
        WHERE pairs.classid = 'pg_statistic_ext'::regclass
    UNION SELECT t.typrelid FROM pairs JOIN pg_type t ON t.oid = pairs.objid
        JOIN pg_class c ON c.oid = t.typrelid AND c.relkind <> 'c'
        WHERE pairs.classid = 'pg_type'::regclass
),
owned AS (
    SELECT oid FROM rels
    UNION SELECT d.objid FROM rels CROSS JOIN LATERAL (
        SELECT d.objid FROM pg_depend d
        WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = rels.oid AND d.classid = 'pg_class'::regclass
          AND d.deptype = 'a' OFFSET 0) d
),
scoped_rels AS (
    SELECT oid FROM owned
    UNION SELECT i.indexrelid FROM owned CROSS JOIN LATERAL (
        SELECT i.indexrelid FROM pg_index i WHERE i.indrelid = owned.oid OFFSET 0) i
),
r AS (
    SELECT ARRAY(SELECT oid FROM scoped_rels ORDER BY 1) AS a
),
types AS (
    SELECT CASE WHEN t.typelem <> 0 AND EXISTS (SELECT FROM pg_type e WHERE e.typarray = t.oid)
                THEN t.typelem ELSE t.oid END AS oid
    FROM pairs JOIN pg_type t ON t.oid = pairs.objid
    WHERE pairs.classid = 'pg_type'::regclass
      AND NOT EXISTS (SELECT FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind <> 'c')
    UNION SELECT con.contypid FROM pairs JOIN pg_constraint con ON con.oid = pairs.objid
        WHERE pairs.classid = 'pg_constraint'::regclass AND con.contypid <> 0
    -- a type that no longer exists: still in scope, so that the reflection it came before shows it removed
    UNION SELECT pairs.objid FROM pairs
        WHERE pairs.classid = 'pg_type'::regclass AND NOT EXISTS (SELECT FROM pg_type t WHERE t.oid = pairs.objid)
)
SELECT
    CASE WHEN $3::bool THEN NULL ELSE r.a END AS rels,
    CASE WHEN $3::bool THEN NULL ELSE ARRAY(SELECT oid FROM types ORDER BY 1) END AS types,
    CASE WHEN $3::bool THEN NULL ELSE ARRAY(SELECT objid FROM pairs WHERE classid = 'pg_proc'::regclass ORDER BY 1) END AS funcs,
    CASE WHEN $3::bool THEN NULL ELSE ARRAY(SELECT objid FROM pairs WHERE classid = 'pg_namespace'::regclass ORDER BY 1) END AS nsps,
    CASE WHEN $3::bool THEN NULL ELSE ARRAY(SELECT objid FROM pairs WHERE classid = 'pg_extension'::regclass ORDER BY 1) END AS exts,
    CASE WHEN $3::bool THEN NULL ELSE ARRAY(SELECT objid FROM pairs WHERE classid = 'pg_default_acl'::regclass ORDER BY 1) END AS defacls,
    CASE WHEN $3::bool THEN NULL ELSE ARRAY(SELECT objid FROM pairs WHERE classid = 'pg_collation'::regclass ORDER BY 1) END AS colls,
    CASE WHEN $3::bool THEN NULL ELSE ARRAY(SELECT objid FROM pairs WHERE classid = 'pg_event_trigger'::regclass ORDER BY 1) END AS evtrigs,
    CASE WHEN $3::bool THEN NULL ELSE ARRAY(SELECT objid FROM pairs WHERE classid = 'pg_ts_dict'::regclass ORDER BY 1) END AS tsdicts,
    CASE WHEN $3::bool THEN NULL ELSE ARRAY(SELECT objid FROM pairs WHERE classid = 'pg_ts_config'::regclass ORDER BY 1) END AS tscfgs,
    CASE WHEN $3::bool THEN NULL ELSE ARRAY(SELECT objid FROM pairs WHERE classid = 'pg_foreign_data_wrapper'::regclass ORDER BY 1) END AS fdws,
    CASE WHEN $3::bool THEN NULL ELSE ARRAY(SELECT objid FROM pairs WHERE classid = 'pg_foreign_server'::regclass ORDER BY 1) END AS srvs,
    -- a publication, or a table's membership in one; and with any relation, every publication
    -- (they print their tables by name, and a dropped table leaves them without a trace)
    CASE WHEN $3::bool THEN NULL ELSE ARRAY(
        SELECT objid FROM pairs WHERE classid = 'pg_publication'::regclass
        UNION SELECT pr.prpubid FROM pairs JOIN pg_publication_rel pr ON pr.oid = pairs.objid WHERE pairs.classid = 'pg_publication_rel'::regclass
        UNION SELECT p.oid FROM pg_publication p WHERE cardinality(r.a) > 0
        ORDER BY 1) END AS pubs,
    ARRAY(SELECT to_regclass(x)::oid FROM unnest($4::text[]) AS x WHERE to_regclass(x) IS NOT NULL ORDER BY 1) AS excluded,
    current_setting('server_version_num') AS server_version_num,
    -- Which relation-scoped queries can return rows at all (a scoped reflection skips the others).
    CASE WHEN $3::bool THEN NULL ELSE ARRAY(
        SELECT DISTINCT q FROM (
            SELECT CASE c.relkind WHEN 'i' THEN 'indexes' WHEN 'I' THEN 'indexes' WHEN 'S' THEN 'sequences' ELSE 'relations' END
            FROM pg_class c WHERE c.oid = ANY(r.a)
            UNION ALL SELECT 'columns' FROM pg_class c WHERE c.oid = ANY(r.a) AND c.relkind IN ('r', 'p', 'f')
            UNION ALL SELECT 'constraints' FROM pg_constraint con WHERE con.conrelid = ANY(r.a)
            UNION ALL SELECT 'triggers' FROM pg_trigger tg WHERE tg.tgrelid = ANY(r.a) AND NOT tg.tgisinternal
            UNION ALL SELECT 'rules' FROM pg_rewrite rw WHERE rw.ev_class = ANY(r.a) AND rw.rulename <> '_RETURN'
            UNION ALL SELECT 'policies' FROM pg_policy pol WHERE pol.polrelid = ANY(r.a)
            UNION ALL SELECT 'statistics' FROM pg_statistic_ext st WHERE st.stxrelid = ANY(r.a)
        ) AS found(q) ORDER BY 1) END AS relation_queries
FROM r
