-- revision: aaaa00000001
-- down_revision: bad.id

-- migrate:up
CREATE TABLE t (id int);

-- migrate:down
DROP TABLE t;
