-- migrate:up
INSERT INTO feature_flags (id, key, enabled, created_at) VALUES
    (gen_random_uuid(), 'new_checkout', false, now()),
    (gen_random_uuid(), 'order_export', true, now());

-- migrate:down
DELETE FROM feature_flags WHERE key IN ('new_checkout', 'order_export');
