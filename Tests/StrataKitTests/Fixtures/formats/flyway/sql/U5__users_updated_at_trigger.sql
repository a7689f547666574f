DROP TRIGGER users_set_updated_at ON users;
DROP FUNCTION ${schema_name}.set_updated_at();
COMMENT ON SCHEMA ${schema_name} IS NULL;
