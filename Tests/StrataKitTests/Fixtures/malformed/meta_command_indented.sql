-- revision: aaaa00000001
-- down_revision: none
-- message: m

-- migrate:up
  \set ON_ERROR_STOP on
SELECT 1;

-- migrate:down
DROP TABLE t;
