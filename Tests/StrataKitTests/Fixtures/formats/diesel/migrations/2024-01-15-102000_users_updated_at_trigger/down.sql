DROP TRIGGER set_updated_at ON users;
