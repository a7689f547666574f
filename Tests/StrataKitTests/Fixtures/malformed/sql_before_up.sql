-- revision: aaaa00000001
-- down_revision: none
-- message: m

SELECT 1;
-- migrate:up
CREATE TABLE t (id int);

-- migrate:down
DROP TABLE t;
