-- revision: aaaa00000001
-- down_revision: none
-- replaces: a1, b-2

-- migrate:up
CREATE TABLE t (id int);

-- migrate:down
DROP TABLE t;
