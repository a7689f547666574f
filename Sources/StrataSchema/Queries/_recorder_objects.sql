seeds(classid, objid) AS (
    SELECT classid, objid FROM touched
    UNION ALL
    -- a lookup per row (OFFSET 0): the generic plan would otherwise scan pg_class
    SELECT 'pg_type'::regclass::oid, c.reltype FROM touched t CROSS JOIN LATERAL (
        SELECT c.reltype FROM pg_catalog.pg_class c WHERE c.oid = t.objid AND c.relkind = 'c' OFFSET 0) c
    WHERE t.classid = 'pg_class'::regclass
),
{{closure: d.deptype = 'a' OR (d.deptype = 'i' AND d.classid = 'pg_class'::regclass)}},
objects AS (
    SELECT m.classid, m.objid, bool_or(m.classid = c.classid) AS whole, bool_or(c.depth = 0) AS seed
    FROM (SELECT classid, objid, min(depth) AS depth FROM closure GROUP BY classid, objid) c
    CROSS JOIN LATERAL (
        -- one branch per catalog, each a lookup that runs only for its own class (a CASE
        -- of scalar subqueries is planned again for every place the planner copies it to)
        SELECT CASE WHEN k.conrelid <> 0 THEN 'pg_class'::regclass::oid ELSE 'pg_type'::regclass::oid END AS classid,
               CASE WHEN k.conrelid <> 0 THEN k.conrelid ELSE k.contypid END AS objid
        FROM pg_catalog.pg_constraint k WHERE c.classid = 'pg_constraint'::regclass AND k.oid = c.objid
        UNION ALL
        SELECT 'pg_class'::regclass::oid, g.tgrelid FROM pg_catalog.pg_trigger g WHERE c.classid = 'pg_trigger'::regclass AND g.oid = c.objid
        UNION ALL
        SELECT 'pg_class'::regclass::oid, p.polrelid FROM pg_catalog.pg_policy p WHERE c.classid = 'pg_policy'::regclass AND p.oid = c.objid
        UNION ALL
        SELECT 'pg_class'::regclass::oid, w.ev_class FROM pg_catalog.pg_rewrite w WHERE c.classid = 'pg_rewrite'::regclass AND w.oid = c.objid
        UNION ALL
        SELECT 'pg_class'::regclass::oid, a.adrelid FROM pg_catalog.pg_attrdef a WHERE c.classid = 'pg_attrdef'::regclass AND a.oid = c.objid
        UNION ALL
        -- a table's membership in a publication is part of the publication's entry
        SELECT 'pg_publication'::regclass::oid, pr.prpubid FROM pg_catalog.pg_publication_rel pr
        WHERE c.classid = 'pg_publication_rel'::regclass AND pr.oid = c.objid
        UNION ALL
        SELECT c.classid, c.objid
        WHERE c.classid NOT IN ('pg_constraint'::regclass, 'pg_trigger'::regclass, 'pg_policy'::regclass, 'pg_rewrite'::regclass,
                                'pg_attrdef'::regclass, 'pg_publication_rel'::regclass)
    ) m
    GROUP BY m.classid, m.objid
)
