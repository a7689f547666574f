-- revision: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
-- down_revision: none

-- migrate:up
CREATE TABLE t (id int);

-- migrate:down
DROP TABLE t;
