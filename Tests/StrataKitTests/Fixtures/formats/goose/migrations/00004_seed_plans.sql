-- +goose Up
INSERT INTO plans (code, name, monthly_price_cents, max_users) VALUES
    ('free', 'Free', 0, 3),
    ('team', 'Team', 2900, 25),
    ('business', 'Business', 9900, NULL);

-- +goose Down
DELETE FROM plans WHERE code IN ('free', 'team', 'business');
