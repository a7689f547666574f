DELETE FROM plans WHERE code IN ('free', 'team', 'business');
