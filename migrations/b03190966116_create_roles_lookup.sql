-- revision: b03190966116
-- down_revision: 624d01f35633
-- message: create the roles lookup table with seed rows
-- created: 2024-03-03T16:19:00Z

-- migrate:up
CREATE TABLE roles (
    code        text PRIMARY KEY CHECK (code ~ '^[a-z_]+$'),
    name        text NOT NULL,
    rank        smallint NOT NULL UNIQUE,
    description text
);

INSERT INTO roles (code, name, rank, description) VALUES
    ('owner',   'Owner',           10, 'Full access, including billing and deleting the organization'),
    ('admin',   'Administrator',   20, 'Manages members, catalog and orders'),
    ('member',  'Member',          30, 'Works with the catalog and orders'),
    ('billing', 'Billing contact', 40, 'Sees invoices and payment methods only');

COMMENT ON TABLE roles IS 'Lookup: membership roles, ordered by rank (lower is more powerful).';

-- migrate:down
DROP TABLE roles;
