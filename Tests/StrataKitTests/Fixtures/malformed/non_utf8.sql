-- revision: aaaa00000001
-- down_revision: none
-- message: m

-- migrate:up
CREATE TABLE t (id int);

INSERT INTO t VALUES ('café');
-- migrate:down
DROP TABLE t;
