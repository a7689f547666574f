-- closure(classid, objid, depth): the rows of CTE `seeds` and, to six levels, what depends on
-- them through the pg_depend rows the argument accepts (a condition on `d`), and their
-- inheritance children (an ALTER TABLE recurses to partitions); one index lookup per object.
-- A clause fragment: it stands where a common table expression goes.
closure(classid, objid, depth) AS (
    SELECT classid, objid, 0 FROM seeds
    UNION ALL
    SELECT x.classid, x.objid, c.depth + 1
    FROM closure c
    CROSS JOIN LATERAL (
        SELECT d.classid, d.objid FROM pg_catalog.pg_depend d
        WHERE d.refclassid = c.classid AND d.refobjid = c.objid AND (@follow@)
        UNION ALL
        SELECT 'pg_class'::regclass::oid, i.inhrelid FROM pg_catalog.pg_inherits i
        WHERE c.classid = 'pg_class'::regclass AND i.inhparent = c.objid
        OFFSET 0
    ) x
    WHERE c.depth < 6
)
