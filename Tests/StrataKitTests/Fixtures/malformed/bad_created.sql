-- revision: aaaa00000001
-- down_revision: none
-- created: yesterday

-- migrate:up
CREATE TABLE t (id int);

-- migrate:down
DROP TABLE t;
