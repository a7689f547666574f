-- revision: aaaa00000001
-- down_revision: none
-- message: m

-- migrate:upgrade
SELECT 1;
