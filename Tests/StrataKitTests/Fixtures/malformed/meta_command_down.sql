-- revision: aaaa00000001
-- down_revision: none
-- message: m

-- migrate:up
CREATE TABLE t (id int);

-- migrate:down
\connect other
DROP TABLE t;
