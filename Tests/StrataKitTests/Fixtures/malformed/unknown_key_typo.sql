-- revision: aaaa00000001
-- down_revison: none

-- migrate:up
CREATE TABLE t (id int);

-- migrate:down
DROP TABLE t;
