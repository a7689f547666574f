-- revision: aaaa00000001
-- message: m

-- migrate:up
CREATE TABLE t (id int);

-- migrate:down
DROP TABLE t;
