-- Helper functions live in their own schema; tables stay in public.
CREATE SCHEMA app;
