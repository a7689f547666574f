WITH RECURSIVE touched(classid, objid) AS (SELECT * FROM unnest($1, $2)),
{{recorder_objects:}},
refs AS (
    SELECT classid, objid, whole FROM objects
    UNION SELECT 0, objid, false FROM seeds WHERE classid = 'pg_class'::regclass
)
SELECT classid::text, objid::text, {{recorder_entry: refs.classid; refs.objid}}, whole
FROM refs
