-- revision: 80842b98b74e
-- down_revision: none
-- message: enable citext and add the email domain
-- created: 2024-01-08T09:14:00Z

-- migrate:up
CREATE EXTENSION IF NOT EXISTS citext;

CREATE DOMAIN email AS citext
    CONSTRAINT email_format CHECK (VALUE ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$')
    CONSTRAINT email_length CHECK (length(VALUE) <= 254);

COMMENT ON DOMAIN email IS 'Case-insensitive e-mail address with a basic syntax check.';

-- migrate:down
DROP DOMAIN email;
DROP EXTENSION IF EXISTS citext;
