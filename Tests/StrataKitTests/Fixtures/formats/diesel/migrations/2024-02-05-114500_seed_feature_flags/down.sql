DELETE FROM feature_flags WHERE key IN ('new_checkout', 'order_export');
