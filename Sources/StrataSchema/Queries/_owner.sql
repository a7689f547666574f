-- An object's owner, quoted, when it is not the usual one: the role reflecting (who runs the
-- migrations, so owns what they create) or pg_database_owner (PostgreSQL 15's owner of the
-- public schema). NULL (not set) for the usual owner, so that two databases built by different
-- roles compare equal, and an `ALTER ... OWNER TO` shows.
CASE WHEN pg_get_userbyid(@owner@) IN (current_user::text, 'pg_database_owner') THEN NULL ELSE quote_ident(pg_get_userbyid(@owner@)) END
