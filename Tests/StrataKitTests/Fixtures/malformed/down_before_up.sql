-- revision: aaaa00000001
-- down_revision: none
-- message: m

-- migrate:down
DROP TABLE t;
-- migrate:up
CREATE TABLE t (id int);

