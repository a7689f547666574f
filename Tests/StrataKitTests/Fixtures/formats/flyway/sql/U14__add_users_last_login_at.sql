DROP INDEX users_last_login_at_idx;
ALTER TABLE users DROP COLUMN last_login_at;
