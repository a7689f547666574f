-- revision: aaaa00000001
-- down_revision: none
-- message: m

CREATE TABLE t (id int);
