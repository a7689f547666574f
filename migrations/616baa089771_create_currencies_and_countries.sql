-- revision: 616baa089771
-- down_revision: 58b6bd99c8a7
-- message: create currencies and countries with seed rows
-- created: 2024-04-02T11:15:00Z

-- migrate:up
CREATE TABLE currencies (
    code        char(3) PRIMARY KEY CHECK (code ~ '^[A-Z]{3}$'),
    name        text NOT NULL,
    minor_units smallint NOT NULL DEFAULT 2 CHECK (minor_units BETWEEN 0 AND 4)
);

CREATE TABLE countries (
    code          char(2) PRIMARY KEY CHECK (code ~ '^[A-Z]{2}$'),
    name          text NOT NULL UNIQUE,
    currency_code char(3) NOT NULL REFERENCES currencies (code) ON UPDATE CASCADE ON DELETE RESTRICT
);

INSERT INTO currencies (code, name, minor_units) VALUES
    ('USD', 'US Dollar',       2),
    ('EUR', 'Euro',            2),
    ('GBP', 'Pound Sterling',  2),
    ('JPY', 'Yen',             0),
    ('CHF', 'Swiss Franc',     2),
    ('CAD', 'Canadian Dollar', 2);

INSERT INTO countries (code, name, currency_code) VALUES
    ('US', 'United States',  'USD'),
    ('CA', 'Canada',         'CAD'),
    ('GB', 'United Kingdom', 'GBP'),
    ('IE', 'Ireland',        'EUR'),
    ('DE', 'Germany',        'EUR'),
    ('FR', 'France',         'EUR'),
    ('NL', 'Netherlands',    'EUR'),
    ('ES', 'Spain',          'EUR'),
    ('IT', 'Italy',          'EUR'),
    ('CH', 'Switzerland',    'CHF'),
    ('JP', 'Japan',          'JPY');

COMMENT ON TABLE currencies IS 'Lookup: ISO 4217 currencies we can charge in.';
COMMENT ON COLUMN currencies.minor_units IS 'Digits after the decimal point (JPY: 0).';
COMMENT ON TABLE countries IS 'Lookup: ISO 3166-1 alpha-2 countries we ship to.';

-- migrate:down
DROP TABLE countries;
DROP TABLE currencies;
