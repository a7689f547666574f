CREATE TABLE plans (
    code text PRIMARY KEY,
    name text NOT NULL,
    monthly_price_cents integer NOT NULL,
    max_users integer,
    CONSTRAINT plans_monthly_price_cents_check CHECK (monthly_price_cents >= 0),
    CONSTRAINT plans_max_users_check CHECK (max_users IS NULL OR max_users > 0)
);

ALTER TABLE orgs ADD COLUMN plan_code text REFERENCES plans (code);

COMMENT ON TABLE orgs IS 'Customer organisations; plan_code is the plan they pay for.';
