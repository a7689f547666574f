-- revision: aaaa00000001
-- down_revision: none
-- archive:

-- migrate:up
CREATE TABLE t (id int);

-- migrate:down
DROP TABLE t;
