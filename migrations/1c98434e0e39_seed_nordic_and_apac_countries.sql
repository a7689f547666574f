-- revision: 1c98434e0e39
-- down_revision: 7c341642ec96
-- message: seed currencies and countries for the nordics and apac
-- created: 2025-02-13T14:38:00Z

-- migrate:up
INSERT INTO currencies (code, name, minor_units) VALUES
    ('SEK', 'Swedish Krona',      2),
    ('NOK', 'Norwegian Krone',    2),
    ('DKK', 'Danish Krone',       2),
    ('AUD', 'Australian Dollar',  2),
    ('NZD', 'New Zealand Dollar', 2);

INSERT INTO countries (code, name, currency_code) VALUES
    ('SE', 'Sweden',      'SEK'),
    ('NO', 'Norway',      'NOK'),
    ('DK', 'Denmark',     'DKK'),
    ('FI', 'Finland',     'EUR'),
    ('AU', 'Australia',   'AUD'),
    ('NZ', 'New Zealand', 'NZD');

-- migrate:down
DELETE FROM countries WHERE code IN ('SE', 'NO', 'DK', 'FI', 'AU', 'NZ');
DELETE FROM currencies WHERE code IN ('SEK', 'NOK', 'DKK', 'AUD', 'NZD');
