-- revision: 52c75efe132e
-- down_revision: 53265b830f6f
-- message: add locale and time_zone to users
-- created: 2025-09-02T09:29:00Z

-- migrate:up
ALTER TABLE users
    ADD COLUMN locale text NOT NULL DEFAULT 'en'
    CONSTRAINT users_locale_format CHECK (locale ~ '^[a-z]{2}(-[A-Z]{2})?$');
ALTER TABLE users ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC';

-- migrate:down
ALTER TABLE users DROP COLUMN time_zone;
ALTER TABLE users DROP COLUMN locale;
