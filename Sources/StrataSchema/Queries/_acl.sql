CASE WHEN (@acl@) IS NOT NULL THEN (
    SELECT string_agg(g.attribute || E'\x1f' || g.privileges, E'\x1e' ORDER BY g.attribute COLLATE "C")
    FROM (
        SELECT CASE WHEN x.granted THEN 'grant ' ELSE 'revoke ' END
                   || CASE WHEN x.grantee = 0 THEN 'PUBLIC'
                           WHEN x.grantee = (@owner@) THEN 'owner'
                           ELSE pg_get_userbyid(x.grantee) END AS attribute,
               string_agg(x.privilege_type || CASE WHEN x.is_grantable THEN ' (grantable)' ELSE '' END,
                          ', ' ORDER BY x.privilege_type COLLATE "C") AS privileges
        FROM (
            (SELECT true AS granted, e.grantee, e.privilege_type, e.is_grantable FROM aclexplode(NULLIF(@acl@, '{}'::aclitem[])) e
             EXCEPT
             SELECT true, d.grantee, d.privilege_type, d.is_grantable FROM aclexplode(NULLIF(@default@, '{}'::aclitem[])) d)
            UNION ALL
            (SELECT false, d.grantee, d.privilege_type, d.is_grantable FROM aclexplode(NULLIF(@default@, '{}'::aclitem[])) d
             EXCEPT
             SELECT false, e.grantee, e.privilege_type, e.is_grantable FROM aclexplode(NULLIF(@acl@, '{}'::aclitem[])) e)
        ) x
        GROUP BY 1
    ) g)
END
