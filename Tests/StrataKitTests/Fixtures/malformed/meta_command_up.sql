-- revision: aaaa00000001
-- down_revision: none
-- message: m

-- migrate:up
CREATE TABLE t (id int);
\i other.sql

-- migrate:down
DROP TABLE t;
