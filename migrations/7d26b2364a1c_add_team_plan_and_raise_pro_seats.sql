-- revision: 7d26b2364a1c
-- down_revision: 49977fd2cf31
-- message: add the team plan and raise the seat limit of pro
-- created: 2025-10-21T08:18:00Z

-- migrate:up
INSERT INTO plans (code, name, monthly_price_cents, max_seats, is_public, sort_order) VALUES
    ('team', 'Team', 4900, 15, true, 25);

UPDATE plans SET max_seats = 50 WHERE code = 'pro';

-- migrate:down
UPDATE plans SET max_seats = 25 WHERE code = 'pro';

-- Team subscribers fall back to starter before the plan goes away.
UPDATE subscriptions SET plan_code = 'starter' WHERE plan_code = 'team';
DELETE FROM plans WHERE code = 'team';
