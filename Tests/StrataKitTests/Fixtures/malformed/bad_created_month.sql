-- revision: aaaa00000001
-- down_revision: none
-- created: 2026-13-01T00:00:00Z

-- migrate:up
CREATE TABLE t (id int);

-- migrate:down
DROP TABLE t;
