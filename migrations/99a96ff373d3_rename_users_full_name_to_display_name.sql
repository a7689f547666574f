-- revision: 99a96ff373d3
-- down_revision: 2f0a0ccf5dd0
-- message: rename users.full_name to display_name
-- created: 2024-11-06T16:02:00Z

-- migrate:up
ALTER TABLE users RENAME COLUMN full_name TO display_name;

-- migrate:down
ALTER TABLE users RENAME COLUMN display_name TO full_name;
