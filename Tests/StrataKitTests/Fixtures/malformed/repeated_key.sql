-- revision: aaaa00000001
-- down_revision: none
-- revision: aaaa00000002

-- migrate:up
CREATE TABLE t (id int);

-- migrate:down
DROP TABLE t;
