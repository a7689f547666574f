-- revision: 777c68b476ba
-- down_revision: 6cb324ef1b2d
-- message: create addresses and link orders to a shipping address
-- created: 2024-12-25T16:55:00Z

-- migrate:up
CREATE TABLE addresses (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    country_code char(2) NOT NULL REFERENCES countries (code) ON UPDATE CASCADE,
    line1        text NOT NULL,
    line2        text,
    city         text NOT NULL,
    region       text,
    postal_code  text,
    is_default   boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- One default address per user.
CREATE UNIQUE INDEX ux_addresses_one_default ON addresses (user_id) WHERE is_default;

ALTER TABLE orders ADD COLUMN shipping_address_id bigint REFERENCES addresses (id) ON DELETE SET NULL;

-- migrate:down
ALTER TABLE orders DROP COLUMN shipping_address_id;
DROP TABLE addresses;
