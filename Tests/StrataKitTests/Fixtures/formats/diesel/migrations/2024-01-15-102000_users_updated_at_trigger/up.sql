-- diesel_manage_updated_at comes from 00000000000000_diesel_initial_setup:
-- it adds a BEFORE UPDATE trigger named set_updated_at that calls
-- the plpgsql function diesel_set_updated_at().
SELECT diesel_manage_updated_at('users');
